import { describe, expect, it } from 'vitest';
import { factStatement, factsOfUnclearQuestion } from '../../../src/engine/steps/fact-statement';
import { ctx, textOf } from './helpers';

describe('step: a statement of facts', () => {
  it('an age over 65 said alone is told the registration lapsed and still has to be deregistered', () => {
    const o = factStatement(ctx([], '我爸67了'));
    expect(o?.intent).toBe('age.over65');
    expect(textOf(o)).toContain('65周岁');
    expect(textOf(o)).toContain('注销');
  });

  it('moving to another firm said alone is pointed to 变更注册, not deregistration', () => {
    const o = factStatement(ctx(['我想注销'], '其实我是想换个单位 不是不干了'));
    expect(o?.intent).toBe('change.registration');
    expect(textOf(o)).toContain('变更注册');
  });

  it('passes on a message that asks something, one the classifier names, or one with no facts', () => {
    expect(factStatement(ctx([], '我67了还能注册吗'))).toBeUndefined();
    expect(factStatement(ctx([], '单位不配合怎么办'))).toBeUndefined();
    expect(factStatement(ctx([], '你是谁开发的'))).toBeUndefined();
  });

  it('passes on while the interview waits (it reads the facts itself)', () => {
    expect(factStatement(ctx(['帮我看看能不能注销'], '我67了'))).toBeUndefined();
  });
});

describe('step: facts with an unclear question', () => {
  it('a question nothing understood, asked with facts, gets what the rule checker finds for them', () => {
    const o = factsOfUnclearQuestion(ctx([], '下周跳槽到同行另一家，那本子咋整'));
    expect(o?.intent).toBe('change.registration');
    expect(textOf(o)).toContain('变更注册');
  });

  it('passes on a question the classifier names, and on one without facts', () => {
    expect(factsOfUnclearQuestion(ctx([], '我67了，注销需要什么材料'))).toBeUndefined();
    expect(factsOfUnclearQuestion(ctx([], '这个咋整'))).toBeUndefined();
  });
});
