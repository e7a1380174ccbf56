/**
 * Whole conversations as data (test/conversations/*.yaml), run through the chat service exactly
 * as the channels run them (state stored and read back between turns, the complaint apology
 * added): each user line and what its reply must show (intent, facts, questions asked, choices,
 * sources, verdict). Every conversation also says no long reply block twice, and the console
 * runner must reach the same intents.
 */
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { chatJsonl, sharedAssistant, textOf, type JsonTurn } from '../helpers/assistant';
import { repeatedBlocks } from '../helpers/repeats';
import { loadHandoffSettings } from '../../src/handoff/settings';
import { questionText } from '../../src/dialogs/summary';
import { SITUATION_FIELDS, type SituationField } from '../../src/schema/rules';
import { AssistantChatService } from '../../src/service/chat';
import { LowdbStore } from '../../src/store/lowdb';

const Field = z.enum(SITUATION_FIELDS);
const Expectation = z
  .object({
    user: z.string(),
    intent: z.string().optional(),
    /** The answer card the turn answered with (knowledge/cards), by id. */
    answer: z.string().optional(),
    contains: z.array(z.string()).default([]),
    notContains: z.array(z.string()).default([]),
    /** The reply (without its sources) is at most this long: what a user who asked for brevity sees. */
    maxChars: z.number().int().positive().optional(),
    choices: z.array(z.string()).optional(),
    sources: z.array(z.string()).default([]),
    end: z.boolean().optional(),
    /** The interview asks this item's question on this turn. */
    asks: Field.optional(),
    /** The interview does not ask these items' questions on this turn (the user said them already). */
    notAsks: z.array(Field).default([]),
    /** The interview's verdict on this turn: status and the codes of blockers and warnings. */
    verdict: z
      .object({
        status: z.string(),
        blockers: z.array(z.string()).default([]),
        warnings: z.array(z.string()).default([]),
        materials: z.array(z.string()).optional(),
      })
      .strict()
      .optional(),
    noVerdict: z.boolean().optional(),
  })
  .strict();
const Conversation = z
  .object({
    name: z.string(),
    /** Known to fail until the behaviour it describes is built (the test runs and must fail). */
    fails: z.boolean().optional(),
    turns: z.array(Expectation).min(1),
  })
  .strict();
const ConversationFile = z.object({ conversations: z.array(Conversation).min(1) }).strict();

const dir = import.meta.dirname;
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .sort();
const knowledge = sharedAssistant().knowledge;
const dataDir = mkdtempSync(join(tmpdir(), 'jianli-conversations-'));
// As the server builds it: a lowdb store and the complaint words of knowledge/handoff.yaml.
const store = new LowdbStore(dataDir);
const service = new AssistantChatService(sharedAssistant(), store, { complaintWords: loadHandoffSettings(knowledge.root).complaintWords });
// The store's background checkpoint must end before its folder goes.
afterAll(async () => {
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Every wording of an item's question (the interview words some per goal). */
function questionsOf(field: SituationField): string[] {
  const q = knowledge.interview.fields[field];
  return [...new Set((['deregister', 'reregister', 'change'] as const).map((g) => questionText(q, g)))];
}

let conversationNo = 0;

async function throughService(lines: string[]): Promise<JsonTurn[]> {
  const conversationId = `conversation-test-${++conversationNo}`;
  const turns: JsonTurn[] = [];
  for (const text of lines) {
    const { state: _state, ...turn } = await service.handle({ conversationId, text, channel: 'test' });
    turns.push(JSON.parse(JSON.stringify(turn)) as JsonTurn);
  }
  return turns;
}

describe.each(files)('%s', (file) => {
  const data = ConversationFile.parse(parse(readFileSync(join(dir, file), 'utf8')));
  for (const conv of data.conversations) {
    (conv.fails ? it.fails : it)(conv.name, async () => {
      const turns = await throughService(conv.turns.map((t) => t.user));
      expect(turns).toHaveLength(conv.turns.length);
      conv.turns.forEach((exp, i) => {
        const got = turns[i];
        const where = `turn ${i + 1} (“${exp.user}”)`;
        if (exp.intent) expect(got.intent, where).toBe(exp.intent);
        if (exp.answer) expect(got.answer, where).toBe(exp.answer);
        const text = textOf(got);
        for (const s of exp.contains) expect(text, where).toContain(s);
        for (const s of exp.notContains) expect(text, where).not.toContain(s);
        if (exp.maxChars) expect([...text.split(knowledge.messages.sourcesLabel)[0].trim()].length, `${where} length`).toBeLessThanOrEqual(exp.maxChars);
        if (exp.asks)
          expect(
            questionsOf(exp.asks).some((q) => text.includes(q)),
            `${where} asks ${exp.asks}`,
          ).toBe(true);
        for (const f of exp.notAsks) for (const q of questionsOf(f)) expect(text, `${where} asks ${f} again`).not.toContain(q);
        if (exp.choices) {
          const offered = got.replies.flatMap((r) => r.choices ?? []);
          for (const c of exp.choices) expect(offered, where).toContain(c);
        }
        for (const s of exp.sources) expect(got.sources.join('\n'), where).toContain(s);
        if (exp.end !== undefined) expect(Boolean(got.end), where).toBe(exp.end);
        if (exp.noVerdict) expect(got.verdict, where).toBeUndefined();
        if (exp.verdict) {
          const v = got.verdict as { status: string; blockers: { code: string }[]; warnings: { code: string }[]; materials: { id: string }[] } | undefined;
          expect(v, where).toBeDefined();
          expect(v!.status, where).toBe(exp.verdict.status);
          expect(
            v!.blockers.map((b) => b.code),
            where,
          ).toEqual(exp.verdict.blockers);
          expect(
            v!.warnings.map((w) => w.code),
            where,
          ).toEqual(exp.verdict.warnings);
          if (exp.verdict.materials)
            expect(
              v!.materials.map((m) => m.id),
              where,
            ).toEqual(exp.verdict.materials);
        }
      });
      // Never the same long answer twice in one conversation.
      expect(repeatedBlocks(turns, knowledge.messages.sourcesLabel), 'blocks said twice').toEqual([]);
      // The console channel runs the same engine: the same intents, turn by turn.
      const console = await chatJsonl(conv.turns.map((t) => t.user));
      expect(console.map((t) => t.intent)).toEqual(turns.map((t) => t.intent));
    });
  }
});
