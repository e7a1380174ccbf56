import { describe, expect, it } from 'vitest';
import { Assistant } from '../../../src/engine/assistant';

describe('the steps of a turn', () => {
  it('run in one visible order: interrupts, the pending question, then triggers, then the fallback', () => {
    const steps = Assistant.steps;
    const at = (name: string) => steps.indexOf(name);
    expect(steps.at(-1)).toBe('not understood');
    expect(at('pick a choice')).toBeLessThan(at('control words'));
    expect(at('control words')).toBeLessThan(at('the pending question'));
    expect(at('the pending question')).toBeLessThan(at('a new question'));
    expect(at('follow-up on the subject')).toBeLessThan(at('a new question'));
    expect(new Set(steps).size).toBe(steps.length);
  });
});
