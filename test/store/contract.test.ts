/** The same contract for both stores: real lowdb files and a real redis-server. */
import { readdirSync, readFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RedisStore } from '../../src/store/redis';
import type { TurnRecord } from '../../src/store/types';
import { newConversationState } from '../../src/engine/types';
import type { HandoffTicket } from '../../src/handoff/types';
import { TestRedis } from '../helpers/redis';
import { storesForFile } from '../helpers/stores';

const stores = storesForFile();
const lowdb = () => stores.lowdb();
const redisStore = (prefix?: string) => stores.redis(prefix);
const turn = (text: string, at = new Date().toISOString()): TurnRecord => ({ at, channel: 'test', text, intent: 'fallback', confidence: 1, replies: [{ text: `re:${text}` }] });
const stateWith = (turns: number) => ({ ...newConversationState(), turns });
const ticket = (id: string, conversationId: string, createdAt: string): HandoffTicket => ({
  id,
  conversationId,
  channel: 'test',
  createdAt,
  reason: 'requested',
  summary: { intentPath: ['handoff.human'], lastMessages: ['转人工'] },
});

describe.each([
  ['lowdb', async () => lowdb()],
  ['redis', async () => redisStore()],
] as const)('%s store', (_name, make) => {
  it('keeps state and the whole transcript; export returns both', async () => {
    const s = await make();
    expect(await s.getState('c1')).toBeUndefined();
    await s.append('c1', stateWith(1), turn('一'));
    await s.append('c1', stateWith(2), turn('二'));
    expect((await s.getState('c1'))?.turns).toBe(2);
    const e = await s.export('c1');
    expect(e?.turns.map((t) => t.text)).toEqual(['一', '二']);
    expect(e?.state.turns).toBe(2);
  });

  it('serialises concurrent turns of one conversation so no update is lost', async () => {
    const s = await make();
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        s.exclusive('busy', async () => {
          const n = (await s.getState('busy'))?.turns ?? 0;
          await new Promise((r) => setTimeout(r, 1));
          await s.append('busy', stateWith(n + 1), turn(`m${i}`));
        }),
      ),
    );
    expect((await s.getState('busy'))?.turns).toBe(30);
    expect((await s.export('busy'))?.turns).toHaveLength(30);
  });

  it('forgets a conversation everywhere', async () => {
    const s = await make();
    await s.append('gone', stateWith(1), turn('x'));
    expect(await s.delete('gone')).toBe(true);
    expect(await s.export('gone')).toBeUndefined();
    expect(await s.getState('gone')).toBeUndefined();
    expect(await s.delete('gone')).toBe(false);
  });

  it('keeps handoff tickets: newest first, limited, per conversation', async () => {
    const s = await make();
    expect(await s.listHandoffs(10)).toEqual([]);
    await s.append('h1', stateWith(1), turn('转人工'));
    await s.saveHandoff(ticket('A', 'h1', '2026-03-01T08:00:00.000Z'));
    await s.saveHandoff(ticket('C', 'h2', '2026-03-03T08:00:00.000Z'));
    await s.saveHandoff(ticket('B', 'h1', '2026-03-02T08:00:00.000Z'));
    expect((await s.listHandoffs(10)).map((t) => t.id)).toEqual(['C', 'B', 'A']);
    expect((await s.listHandoffs(2)).map((t) => t.id)).toEqual(['C', 'B']);
    expect((await s.listHandoffs(10, 'h1')).map((t) => t.id)).toEqual(['B', 'A']);
    expect(await s.listHandoffs(1, 'h1')).toEqual([ticket('B', 'h1', '2026-03-02T08:00:00.000Z')]);
    expect(await s.listHandoffs(10, 'nobody')).toEqual([]);
  });

  it('forgets a conversation\'s handoff tickets with it, and only those', async () => {
    const s = await make();
    await s.append('mine', stateWith(1), turn('转人工'));
    await s.saveHandoff(ticket('M1', 'mine', '2026-03-01T08:00:00.000Z'));
    await s.saveHandoff(ticket('M2', 'mine', '2026-03-01T09:00:00.000Z'));
    await s.saveHandoff(ticket('O1', 'other', '2026-03-01T10:00:00.000Z'));
    expect(await s.delete('mine')).toBe(true);
    expect(await s.listHandoffs(10, 'mine')).toEqual([]);
    expect((await s.listHandoffs(10)).map((t) => t.id)).toEqual(['O1']);
  });

  it('scans every conversation\'s transcript once, with its id', async () => {
    const s = await make();
    await s.append('web:a', stateWith(1), turn('一'));
    await s.append('web:a', stateWith(2), turn('二'));
    await s.append('weird/../id', stateWith(1), turn('三'));
    await s.append('wechat:o-3', stateWith(1), turn('四'));
    const seen = new Map<string, string[]>();
    for await (const c of s.scan()) {
      expect(seen.has(c.conversationId)).toBe(false);
      seen.set(c.conversationId, c.turns.map((t) => t.text));
    }
    expect(Object.fromEntries(seen)).toEqual({ 'web:a': ['一', '二'], 'weird/../id': ['三'], 'wechat:o-3': ['四'] });
  });

  it('purges conversations idle since before the retention cut-off', async () => {
    const s = await make();
    await s.append('old', stateWith(1), turn('x', '2020-01-01T00:00:00.000Z'));
    await s.append('new', stateWith(1), turn('y'));
    await s.saveHandoff(ticket('OLD', 'old', '2020-01-01T00:00:00.000Z'));
    expect(await s.purgeIdleSince(new Date(Date.now() - 86400_000))).toBe(1);
    expect(await s.getState('old')).toBeUndefined();
    expect(await s.getState('new')).toBeDefined();
    expect(await s.listHandoffs(10)).toEqual([]);
  });
});

