/**
 * Turn cost over HTTP on loopback: `jianli serve` in its own process, loaded by autocannon with
 * one conversation per connection, at 1, 50 and 200 concurrent conversations, for the lowdb and
 * the Redis store; beside it the bare floor (a minimal Node HTTP server answering fixed JSON under
 * the same load), the same endpoint answering a canned turn (bench/canned-chat.ts: HTTP and
 * request handling alone), and the start-up time and resident memory of the server.
 *
 * `jianli serve` logs as in production (pino JSON lines, JIANLI_LOG_LEVEL, default info: a line per
 * turn) into a file in a temporary folder, not into a pipe this process reads: the load tool
 * shares the two cores with the server, and reading and keeping every line here cost CPU that is
 * neither's. Each row says how many lines the server wrote during it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import type { LatencySnapshot } from '../src/server/latency';
import { freePort, TestRedis } from '../test/helpers/redis';
import { FULL_CONVERSATION } from '../test/helpers/scripts';

const ROOT = join(import.meta.dirname, '..');
/** Each conversation the load runs: the greeting, two questions, a whole interview, one more question, thanks. */
const SCRIPT = FULL_CONVERSATION;

export interface HttpRow {
  target: string;
  connections: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
  /** Conversations started during the row (chat rows): each runs the script, so about requests ÷ 12. */
  conversations?: number;
  /**
   * The server's own time per answered turn during the row (chat rows, GET /admin/api/latency):
   * from the request reaching the handler to the reply leaving it. The client's latency adds the
   * time each request waits in the socket before the server reads it.
   */
  serverP50Ms?: number;
  serverP99Ms?: number;
  /** Log lines `jianli serve` wrote during the row (at JIANLI_LOG_LEVEL, default info: one per turn and more). */
  logLines?: number;
}

/** Starts a process and resolves when a stdout line matches, with the time it took. */
function startProcess(args: string[], env: NodeJS.ProcessEnv, ready: RegExp): Promise<{ child: ChildProcess; match: RegExpExecArray; ms: number }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = ready.exec(out);
      if (m) resolve({ child, match: m, ms: performance.now() - t0 });
    });
    child.once('exit', (code) => reject(new Error(`process exited (${code}): ${out}`)));
  });
}

/** Stops a process and waits until it is gone (so its files can be removed). */
function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

/**
 * The chat script as autocannon requests. autocannon resets a connection's context each time its
 * request list starts over, so the list is the whole script: each pass is one new conversation
 * (its id taken on the first turn), each connection runs conversations back to back.
 */
let nextId = 0;
function chatRequests(): autocannon.Request[] {
  return SCRIPT.map((text, i) => ({
    method: 'POST',
    path: '/api/chat',
    headers: { 'content-type': 'application/json' },
    setupRequest: (req: autocannon.Request, context: object) => {
      const c = context as { id?: number };
      if (i === 0 || c.id === undefined) c.id = nextId++;
      return { ...req, body: JSON.stringify({ conversationId: `bench-${process.pid}-${c.id}`, text }) };
    },
  }));
}

/** The admin token the bench gives the servers it starts, to read their answer times. */
const ADMIN_TOKEN = randomUUID();

