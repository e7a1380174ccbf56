import { describe, expect, it } from 'vitest';
import { followUp, followUpKind } from '../../../src/engine/steps/follow-up';
import { ctx, k, textOf, turn } from './helpers';

const bankrupt = ['我们公司已经破产了，注册还挂在上面'];

describe('step: follow-up on the subject', () => {
  it('knows the kind of a short follow-up, openers aside', () => {
    expect(followUpKind(ctx([], '为什么'))).toBe('why');
    expect(followUpKind(ctx([], '那谁给我出证明'))).toBe('whoProves');
    expect(followUpKind(ctx([], '然后需要多久'))).toBe('howLong');
    expect(followUpKind(ctx([], '为什么要交照片'))).toBeUndefined();
  });

  it('为什么 after the bankrupt-employer answer explains that answer, not the whole answer again', () => {
    const o = followUp(ctx(bankrupt, '为什么'));
    expect(o?.intent).toBe('case.employer_bankrupt');
    expect(textOf(o)).toContain('第十四条');
    expect(textOf(o)).not.toContain('原文案例1说');
  });

  it('需要多久 gets the approval time; the subject stays for the next follow-up', () => {
    const t = turn(bankrupt, '需要多久');
    expect(t.intent).toBe('process.approval_time');
    expect(t.state.subject).toBe('case.employer_bankrupt');
    expect(textOf(followUp(ctx([...bankrupt, '需要多久'], '那谁给我出证明')))).toContain('破产管理人');
  });

  it('a follow-up answer that depends on the facts does not lead with what the subject already said', () => {
    // The steps after the bankrupt answer: no second lead about the employer being gone.
    const o = followUp(ctx(bankrupt, '那怎么办'));
    expect(o?.intent).toBe('process.steps');
    expect(textOf(o)).not.toContain(k.messages.personalLead.split('{facts}')[0]);
  });

  it('passes on with no subject yet, inside the interview, and for a message that is more than a follow-up', () => {
    expect(followUp(ctx([], '为什么'))).toBeUndefined();
    expect(followUp(ctx(['帮我看看能不能注销'], '需要多久'))).toBeUndefined();
    expect(followUp(ctx(bankrupt, '为什么要交照片'))).toBeUndefined();
  });
});
