/**
 * The hotline staff's commands in `npm run chat -- --staff`: /search, /check, /summary, /source.
 * All wording for callers still comes from the knowledge; these lines are for staff.
 */
import type { LoadedCard, Subject } from '../../schema/cards';
import type { Assistant } from '../../engine/assistant';
import type { ConversationState, TurnResult } from '../../engine/types';
import { activeInterview, finishedCheck, openFrame } from '../../engine/state';
import type { AnswerFile } from '../../schema/knowledge';
import type { SituationField } from '../../schema/rules';
import { checkEligibility } from '../../rules/check';
import { describeFact } from '../../dialogs/summary';
import { fillTemplate, sourceTitles } from '../../dialogs/render';
import { maskPersonalData } from '../../privacy/mask';
import { normalizeText } from '../../nlu/normalize';
import type { Reasked } from './format';

export const STAFF_HELP =
  '员工命令：/search 关键词 查知识库（答案卡片和各意图的答案）；/check 替来电人做注销自查；/summary 生成案情摘要；/source 上一条回答的出处；/help 帮助';

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

/** Most entries /search prints. */
const MAX_HITS = 6;
/** Most lines of an answer's first paragraph /search prints. */
const MAX_PARAGRAPH_LINES = 12;

/** One entry /search can find: an answer card or an intent's answer, with the fields it is searched in. */
interface Searchable {
  /** The question or title: a match here counts most. */
  title: string;
  /** The answer's text (and regional note, detail). */
  body: string[];
  /** How people ask it (the card's phrasings, the intent's training phrases). */
  asked: string[];
  card: boolean;
  print: () => string;
}

/**
 * The answer cards (knowledge/cards: question, phrasings, answer) and the intents' answers
 * (knowledge/answers: title, answer, phrases) containing the words, best first, each printed with
 * its whole answer (a card) or the answer's whole first paragraph, so a line ending in "：" is
 * followed by what it introduces.
 */
function search(assistant: Assistant, query: string): string {
  const words = normalizeText(query).split(/\s+/).filter(Boolean);
  if (!words.length) return '用法：/search 关键词，例如 /search 回执';
  const k = assistant.knowledge;
  const entries: Searchable[] = [
    ...k.cards.cards.map((c): Searchable => ({
      title: c.question,
      body: [c.answer, c.detail ?? '', c.regional ?? '', ...c.conditions.map((x) => x.text)],
      asked: c.phrasings,
      card: true,
      print: () => printCard(c, assistant),
    })),
    ...[...k.answers.values()].map((a): Searchable => ({
      title: a.title,
      body: [fillTemplate(a.answer.text, k), a.answer.regional ?? ''],
      asked: k.phrases.get(a.intent) ?? [],
      card: false,
      print: () => printAnswer(a, assistant),
    })),
  ];
  // Per word: 3 for the title, 2 for the answer, 1 for a phrasing (whatever the number of phrasings).
  const scoreOf = (e: Searchable) => {
    const title = normalizeText(e.title);
    const body = e.body.map(normalizeText);
    const asked = e.asked.map(normalizeText);
    return words.reduce(
      (sum, w) => sum + (title.includes(w) ? 3 : 0) + (body.some((b) => b.includes(w)) ? 2 : 0) + (asked.some((p) => p.includes(w)) ? 1 : 0),
      0,
    );
  };
  const hits = entries
    .map((e) => ({ e, score: scoreOf(e) }))
    .filter((h) => h.score > 0)
    // Best first; on a tie the card (what the conversation answers with where it has one) first.
    .sort((x, y) => y.score - x.score || Number(y.e.card) - Number(x.e.card));
  if (!hits.length) return `知识库里没有找到“${query}”。`;
  const shown = hits.slice(0, MAX_HITS).map((h) => h.e.print());
  if (hits.length > MAX_HITS) shown.push(`（另有 ${hits.length - MAX_HITS} 条，换个更具体的关键词可以缩小范围）`);
  return shown.join('\n');
}

const indent = (text: string) =>
  text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => `  ${l}`);

/** An answer card: its id and subject, the question, the whole answer, the regional note and the sources. */
function printCard(c: LoadedCard, assistant: Assistant): string {
  const k = assistant.knowledge;
  return [
    `【卡片 ${c.id} · ${c.subject}】${c.question}`,
    ...indent(c.answer),
    ...(c.regional ? [`  地区差异：${c.regional}`] : []),
    `  出处：${sourceTitles(c.sources, k).join('；')}`,
  ].join('\n');
}

/** An intent's answer: its id and title, the answer's first paragraph in full, and the sources. */
function printAnswer(a: AnswerFile, assistant: Assistant): string {
  const k = assistant.knowledge;
  const text = fillTemplate(a.answer.text, k);
  const [first, ...rest] = text.split(/\n\s*\n/);
  let lines = indent(first);
  const more = rest.length > 0 || lines.length > MAX_PARAGRAPH_LINES;
  if (lines.length > MAX_PARAGRAPH_LINES) lines = lines.slice(0, MAX_PARAGRAPH_LINES);
  if (more) lines.push('  ……（后文略；直接提问可看全文）');
  return [`【${a.intent}】${a.title}`, ...lines, `  出处：${sourceTitles(a.answer.sources, k).join('；')}`].join('\n');
}

/**
 * The open dialog asked its question again: the same dialog at the same question after the turn,
 * its count of replies not understood up, and the turn reported under the dialog's intent. Such a
 * turn carries the dialog's intent at confidence 1, which says nothing about the message.
 */
export function dialogReasked(before: ConversationState, result: TurnResult, text: string, assistant: Assistant): Reasked | undefined {
  const a = openFrame(before);
  const b = openFrame(result.state);
  if (!a || !b) return undefined;
  let dialog: string | undefined;
  let times = 0;
  if (a.kind === 'faq' && b.kind === 'faq' && a.dialog === b.dialog && a.step === b.step && b.tries > a.tries) [dialog, times] = [b.intent, b.tries];
  if (a.kind === 'interview' && b.kind === 'interview' && a.check.current === b.check.current && b.check.tries > a.check.tries)
    [dialog, times] = ['interview.start', b.check.tries];
  if (dialog === undefined || result.intent !== dialog) return undefined;
  const u = assistant.classify(text);
  return {
    dialog,
    times,
    classifier: { intent: u.decision === 'fallback' ? 'fallback' : u.intent, confidence: u.confidence, ...(u.reason ? { reason: u.reason } : {}) },
  };
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