/** Resets the server's answer-time counts; returns what they were (undefined for the bare server). */
async function serverLatency(url: string, chat: boolean): Promise<LatencySnapshot | undefined> {
  if (!chat) return undefined;
  const r = await fetch(`${url}/admin/api/latency`, { method: 'DELETE', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  if (!r.ok) throw new Error(`DELETE /admin/api/latency: ${r.status}`);
  return (await r.json()) as LatencySnapshot;
}

/** Counts the lines a log file gained since `from` (its size then); returns them and its size now. */
function linesSince(file: string, from: number): { lines: number; size: number } {
  const size = statSync(file).size;
  const fd = openSync(file, 'r');
  const buf = Buffer.alloc(1 << 20);
  let lines = 0;
  try {
    for (let at = from; at < size;) {
      const n = readSync(fd, buf, 0, Math.min(buf.length, size - at), at);
      if (n <= 0) break;
      for (let i = 0; i < n; i++) if (buf[i] === 10) lines++;
      at += n;
    }
  } finally {
    closeSync(fd);
  }
  return { lines, size };
}

async function load(url: string, connections: number, seconds: number, chat: boolean, logFile?: string): Promise<Omit<HttpRow, 'target'>> {
  const firstId = nextId;
  await serverLatency(url, chat);
  const logFrom = logFile ? statSync(logFile).size : 0;
  const result = await autocannon({ url, connections, duration: seconds, requests: chat ? chatRequests() : [{ method: 'GET', path: '/' }] });
  const server = await serverLatency(url, chat);
  return {
    connections,
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    ...(chat ? { conversations: nextId - firstId } : {}),
    ...(server ? { serverP50Ms: server.p50Ms, serverP99Ms: server.p99Ms } : {}),
    ...(logFile ? { logLines: linesSince(logFile, logFrom).lines } : {}),
  };
}

/** Each target first gets an unrecorded run, so the rows measure compiled code, not the JIT warming up. */
async function rowsFor(
  target: string,
  url: string,
  opts: { seconds: number; connections: number[]; log: (l: string) => void },
  chat: boolean,
  logFile?: string,
): Promise<HttpRow[]> {
  opts.log(`  ${target}: warm-up…`);
  await load(url, Math.max(...opts.connections), Math.max(1, Math.round(opts.seconds / 3)), chat);
  const rows: HttpRow[] = [];
  for (const c of opts.connections) {
    opts.log(`  ${target}, ${c} connections…`);
    rows.push({ target, ...(await load(url, c, opts.seconds, chat, logFile)) });
  }
  return rows;
}

/** bench/canned-chat.ts in its own process; `serviceUs`: CPU each turn burns besides. */
function startCanned(serviceUs = 0) {
  return startProcess(
    ['--import', 'tsx', join(ROOT, 'bench', 'canned-chat.ts'), '--service-us', String(serviceUs)],
    { DOTENV_CONFIG_QUIET: 'true' },
    /port (\d+)/,
  );
}

export interface HttpBenchResult {
  /** `jianli serve` on lowdb: milliseconds from spawning it to the first 200 from /healthz, and its resident memory then. */
  startup: { lowdbMs: number; rssMiB: number };
  rows: HttpRow[];
  /** The servers' log level (JIANLI_LOG_LEVEL as this process has it; production's default is info). */
  logLevel: string;
}

/**
 * `jianli serve` as `npm start` runs it, on a free port, its log (at the caller's JIANLI_LOG_LEVEL,
 * default info as in production) going to `logFile`; resolves once /healthz answers 200.
 */
async function startServe(env: NodeJS.ProcessEnv, logFile: string): Promise<{ child: ChildProcess; url: string; ms: number; logFile: string }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const t0 = performance.now();
  const fd = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, [join(ROOT, 'bin', 'jianli.js'), 'serve', '--port', String(port)], {
      cwd: ROOT,
      env: {
        ...process.env,
        ...env,
        JIANLI_ADMIN_TOKEN: ADMIN_TOKEN,
        JIANLI_RATE_PER_ADDRESS: '0',
        JIANLI_RATE_PER_CONVERSATION: '0',
        DOTENV_CONFIG_QUIET: 'true',
      },
      stdio: ['ignore', fd, fd],
    });
  } finally {
    closeSync(fd);
  }
  for (;;) {
    if (child.exitCode !== null) throw new Error(`jianli serve exited (${child.exitCode}); its log: ${logFile}\n${readFileSync(logFile, 'utf8').slice(-2000)}`);
    if (performance.now() - t0 > 120_000) {
      child.kill('SIGKILL');
      throw new Error(`jianli serve was not healthy within 120 s; its log: ${logFile}`);
    }
    if (
      await fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return { child, url, ms: performance.now() - t0, logFile };
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function benchHttp(opts: { seconds: number; connections: number[]; log: (l: string) => void }): Promise<HttpBenchResult> {
  const rows: HttpRow[] = [];
  // The bare floor: the same load tool against a server that only answers a fixed body.
  const bare = await startProcess(
    [
      '-e',
      "const s=require('http').createServer((q,r)=>{r.setHeader('content-type','application/json');r.end('{\"ok\":true}')});s.listen(0,()=>console.log('port '+s.address().port))",
    ],
    {},
    /port (\d+)/,
  );
  rows.push(...(await rowsFor('bare node http', `http://127.0.0.1:${bare.match[1]}`, opts, false)));
  await stop(bare.child);

  // The ceiling our own HTTP handling allows: the real endpoint answering a canned turn.
  const canned = await startCanned();
  rows.push(...(await rowsFor('jianli /api/chat, canned', `http://127.0.0.1:${canned.match[1]}`, opts, true)));
  await stop(canned.child);

  const dir = mkdtempSync(join(tmpdir(), 'jianli-bench-http-'));
  try {
    const lowdb = await startServe({ JIANLI_DATA: join(dir, 'data') }, join(dir, 'lowdb.log'));
    const startup = { lowdbMs: lowdb.ms, rssMiB: rssMiB(lowdb.child.pid!) };
    rows.push(...(await rowsFor('jianli /api/chat, lowdb', lowdb.url, opts, true, lowdb.logFile)));
    await stop(lowdb.child);

    let redis: TestRedis | undefined;
    try {
      redis = await TestRedis.start();
    } catch (err) {
      opts.log(`  redis: skipped (${(err as Error).message})`);
    }
    if (redis) {
      const r = await startServe({ JIANLI_STORE: redis.url }, join(dir, 'redis.log'));
      rows.push(...(await rowsFor('jianli /api/chat, redis', r.url, opts, true, r.logFile)));
      await stop(r.child);
      await redis.down();
    }
    return { startup, rows, logLevel: process.env.JIANLI_LOG_LEVEL?.trim() || 'info' };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface BudgetRow extends HttpRow {
  /** CPU each turn burns in place of the engine and the store (busy-wait, no memory touched). */
  serviceUs: number;
}

/**
 * What the HTTP targets leave for the engine and the store: the canned endpoint with each turn
 * also burning `serviceUs` of CPU, at the given connections. Read beside the in-process cost of
 * the real engine and store (`npm run bench`), it tells how much work per turn a target allows.
 */
export async function benchBudget(opts: { seconds: number; connections: number[]; servicesUs: number[]; log: (l: string) => void }): Promise<BudgetRow[]> {
  const rows: BudgetRow[] = [];
  for (const serviceUs of opts.servicesUs) {
    const canned = await startCanned(serviceUs);
    const target = `canned + ${serviceUs} µs/turn`;
    rows.push(...(await rowsFor(target, `http://127.0.0.1:${canned.match[1]}`, opts, true)).map((r) => ({ ...r, serviceUs })));
    await stop(canned.child);
  }
  return rows;
}
