import { describe, expect, it } from 'vitest';
import { emptyInput } from '../../../src/engine/steps/empty';
import { ctx, k, textOf } from './helpers';

describe('step: empty input', () => {
  it('asks for a question and keeps the open interview', () => {
    const o = emptyInput(ctx(['帮我看看能不能注销'], '  '));
    expect(textOf(o)).toBe(k.messages.emptyInput);
    expect(o!.dialog).toMatchObject({ kind: 'interview' });
  });

  it('passes on any message with words', () => {
    expect(emptyInput(ctx([], '你好'))).toBeUndefined();
  });
});
