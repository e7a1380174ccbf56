import { describe, expect, it } from 'vitest';
import { pendingAnswer } from '../../../src/engine/steps/pending-answer';
import { ctx, k, textOf } from './helpers';

describe('step: the pending question', () => {
  it("reads a FAQ question's answer in its own words (有一些 → yes, 都没有 → no)", () => {
    expect(textOf(pendingAnswer(ctx(['单位不给我办注销怎么办'], '有一些')))).toContain('有证明材料就好办');
    expect(textOf(pendingAnswer(ctx(['单位不给我办注销怎么办'], '都没有')))).toContain('建议先把证据准备好');
  });

  it('an accepted offer hands over to the interview with what the dialog learned', () => {
    const o = pendingAnswer(ctx(['单位不给我办注销怎么办', '有'], '好，帮我自查'));
    expect(o?.intent).toBe('interview.start');
    expect(o?.dialog).toMatchObject({ kind: 'interview', check: { situation: { employerCooperates: false } } });
  });

  it('reads 同意 as the answer to the consent question and 已经解除 to the contract question', () => {
    const before = ['帮我看看能不能注销', '上海，离职，没有项目，没有事故，没有处罚，继续教育修满了'];
    const consent = pendingAnswer(ctx(before, '同意'));
    expect(textOf(consent)).toContain(k.interview.fields.employerCooperates.fact.true);
    const contract = pendingAnswer(ctx([...before, '同意'], '已经解除'));
    expect(contract?.verdict?.status).toBe('eligible');
  });

  it('passes on a message that is no answer (a new question), and when no dialog waits', () => {
    expect(pendingAnswer(ctx(['单位不给我办注销怎么办'], '证件照要多大'))).toBeUndefined();
    expect(pendingAnswer(ctx(['帮我看看能不能注销'], '照片有什么要求'))).toBeUndefined();
    expect(pendingAnswer(ctx(['注销要多久'], '有'))).toBeUndefined();
  });
});
