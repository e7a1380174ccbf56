/**
 * The NLU benchmark's data: SMP2017-ECDT (train.tsv → dev.tsv) and the assistant's own domain
 * (knowledge/phrases → test/fixtures/dev.tsv, test/fixtures/heldout.tsv, heldout3–5.tsv). Only read here; the
 * evaluation files are never copied into training data (test/knowledge/eval-leak.test.ts checks dev.tsv).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_ROOT, loadKnowledge } from '../src/knowledge/load';
import { parseEvalTsv, type LabelledExample } from '../src/nlu/evaluate';
import { normalizeText } from '../src/nlu/normalize';

/** A line's comparable form: normalised, without spaces, punctuation or symbols (谢谢！ = 谢谢). */
export function comparable(text: string): string {
  return normalizeText(text).replace(/[\s\p{P}\p{S}]+/gu, '');
}

/** The examples whose text is none of the training phrases: the lines that measure generalisation. */
export function unseenOnly(examples: LabelledExample[], phrases: Iterable<string>): LabelledExample[] {
  const seen = new Set<string>();
  for (const p of phrases) seen.add(comparable(p));
  return examples.filter((e) => !seen.has(comparable(e.text)));
}

export type DatasetName = 'smp2017' | 'domain';
export const DATASETS: DatasetName[] = ['smp2017', 'domain'];

export interface BenchData {
  train: LabelledExample[];
  tests: { name: string; examples: LabelledExample[] }[];
}

/** The public development set (`eval/dev.tsv` in the project's shared folder), kept in the repository. */
export const DEV_SET = join(DEFAULT_ROOT, 'test', 'fixtures', 'dev.tsv');

/** SMP2017-ECDT task 1 (train.tsv, dev.tsv); source and licence in its README.md. */
export const SMP2017_DIR = join(DEFAULT_ROOT, 'bench-data', 'smp2017');

function readTsv(path: string): LabelledExample[] {
  if (!existsSync(path)) throw new Error(`benchmark data missing: ${path}`);
  return parseEvalTsv(readFileSync(path, 'utf8'));
}

/** Every n-th example: a quick run keeps the class mix of the full one. */
const every = <T>(xs: T[], n: number): T[] => (n <= 1 ? xs : xs.filter((_, i) => i % n === 0));

export function loadBenchData(name: DatasetName, quick: boolean): BenchData {
  if (name === 'smp2017') {
    const dir = SMP2017_DIR;
    return {
      train: every(readTsv(join(dir, 'train.tsv')), quick ? 2 : 1),
      tests: [{ name: 'SMP2017 dev', examples: every(readTsv(join(dir, 'dev.tsv')), quick ? 4 : 1) }],
    };
  }
  // The three engines learn the same phrases the assistant learns, fallback phrases included.
  const train = [...loadKnowledge().phrases].flatMap(([intent, phrases]) => phrases.map((text) => ({ text, accepted: [intent] })));
  return {
    train,
    tests: [
      { name: 'eval/dev.tsv', examples: readTsv(DEV_SET) },
      { name: 'heldout.tsv', examples: readTsv(join(DEFAULT_ROOT, 'test', 'fixtures', 'heldout.tsv')) },
      // heldout3–5: written in session 6 by authors who saw the article and the answers, not the phrases.
      { name: 'heldout3.tsv', examples: readTsv(join(DEFAULT_ROOT, 'test', 'fixtures', 'heldout3.tsv')) },
      { name: 'heldout4.tsv', examples: readTsv(join(DEFAULT_ROOT, 'test', 'fixtures', 'heldout4.tsv')) },
      { name: 'heldout5.tsv', examples: readTsv(join(DEFAULT_ROOT, 'test', 'fixtures', 'heldout5.tsv')) },
    ],
  };
}
