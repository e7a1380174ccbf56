/**
 * The assistant's own domain under NLU settings other than knowledge/nlu.yaml's: trains Nlu on
 * knowledge/phrases (as the assistant does) and scores ../shared/eval/dev.tsv and the two held-out
 * fixtures, with the share of out-of-domain lines that got an intent. Used to set the softmax
 * temperature of a new model so its confidence still suits the answer/suggest thresholds.
 *
 *   npx tsx src/bench/nlu-domain.ts                              # knowledge/nlu.yaml as it is
 *   npx tsx src/bench/nlu-domain.ts --temperature 0.1,0.2,0.3    # a grid of temperatures
 *   npx tsx src/bench/nlu-domain.ts --svmC 1,2 --bayesWeight 0.02,0.04 --features '{"length":false}'
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_ROOT, loadKnowledge } from '../knowledge/load';
import { evaluate, parseEvalTsv } from '../nlu/evaluate';
import { Nlu } from '../nlu/nlu';
import type { NluFile } from '../schema/knowledge';
import { sharedDir } from './nlu-data';

export interface DomainScore {
  name: string;
  accuracy: number;
  correct: number;
  total: number;
  outOfDomainAnswered: number;
  outOfDomain: number;
}

export const DOMAIN_FILES = [
  { name: 'eval/dev.tsv', path: join(sharedDir(), 'eval', 'dev.tsv') },
  { name: 'heldout.tsv', path: join(DEFAULT_ROOT, 'test', 'fixtures', 'heldout.tsv') },
  { name: 'heldout2.tsv', path: join(DEFAULT_ROOT, 'test', 'fixtures', 'heldout2.tsv') },
];

export function scoreDomain(config: NluFile): DomainScore[] {
  const k = loadKnowledge();
  const nlu = new Nlu(config, k.phrases);
  return DOMAIN_FILES.map(({ name, path }) => {
    const examples = parseEvalTsv(readFileSync(path, 'utf8'));
    let outOfDomain = 0;
    let outOfDomainAnswered = 0;
    const report = evaluate(examples, (text) => {
      const intent = nlu.understand(text).intent;
      return intent;
    });
    for (const e of examples) {
      if (!e.accepted.includes('fallback')) continue;
      outOfDomain++;
      if (nlu.understand(e.text).intent !== 'fallback') outOfDomainAnswered++;
    }
    return { name, accuracy: report.accuracy, correct: report.correct, total: report.total, outOfDomainAnswered, outOfDomain };
  });
}

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
        .map((s) => `${s.name} ${(s.accuracy * 100).toFixed(1)}% (${s.correct}/${s.total}), out-of-domain answered ${s.outOfDomainAnswered}/${s.outOfDomain}`)
        .join('; ')}`,
    );
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) await main();
