import { describe, expect, it } from 'vitest';
import { correction } from '../../../src/engine/steps/correction';
import { ctx, k, textOf } from './helpers';

const checked = ['帮我看看能不能注销', '江苏，离职，没有项目，没有事故，没有处罚，继续教育修满了，单位同意，合同解除了有证明'];

describe('step: correction of the finished check', () => {
  it('a correction in words after the verdict gives a new verdict', () => {
    const o = correction(ctx(checked, '我刚才说错了，单位其实不愿意出函'));
    expect(o?.verdict?.warnings.map((w) => w.code)).toEqual(['EMPLOYER_REFUSAL']);
    expect(o?.dialog).toMatchObject({ kind: 'interview', closed: true });
  });

  it('a bare 不对 asks which answer to change', () => {
    expect(textOf(correction(ctx(checked, '不对')))).toContain(k.interview.amendWhich);
  });

  it('passes on a message that corrects nothing, or when no check was made', () => {
    expect(correction(ctx(checked, '照片有什么要求'))).toBeUndefined();
    expect(correction(ctx([], '我刚才说错了，单位其实不愿意出函'))).toBeUndefined();
  });

  it('passes on while a FAQ follow-up opened after the check waits', () => {
    expect(correction(ctx([...checked, '单位不给我办注销怎么办'], '不对'))).toBeUndefined();
  });
});
