/**
 * Whole conversations as data (test/conversations/*.yaml), run through the console channel:
 * each user line and what its reply must show (intent, facts, choices, sources).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { chatJsonl, textOf } from './helpers/assistant';

const Expectation = z
  .object({
    user: z.string(),
    intent: z.string().optional(),
    contains: z.array(z.string()).default([]),
    notContains: z.array(z.string()).default([]),
    choices: z.array(z.string()).optional(),
    sources: z.array(z.string()).default([]),
    end: z.boolean().optional(),
    /** The interview's verdict on this turn: status and the codes of blockers and warnings. */
    verdict: z
      .object({ status: z.string(), blockers: z.array(z.string()).default([]), warnings: z.array(z.string()).default([]), materials: z.array(z.string()).optional() })
      .strict()
      .optional(),
    noVerdict: z.boolean().optional(),
  })
  .strict();
const Conversation = z.object({ name: z.string(), turns: z.array(Expectation).min(1) }).strict();
const ConversationFile = z.object({ conversations: z.array(Conversation).min(1) }).strict();

const dir = join(import.meta.dirname, 'conversations');
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();

describe.each(files)('%s', (file) => {
  const data = ConversationFile.parse(parse(readFileSync(join(dir, file), 'utf8')));
  it.each(data.conversations.map((c) => [c.name, c] as const))('%s', async (_name, conv) => {
    const turns = await chatJsonl(conv.turns.map((t) => t.user));
    expect(turns).toHaveLength(conv.turns.length);
    conv.turns.forEach((exp, i) => {
      const got = turns[i];
      const where = `turn ${i + 1} (“${exp.user}”)`;
      if (exp.intent) expect(got.intent, where).toBe(exp.intent);
      const text = textOf(got);
      for (const s of exp.contains) expect(text, where).toContain(s);
      for (const s of exp.notContains) expect(text, where).not.toContain(s);
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
        expect(v!.blockers.map((b) => b.code), where).toEqual(exp.verdict.blockers);
        expect(v!.warnings.map((w) => w.code), where).toEqual(exp.verdict.warnings);
        if (exp.verdict.materials) expect(v!.materials.map((m) => m.id), where).toEqual(exp.verdict.materials);
      }
    });
  });
});
