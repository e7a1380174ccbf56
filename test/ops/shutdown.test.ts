/**
 * Graceful shutdown of `jianli serve` as a process: SIGTERM while a request is still arriving (its
 * body sent slowly, as a phone on a bad network sends it). Readiness answers 503, new connections
 * are refused, the request under way is answered, the store is written out, and the exit code is 0.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startChild } from './child';

const root = join(import.meta.dirname, '..', '..');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A raw connection, to send a request in pieces and read the whole answer. */
async function rawConnection(port: number): Promise<{ socket: Socket; answer: Promise<string> }> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let text = '';
  socket.on('data', (d: Buffer) => (text += d.toString('utf8')));
  const answer = new Promise<string>((resolve) => socket.once('close', () => resolve(text)));
  return { socket, answer };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function serve(env: Record<string, string>) {
  const data = mkdtempSync(join(tmpdir(), 'jianli-shutdown-'));
  dirs.push(data);
  const server = await startChild([join(root, 'bin', 'jianli.js'), 'serve', '--port', '0'], {
    cwd: root,
    env: { JIANLI_DATA: data, JIANLI_ENGINE_THREAD: '0', JIANLI_RATE_PER_ADDRESS: '0', ...env },
    timeoutMs: 90_000,
  });
  return { ...server, data, port: Number(new URL(server.url).port) };
}

describe('SIGTERM', () => {
  it('answers the request under way, refuses new ones, reports not ready, writes out the store and exits 0', async () => {
    const s = await serve({ JIANLI_SHUTDOWN_SECONDS: '10' });
    const body = JSON.stringify({ conversationId: 'slow-sender', text: '注销要多久' });
    const bytes = Buffer.from(body, 'utf8');
    // A chat request whose body is still arriving when the signal comes.
    const slow = await rawConnection(s.port);
    slow.socket.write(`POST /api/chat HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${bytes.length}\r\n\r\n`);
    slow.socket.write(bytes.subarray(0, 10));
    // A readiness probe on a connection already open, its request not yet complete.
    const probe = await rawConnection(s.port);
    probe.socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n');
    await sleep(300);

    s.child.kill('SIGTERM');
    await sleep(500);
    // No new connections.
    await expect(fetch(`${s.url}/healthz`)).rejects.toThrow();
    // Readiness: 503 while draining.
    probe.socket.write('\r\n');
    const health = await probe.answer;
    expect(health).toMatch(/^HTTP\/1\.1 503 /);
    expect(health).toMatch(/"reason":"shutting down"/);
    // The request under way gets its answer.
    slow.socket.write(bytes.subarray(10));
    const answer = await slow.answer;
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    expect(answer).toMatch(/connection: close/i);
    expect(answer).toContain('"intent":"process.approval_time"');

    expect(await s.exited).toBe(0);
    expect(s.output()).toMatch(/every request under way was answered/);
    // The embedded store was written out: the turn is in its conversation files, the journal is empty.
    const conversations = readdirSync(join(s.data, 'conversations'));
    expect(conversations.some((f) => f.includes('slow-sender'))).toBe(true);
    const transcript = readdirSync(join(s.data, 'transcripts')).find((f) => f.includes('slow-sender'))!;
    expect(readFileSync(join(s.data, 'transcripts', transcript), 'utf8')).toContain('注销要多久');
    expect(readdirSync(join(s.data, 'journal')).filter((f) => readFileSync(join(s.data, 'journal', f), 'utf8').trim())).toEqual([]);
  }, 120_000);

  it('closes a request that does not finish within JIANLI_SHUTDOWN_SECONDS and still exits 0', async () => {
    const s = await serve({ JIANLI_SHUTDOWN_SECONDS: '1' });
    const stuck = await rawConnection(s.port);
    stuck.socket.write('POST /api/chat HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"conv');
    await sleep(300);
    const t0 = Date.now();
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
    expect(Date.now() - t0).toBeLessThan(8000);
    await stuck.answer;
    expect(s.output()).toMatch(/1 request\(s\) not answered within 1 s were closed/);
  }, 120_000);
});
