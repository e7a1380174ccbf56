import { describe, expect, it } from 'vitest';
import { newQuestion } from '../../../src/engine/steps/new-question';
import { ctx, k, textOf, turn } from './helpers';

describe('step: a new question', () => {
  it('answers it; inside a FAQ follow-up the follow-up is then dropped, with no 请回答', () => {
    const o = newQuestion(ctx(['单位不给我办注销怎么办'], '证件照要什么底色'));
    expect(o?.intent).toBe('process.photo');
    expect(o?.dialog).toBeUndefined();
    const t = turn(['单位不给我办注销怎么办'], '证件照要什么底色');
    expect(t.state.stack).toEqual([]);
    expect(textOf(t)).not.toContain('请回答');
    expect(textOf(t)).not.toContain(k.messages.backToQuestion);
  });

  it('inside the interview it is answered and the question asked again (the dialog stays)', () => {
    const t = turn(['帮我看看能不能注销'], '照片有什么要求');
    expect(t.intent).toBe('process.photo');
    expect(textOf(t)).toContain(k.interview.sideAnswerThen);
    expect(t.state.stack.at(-1)).toMatchObject({ kind: 'interview' });
  });

  it('thanks is a remark: a FAQ follow-up asks its question again once', () => {
    expect(newQuestion(ctx(['单位不给我办注销怎么办'], '谢谢'))?.aside).toBe('remark');
    const once = turn(['单位不给我办注销怎么办'], '谢谢');
    expect(once.state.stack.at(-1)).toMatchObject({ kind: 'faq', aside: true });
    expect(turn(['单位不给我办注销怎么办', '谢谢'], '谢谢').state.stack).toEqual([]);
  });

  it('two questions in one message: the first answered, the second offered', () => {
    const o = newQuestion(ctx([], '注销要什么材料，多久能办好？'));
    expect(o?.intent).toBe('process.materials');
    expect(o?.choices[0]).toEqual({ label: k.answers.get('process.approval_time')!.title, target: { intent: 'process.approval_time' } });
  });

  it('the same question again inside its dialog gets the answer, not the first step again', () => {
    const o = newQuestion(ctx(['单位不配合'], '单位就是不配合给我办注销'));
    expect(textOf(o)).not.toContain('能证明已经离职的材料');
    expect(o?.dialog).toBeNull();
  });

  it('an answer already given gets a reminder naming it, not the whole answer', () => {
    const c = ctx(['注销要什么材料'], '办注销要准备哪些资料');
    // The intent's own answer given before (the card step answers first questions now).
    c.state.answered.push('process.materials');
    const o = newQuestion(c);
    expect(textOf(o)).toContain(k.answers.get('process.materials')!.title);
    expect(textOf(o)).not.toContain('身份证复印件（正反面）');
    expect(o?.choices.length).toBeGreaterThan(0);
  });

  it('passes on what the classifier does not understand', () => {
    expect(newQuestion(ctx([], 'asdfgh'))).toBeUndefined();
    expect(newQuestion(ctx(['帮我看看能不能注销'], '你好'))).toBeUndefined();
  });
});
