import { describe, expect, it } from 'vitest';
import { notCovered } from '../../../src/engine/steps/not-covered';
import { ctx, k, textOf } from './helpers';

describe('step: not covered', () => {
  const fee = k.messages.notCovered[0];

  it('a fee question is told the article says nothing about fees', () => {
    const o = notCovered(ctx([], '注销要收费吗'));
    expect(textOf(o)).toContain(fee.text);
    expect(o?.intent).toBe('fallback');
  });

  it('passes on an employer demanding money (a refusal) and a fee without 注销/注册', () => {
    expect(notCovered(ctx([], '公司要我交钱才给办注销'))).toBeUndefined();
    expect(notCovered(ctx([], '收费吗'))).toBeUndefined();
  });
});
