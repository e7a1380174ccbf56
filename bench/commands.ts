/**
 * `jianli bench` and `jianli bench-turns` (npm run bench, npm run bench:turns). The benchmarks are
 * not part of the product: src/cli.ts loads this file, through tsx, only when one of these two
 * commands runs, and only from a development tree (bench/ is not in the build or the image).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Assistant } from '../src/engine/assistant';
import { DEFAULT_ROOT, loadKnowledge } from '../src/knowledge/load';
import { parseEvalTsv } from '../src/nlu/evaluate';
import { benchEngine } from './engine';
import { benchBudget, benchHttp, type HttpRow } from './http';
import { benchStores } from './store';

const log = (l: string) => process.stderr.write(`${l}\n`);

/** Classify latency, engine turns per second and the turn cost of both stores, in this process. */
export async function bench(opts: { quick?: boolean; json?: boolean }): Promise<void> {
  const t0 = performance.now();
  const assistant = new Assistant(loadKnowledge());
  const startupMs = performance.now() - t0;
  const messages = parseEvalTsv(readFileSync(join(DEFAULT_ROOT, 'test', 'fixtures', 'heldout.tsv'), 'utf8')).map((e) => e.text);
  const engine = { ...benchEngine(assistant, messages, opts.quick ? 2 : 50), startupMs, nluFromCache: assistant.nlu.fromCache };
  const stores = await benchStores(assistant, opts.quick ? [0, 1000] : [0, 10_000, 100_000], opts.quick ? 120 : 1200, log);
  const result = { ...engine, stores };
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  const f = (x: number) => x.toFixed(3);
  process.stdout.write(
    [
      `engine start-up (load knowledge + ${engine.nluFromCache ? 'read the trained NLU from JIANLI_NLU_CACHE' : 'train the NLU'}): ${startupMs.toFixed(0)} ms`,
      `classify: ${result.classify.samples} samples, p50 ${f(result.classify.p50Ms)} ms, p99 ${f(result.classify.p99Ms)} ms, mean ${f(result.classify.meanMs)} ms`,
      `turns (console engine, scripted conversations): ${result.turns.count} turns, ${result.turns.perSecond.toFixed(0)} turns/s, p50 ${f(result.turns.p50Ms)} ms, p99 ${f(result.turns.p99Ms)} ms`,
      '',
      'turn cost through the chat service (load state, answer, store the masked turn):',
      'store  stored conversations  turns  turns/s  mean ms  p50 ms  p99 ms',
      ...stores.map(
        (r) =>
          `${r.store.padEnd(6)} ${String(r.stored).padStart(20)} ${String(r.turns).padStart(6)} ${r.turnsPerSecond.toFixed(0).padStart(8)} ${f(r.meanMs).padStart(8)} ${f(r.p50Ms).padStart(7)} ${f(r.p99Ms).padStart(7)}`,
      ),
    ].join('\n') + '\n',
  );
}

/** Turn cost over HTTP (bench/http.ts); `budget`: the canned endpoint's CPU-burn sweep instead. */
export async function benchTurns(opts: { quick?: boolean; budget?: boolean; json?: boolean }): Promise<void> {
  const seconds = opts.quick ? 1 : 10;
  const header = 'target                     conns    req/s   p50 ms  p99 ms  errors  non-2xx  conversations  server p50/p99 ms  log lines';
  const line = (r: HttpRow) =>
    `${r.target.padEnd(26)} ${String(r.connections).padStart(5)} ${r.requestsPerSecond.toFixed(0).padStart(8)} ${String(r.p50Ms).padStart(8)} ${String(r.p99Ms).padStart(7)} ${String(r.errors).padStart(7)} ${String(r.non2xx).padStart(8)} ${String(r.conversations ?? '').padStart(14)}  ${(r.serverP50Ms === undefined ? '' : `${r.serverP50Ms} / ${r.serverP99Ms}`).padEnd(17)}  ${r.logLines ?? ''}`;
  if (opts.budget) {
    const rows = await benchBudget({ seconds, connections: [200], servicesUs: opts.quick ? [0, 100] : [0, 25, 50, 75, 100, 150], log });
    process.stdout.write(opts.json ? `${JSON.stringify({ rows }, null, 2)}\n` : [header, ...rows.map(line)].join('\n') + '\n');
    return;
  }
  const result = await benchHttp({ seconds, connections: [1, 50, 200], log });
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  process.stdout.write(
    [
      `start-up of jianli serve (lowdb): ${result.startup.lowdbMs.toFixed(0)} ms to a healthy /healthz, RSS ${result.startup.rssMiB.toFixed(0)} MiB; its log at ${result.logLevel}, to a file`,
      header,
      ...result.rows.map(line),
    ].join('\n') + '\n',
  );
}
