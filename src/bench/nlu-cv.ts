/**
 * Cross-validation of NLU settings on SMP2017 train.tsv only (dev.tsv is never read here), so the
 * settings in knowledge/nlu.yaml can be chosen without looking at the report set.
 *
 *   npx tsx src/bench/nlu-cv.ts                  # the variants below, 5-fold
 *   npx tsx src/bench/nlu-cv.ts --folds 10
 *   npx tsx src/bench/nlu-cv.ts --only svm       # variants whose name contains "svm"
 *   npx tsx src/bench/nlu-cv.ts --json
 *
 * Each variant is knowledge/nlu.yaml with some of `features`, `classifier` and
 * `thresholds.smoothing` replaced, trained and scored through TrainedNlu (the `jianli eval --train`
 * path). Folds are stratified and fixed (the i-th line of each intent goes to fold i mod k), so
 * every run prints the same numbers.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadNluConfig } from '../knowledge/load';
import { evaluate, parseEvalTsv, type LabelledExample } from '../nlu/evaluate';
import { TrainedNlu } from '../nlu/trained';
import type { NluClassifier, NluFeatures, NluFile } from '../schema/knowledge';
import { sharedDir } from './nlu-data';

export interface Variant {
  name: string;
  features?: Partial<NluFeatures>;
  classifier?: Partial<NluClassifier>;
  smoothing?: number;
}

export interface CvResult {
  name: string;
  accuracy: number;
  macroF1: number;
  /** Accuracy per fold, for the spread. */
  folds: number[];
  ms: number;
}

/** Stratified, deterministic fold of each example. */
export function foldOf(examples: LabelledExample[], k: number): number[] {
  const seen = new Map<string, number>();
  return examples.map((e) => {
    const n = seen.get(e.accepted[0]) ?? 0;
    seen.set(e.accepted[0], n + 1);
    return n % k;
  });
}

export function withVariant(base: NluFile, v: Variant): NluFile {
  return {
    ...base,
    features: { ...base.features, ...v.features },
    classifier: { ...base.classifier, ...v.classifier },
    thresholds: { ...base.thresholds, ...(v.smoothing === undefined ? {} : { smoothing: v.smoothing }) },
  };
}

export function crossValidate(base: NluFile, v: Variant, examples: LabelledExample[], k: number): CvResult {
  const started = performance.now();
  const config = withVariant(base, v);
  const fold = foldOf(examples, k);
  const predicted: string[] = new Array(examples.length);
  const folds: number[] = [];
  for (let f = 0; f < k; f++) {
    const model = new TrainedNlu(config, examples.filter((_, i) => fold[i] !== f));
    let right = 0;
    let total = 0;
    examples.forEach((e, i) => {
      if (fold[i] !== f) return;
      predicted[i] = model.classify(e.text).intent;
      total++;
      if (e.accepted.includes(predicted[i])) right++;
    });
    folds.push(right / total);
  }
  // evaluate() asks for the examples in order, so the i-th call is the i-th example.
  let next = 0;
  const report = evaluate(examples, () => predicted[next++]);
  return { name: v.name, accuracy: report.accuracy, macroF1: report.macroF1, folds, ms: performance.now() - started };
}

const BAYES: Variant = { name: 'bayes: words + [1,2] wordlike, multinomial, smoothing 0.3', features: { charNgrams: [1, 2], charScope: 'wordlike' }, classifier: { likelihood: 'multinomial', model: 'bayes' }, smoothing: 0.3 };
const RICH: Partial<NluFeatures> = { charNgrams: [1, 2], charScope: 'wordlike', boundaries: true, partOfSpeech: true, length: true };

/** The variants compared; the shipped one is marked in knowledge/nlu.yaml. */
export const VARIANTS: Variant[] = [
  BAYES,
  { ...BAYES, name: 'bayes + boundaries, POS, length', features: RICH },
  { name: 'svm alone (C 1): words + [1,2] wordlike', features: { charNgrams: [1, 2], charScope: 'wordlike' }, classifier: { likelihood: 'multinomial', model: 'svm+bayes', svmC: 1, bayesWeight: 0 }, smoothing: 0.3 },
  ...[0.5, 1, 2, 4].flatMap((svmC) =>
    [0, 0.005, 0.01, 0.02, 0.03, 0.04, 0.05].map((bayesWeight) => ({
      name: `svm+bayes C ${svmC}, bayesWeight ${bayesWeight}: + boundaries, POS, length`,
      features: RICH,
      classifier: { likelihood: 'multinomial' as const, model: 'svm+bayes' as const, svmC, bayesWeight },
      smoothing: 0.3,
    })),
  ),
  ...[1, 2, 4].flatMap((svmC) =>
    [0.02, 0.04].flatMap((bayesWeight) => [
      { name: `svm+bayes C ${svmC}, bayesWeight ${bayesWeight}: + boundaries, POS (no length)`, features: { ...RICH, length: false }, classifier: { likelihood: 'multinomial' as const, model: 'svm+bayes' as const, svmC, bayesWeight }, smoothing: 0.3 },
      { name: `svm+bayes C ${svmC}, bayesWeight ${bayesWeight}: + POS (no length, no boundaries)`, features: { ...RICH, length: false, boundaries: false }, classifier: { likelihood: 'multinomial' as const, model: 'svm+bayes' as const, svmC, bayesWeight }, smoothing: 0.3 },
    ]),
  ),
  { name: 'svm+bayes C 1, bayesWeight 0.01: [1,2,3]', features: { ...RICH, charNgrams: [1, 2, 3] }, classifier: { likelihood: 'multinomial', model: 'svm+bayes', svmC: 1, bayesWeight: 0.01 }, smoothing: 0.3 },
  { name: 'svm+bayes C 1, bayesWeight 0.01: no POS', features: { ...RICH, partOfSpeech: false }, classifier: { likelihood: 'multinomial', model: 'svm+bayes', svmC: 1, bayesWeight: 0.01 }, smoothing: 0.3 },
  { name: 'svm+bayes C 1, bayesWeight 0.01: no boundaries', features: { ...RICH, boundaries: false }, classifier: { likelihood: 'multinomial', model: 'svm+bayes', svmC: 1, bayesWeight: 0.01 }, smoothing: 0.3 },
  { name: 'svm+bayes C 1, bayesWeight 0.01: no length', features: { ...RICH, length: false }, classifier: { likelihood: 'multinomial', model: 'svm+bayes', svmC: 1, bayesWeight: 0.01 }, smoothing: 0.3 },
];

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const opt = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const k = Number(opt('--folds') ?? 5);
  const only = opt('--only');
  const json = args.includes('--json');
  const examples = parseEvalTsv(readFileSync(join(sharedDir(), 'benchmarks', 'smp2017', 'train.tsv'), 'utf8'));
  const base = loadNluConfig();
  const results: CvResult[] = [];
  if (!json) console.log(`${k}-fold cross-validation on SMP2017 train.tsv (${examples.length} lines)\n\n| variant | CV accuracy | CV macro-F1 | folds |\n| --- | --- | --- | --- |`);
  for (const v of VARIANTS.filter((x) => !only || x.name.includes(only))) {
    const r = crossValidate(base, v, examples, k);
    results.push(r);
    if (!json) console.log(`| ${r.name} | ${(r.accuracy * 100).toFixed(2)}% | ${r.macroF1.toFixed(3)} | ${r.folds.map((x) => (x * 100).toFixed(1)).join(' ')} |`);
  }
  if (json) console.log(JSON.stringify(results, null, 2));
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) await main();
