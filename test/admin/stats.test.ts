/** The analytics numbers checked against a known set of stored turns and tickets, on both stores. */
import { describe, expect, it } from 'vitest';
import { computeStats } from '../../src/admin/stats';
import { newConversationState } from '../../src/engine/types';
import type { HandoffReason, HandoffTicket } from '../../src/handoff/types';
import type { ConversationStore, TurnRecord } from '../../src/store/types';
import { tempService } from '../helpers/service';
import { storesForFile } from '../helpers/stores';

const stores = storesForFile('jianli-stats-');

const rec = (at: string, text: string, intent: string, extra: Partial<TurnRecord> = {}): TurnRecord => ({
  at,
  channel: 'web',
  text,
  intent,
  confidence: 1,
  replies: [{ text: 're' }],
  ...extra,
});
const ticket = (id: string, createdAt: string, reason: HandoffReason, conversationId: string): HandoffTicket => ({
  id,
  conversationId,
  channel: 'web',
  createdAt,
  reason,
  summary: { intentPath: [], lastMessages: [] },
});

/** Four conversations over three Beijing days; 2026-03-01T17:30Z is already 03-02 in Beijing. */
const CONVERSATIONS: Record<string, TurnRecord[]> = {
  a: [
    rec('2026-03-01T01:00:00.000Z', '', 'chitchat.greeting'),
    rec('2026-03-01T01:01:00.000Z', '注销需要什么材料', 'process.materials'),
    rec('2026-03-01T17:30:00.000Z', '转人工', 'handoff.human'),
  ],
  b: [
    rec('2026-03-02T02:00:00.000Z', '帮我看看能不能注销', 'interview.start', { interview: 'started' }),
    rec('2026-03-02T02:01:00.000Z', '没有', 'interview.start'),
    rec('2026-03-02T02:02:00.000Z', '有', 'interview.start', { verdict: { status: 'blocked', blockers: ['UNSETTLED_PROJECTS'], missing: [] } }),
    rec('2026-03-03T02:00:00.000Z', '再帮我看看', 'interview.start', { interview: 'started' }),
  ],
  c: [
    rec('2026-03-03T03:00:00.000Z', '明天天气怎么样', 'fallback'),
    rec('2026-03-03T03:01:00.000Z', '我想买菜', 'fallback'),
    rec('2026-03-03T03:02:00.000Z', '审批要多久', 'process.approval_time'),
    rec('2026-03-03T03:03:00.000Z', '材料', 'process.materials'),
  ],
  d: [rec('2026-03-03T05:00:00.000Z', '自查', 'interview.start', { interview: 'started', verdict: { status: 'eligible', blockers: [], missing: [] } })],
};
const TICKETS = [
  ticket('T1', '2026-03-01T17:30:00.000Z', 'requested', 'a'),
  ticket('T2', '2026-03-03T03:01:00.000Z', 'repeated_fallback', 'c'),
  ticket('T3', '2026-03-03T04:00:00.000Z', 'complaint', 'c'),
];

async function fill(store: ConversationStore): Promise<ConversationStore> {
  for (const [id, turns] of Object.entries(CONVERSATIONS)) {
    for (const [i, t] of turns.entries()) await store.conversations.write(id, { ...newConversationState(), turns: i + 1 }, t);
  }
  for (const t of TICKETS) await store.tickets.save(t);
  return store;
}

describe.each([
  ['lowdb', async () => stores.lowdb()],
  ['redis', async () => stores.redis(`stats${Math.random().toString(36).slice(2)}:`)],
] as const)('computeStats on %s', (_name, open) => {
  it('counts questions per Beijing day, top first questions, fallback rate, interview completion, verdicts and handoffs', async () => {
    const store = await fill(await open());
    const stats = await computeStats(store, { now: new Date('2026-03-03T12:00:00.000Z'), days: 4, title: (i) => `《${i}》` });
    expect(stats.conversations).toBe(4);
    expect(stats.questions).toBe(11);
    expect(stats.questionsPerDay).toEqual([
      { day: '2026-02-28', count: 0 },
      { day: '2026-03-01', count: 1 },
      { day: '2026-03-02', count: 4 },
      { day: '2026-03-03', count: 6 },
    ]);
    // The first question of each conversation: the greeting record and the misunderstood messages
    // are skipped, the interview's answers and later questions are not counted.
    expect(stats.topIntents).toEqual([
      { intent: 'interview.start', title: '《interview.start》', count: 2 },
      { intent: 'process.approval_time', title: '《process.approval_time》', count: 1 },
      { intent: 'process.materials', title: '《process.materials》', count: 1 },
    ]);
    expect(stats.fallback).toEqual({ count: 2, rate: 0.1818 });
    expect(stats.interviews).toEqual({ started: 3, completed: 2, rate: 0.6667 });
    expect(stats.verdicts).toEqual({ eligible: 1, blocked: 1, needs_info: 0 });
    expect(stats.handoffs).toEqual({
      total: 3,
      byReason: { requested: 1, repeated_fallback: 1, complaint: 1 },
      perDay: [
        { day: '2026-02-28', count: 0 },
        { day: '2026-03-01', count: 0 },
        { day: '2026-03-02', count: 1 },
        { day: '2026-03-03', count: 2 },
      ],
    });
    expect(stats).toMatchObject({ generatedAt: '2026-03-03T12:00:00.000Z', timeZone: 'Asia/Shanghai' });
  });
});

describe('stored turns for the analytics', () => {
  it('mark the turn that starts an interview and the one that ends it with its verdict (codes only)', async () => {
    const temp = tempService();
    const say = (text: string) => temp.service.handle({ conversationId: 'iv', text, channel: 'web' });
    await say('帮我看看我能不能注销');
    await say('我在北京，退休了，手上没有项目');
    for (const answer of ['没有', '不是', '修满了', '愿意', '已解除且有证明']) await say(answer);
    const turns = await temp.service.store.transcripts.read('iv');
    expect(turns.map((t) => t.interview ?? null)).toEqual(['started', null, null, null, null, null, null]);
    expect(turns.at(-1)?.verdict).toEqual({ status: 'eligible', blockers: [], missing: [] });
    expect(turns.slice(0, -1).every((t) => t.verdict === undefined)).toBe(true);
    const stats = await computeStats(temp.service.store);
    expect(stats.interviews).toEqual({ started: 1, completed: 1, rate: 1 });
    expect(stats.verdicts.eligible).toBe(1);
    temp.cleanup();
  });
});
