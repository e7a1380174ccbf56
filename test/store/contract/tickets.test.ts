/** The handoff-ticket contract (save, list newest first), on both backends. */
import { describe, expect, it } from 'vitest';
import { newestFirst } from '../../../src/store/types';
import { stateWith, ticket, turn } from '../../helpers/records';
import { backends } from './backends';

describe.each(backends())('%s tickets', (_name, make) => {
  it('lists tickets newest first, limited, per conversation', async () => {
    const { tickets, conversations } = await make();
    expect(await tickets.list(10)).toEqual([]);
    await conversations.write('h1', stateWith(1), turn('转人工'));
    await tickets.save(ticket('A', 'h1', '2026-03-01T08:00:00.000Z'));
    await tickets.save(ticket('C', 'h2', '2026-03-03T08:00:00.000Z'));
    await tickets.save(ticket('B', 'h1', '2026-03-02T08:00:00.000Z'));
    expect((await tickets.list(10)).map((t) => t.id)).toEqual(['C', 'B', 'A']);
    expect((await tickets.list(2)).map((t) => t.id)).toEqual(['C', 'B']);
    expect((await tickets.list(10, 'h1')).map((t) => t.id)).toEqual(['B', 'A']);
    expect(await tickets.list(1, 'h1')).toEqual([ticket('B', 'h1', '2026-03-02T08:00:00.000Z')]);
    expect(await tickets.list(10, 'nobody')).toEqual([]);
    expect(await tickets.list(0)).toEqual([]);
  });

  it('orders tickets of the same millisecond by id, descending', async () => {
    const { tickets } = await make();
    const at = '2026-03-05T08:00:00.000Z';
    for (const id of ['T2', 'T9', 'T1']) await tickets.save(ticket(id, 'same', at));
    expect((await tickets.list(10)).map((t) => t.id)).toEqual(['T9', 'T2', 'T1']);
    expect((await tickets.list(10, 'same')).map((t) => t.id)).toEqual(['T9', 'T2', 'T1']);
  });

  it("forgets a conversation's tickets with it, and only those", async () => {
    const { tickets, conversations } = await make();
    await conversations.write('mine', stateWith(1), turn('转人工'));
    await tickets.save(ticket('M1', 'mine', '2026-03-01T08:00:00.000Z'));
    await tickets.save(ticket('M2', 'mine', '2026-03-01T09:00:00.000Z'));
    await tickets.save(ticket('O1', 'other', '2026-03-01T10:00:00.000Z'));
    expect(await conversations.delete('mine')).toBe(true);
    expect(await tickets.list(10, 'mine')).toEqual([]);
    expect((await tickets.list(10)).map((t) => t.id)).toEqual(['O1']);
  });
});

describe('newestFirst', () => {
  it('sorts by creation time, then id, both descending, without changing its input', () => {
    const input = [ticket('A', 'c', '2026-03-01T08:00:00.000Z'), ticket('C', 'c', '2026-03-02T08:00:00.000Z'), ticket('B', 'c', '2026-03-01T08:00:00.000Z')];
    expect(newestFirst(input).map((t) => t.id)).toEqual(['C', 'B', 'A']);
    expect(input.map((t) => t.id)).toEqual(['A', 'C', 'B']);
  });
});
