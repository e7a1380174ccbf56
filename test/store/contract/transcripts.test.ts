/** The transcript-log contract (read, scan; written with the state), on both backends. */
import { describe, expect, it } from 'vitest';
import { exportConversation } from '../../../src/store/export';
import { stateWith, turn } from '../../helpers/records';
import { backends } from './backends';

describe.each(backends())('%s transcript log', (_name, make) => {
  it("reads a conversation's turns in the order written, and nothing for an unknown one", async () => {
    const s = await make();
    expect(await s.transcripts.read('t1')).toEqual([]);
    await s.conversations.write('t1', stateWith(1), turn('一', '2026-03-01T08:00:00.000Z'));
    await s.conversations.write('t1', stateWith(2), turn('二', '2026-03-01T08:00:01.000Z'));
    expect(await s.transcripts.read('t1')).toEqual([turn('一', '2026-03-01T08:00:00.000Z'), turn('二', '2026-03-01T08:00:01.000Z')]);
  });

  it('keeps the turn record as written, analytics fields included', async () => {
    const s = await make();
    const record = { ...turn('开始'), interview: 'started' as const, verdict: { status: 'eligible' as const, blockers: [], missing: [] } };
    await s.conversations.write('iv', stateWith(1), record);
    expect(await s.transcripts.read('iv')).toEqual([record]);
  });

  it("scans every conversation's transcript once, with its id", async () => {
    const s = await make();
    await s.conversations.write('web:a', stateWith(1), turn('一'));
    await s.conversations.write('web:a', stateWith(2), turn('二'));
    await s.conversations.write('weird/../id', stateWith(1), turn('三'));
    await s.conversations.write('wechat:o-3', stateWith(1), turn('四'));
    const seen = new Map<string, string[]>();
    for await (const c of s.transcripts.scan()) {
      expect(seen.has(c.conversationId)).toBe(false);
      seen.set(
        c.conversationId,
        c.turns.map((t) => t.text),
      );
    }
    expect(Object.fromEntries(seen)).toEqual({ 'web:a': ['一', '二'], 'weird/../id': ['三'], 'wechat:o-3': ['四'] });
  });

  it('exports a conversation as its state and whole transcript', async () => {
    const s = await make();
    expect(await exportConversation(s, 'e1')).toBeUndefined();
    await s.conversations.write('e1', stateWith(1), turn('一'));
    await s.conversations.write('e1', stateWith(2), turn('二'));
    const e = await exportConversation(s, 'e1');
    expect(e?.conversationId).toBe('e1');
    expect(e?.state.turns).toBe(2);
    expect(e?.turns.map((t) => t.text)).toEqual(['一', '二']);
  });
});
