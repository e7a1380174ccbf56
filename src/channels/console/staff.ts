/**
 * The hotline staff's commands in `npm run chat -- --staff`: /search, /check, /summary, /source.
 * All wording for callers still comes from the knowledge; these lines are for staff.
 */
import type { Subject } from '../../schema/cards';
import type { Assistant } from '../../engine/assistant';
import type { ConversationState, TurnResult } from '../../engine/types';
import { activeInterview, finishedCheck } from '../../engine/state';
import type { IntentId } from '../../schema/knowledge';
import type { SituationField } from '../../schema/rules';
import { checkEligibility } from '../../rules/check';
import { describeFact } from '../../dialogs/summary';
import { maskPersonalData } from '../../privacy/mask';
import { normalizeText } from '../../nlu/normalize';

export const STAFF_HELP = '员工命令：/search 关键词 查知识库；/check 替来电人做注销自查；/summary 生成案情摘要；/source 上一条回答的出处；/help 帮助';

/** What the console keeps about the call besides the engine state. */
export interface CallLog {
  intents: Subject[];
}

export type StaffOutcome = { print: string } | { turn: TurnResult };

/** Runs a staff command; undefined when the line is not one (it goes to the assistant). */
export function staffCommand(line: string, assistant: Assistant, state: ConversationState, call: CallLog): StaffOutcome | undefined {
  const m = /^\/(\w+)\s*(.*)$/s.exec(line.trim());
  if (!m) return undefined;
  const [, command, arg] = m;
  switch (command) {
    case 'search':
      return { print: search(assistant, arg) };
    case 'check':
      return { turn: assistant.answer(state, 'interview.start') };
    case 'summary':
      return { print: summary(assistant, state, call) };
    case 'source':
      return { print: state.lastSources.length ? `上一条回答的出处：\n${state.lastSources.map((s) => `· ${s}`).join('\n')}` : '还没有带出处的回答。' };
    default:
      return { print: STAFF_HELP };
  }
}

/** Knowledge entries whose title, answer or phrases contain the words, best first. */
function search(assistant: Assistant, query: string): string {
  const words = normalizeText(query).split(/\s+/).filter(Boolean);
  if (!words.length) return '用法：/search 关键词，例如 /search 回执';
  const k = assistant.knowledge;
  const hits = [...k.answers.values()]
    .map((a) => {
      const haystacks = [a.title, a.answer.text, a.answer.regional ?? '', ...(k.phrases.get(a.intent) ?? [])].map(normalizeText);
      const score = words.reduce((sum, w) => sum + haystacks.filter((h) => h.includes(w)).length * (normalizeText(a.title).includes(w) ? 3 : 1), 0);
      return { a, score };
    })
    .filter((h) => h.score > 0)
    .sort((x, y) => y.score - x.score)
    .slice(0, 5);
  if (!hits.length) return `知识库里没有找到“${query}”。`;
  return hits.map(({ a }) => `【${a.intent}】${a.title}\n  ${a.answer.text.split('\n')[0].slice(0, 80)}\n  出处：${a.answer.sources.map((s) => k.sources[s].title).join('；')}`).join('\n');
}

/** A case summary ready to paste into a ticket; personal data masked. */
function summary(assistant: Assistant, state: ConversationState, call: CallLog): string {
  const k = assistant.knowledge;
  const lines = ['【案情摘要】', `咨询路径：${call.intents.length ? call.intents.join(' → ') : '（无）'}`];
  if (state.region) lines.push(`用户所在省份：${state.region}`);
  // The interview in progress, or else the last one finished (its verdict stays relevant to the call).
  const running = activeInterview(state);
  const interview = running ?? finishedCheck(state);
  const situation = interview?.situation;
  if (interview && situation) {
    const facts = (k.rules.rules.goals[interview.goal].fields as SituationField[]).filter((f) => situation[f] !== undefined);
    lines.push(`自查目标：${{ deregister: '注销', reregister: '重新注册', change: '变更注册' }[interview.goal]}${running ? '（进行中）' : '（已完成）'}`);
    lines.push(`已了解：${facts.length ? facts.map((f) => describeFact(f, situation, k)).join('；') : '（尚无）'}`);
    const v = checkEligibility(situation, k.rules);
    lines.push(`目前结论：${{ eligible: '可以申请', blocked: '需先解决阻碍', needs_info: '信息不足' }[v.status]}`);
    if (v.blockers.length) lines.push(`阻碍：${v.blockers.map((b) => b.message).join('；')}`);
    if (v.warnings.length) lines.push(`注意：${v.warnings.map((w) => w.message).join('；')}`);
    // Staff read the questions still open, not field names.
    if (v.missing.length) lines.push(`待确认：${v.missing.map((f) => k.interview.fields[f].ask).join('；')}`);
  }
  if (state.lastSources.length) lines.push(`最近引用：${state.lastSources.join('；')}`);
  return maskPersonalData(lines.join('\n'));
}
