/**
 * The assistant's own domain under NLU settings other than knowledge/nlu.yaml's: trains Nlu on
 * knowledge/phrases (as the assistant does) and scores test/fixtures/dev.tsv and the two held-out
 * fixtures, with the share of out-of-domain lines that got an intent. Used to set the softmax
 * temperature of a new model so its confidence still suits the answer/suggest thresholds.
 *
 *   npx tsx bench/nlu-domain.ts                              # knowledge/nlu.yaml as it is
 *   npx tsx bench/nlu-domain.ts --temperature 0.1,0.2,0.3    # a grid of temperatures
 *   npx tsx bench/nlu-domain.ts --svmC 1,2 --bayesWeight 0.02,0.04 --features '{"length":false}'
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_ROOT, loadKnowledge } from '../src/knowledge/load';
import { evaluate, parseEvalTsv, type LabelledExample } from '../src/nlu/evaluate';
import { domainNlu } from '../src/nlu/nlu';
import type { NluFile } from '../src/schema/knowledge';
import { DEV_SET, unseenOnly } from './nlu-data';

export interface Score {
  accuracy: number;
  correct: number;
  total: number;
  outOfDomainAnswered: number;
  outOfDomain: number;
}

export interface DomainScore extends Score {
  name: string;
  /** The same, on the lines that are none of the training phrases (short lines like 你好 or 转人工 often are). */
  unseen: Score;
}

export const DOMAIN_FILES = [
  { name: 'eval/dev.tsv', path: DEV_SET },
  { name: 'heldout.tsv', path: join(DEFAULT_ROOT, 'test', 'fixtures', 'heldout.tsv') },
  { name: 'heldout2.tsv', path: join(DEFAULT_ROOT, 'test', 'fixtures', 'heldout2.tsv') },
  { name: 'heldout3.tsv', path: join(DEFAULT_ROOT, 'test', 'fixtures', 'heldout3.tsv') },
  { name: 'heldout4.tsv', path: join(DEFAULT_ROOT, 'test', 'fixtures', 'heldout4.tsv') },
  { name: 'heldout5.tsv', path: join(DEFAULT_ROOT, 'test', 'fixtures', 'heldout5.tsv') },
];

export function scoreDomain(config: NluFile): DomainScore[] {
  const k = loadKnowledge();
  // Each candidate setting trained afresh: a sweep would only fill JIANLI_NLU_CACHE with models used once.
  const nlu = domainNlu(k, { config, cache: null });
  const score = (examples: LabelledExample[]): Score => {
    const report = evaluate(examples, (text) => nlu.understand(text).intent);
    const ood = examples.filter((e) => e.accepted.includes('fallback'));
    const answered = ood.filter((e) => nlu.understand(e.text).intent !== 'fallback').length;
    return { accuracy: report.accuracy, correct: report.correct, total: report.total, outOfDomainAnswered: answered, outOfDomain: ood.length };
  };
  return DOMAIN_FILES.map(({ name, path }) => {
    const examples = parseEvalTsv(readFileSync(path, 'utf8'));
    return { name, ...score(examples), unseen: score(unseenOnly(examples, [...k.phrases.values()].flat())) };
  });
}

const line = (s: Score) => `${(s.accuracy * 100).toFixed(1)}% (${s.correct}/${s.total}), out-of-domain answered ${s.outOfDomainAnswered}/${s.outOfDomain}`;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const loaded = loadKnowledge().nlu;
  const f = args.indexOf('--features');
  // --features '{"length":false}': replaces some of knowledge/nlu.yaml's `features`.
  const base = f >= 0 ? { ...loaded, features: { ...loaded.features, ...JSON.parse(args[f + 1]) } } : loaded;
  const grid = (name: string, current: number) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1].split(',').map(Number) : [current];
  };
  const combos = grid('--svmC', base.classifier.svmC).flatMap((svmC) =>
    grid('--bayesWeight', base.classifier.bayesWeight).flatMap((bayesWeight) =>
      grid('--temperature', base.thresholds.temperature).map((temperature) => ({ svmC, bayesWeight, temperature })),
    ),
  );
  for (const { svmC, bayesWeight, temperature } of combos) {
    const config = { ...base, classifier: { ...base.classifier, svmC, bayesWeight }, thresholds: { ...base.thresholds, temperature } };
    const scores = scoreDomain(config);
    console.log(
      `svmC ${svmC}, bayesWeight ${bayesWeight}, temperature ${temperature}: ${scores
        .map((s) => `${s.name} ${line(s)} [lines not among the phrases: ${line(s.unseen)}]`)
        .join('; ')}`,
    );
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) await main();
