/**
 * A production tree: `npm ci && npm run build && npm prune --omit=dev` in a copy of the repository,
 * then `jianli` run from it with no dev tools installed (no tsx, TypeScript or vitest). About two
 * minutes, most of it npm ci from the local cache.
 */
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startChild } from './child';

const root = join(import.meta.dirname, '..', '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** The working tree as a fresh clone would have it, plus files not yet committed (never dist/, data/ or node_modules/). */
export function copyWorkingTree(to: string): void {
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const f of files) {
    const from = join(root, f);
    // Deleted in the working tree, or not a file (a node_modules symlink).
    if (!existsSync(from) || !lstatSync(from).isFile()) continue;
    mkdirSync(dirname(join(to, f)), { recursive: true });
    copyFileSync(from, join(to, f));
  }
}

/**
 * Runs a command in `cwd` (asynchronously: a blocked event loop would stall vitest's worker), failing
 * the test with its output when it fails.
 */
export function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, npm_config_yes: 'true', npm_config_audit: 'false', npm_config_fund: 'false', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (out += d.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${cmd} ${args.join(' ')} failed (${code ?? signal}):\n${out}`));
    });
  });
}

const dirs: string[] = [];
// Asynchronously: removing a node_modules tree takes a while, and a blocked event loop stalls vitest's worker.
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))), 180_000);

describe('a production tree', () => {
  it('builds, drops the dev dependencies and runs jianli without tsx or TypeScript', async () => {
    const app = mkdtempSync(join(tmpdir(), 'jianli-prod-'));
    const data = mkdtempSync(join(tmpdir(), 'jianli-prod-data-'));
    dirs.push(app, data);
    copyWorkingTree(app);
    await run(npm, ['ci', '--prefer-offline'], app);
    expect(await run(npm, ['run', 'build'], app)).toMatch(/built dist\//);
    await run(npm, ['prune', '--omit=dev'], app);
    for (const dev of ['tsx', 'typescript', 'vitest', 'tsc-alias', 'esbuild']) expect(existsSync(join(app, 'node_modules', dev)), dev).toBe(false);

    // The command line, as `npx jianli` runs it.
    const check = await run('sh', ['-c', `echo '{"region":"江苏","unsettledProjects":true}' | node bin/jianli.js check`], app);
    expect(JSON.parse(check)).toMatchObject({ status: 'blocked' });

    // The server with its engine thread, as `npm start` runs it.
    const server = await startChild(['bin/jianli.js', 'start', '--port', '0'], { cwd: app, env: { JIANLI_DATA: data, JIANLI_ENGINE_THREAD: '1' }, timeoutMs: 60_000 });
    try {
      expect(server.output()).not.toMatch(/building dist/);
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      const res = await fetch(`${server.url}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ conversationId: 'prod', text: '注销要多久' }) });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { intent: string }).intent).toBe('process.approval_time');
      expect((await fetch(`${server.url}/`)).status).toBe(200);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  }, 300_000);
});
