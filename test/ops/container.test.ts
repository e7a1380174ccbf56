/**
 * The Dockerfile's own steps, run outside Docker (Docker cannot run on the development machines),
 * so they cannot rot: the build context is the working tree less .dockerignore; each stage gets a
 * folder standing for its file system; COPY copies, RUN of the build stage runs (npm ci, npm run
 * build, npm prune --omit=dev), and the runtime stage is assembled from its COPY lines alone. Then
 * its CMD starts with its ENV — a production tree without TypeScript or tsx — answers a chat turn,
 * passes its HEALTHCHECK command, and stops on its STOPSIGNAL with exit code 0. About two minutes,
 * most of it npm ci from the local cache. compose.yaml and deploy/nginx.conf are checked against
 * each other.
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, posix } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { startChild } from './child';

const root = join(import.meta.dirname, '..', '..');

interface Instruction {
  op: string;
  args: string;
}

/** The Dockerfile's instructions (comments dropped, continuation lines joined), ARGs substituted. */
function instructions(text: string): Instruction[] {
  const lines = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const args: Record<string, string> = {};
  return lines.map((l) => {
    const m = /^(\w+)\s+(.*)$/.exec(l);
    if (!m) throw new Error(`cannot read Dockerfile line: ${l}`);
    const op = m[1].toUpperCase();
    const rest = m[2].replace(/\$\{(\w+)\}/g, (_, n: string) => args[n] ?? '');
    if (op === 'ARG') {
      const [name, value = ''] = rest.split('=');
      args[name] = value;
    }
    return { op, args: rest };
  });
}

/** `KEY=value KEY2=value2` (no quoting needed by this Dockerfile). */
function envPairs(text: string): Record<string, string> {
  return Object.fromEntries(text.split(/\s+/).map((p) => p.split('=') as [string, string]));
}

/** Exec form `["a", "b"]` or shell form. */
function command(text: string): string[] {
  return text.startsWith('[') ? (JSON.parse(text) as string[]) : ['sh', '-c', text];
}

