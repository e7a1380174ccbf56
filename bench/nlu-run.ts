/**
 * One engine on one data set, in a process of its own so that its memory figure is its own:
 * `node --expose-gc --import tsx bench/nlu-run.ts ENGINE DATASET [--quick]` prints one JSON
 * result. Started by bench/nlu.ts.
 */
import { evaluate } from '../src/nlu/evaluate';
import { createEngine, ENGINES, NO_ANSWER, type EngineName } from './nlu-engines';
import { DATASETS, loadBenchData, type DatasetName } from './nlu-data';

export interface TestScore {
  name: string;
  total: number;
  accuracy: number;
  macroF1: number;
  /** Lines whose accepted answer is `fallback`, and how many of them the engine answered anyway. */
  outOfDomain: number;
  outOfDomainAnswered: number;
}

export interface RunResult {
  engine: EngineName;
  dataset: DatasetName;
  trainExamples: number;
  /** Importing the engine's libraries (and whatever they load at import). */
  loadMs: number;
  /** Building and training the model, dictionaries loaded on the way included. */
  trainMs: number;
  /** Memory held after load + train, minus before (after a full GC both times). */
  heapDeltaMB: number;
  rssDeltaMB: number;
  tests: TestScore[];
  latency: { samples: number; p50Ms: number; p99Ms: number };
}

const MB = 1024 * 1024;
const gc = (globalThis as { gc?: () => void }).gc;

function memory(): { heap: number; rss: number } {
  gc?.();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, rss: m.rss };
}

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : 0;
}

export async function runOne(engineName: EngineName, dataset: DatasetName, quick: boolean): Promise<RunResult> {
  const data = loadBenchData(dataset, quick);
  const before = memory();
  const t0 = performance.now();
  const engine = await createEngine(engineName, dataset);
  const t1 = performance.now();
  await engine.train(data.train);
  const t2 = performance.now();
  const after = memory();

  const tests: TestScore[] = [];
  for (const test of data.tests) {
    const predictions = new Map<string, string>();
    for (const e of test.examples) predictions.set(e.text, await engine.classify(e.text));
    const report = evaluate(test.examples, (t) => predictions.get(t) ?? NO_ANSWER);
    const ood = test.examples.filter((e) => e.accepted.includes(NO_ANSWER));
    const answered = ood.filter((e) => predictions.get(e.text) !== NO_ANSWER).length;
    tests.push({
      name: test.name,
      total: report.total,
      accuracy: report.accuracy,
      macroF1: report.macroF1,
      outOfDomain: ood.length,
      outOfDomainAnswered: answered,
    });
  }

  // Latency after the scoring pass, so every engine is measured warm.
  const texts = data.tests.flatMap((t) => t.examples.map((e) => e.text));
  const times: number[] = [];
  for (let round = 0; round < (quick ? 1 : 3); round++) {
    for (const text of texts) {
      const s = process.hrtime.bigint();
      await engine.classify(text);
      times.push(Number(process.hrtime.bigint() - s) / 1e6);
    }
  }
  times.sort((a, b) => a - b);
  return {
    engine: engineName,
    dataset,
    trainExamples: data.train.length,
    loadMs: t1 - t0,
    trainMs: t2 - t1,
    heapDeltaMB: (after.heap - before.heap) / MB,
    rssDeltaMB: (after.rss - before.rss) / MB,
    tests,
    latency: { samples: times.length, p50Ms: percentile(times, 50), p99Ms: percentile(times, 99) },
  };
}

// Run as a script: one result as JSON on stdout.
if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const [engine, dataset] = process.argv.slice(2);
  if (!ENGINES.includes(engine as EngineName) || !DATASETS.includes(dataset as DatasetName)) {
    process.stderr.write(`usage: nlu-run.ts ${ENGINES.join('|')} ${DATASETS.join('|')} [--quick]\n`);
    process.exit(2);
  }
  const result = await runOne(engine as EngineName, dataset as DatasetName, process.argv.includes('--quick'));
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
