/**
 * `jianli check` (the chat service's check: parseSituation + checkEligibility) and the interview
 * give the same verdict for the same facts, however the facts came in: answered one by one, or
 * said before the check started.
 */
import { describe, expect, it } from 'vitest';
import { activeInterview } from '../../src/engine/state';
import { newConversationState, type ConversationState, type TurnResult } from '../../src/engine/types';
import { AssistantChatService } from '../../src/service/chat';
import type { SituationField } from '../../src/schema/rules';
import { sharedAssistant } from '../helpers/assistant';

const assistant = sharedAssistant();
const k = assistant.knowledge;
// The check as `jianli check` and POST /api/check run it.
const check = (s: object) => new AssistantChatService(assistant, undefined as never).check(s);
const now = new Date('2025-03-03T10:00:00+08:00');

/** The interview's answer to its current question for these facts: the choice's number. */
function answerFor(field: SituationField, facts: Record<string, unknown>): string {
  const q = k.interview.fields[field];
  const value = facts[field];
  if (q.kind === 'yesno') return value ? '1' : '2';
  if (q.kind === 'choice') return String(q.options.findIndex((o: { value: string }) => o.value === value) + 1);
  if (q.kind === 'region') return String(value);
  return String(value);
}

/** Runs the interview from `opening`, answering every question from `facts`, up to the verdict. */
function interview(opening: string[], facts: Record<string, unknown>): TurnResult {
  let state: ConversationState = newConversationState();
  let result: TurnResult | undefined;
  for (const text of opening) state = (result = assistant.turn(state, { text, now })).state;
  for (let i = 0; i < 12 && !result?.verdict; i++) {
    const field = activeInterview(state)?.current;
    if (!field) throw new Error(`no question asked: ${result?.replies.map((r) => r.text).join('\n')}`);
    state = (result = assistant.turn(state, { text: answerFor(field, facts), now })).state;
  }
  return result!;
}

const cases: { name: string; opening: string[]; facts: Record<string, unknown> }[] = [
  { name: 'a clear case', opening: ['帮我看看能不能注销'], facts: { region: '上海', reason: 'retired', unsettledProjects: false, pendingAccidentLiability: false, underPenaltyOrReview: false, continuingEducationComplete: true, employerCooperates: true, laborContractTerminated: true } },
  { name: 'blockers and warnings', opening: ['帮我自查'], facts: { region: '江苏', reason: 'left_employer', unsettledProjects: true, pendingAccidentLiability: false, underPenaltyOrReview: true, continuingEducationComplete: false, employerCooperates: false, laborContractTerminated: false } },
  { name: 'a bankrupt employer', opening: ['帮我自查'], facts: { region: '广东', reason: 'employer_dissolved', unsettledProjects: false, pendingAccidentLiability: false, underPenaltyOrReview: false, continuingEducationComplete: true, laborContractTerminated: false } },
  { name: 'age said first', opening: ['我今年68岁了', '帮我看看能不能注销'], facts: { age: 68, region: '北京', reason: 'retired', unsettledProjects: false, pendingAccidentLiability: false, underPenaltyOrReview: false, employerCooperates: true, laborContractTerminated: true } },
  { name: 'four facts said with the request', opening: ['我在南京，手上没有项目，也没有事故和处罚，继续教育也修完了，帮我看看能不能注销'], facts: { region: '江苏', unsettledProjects: false, pendingAccidentLiability: false, underPenaltyOrReview: false, continuingEducationComplete: true, reason: 'leaving_industry', employerCooperates: true, laborContractTerminated: true } },
  { name: 'changing employer (redirected to 变更注册)', opening: ['帮我自查'], facts: { region: '浙江', reason: 'changing_employer', laborContractTerminated: true, newContractSigned: true, continuingEducationComplete: true } },
];

describe('the interview and jianli check agree', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const result = interview(c.opening, c.facts);
    expect(result.verdict).toBeDefined();
    const { region, ...rest } = c.facts;
    expect(result.verdict).toEqual(check({ ...rest, region }));
  });
});