/** The build context: the working tree's files (a fresh clone's, plus new ones) less .dockerignore. */
function contextFiles(): string[] {
  const ignore = readFileSync(join(root, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const ignored = (f: string) => ignore.some((p) => (p.startsWith('*') ? f.endsWith(p.slice(1)) : f === p || f.startsWith(`${p}/`)));
  return execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' })
    .split('\0')
    .filter((f) => f && !ignored(f) && existsSync(join(root, f)) && lstatSync(join(root, f)).isFile());
}

/** Runs a command without blocking the event loop (vitest's worker must keep answering); rejects with its output. */
function run(cmd: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd[0], cmd.slice(1), { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (out += d.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${cmd.join(' ')} failed (${code ?? signal}):\n${out}`));
    });
  });
}

const dirs: string[] = [];
// Asynchronously: removing node_modules trees takes a while, and a blocked event loop stalls vitest's worker.
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))), 180_000);

const dockerfile = instructions(readFileSync(join(root, 'Dockerfile'), 'utf8'));

describe('the Dockerfile', () => {
  it('builds on a Node LTS image and runs as an unprivileged user with a health check on /healthz', () => {
    const from = dockerfile.filter((i) => i.op === 'FROM').map((i) => i.args);
    expect(from).toHaveLength(2);
    for (const f of from) expect(f).toMatch(/^node:(20|22|24|26)-/); // even majors are the LTS lines
    const runtime = dockerfile.slice(dockerfile.map((i) => i.op).lastIndexOf('FROM'));
    expect(runtime.find((i) => i.op === 'USER')?.args).toBe('node');
    expect(runtime.find((i) => i.op === 'HEALTHCHECK')?.args).toMatch(/\/healthz/);
    expect(envPairs(runtime.find((i) => i.op === 'ENV')!.args)).toMatchObject({ HOST: '0.0.0.0', NODE_ENV: 'production' });
    expect(runtime.filter((i) => i.op === 'RUN')).toEqual([]);
  });

  it("runs its own steps outside Docker: the image's tree starts without dev tools, answers, is healthy and stops on SIGTERM", async () => {
    const base = mkdtempSync(join(tmpdir(), 'jianli-image-'));
    dirs.push(base);
    const files = contextFiles();
    const stages: Record<string, { root: string; workdir: string; env: Record<string, string> }> = {};
    let stage!: (typeof stages)[string];
    let last = '';
    let healthcheck: string[] = [];
    let cmd: string[] = [];
    let stopSignal = 'SIGTERM';
    /** A container path of a stage as a local one. */
    const local = (s: typeof stage, p: string) => join(s.root, isAbsolute(p) ? p : posix.join(s.workdir, p));
    for (const { op, args } of dockerfile) {
      if (op === 'FROM') {
        last = / AS (\w+)$/i.exec(args)?.[1] ?? String(Object.keys(stages).length);
        stage = stages[last] = { root: join(base, last), workdir: '/', env: {} };
        mkdirSync(stage.root, { recursive: true });
      } else if (op === 'WORKDIR') {
        stage.workdir = posix.resolve(stage.workdir, args);
        mkdirSync(local(stage, '.'), { recursive: true });
      } else if (op === 'ENV') {
        Object.assign(stage.env, envPairs(args));
      } else if (op === 'COPY') {
        const words = args.split(/\s+/);
        const from = words.find((w) => w.startsWith('--from='))?.slice('--from='.length);
        const paths = words.filter((w) => !w.startsWith('--'));
        const dest = paths.pop()!;
        for (const src of paths) {
          const target = paths.length > 1 || dest.endsWith('/') ? posix.join(dest, posix.basename(src)) : dest;
          if (from) {
            const source = local(stages[from], src);
            expect(existsSync(source), `COPY --from=${from} ${src}`).toBe(true);
            cpSync(source, local(stage, target), { recursive: true });
          } else {
            const chosen = files.filter((f) => f === src || f.startsWith(`${src}/`));
            expect(chosen.length, `COPY ${src} (in the build context)`).toBeGreaterThan(0);
            for (const f of chosen) {
              const to = local(stage, posix.join(target, posix.relative(src, f)));
              mkdirSync(dirname(to), { recursive: true });
              cpSync(join(root, f), to);
            }
          }
        }
      } else if (op === 'RUN') {
        // npm takes what the lockfile names from its local cache without asking the registry
        // whether it changed first (it is checked by its integrity hash either way).
        await run(command(args), local(stage, '.'), { npm_config_prefer_offline: 'true', ...stage.env });
      } else if (op === 'HEALTHCHECK') {
        healthcheck = command(args.replace(/^(--\S+\s+)*CMD\s+/, ''));
      } else if (op === 'CMD') {
        cmd = command(args);
      } else if (op === 'STOPSIGNAL') {
        stopSignal = args;
      } else if (!['ARG', 'USER', 'EXPOSE', 'VOLUME'].includes(op)) {
        throw new Error(`test/ops/container.test.ts does not know ${op}; teach it before using it in the Dockerfile`);
      }
    }

    const image = stages[last];
    const app = local(image, '.');
    for (const dev of ['tsx', 'typescript', 'vitest', 'tsc-alias', 'esbuild']) expect(existsSync(join(app, 'node_modules', dev)), dev).toBe(false);
    expect(existsSync(join(app, 'src'))).toBe(false);
    // ENV paths inside the image point into the runtime stage's folder; the port is any free one.
    const env = Object.fromEntries(Object.entries(image.env).map(([k, v]) => [k, v.startsWith('/') ? local(image, v) : v]));
    expect(readdirSync(env.JIANLI_DATA)).toEqual([]);
    const server = await startChild(cmd.slice(1), { cwd: app, env: { ...env, PORT: '0', JIANLI_ENGINE_THREAD: '1' }, timeoutMs: 60_000 });
    try {
      expect(server.output()).not.toMatch(/building dist/);
      const port = new URL(server.url).port;
      const res = await fetch(`${server.url}/api/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ conversationId: 'image', text: '注销要多久' }),
      });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { intent: string }).intent).toBe('process.approval_time');
      expect((await fetch(`${server.url}/`)).status).toBe(200);
      await run(healthcheck, app, { ...env, PORT: port });
    } finally {
      server.child.kill(stopSignal as NodeJS.Signals);
    }
    expect(await server.exited).toBe(0);
    expect(readdirSync(env.JIANLI_DATA)).toContain('journal');
  }, 300_000);
});

describe('compose.yaml', () => {
  const compose = parseYaml(readFileSync(join(root, 'compose.yaml'), 'utf8'), { merge: true }) as {
    services: Record<
      string,
      { build?: string; image?: string; command?: string[]; environment?: Record<string, string>; volumes?: string[]; ports?: string[] }
    >;
  };
  const nginx = readFileSync(join(root, 'deploy', 'nginx.conf'), 'utf8');

  it('runs two assistant instances on one Redis with append-only persistence, behind nginx', () => {
    const assistants = Object.entries(compose.services).filter(([, s]) => s.build === '.');
    expect(assistants).toHaveLength(2);
    for (const [, s] of assistants) expect(s.environment).toMatchObject({ JIANLI_STORE: 'redis://redis:6379', HOST: '0.0.0.0', JIANLI_TRUST_PROXY: '1' });
    const redis = compose.services.redis;
    expect(redis.command?.join(' ')).toMatch(/--appendonly yes/);
    expect(redis.volumes?.some((v) => v.endsWith(':/data'))).toBe(true);
    // nginx sends to exactly the assistant services, on their PORT.
    const upstreams = [...nginx.matchAll(/^\s*server\s+([\w-]+):(\d+)/gm)].map((m) => `${m[1]}:${m[2]}`).sort();
    expect(upstreams).toEqual(assistants.map(([name, s]) => `${name}:${s.environment!.PORT}`).sort());
    const proxy = compose.services.proxy;
    expect(proxy.image).toMatch(/^nginx:/);
    const mounted = proxy.volumes!.map((v) => v.split(':')[0]);
    for (const m of mounted) expect(existsSync(join(root, m)), m).toBe(true);
    // Websockets (the web page's /ws) pass through.
    expect(nginx).toMatch(/proxy_set_header Upgrade \$http_upgrade/);
  });
});
