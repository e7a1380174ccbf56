/**
 * Start-up and memory of `jianli serve` as an operator runs it (`npm start`: the compiled dist/, the
 * embedded store): milliseconds from spawning the process to the first 200 from /healthz, and the
 * process's resident memory (VmRSS, the engine thread included) once healthy and after 50 chat
 * turns. Each configuration is started `runs` times; the table gives the median (and the range).
 *
 *   npm run bench:startup                 # 5 runs each, engine thread on and off
 *   npm run bench:startup -- --runs 1 --json
 *   npm run bench:startup -- --nlu-cache  # also: thread on, the trained model read from JIANLI_NLU_CACHE
 *
 * Without --nlu-cache every start trains the NLU, as a server does by default; JIANLI_NLU_CACHE from
 * the environment is not passed on. With it, a third row starts with the model cache set to a
 * folder one unrecorded start has filled.
 *
 * dist/ is built first if it is stale, outside the timing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');

export interface StartupRun {
  engineThread: boolean;
  /** The trained model was read from JIANLI_NLU_CACHE instead of trained. */
  nluCache: boolean;
  healthyMs: number;
  rssMiB: number;
  rssAfterTurnsMiB: number;
}

function rssMiB(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function once(engineThread: boolean, nluCache?: string): Promise<StartupRun> {
  const data = mkdtempSync(join(tmpdir(), 'jianli-startup-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    JIANLI_DATA: data,
    JIANLI_ENGINE_THREAD: engineThread ? '1' : '0',
    JIANLI_RATE_PER_ADDRESS: '0',
    JIANLI_RATE_PER_CONVERSATION: '0',
  };
  delete env.JIANLI_NLU_CACHE;
  if (nluCache) env.JIANLI_NLU_CACHE = nluCache;
  const t0 = performance.now();
  const child: ChildProcess = spawn(process.execPath, [join(ROOT, 'bin', 'jianli.js'), 'serve', '--port', '0'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d));
  child.stderr!.on('data', (d: Buffer) => (out += d));
  try {
    let url: string | undefined;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`jianli serve exited (${child.exitCode}):\n${out}`);
      if (performance.now() - t0 > 60_000) throw new Error(`jianli serve was not healthy within 60 s:\n${out}`);
      url ??= /web chat:\s+(http:\/\/localhost:\d+)\//.exec(out)?.[1];
      if (url) {
        const ok = await fetch(`${url}/healthz`).then(
          (r) => r.ok,
          () => false,
        );
        if (ok) break;
      }
      await sleep(20);
    }
    const healthyMs = performance.now() - t0;
    const rss = rssMiB(child.pid!);
    for (let i = 0; i < 50; i++) {
      const res = await fetch(`${url}/api/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ conversationId: `s${i % 5}`, text: ['注销需要什么材料', '单位不给办怎么办', '审批要多久', '谢谢'][i % 4] }),
      });
      if (!res.ok) throw new Error(`POST /api/chat answered ${res.status}: ${await res.text()}`);
    }
    return { engineThread, nluCache: nluCache !== undefined, healthyMs, rssMiB: rss, rssAfterTurnsMiB: rssMiB(child.pid!) };
  } finally {
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    rmSync(data, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function benchStartup(runs: number, log: (l: string) => void = () => {}, opts: { nluCache?: boolean } = {}): Promise<StartupRun[]> {
  // Build outside the timing.
  // @ts-expect-error bin/build.js is plain JavaScript without type declarations
  const { ensureBuilt } = (await import('../bin/build.js')) as { ensureBuilt: () => Promise<void> };
  await ensureBuilt();
  const cache = opts.nluCache ? mkdtempSync(join(tmpdir(), 'jianli-startup-nlu-')) : undefined;
  try {
    // One unrecorded start trains the model into the cache.
    if (cache) await once(true, cache);
    const configs: [boolean, string | undefined][] = [[true, undefined], [false, undefined], ...(cache ? [[true, cache] as [boolean, string]] : [])];
    const results: StartupRun[] = [];
    for (let i = 0; i < runs; i++) {
      for (const [thread, nluCache] of configs) {
        const r = await once(thread, nluCache);
        log(
          `engine thread ${thread ? 'on ' : 'off'}${nluCache ? ', model cache' : ''}: healthy after ${r.healthyMs.toFixed(0)} ms, RSS ${r.rssMiB.toFixed(0)} MiB, after 50 turns ${r.rssAfterTurnsMiB.toFixed(0)} MiB`,
        );
        results.push(r);
      }
    }
    return results;
  } finally {
    if (cache) rmSync(cache, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const runsArg = process.argv.indexOf('--runs');
  const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;
  const results = await benchStartup(runs, (l) => process.stderr.write(`${l}\n`), { nluCache: process.argv.includes('--nlu-cache') });
  if (process.argv.includes('--json')) {
    process.stdout.write(`${JSON.stringify({ runs: results }, null, 2)}\n`);
  } else {
    const row = (thread: boolean, nluCache: boolean) => {
      const rs = results.filter((r) => r.engineThread === thread && r.nluCache === nluCache);
      if (!rs.length) return [];
      const f = (k: 'healthyMs' | 'rssMiB' | 'rssAfterTurnsMiB') => {
        const xs = rs.map((r) => r[k]);
        return `${median(xs).toFixed(0)} (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)})`;
      };
      return [`| ${thread ? 'on' : 'off'}${nluCache ? ', model cache' : ''} | ${f('healthyMs')} | ${f('rssMiB')} | ${f('rssAfterTurnsMiB')} |`];
    };
    process.stdout.write(
      [
        '| engine thread | healthy after, ms | RSS when healthy, MiB | RSS after 50 turns, MiB |',
        '| --- | --- | --- | --- |',
        ...row(true, false),
        ...row(false, false),
        ...row(true, true),
      ].join('\n') + '\n',
    );
  }
}
