/**
 * Turn cost over HTTP on loopback: `jianli serve` in its own process, loaded by autocannon with
 * one conversation per connection, at 1, 50 and 200 concurrent conversations, for the lowdb and
 * the Redis store; beside it the bare floor (a minimal Node HTTP server answering fixed JSON under
 * the same load), the same endpoint answering a canned turn (src/bench/canned-chat.ts: HTTP and
 * request handling alone), and the start-up time and resident memory of the server.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import type { LatencySnapshot } from '../server/latency';
import { TestRedis } from './redis-server';

const ROOT = join(import.meta.dirname, '..', '..');
const SCRIPT = ['你好', '注销需要什么材料', '照片有什么要求', '帮我看看我能不能注销', '我在南京，离职了，手上没有项目', '没有', '没有', '修满了', '愿意', '有', '审批要多久', '谢谢'];

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

async function load(url: string, connections: number, seconds: number, chat: boolean): Promise<Omit<HttpRow, 'target'>> {
  const firstId = nextId;
  await serverLatency(url, chat);
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
  };
}

/** Each target first gets an unrecorded run, so the rows measure compiled code, not the JIT warming up. */
async function rowsFor(target: string, url: string, opts: { seconds: number; connections: number[]; log: (l: string) => void }, chat: boolean): Promise<HttpRow[]> {
  opts.log(`  ${target}: warm-up…`);
  await load(url, Math.max(...opts.connections), Math.max(1, Math.round(opts.seconds / 3)), chat);
  const rows: HttpRow[] = [];
  for (const c of opts.connections) {
    opts.log(`  ${target}, ${c} connections…`);
    rows.push({ target, ...(await load(url, c, opts.seconds, chat)) });
  }
  return rows;
}

/** src/bench/canned-chat.ts in its own process; `serviceUs`: CPU each turn burns besides. */
function startCanned(serviceUs = 0) {
  return startProcess(['--import', 'tsx', join(ROOT, 'src', 'bench', 'canned-chat.ts'), '--service-us', String(serviceUs)], { DOTENV_CONFIG_QUIET: 'true' }, /port (\d+)/);
}

export interface HttpBenchResult {
  startup: { lowdbMs: number; rssMiB: number };
  rows: HttpRow[];
}

export async function benchHttp(opts: { seconds: number; connections: number[]; log: (l: string) => void }): Promise<HttpBenchResult> {
  const rows: HttpRow[] = [];
  // The bare floor: the same load tool against a server that only answers a fixed body.
  const bare = await startProcess(['-e', "const s=require('http').createServer((q,r)=>{r.setHeader('content-type','application/json');r.end('{\"ok\":true}')});s.listen(0,()=>console.log('port '+s.address().port))"], {}, /port (\d+)/);
  rows.push(...(await rowsFor('bare node http', `http://127.0.0.1:${bare.match[1]}`, opts, false)));
  await stop(bare.child);

  // The ceiling our own HTTP handling allows: the real endpoint answering a canned turn.
  const canned = await startCanned();
  rows.push(...(await rowsFor('jianli /api/chat, canned', `http://127.0.0.1:${canned.match[1]}`, opts, true)));
  await stop(canned.child);

  const serve = (env: NodeJS.ProcessEnv) =>
    startProcess([join(ROOT, 'bin', 'jianli.js'), 'serve', '--port', '0'], { ...env, JIANLI_ADMIN_TOKEN: ADMIN_TOKEN, JIANLI_RATE_PER_ADDRESS: '0', JIANLI_RATE_PER_CONVERSATION: '0', DOTENV_CONFIG_QUIET: 'true' }, /web chat:\s+http:\/\/localhost:(\d+)\//);

  const dir = mkdtempSync(join(tmpdir(), 'jianli-bench-http-'));
  const lowdb = await serve({ JIANLI_DATA: dir });
  const startup = { lowdbMs: lowdb.ms, rssMiB: rssMiB(lowdb.child.pid!) };
  rows.push(...(await rowsFor('jianli /api/chat, lowdb', `http://127.0.0.1:${lowdb.match[1]}`, opts, true)));
  await stop(lowdb.child);
  rmSync(dir, { recursive: true, force: true });

  let redis: TestRedis | undefined;
  try {
    redis = await TestRedis.start();
  } catch (err) {
    opts.log(`  redis: skipped (${(err as Error).message})`);
  }
  if (redis) {
    const r = await serve({ JIANLI_STORE: redis.url });
    rows.push(...(await rowsFor('jianli /api/chat, redis', `http://127.0.0.1:${r.match[1]}`, opts, true)));
    await stop(r.child);
    await redis.down();
  }
  return { startup, rows };
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
