import { describe, expect, it } from 'vitest';
import { forNextCaller } from '../../src/engine/next-caller';
import { after, k, turn } from './steps/helpers';

describe('the next caller', () => {
  it('forgets the earlier caller: facts, province, answers and dialog; keeps the turn count', () => {
    const before = after(['我今年67岁，在上海', '单位不配合我注销怎么办']);
    expect(before.profile?.age).toBe(67);
    const next = forNextCaller(k, before, '下一位来电人,问注销要多久');
    expect(next?.rest).toBe('问注销要多久');
    expect(next?.state.profile ?? {}).toEqual({});
    expect(next?.state.region).toBeUndefined();
    expect(next?.state.stack).toEqual([]);
    expect(next?.state.answered).toEqual([]);
    expect(next?.state.turns).toBe(before.turns);
  });

  it('only near the start of a message: a caller mentioned inside a story is not a new caller', () => {
    expect(forNextCaller(k, after([]), '我们这边昨天有个来电人问下一位来电人怎么办')).toBeUndefined();
  });

  it('the turn says the facts were cleared and answers the rest without the earlier caller’s age', () => {
    const t = turn(['来电人67岁了，问注册还有效吗'], '换一个来电人：继续教育一个周期多少学时');
    const text = t.replies.map((r) => r.text).join('\n');
    expect(text).toContain(k.conversation.say.nextCaller);
    expect(text).toContain('96');
    expect(text).not.toContain('67岁');
    expect(t.state.profile?.age).toBeUndefined();
  });

  it('the words alone get the note and nothing else', () => {
    const t = turn(['注销要多久'], '下一个来电人');
    expect(t.replies.map((r) => r.text).join('\n')).toContain(k.conversation.say.nextCaller);
    expect(t.state.answered).toEqual([]);
  });

  it('a firm’s HR is remembered as such until the next caller', () => {
    const hr = after(['我是公司人事，有个员工离职了']);
    expect(hr.role).toBe('employer');
    expect(forNextCaller(k, hr, '下一位来电人，问注销要多久')?.state.role).toBeUndefined();
  });
});
