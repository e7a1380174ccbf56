import { describe, expect, it } from 'vitest';
import { onlyPlace, regionFollowUp, regionStatement } from '../../../src/engine/steps/region';
import { ctx, k, textOf, turn } from './helpers';

describe('steps: region follow-up and region statement', () => {
  it('reads a message that is only a place (那上海呢, 我在南京) and not one that asks more', () => {
    expect(onlyPlace(ctx([], '那上海呢'))).toBe('上海');
    expect(onlyPlace(ctx([], '我在南京'))).toBe('江苏');
    expect(onlyPlace(ctx([], '上海要什么材料'))).toBeUndefined();
  });

  it("那江苏呢 after an answer gives that province's differences for it, not the answer again", () => {
    const o = regionFollowUp(ctx(['注销要交什么材料'], '那江苏呢'));
    expect(o?.intent).toBe('process.materials');
    expect(textOf(o)).toContain('近一年继续教育合格证明');
    expect(textOf(o)).not.toContain('身份证件');
    expect(o?.keepRegion).toBe(true);
    // Comparing does not change the user's own province; speaking of themselves does.
    expect(turn(['我在北京', '注销要交什么材料'], '那江苏呢').state.region).toBe('北京');
    expect(turn(['我在北京', '注销要交什么材料'], '我是江苏的').state.region).toBe('江苏');
  });

  it('passes on without an answer to follow', () => {
    expect(regionFollowUp(ctx([], '那上海呢'))).toBeUndefined();
    expect(regionFollowUp(ctx(['你好'], '那上海呢'))).toBeUndefined();
  });

  it('a province with nothing asked before is noted; inside a dialog it is noted and the question asked again', () => {
    expect(textOf(regionStatement(ctx([], '我在南京')))).toContain('已记下您在江苏');
    const inDialog = regionStatement(ctx(['公司倒闭了，注册还挂着'], '我在南京'));
    expect(inDialog?.aside).toBe('note');
    const t = turn(['公司倒闭了，注册还挂着'], '我在南京');
    expect(textOf(t)).toContain(k.messages.backToQuestion);
    expect(t.state.stack.at(-1)).toMatchObject({ kind: 'faq', dialog: 'employer_bankrupt' });
  });
});
