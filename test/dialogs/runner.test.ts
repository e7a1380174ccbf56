import { describe, expect, it } from 'vitest';
import { DialogRunner } from '../../src/dialogs/runner';
import { readAnswer } from '../../src/dialogs/faq';
import type { DialogInput, FaqFrame, InterviewFrame } from '../../src/dialogs/types';
import { normalizeText } from '../../src/nlu/normalize';
import { sharedAssistant } from '../helpers/assistant';

const k = sharedAssistant().knowledge;
const runner = new DialogRunner(k);
const input = (text: string): DialogInput => ({ normalized: normalizeText(text), now: new Date('2025-03-03T10:00:00+08:00'), who: {}, said: () => false });
const open = (f: { frame?: unknown }) => f.frame as FaqFrame & InterviewFrame;

describe('DialogRunner: one runner for the FAQ follow-ups and the interview', () => {
  const refusal = open(runner.beginFaq('employer_refusal', 'faq.employer_refusal', input('')));
  const interview = open(runner.beginInterview('deregister', {}, input('')));

  it('both declare their pending question and what it expects', () => {
    expect(runner.pending(refusal)).toMatchObject({ expects: 'yesno', choices: ['有证明材料', '没有'] });
    expect(runner.pending(interview)).toMatchObject({ expects: 'region', text: k.interview.fields.region.ask });
    expect(runner.choices(refusal)).toEqual([
      { label: '有证明材料', target: { answer: '有证明材料' } },
      { label: '没有', target: { answer: '没有' } },
    ]);
  });

  it('owns the control words for both', () => {
    expect(runner.control(refusal, input('算了'))).toMatchObject({ turn: { left: true } });
    expect(runner.control(interview, input('退出'))).toMatchObject({ turn: { left: true, replies: [{ text: k.interview.quit }] } });
    expect(runner.control(interview, input('转人工'))).toEqual({ handoff: true });
    expect(runner.control(refusal, input('有'))).toBeUndefined();
  });

  it('after an aside: the interview always asks again; a FAQ follow-up once for a remark, never after a question', () => {
    expect(runner.resume(interview, 'question')?.reply.text).toContain(k.interview.fields.region.ask);
    const remarked = runner.resume(refusal, 'remark');
    expect(remarked?.frame).toMatchObject({ aside: true });
    expect(runner.resume(remarked!.frame, 'remark')).toBeUndefined();
    expect(runner.resume(refusal, 'question')).toBeUndefined();
    expect(runner.resume(remarked!.frame, 'note')?.reply.text).toContain(k.messages.backToQuestion);
  });

  it('a FAQ question is answered by number, label, its own answer words, the common words and its patterns', () => {
    const ask = k.dialogs.get('employer_refusal')!.steps.ask_proof.ask!;
    const yn = (t: string) => readAnswer(ask, normalizeText(t), k);
    expect(yn('1')).toBe('yes');
    expect(yn('没有')).toBe('no');
    expect(yn('有一些')).toBe('yes');
    expect(yn('什么都没有')).toBe('no');
    expect(yn('好像没有')).toBe('no');
    expect(yn('只有社保断缴记录')).toBe('yes');
    expect(yn('要多久')).toBeUndefined();
    const offer = k.dialogs.get('employer_refusal')!.steps.with_proof.ask!;
    expect(readAnswer(offer, normalizeText('帮我自查'), k)).toBe('yes');
    expect(readAnswer(offer, normalizeText('先不用'), k)).toBe('no');
  });

  it('a FAQ question not answered is asked in words, then by number, then left', () => {
    const first = runner.reprompt(refusal, input('嗯哼'));
    expect(first.replies[0].text).toBe(k.dialogs.get('employer_refusal')!.steps.ask_proof.ask!.reprompt);
    const second = runner.reprompt(open(first), input('嗯哼'));
    expect(second.replies[0].text).toContain(k.messages.pickNumber);
    expect(runner.reprompt(open(second), input('嗯哼')).left).toBe(true);
  });

  it('a FAQ dialog that hands over starts the interview with what it learned and what the user said', () => {
    const proof = open(runner.answer(refusal, input('有'))!);
    const handed = runner.answer(proof, { ...input('好'), who: { region: '江苏', profile: { age: 50 } } });
    expect(open(handed!)).toMatchObject({ kind: 'interview', check: { situation: { region: '江苏', age: 50, employerCooperates: false } } });
  });

  it('a FAQ dialog opened by a message that already answers its first question follows that answer, never asking it', () => {
    const t = runner.beginFaq('employer_refusal', 'faq.employer_refusal', input('单位拖着不办，社保上个月已经停了，我自己能申请吗'));
    const text = t.replies.map((r) => r.text).join('\n');
    const ask = k.dialogs.get('employer_refusal')?.steps.ask_proof.ask?.text ?? '';
    expect(ask).not.toBe('');
    expect(text).not.toContain(ask);
    expect(text).toContain('第十五条');
    expect(t.frame?.kind === 'faq' && t.frame.step).toBe('with_proof');
  });

  it('好的，谢谢 to an offer declines it; 好的 alone accepts it', () => {
    const offer = k.dialogs.get('employer_refusal')?.steps.with_proof.ask;
    expect(offer).toBeDefined();
    if (!offer) return;
    expect(readAnswer(offer, normalizeText('好的，谢谢'), k)).toBe('no');
    expect(readAnswer(offer, normalizeText('好的'), k)).toBe('yes');
  });
});
