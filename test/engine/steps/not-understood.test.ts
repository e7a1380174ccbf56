import { describe, expect, it } from 'vitest';
import { notUnderstood } from '../../../src/engine/steps/not-understood';
import { ctx, k, textOf, turn } from './helpers';

const refusal = '单位不给我办注销怎么办';

describe('step: not understood', () => {
  it('inside a FAQ follow-up: 请回答 once, then the choices by number, then the follow-up is left', () => {
    const first = notUnderstood(ctx([refusal], '呃呃呃'));
    expect(textOf(first)).toContain('请回答');
    const second = notUnderstood(ctx([refusal, '呃呃呃'], '啦啦啦'));
    expect(textOf(second)).not.toContain('请回答');
    expect(textOf(second)).toContain(k.messages.pickNumber);
    const third = turn([refusal, '呃呃呃', '啦啦啦'], '嗷嗷嗷');
    expect(third.intent).toBe('fallback');
    expect(third.state.stack).toEqual([]);
  });

  it('inside the interview: not understood, and the question again', () => {
    expect(textOf(notUnderstood(ctx(['帮我看看能不能注销'], '随便吧')))).toContain(k.interview.notUnderstood);
  });

  it('another certificate is out of scope; the interview then asks again', () => {
    expect(textOf(notUnderstood(ctx(['帮我看看能不能注销'], '一建证书过期了')))).toContain(k.messages.otherDomain);
    expect(textOf(turn(['帮我看看能不能注销'], '一建证书过期了'))).toContain(k.interview.fields.region.ask);
  });

  it('a second miss in a row is shorter and gives the way to a person, a third does not repeat it', () => {
    expect(textOf(notUnderstood(ctx([], '红烧肉怎么做')))).toContain(k.messages.fallback);
    const second = turn(['红烧肉怎么做'], '明天去哪玩');
    expect(textOf(second)).toContain(k.conversation.say.fallbackAgain);
    expect(textOf(second)).toContain(k.messages.hotline);
    const third = turn(['红烧肉怎么做', '明天去哪玩'], '嗯嗯啊啊');
    expect(textOf(third)).not.toContain(k.messages.hotline);
    expect(textOf(third)).toContain(k.conversation.say.hotlineAgain);
  });
});
