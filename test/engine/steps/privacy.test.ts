import { describe, expect, it } from 'vitest';
import { privacyOnly } from '../../../src/engine/steps/privacy';
import { ctx, k, turn } from './helpers';

describe('step: privacy', () => {
  it('a message that was only a phone number gets the privacy note and nothing else, the dialog kept', () => {
    const o = privacyOnly(ctx(['单位不给我办注销怎么办'], '13812345678'));
    expect(o).toBeDefined();
    expect(o!.replies).toEqual([]);
    expect(o!.dialog).toMatchObject({ kind: 'faq', dialog: 'employer_refusal' });
    const t = turn(['单位不给我办注销怎么办'], '13812345678');
    expect(t.replies.map((r) => r.text)).toEqual([k.messages.personalData]);
    expect(t.state.stack.at(-1)).toMatchObject({ kind: 'faq' });
  });

  it('passes on a message that says something besides the number', () => {
    expect(privacyOnly(ctx([], '我手机13812345678，注销要多久'))).toBeUndefined();
    expect(privacyOnly(ctx([], '注销要多久'))).toBeUndefined();
  });
});
