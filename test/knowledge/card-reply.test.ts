import { describe, expect, it } from 'vitest';
import { cardReply } from '../../src/knowledge/card-reply';
import { loadCards } from '../../src/knowledge/cards';

const set = loadCards();
const words = { personal: '按您说的情况：', inGeneral: '一般情况：', regionalLabel: '地区差异提示', sourcesLabel: '来源' };
const reply = (id: string, facts = {}) => cardReply(set.byId.get(id)!, facts, { words, sourceTitle: (s) => `«${s}»`, byId: set.byId });

describe('cardReply', () => {
  const withConditions = set.cards.find((c) => c.conditions.some((x) => 'above' in x.when && x.when.field === 'age'))!;

  it('answers with the card, its sources and its next cards as choices', () => {
    const r = reply(withConditions.id);
    expect(r.text.startsWith(withConditions.answer.trim().slice(0, 10))).toBe(true);
    expect(r.sources.length).toBe(new Set(withConditions.sources).size);
    expect(r.text).toContain(`【来源】«${withConditions.sources[0]}»`);
    expect(r.next.map((n) => n.card)).toEqual(withConditions.next.filter((id) => set.byId.has(id)));
    expect(r.personal).toBeUndefined();
  });

  it('leads with what a condition says for this person, keeping the general answer below', () => {
    const other = set.cards.find((c) => c.conditions.some((x) => !x.final && x.when.field === 'reason'))!;
    const cond = other.conditions.find((x) => !x.final && x.when.field === 'reason')!;
    const r = reply(other.id, { reason: (cond.when as { equals: string }).equals });
    expect(r.text.startsWith(`按您说的情况：${cond.text}`)).toBe(true);
    expect(r.text).toContain('一般情况：');
  });

  it('a final condition (over 65) replaces the general answer, which would contradict it', () => {
    const over = withConditions.conditions.find((x) => 'above' in x.when && x.when.field === 'age')!;
    expect(over.final).toBe(true);
    const r = reply(withConditions.id, { age: 70 });
    expect(r.text.startsWith(`按您说的情况：${over.text}`)).toBe(true);
    expect(r.text).not.toContain('一般情况：');
    expect(reply(withConditions.id, { age: 40 }).personal).toBeUndefined();
  });
});
