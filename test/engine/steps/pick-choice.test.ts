import { describe, expect, it } from 'vitest';
import { pickChoice } from '../../../src/engine/steps/pick-choice';
import { ctx, k, textOf } from './helpers';

describe('step: pick a choice', () => {
  it('a number picks the related question it stands for', () => {
    const o = pickChoice(ctx(['注销要什么材料'], '3'));
    expect(o?.intent).toBe('process.photo');
    expect(o?.answer).toBe('photo.needed');
  });

  it('the exact label picks it too', () => {
    expect(pickChoice(ctx(['注销要什么材料'], '注销要交照片吗？'))?.answer).toBe('photo.needed');
  });

  it('a number that is no choice says so and keeps the choices', () => {
    const c = ctx(['注销要什么材料'], '9');
    const o = pickChoice(c);
    expect(textOf(o)).toBe(k.messages.choiceOutOfRange);
    expect(o!.choices).toEqual(c.state.choices);
  });

  it('passes on while a dialog waits: the dialog reads its own choices', () => {
    expect(pickChoice(ctx(['单位不给我办注销怎么办'], '1'))).toBeUndefined();
    expect(pickChoice(ctx([], '1'))).toBeUndefined();
  });
});
