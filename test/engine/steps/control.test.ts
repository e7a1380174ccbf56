import { describe, expect, it } from 'vitest';
import { controlWords } from '../../../src/engine/steps/control';
import { Assistant } from '../../../src/engine/assistant';
import { readState } from '../../../src/engine/state';
import { after, assistant, ctx, k, textOf, turn } from './helpers';

describe('step: control words', () => {
  it('退出 outside a dialog ends the conversation', () => {
    const o = controlWords(ctx(['注销要多久'], '退出'));
    expect(o?.end).toBe(true);
    expect(textOf(o)).toBe(k.messages.goodbye);
  });

  it('算了 inside a FAQ follow-up leaves it and offers the starter questions', () => {
    const o = controlWords(ctx(['单位不给我办注销怎么办'], '算了'));
    expect(o?.dialog).toBeNull();
    expect(textOf(o)).toContain(k.messages.flowLeft);
    expect(o!.choices.map((c) => c.label)).toContain(k.messages.handoffChoice);
  });

  it('退出 inside the interview leaves the check, not the conversation', () => {
    const o = controlWords(ctx(['帮我看看能不能注销', '上海'], '退出'));
    expect(o?.end).toBeUndefined();
    expect(textOf(o)).toBe(k.interview.quit);
    expect(o?.dialog).toBeNull();
  });

  it('重新开始 inside the interview starts it again from nothing', () => {
    const t = turn(['帮我看看能不能注销', '上海，离职'], '重新开始');
    expect(textOf(t)).toContain(k.interview.restarted);
    expect(textOf(t)).toContain(k.interview.fields.region.ask);
  });

  it('转人工 inside the interview gives the way to a person and asks the question again', () => {
    const t = turn(['帮我看看能不能注销'], '转人工');
    expect(t.intent).toBe('handoff.human');
    expect(textOf(t)).toContain('12345');
    expect(textOf(t)).toContain(k.interview.fields.region.ask);
    expect(t.state.stack.at(-1)).toMatchObject({ kind: 'interview' });
  });

  it('a choice the pending question offers is its answer, even when it is also a control word', () => {
    // A dialog whose "no" is labelled 算了 (a cancel word).
    const refusal = k.dialogs.get('employer_refusal')!;
    const ask = refusal.steps.ask_proof.ask!;
    const dialogs = new Map(k.dialogs).set('employer_refusal', {
      ...refusal,
      steps: { ...refusal.steps, ask_proof: { ...refusal.steps.ask_proof, ask: { ...ask, choices: { ...ask.choices, no: '算了' } } } },
    });
    const lazy = new Assistant({ ...k, dialogs }, { lazy: true });
    const state = readState(after(['单位不给我办注销怎么办']));
    expect(controlWords(lazy.context(state, { text: '算了' }))).toBeUndefined();
    expect(controlWords(assistant.context(state, { text: '算了' }))?.dialog).toBeNull();
  });

  it('passes on anything else', () => {
    expect(controlWords(ctx([], '注销要多久'))).toBeUndefined();
  });
});