describe('lowdb layout', () => {
  it('writes one state file and one transcript per conversation, each valid', async () => {
    const s = lowdb();
    const dir = stores.dir(s);
    await s.append('web:abc', stateWith(1), turn('你好'));
    await s.append('weird/../id', stateWith(1), turn('x'));
    // Turns reach the conversation files at the next checkpoint (about a second); flush is one now.
    await s.flush();
    const files = readdirSync(join(dir, 'conversations')).sort();
    // One-to-one names (src/store/file-names.ts): lower-case letters, digits and - kept, the rest escaped.
    expect(files).toEqual(['web%3aabc.json', 'weird%2f%2e%2e%2fid.json']);
    for (const f of readdirSync(join(dir, 'conversations'))) JSON.parse(readFileSync(join(dir, 'conversations', f), 'utf8'));
    expect(readdirSync(join(dir, 'transcripts'))).toContain('web%3aabc.jsonl');
  });

  it('keeps a conversation\'s handoff tickets in its own JSON-lines file', async () => {
    const s = lowdb();
    const dir = stores.dir(s);
    await s.saveHandoff(ticket('T1', 'web:abc', '2026-03-01T08:00:00.000Z'));
    await s.saveHandoff(ticket('T2', 'web:abc', '2026-03-01T09:00:00.000Z'));
    expect(readdirSync(join(dir, 'handoffs'))).toEqual(['web%3aabc.jsonl']);
    const lines = readFileSync(join(dir, 'handoffs', 'web%3aabc.jsonl'), 'utf8').trim().split('\n');
    expect(lines.map((l) => JSON.parse(l).id)).toEqual(['T1', 'T2']);
  });

  it('skips a transcript line cut short by a crash', async () => {
    const s = lowdb();
    const dir = stores.dir(s);
    await s.append('cut', stateWith(1), turn('whole'));
    appendFileSync(join(dir, 'transcripts', 'cut.jsonl'), '{"at":"2026-');
    expect((await s.export('cut'))?.turns.map((t) => t.text)).toEqual(['whole']);
  });
});

describe('redis across instances', () => {
  it('two store instances on one Redis never lose an update of a shared conversation', async () => {
    const prefix = `x${Date.now()}:`;
    const a = await redisStore(prefix);
    const b = await redisStore(prefix);
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => {
        const s = i % 2 ? a : b;
        return s.exclusive('shared', async () => {
          const n = (await s.getState('shared'))?.turns ?? 0;
          await s.append('shared', stateWith(n + 1), turn(`m${i}`));
        });
      }),
    );
    expect((await a.getState('shared'))?.turns).toBe(40);
    expect((await b.export('shared'))?.turns).toHaveLength(40);
  });

  it('fails fast with StoreUnavailableError while Redis is down, and recovers by itself', async () => {
    const own = await TestRedis.start();
    const s = stores.track(new RedisStore(own.url));
    await s.ready();
    await s.append('r', stateWith(1), turn('before'));
    await own.down();
    await expect(s.getState('r')).rejects.toThrow(/conversation store unavailable/);
    expect((await s.health()).ok).toBe(false);
    await own.up();
    await s.ready(10_000);
    await s.append('r2', stateWith(1), turn('after'));
    expect((await s.getState('r2'))?.turns).toBe(1);
    await own.down();
  });
});
