/**
 * Scores the blind evaluation sets (test/fixtures/blind, blind2 … blind7): single questions, short conversations
 * and persona conversations written by people who never saw the knowledge, the code or the tests.
 * Each turn names what a correct reply must contain (`must`: groups, one string of each group) and
 * what makes it wrong (`mustNot`); an out-of-scope question must not be answered confidently.
 * This is a keyword proxy for the human labels kept beside the sets; it runs the engine in-process.
 *   npm run eval:blind [-- --json] [-- --show N]
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { Assistant } from '../src/engine/assistant';
import { newConversationState, type ConversationState } from '../src/engine/types';
import { loadKnowledge } from '../src/knowledge/load';

const Turn = z.object({ user: z.string(), must: z.array(z.array(z.string())).default([]), mustNot: z.array(z.string()).default([]) }).passthrough();
const Question = z
  .object({
    id: z.string(),
    text: z.string(),
    scope: z.enum(['in', 'out']),
    must: z.array(z.array(z.string())).default([]),
    mustNot: z.array(z.string()).default([]),
  })
  .passthrough();
const Conversation = z.object({ id: z.string(), turns: z.array(Turn).min(1) }).passthrough();

/** A reply that declines or points elsewhere instead of answering (for out-of-scope questions). */
const DECLINES =
  /不在.{0,6}范围|超出|答不了|无法回答|不能回答|不属于|没有涉及|没有理解|没听明白|不太确定您的意思|建议(您)?(咨询|向|联系)|请(您)?(咨询|向|联系)|转人工|查不了|帮不上|不推荐|不回答|做不了/u;

export type Label = 'correct' | 'wrong' | 'missed' | 'ok' | 'confident';
export interface Scored {
  id: string;
  user: string;
  label: Label;
  reply: string;
  why: string;
}

function judge(id: string, user: string, reply: string, intent: string, must: string[][], mustNot: string[], scope: 'in' | 'out'): Scored {
  const wrong = mustNot.filter((w) => reply.includes(w));
  if (wrong.length) return { id, user, label: 'wrong', reply, why: `says ${wrong.join(', ')}` };
  if (scope === 'out')
    return DECLINES.test(reply) || intent === 'fallback'
      ? { id, user, label: 'ok', reply, why: '' }
      : { id, user, label: 'confident', reply, why: `answered as ${intent}` };
  const missing = must.filter((group) => !group.some((w) => reply.includes(w)));
  return missing.length
    ? { id, user, label: 'missed', reply, why: `lacks ${missing.map((g) => g.join('|')).join('; ')}` }
    : { id, user, label: 'correct', reply, why: '' };
}

function run(assistant: Assistant, lines: string[]): { text: string; intent: string }[] {
  let state: ConversationState = newConversationState();
  const now = new Date('2026-12-07T02:00:00Z');
  return lines.map((text) => {
    const r = assistant.turn(state, { text, now });
    state = r.state;
    return { text: r.replies.map((x) => [x.text, ...(x.choices ?? [])].join('\n')).join('\n'), intent: r.intent };
  });
}

export function evaluateBlind(dir: string, assistant = new Assistant(loadKnowledge())): Record<string, Scored[]> {
  const read = <T>(file: string, schema: z.ZodType<T>) => z.array(schema).parse(parse(readFileSync(join(dir, file), 'utf8')));
  const questions = read('questions.yaml', Question).map((q) => {
    const [r] = run(assistant, [q.text]);
    return judge(q.id, q.text, r.text, r.intent, q.must ?? [], q.mustNot ?? [], q.scope);
  });
  const conversations = (file: string) =>
    read(file, Conversation).flatMap((c) => {
      const replies = run(
        assistant,
        c.turns.map((t) => t.user),
      );
      return c.turns.map((t, i) => judge(`${c.id}.${i + 1}`, t.user, replies[i].text, replies[i].intent, t.must ?? [], t.mustNot ?? [], 'in'));
    });
  // The first set has short conversations too; the later ones only questions and persona conversations.
  const sets: Record<string, Scored[]> = { questions };
  if (existsSync(join(dir, 'short-conversations.yaml'))) sets['short-conversations'] = conversations('short-conversations.yaml');
  sets.conversations = conversations('conversations.yaml');
  return sets;
}

function summary(rows: Scored[]): Record<string, number> {
  const count = (l: Label) => rows.filter((r) => r.label === l).length;
  const inScope = rows.filter((r) => r.label !== 'ok' && r.label !== 'confident').length;
  return {
    turns: rows.length,
    correct: count('correct'),
    wrong: count('wrong'),
    missed: count('missed'),
    outOfScopeDeclined: count('ok'),
    outOfScopeConfident: count('confident'),
    correctPercent: inScope ? Math.round((count('correct') / inScope) * 1000) / 10 : 0,
  };
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  // Each set was written by another blind evaluator: blind (set 1), blind2, blind3, blind4, blind5, blind6, blind7.
  const fixtures = join(import.meta.dirname, '..', 'test', 'fixtures');
  const assistant = new Assistant(loadKnowledge());
  const results: Record<string, Scored[]> = {};
  for (const set of ['blind', 'blind2', 'blind3', 'blind4', 'blind5', 'blind6', 'blind7'])
    for (const [part, rows] of Object.entries(evaluateBlind(join(fixtures, set), assistant))) results[`${set}/${part}`] = rows;
  const showAt = process.argv.indexOf('--show');
  const show = showAt > 0 ? Number(process.argv[showAt + 1]) : 0;
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify(Object.fromEntries(Object.entries(results).map(([k, rows]) => [k, { ...summary(rows), rows }])), null, 1));
  } else {
    for (const [set, rows] of Object.entries(results)) {
      console.log(`${set}: ${JSON.stringify(summary(rows))}`);
      for (const r of rows.filter((x) => x.label === 'wrong' || x.label === 'missed' || x.label === 'confident').slice(0, show)) {
        console.log(`  ${r.label.padEnd(9)} ${r.id} ${r.user} → ${r.reply.replace(/\s+/g, ' ').slice(0, 90)} (${r.why})`);
      }
    }
  }
}
