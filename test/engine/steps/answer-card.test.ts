import { describe, expect, it } from 'vitest';
import { answerCard } from '../../../src/engine/steps/answer-card';
import { ctx, k, textOf } from './helpers';

describe('step: an answer card', () => {
  it('answers a question its card clearly answers, with the card reported and its sources', () => {
    const o = answerCard(ctx([], '注销要交钱吗'));
    expect(o?.answer).toBe('fees.cost');
    expect(o?.sources.length).toBeGreaterThan(0);
  });

  it('a card that never asks the kind of question asked (多久, 在哪) loses to one that does', () => {
    const settings = k.cards.settings;
    expect(Object.keys(settings.questionKinds)).toEqual(expect.arrayContaining(['duration', 'place']));
    const long = answerCard(ctx([], '注销办下来要多久'));
    const card = long?.answer ? k.cards.byId.get(long.answer) : undefined;
    expect(settings.questionKinds.duration.some((w) => [card?.question, ...(card?.phrasings ?? [])].some((q) => q?.includes(w)))).toBe(true);
  });

  it('a message naming deregistration is not answered by an out-of-scope card about none of it', () => {
    const o = answerCard(ctx([], '我们是监理公司，资质人数不够，离职的工程师能先不注销吗'));
    expect(o?.answer && k.cards.byId.get(o.answer)?.scope).toBe('in');
    expect(textOf(o)).toContain('不能');
  });

  it('cards of the check never answer a message without a word of the domain the classifier only guessed as the check', () => {
    const o = answerCard(ctx([], '帮我看看这只股票明天能不能买'));
    expect(o?.answer === undefined || k.cards.byId.get(o.answer)?.subject !== 'interview.start').toBe(true);
  });

  it('in a conversation about registration, a plain follow-up gets its card or the close cards, never nothing', () => {
    const o = answerCard(ctx(['公司破产了我的注册怎么办'], '那拖欠我的工资找谁要'));
    expect(o).toBeDefined();
    expect(o?.answer ?? o?.choices.length).toBeTruthy();
  });

  it('inside the check, a bare answer is left to the check and a question of its own is answered', () => {
    expect(answerCard(ctx(['帮我看看能不能注销'], '上海'))).toBeUndefined();
    expect(answerCard(ctx(['帮我看看能不能注销'], '注销要交钱吗'))?.answer).toBe('fees.cost');
  });
});

describe('step: an answer card, when the classifier and retrieval disagree', () => {
  it('a card clearly ahead wins over a sure classifier whose subject has no card near', () => {
    const o = answerCard(ctx([], '想做信用修复 怎么申请'));
    expect(o?.answer).toBe('blacklist.repair');
  });

  it('a question stating a wrong-firm registration nothing else reads gets the reason card', () => {
    const o = answerCard(ctx([], '当初单位把我报错了 注到别人公司名下 这个咋弄'));
    expect(o?.answer).toBe(k.cards.settings.reasonCards.registration_error);
  });
});
