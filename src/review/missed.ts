/**
 * The missed-questions log: every fallback and low-confidence turn, masked, appended to
 * `missed-questions.jsonl` in the data folder (one file per server instance); with the
 * conversations on Redis, to a list in Redis that every instance shares instead
 * (src/ops/missed-redis.ts), so `jianli review` on any of them sees all. `jianli review`
 * groups them for the operator, who attaches a group to an intent as training phrases or marks it
 * out of scope; decisions go to `missed-reviewed.jsonl` so a group is not shown again.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TurnObserver } from '../service/chat';
import type { ChatRequest } from '../service/types';
import type { TurnRecord } from '../store/types';
import { normalizeText } from '../nlu/normalize';

export interface MissedQuestion {
  at: string;
  conversationId: string;
  channel: string;
  text: string;
  intent: string;
  confidence: number;
}

export interface ReviewDecision {
  at: string;
  text: string;
  decision: 'attached' | 'out_of_scope';
  intent?: string;
}

/** Below this confidence an answered turn counts as missed too. */
export const LOW_CONFIDENCE = 0.6;

/** The log entry for a stored turn (its record is already masked), or undefined when the turn was not missed. */
export function missedEntry(req: ChatRequest, record: TurnRecord): MissedQuestion | undefined {
  if (!record.text.trim()) return undefined;
  if (record.intent !== 'fallback' && record.confidence >= LOW_CONFIDENCE) return undefined;
  return {
    at: record.at,
    conversationId: req.conversationId,
    channel: record.channel,
    text: record.text,
    intent: record.intent,
    confidence: record.confidence,
  };
}

export class MissedLog {
  readonly missedPath: string;
  readonly reviewedPath: string;

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.missedPath = join(dataDir, 'missed-questions.jsonl');
    this.reviewedPath = join(dataDir, 'missed-reviewed.jsonl');
  }

  /** The observer the chat service calls after each stored turn (its record is already masked). */
  observer(): TurnObserver {
    return ({ req, record }) => {
      const entry = missedEntry(req, record);
      if (entry) appendFileSync(this.missedPath, `${JSON.stringify(entry)}\n`);
    };
  }

  missed(): MissedQuestion[] {
    return readJsonl<MissedQuestion>(this.missedPath);
  }

  decisions(): ReviewDecision[] {
    return readJsonl<ReviewDecision>(this.reviewedPath);
  }

  decide(decision: ReviewDecision): void {
    appendFileSync(this.reviewedPath, `${JSON.stringify(decision)}\n`);
  }
}

function readJsonl<T>(path: string): T[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as T];
      } catch {
        return [];
      }
    });
}

export interface MissedGroup {
  /** 1-based, stable for the same log and decisions. */
  number: number;
  count: number;
  /** The most frequent wording first. */
  texts: string[];
}

function bigrams(text: string): Set<string> {
  const chars = [...normalizeText(text).replace(/[\p{P}\p{S}\s]/gu, '')];
  const out = new Set<string>();
  if (chars.length === 1) out.add(chars[0]);
  for (let i = 0; i + 1 < chars.length; i++) out.add(chars[i] + chars[i + 1]);
  return out;
}

function similarity(a: Set<string>, b: Set<string>): number {
  if (!a.size || !b.size) return 0;
  let shared = 0;
  for (const x of a) if (b.has(x)) shared++;
  return shared / (a.size + b.size - shared);
}

/**
 * Groups questions not yet reviewed by wording (Jaccard similarity of character bigrams), most
 * frequent first. Greedy single pass: good enough for an operator's review list.
 */
export function groupMissed(missed: MissedQuestion[], decisions: ReviewDecision[], threshold = 0.34): MissedGroup[] {
  const reviewed = new Set(decisions.map((d) => normalizeText(d.text)));
  const counts = new Map<string, number>();
  for (const m of missed) {
    if (reviewed.has(normalizeText(m.text))) continue;
    counts.set(m.text, (counts.get(m.text) ?? 0) + 1);
  }
  const texts = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const groups: { key: Set<string>; texts: [string, number][] }[] = [];
  for (const [text, n] of texts) {
    const grams = bigrams(text);
    const home = groups.find((g) => similarity(g.key, grams) >= threshold);
    if (home) home.texts.push([text, n]);
    else groups.push({ key: grams, texts: [[text, n]] });
  }
  return groups
    .map((g) => ({ count: g.texts.reduce((a, [, n]) => a + n, 0), texts: g.texts.map(([t]) => t) }))
    .sort((a, b) => b.count - a.count || a.texts[0].localeCompare(b.texts[0]))
    .map((g, i) => ({ number: i + 1, ...g }));
}
