/**
 * Crash: the server is killed with SIGKILL in the middle of load and started again. Every turn
 * that had been answered is in the store, and every file is still valid.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportConversation } from '../../src/store/export';
import { LowdbStore } from '../../src/store/lowdb';
import { script } from '../helpers/load';

const root = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'jianli-crash-'));
const children: ChildProcess[] = [];
afterAll(() => {
  children.forEach((c) => c.kill('SIGKILL'));
  rmSync(dir, { recursive: true, force: true });
});

/** Starts `jianli serve` on a free port and resolves with its URL once it listens. */
function startServer(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [join(root, 'bin', 'jianli.js'), 'serve', '--port', '0'], {
    env: { ...process.env, JIANLI_DATA: dir, JIANLI_RATE_PER_ADDRESS: '0', JIANLI_RATE_PER_CONVERSATION: '0', DOTENV_CONFIG_QUIET: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /web chat:\s+(http:\/\/localhost:\d+)\//.exec(out);
      if (m) resolve({ child, url: m[1] });
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}) before listening: ${out}`)));
  });
}

describe('crash', () => {
  it('keeps every answered turn through a SIGKILL mid-load', async () => {
    const first = await startServer();
    const answered = new Map<string, string[]>();
    let stop = false;
    const workers = Array.from({ length: 40 }, async (_, n) => {
      const id = `crash-${n}`;
      const messages = script(n, 400);
      answered.set(id, []);
      for (const text of messages) {
        if (stop) return;
        try {
          const r = await fetch(`${first.url}/api/chat`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ conversationId: id, text }),
          });
          if (r.status !== 200) return;
          await r.json();
          answered.get(id)!.push(text);
        } catch {
          return; // the server is gone
        }
      }
    });
    // Killed mid-load: once enough turns were answered (a loaded CI machine answers slower), at most 30 s in.
    const count = () => [...answered.values()].reduce((a, l) => a + l.length, 0);
    for (const start = Date.now(); count() < 150 && Date.now() - start < 30_000;) await new Promise((r) => setTimeout(r, 100));
    first.child.kill('SIGKILL');
    stop = true;
    await Promise.all(workers);
    const total = [...answered.values()].reduce((a, l) => a + l.length, 0);
    expect(total).toBeGreaterThan(100);

    // The restarted server applies the journal the killed one left (rewriting a state file the kill
    // may have torn), then answers from the same store; every state file is valid JSON.
    const stateFiles = () => readdirSync(join(dir, 'conversations')).filter((f) => f.endsWith('.json'));
    const second = await startServer();
    const r = await fetch(`${second.url}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ conversationId: 'crash-0', text: '谢谢' }),
    });
    expect(r.status).toBe(200);
    expect(stateFiles().length).toBe(40);
    for (const f of stateFiles()) expect(() => JSON.parse(readFileSync(join(dir, 'conversations', f), 'utf8'))).not.toThrow();
    await new Promise((resolve) => {
      second.child.once('exit', resolve);
      second.child.kill('SIGKILL');
    });

    const store = new LowdbStore(dir);
    for (const [id, texts] of answered) {
      // The API stores its conversations under api:<id>.
      const stored = await exportConversation(store, `api:${id}`);
      const storedTexts = (stored?.turns ?? []).map((t) => t.text);
      // Answered turns are a prefix of what is stored (a turn in flight at the kill may also be there).
      expect(storedTexts.slice(0, texts.length), id).toEqual(texts);
    }
  }, 60_000);
});
