/**
 * `npm run bench:nlu [-- --quick] [-- --json]`: our NLU, NLP.js and natural's plain Bayes
 * classifier trained and scored on the same splits (SMP2017-ECDT, and the assistant's domain).
 * Each engine runs in a child process (bench/nlu-run.ts) so its memory figure is its own.
 * `--quick` subsamples SMP2017 (half of train, a quarter of dev) and times one pass, for CI.
 */
import { spawnSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { DATASETS } from './nlu-data';
import { ENGINE_TITLES, ENGINES } from './nlu-engines';
import type { RunResult } from './nlu-run';

const quick = process.argv.includes('--quick');
const asJson = process.argv.includes('--json');
process.env.DOTENV_CONFIG_QUIET ??= 'true';

function runChild(engine: string, dataset: string): RunResult {
  const args = ['--expose-gc', '--import', 'tsx', join(import.meta.dirname, 'nlu-run.ts'), engine, dataset, ...(quick ? ['--quick'] : [])];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${engine} on ${dataset} failed (exit ${r.status}):\n${r.stderr}`);
  // NLP.js prints progress lines of its own on stdout; the result is the last line.
  const last = r.stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(last) as RunResult;
}

export function machine(): Record<string, string> {
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    nproc: String(cpus().length),
    memory: `${(totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    node: process.version,
  };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const ms = (x: number) => x.toFixed(x < 10 ? 3 : x < 100 ? 1 : 0);
const mb = (x: number) => x.toFixed(1);
const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
const costCells = (r: RunResult) => [ms(r.trainMs), ms(r.loadMs), mb(r.heapDeltaMB), mb(r.rssDeltaMB), ms(r.latency.p50Ms), ms(r.latency.p99Ms)];
const COST_HEAD = ['train ms', 'load ms', 'heap Δ MB', 'RSS Δ MB', 'classify p50 ms', 'classify p99 ms'];

function tables(results: RunResult[]): string {
  const out: string[] = [];
  const smp = results.filter((r) => r.dataset === 'smp2017');
  if (smp.length) {
    const t = smp[0].tests[0];
    out.push(`SMP2017-ECDT: trained on ${smp[0].trainExamples} lines of train.tsv, scored on ${t.total} lines of dev.tsv`, '');
    out.push(row(['engine', 'accuracy', 'macro-F1', ...COST_HEAD]), row(Array(9).fill('---')));
    for (const r of smp) out.push(row([ENGINE_TITLES[r.engine], pct(r.tests[0].accuracy), r.tests[0].macroF1.toFixed(3), ...costCells(r)]));
    out.push('');
  }
  const domain = results.filter((r) => r.dataset === 'domain');
  if (domain.length) {
    const sets = domain[0].tests;
    out.push(
      `Domain: trained on the ${domain[0].trainExamples} phrases of knowledge/phrases (fallback included); ${sets.map((t) => `${t.name} ${t.total} lines (${t.outOfDomain} out of domain)`).join(', ')}`,
      '',
    );
    const ood = (t: RunResult['tests'][number]) => `${pct(t.outOfDomainAnswered / (t.outOfDomain || 1))} (${t.outOfDomainAnswered}/${t.outOfDomain})`;
    out.push(
      row(['engine', ...sets.flatMap((t) => [`${t.name} accuracy`, `${t.name} out-of-domain answered`]), ...COST_HEAD]),
      row(Array(1 + 2 * sets.length + COST_HEAD.length).fill('---')),
    );
    for (const r of domain) out.push(row([ENGINE_TITLES[r.engine], ...r.tests.flatMap((t) => [pct(t.accuracy), ood(t)]), ...costCells(r)]));
  }
  return out.join('\n');
}

const started = performance.now();
const results: RunResult[] = [];
for (const dataset of DATASETS) {
  for (const engine of ENGINES) {
    if (!asJson) process.stderr.write(`running ${engine} on ${dataset}${quick ? ' (quick)' : ''} …\n`);
    results.push(runChild(engine, dataset));
  }
}
const seconds = (performance.now() - started) / 1000;
if (asJson) {
  process.stdout.write(`${JSON.stringify({ quick, machine: machine(), seconds, results }, null, 2)}\n`);
} else {
  const m = machine();
  process.stdout.write(
    `machine: ${m.cpu}, ${m.nproc} CPUs, ${m.memory}, Node ${m.node}${quick ? ' — QUICK RUN (subsampled)' : ''}\n\n${tables(results)}\n\n(${seconds.toFixed(0)} s)\n`,
  );
}
