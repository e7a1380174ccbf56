/** The conversation-state contract (read, write, delete, exclusive, ready, purge), on both backends. */
import { describe, expect, it } from 'vitest';
import { stateWith, ticket, turn } from '../../helpers/records';
import { backends } from './backends';

describe.each(backends())('%s conversation states', (_name, make) => {
  it('is ready, reads nothing for an unknown conversation, then the state last written', async () => {
    const { conversations: c } = await make();
    await c.ready();
    expect(await c.read('c1')).toBeUndefined();
    await c.write('c1', stateWith(1), turn('一'));
    await c.write('c1', stateWith(2), turn('二'));
    expect((await c.read('c1'))?.turns).toBe(2);
  });

  it('keeps extra fields of the state as written (the chat service keeps idempotency keys there)', async () => {
    const { conversations: c } = await make();
    const state = { ...stateWith(1), idempotency: [{ key: 'k', at: '2026-03-01T08:00:00.000Z', result: { replies: [] } }] };
    await c.write('keys', state, turn('一'));
    expect(await c.read('keys')).toEqual(state);
  });

  it('serialises concurrent sections of one conversation so no update is lost', async () => {
    const s = await make();
    const c = s.conversations;
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        c.exclusive('busy', async () => {
          const n = (await c.read('busy'))?.turns ?? 0;
          await new Promise((r) => setTimeout(r, 1));
          await c.write('busy', stateWith(n + 1), turn(`m${i}`));
        }),
      ),
    );
    expect((await c.read('busy'))?.turns).toBe(30);
    expect(await s.transcripts.read('busy')).toHaveLength(30);
  });

  it('returns what the section returns, and its error', async () => {
    const { conversations: c } = await make();
    expect(await c.exclusive('r', async () => 42)).toBe(42);
    await expect(c.exclusive('r', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    // The conversation is not left locked.
    expect(await c.exclusive('r', async () => 'again')).toBe('again');
  });

  it('lets a read outside a section see what the section wrote', async () => {
    const { conversations: c } = await make();
    await c.write('seen', stateWith(1), turn('一'));
    let written!: () => void;
    let finish!: () => void;
    const wrote = new Promise<void>((r) => (written = r));
    const done = new Promise<void>((r) => (finish = r));
    const section = c.exclusive('seen', async () => {
      await c.write('seen', stateWith(2), turn('二'));
      written();
      await done;
    });
    await wrote;
    expect((await c.read('seen'))?.turns).toBe(2);
    finish();
    await section;
  });

  it('deletes everything kept about a conversation: state, transcript and handoff tickets', async () => {
    const s = await make();
    await s.conversations.write('gone', stateWith(1), turn('x'));
    await s.tickets.save(ticket('G1', 'gone', '2026-03-01T08:00:00.000Z'));
    expect(await s.conversations.delete('gone')).toBe(true);
    expect(await s.conversations.read('gone')).toBeUndefined();
    expect(await s.transcripts.read('gone')).toEqual([]);
    expect(await s.tickets.list(10, 'gone')).toEqual([]);
    expect(await s.tickets.list(10)).toEqual([]);
    expect(await s.conversations.delete('gone')).toBe(false);
  });

  it('purges conversations idle since before the retention cut-off, with their transcripts and tickets', async () => {
    const s = await make();
    await s.conversations.write('old', stateWith(1), turn('x', '2020-01-01T00:00:00.000Z'));
    await s.conversations.write('new', stateWith(1), turn('y'));
    await s.tickets.save(ticket('OLD', 'old', '2020-01-01T00:00:00.000Z'));
    expect(await s.conversations.purgeIdleSince(new Date(Date.now() - 86400_000))).toBe(1);
    expect(await s.conversations.read('old')).toBeUndefined();
    expect(await s.transcripts.read('old')).toEqual([]);
    expect(await s.conversations.read('new')).toBeDefined();
    expect(await s.tickets.list(10)).toEqual([]);
  });

  it('reports itself healthy', async () => {
    const s = await make();
    expect(await s.health()).toEqual({ ok: true });
  });
});
