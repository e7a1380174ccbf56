/** src/config.ts: one schema for every setting, .env read explicitly, one line for a bad value. */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, loadEnvFile, SETTINGS } from '../src/config';
import { envExample } from '../src/config-example';

const root = join(import.meta.dirname, '..');
const dirs: string[] = [];
const temp = () => {
  const d = mkdtempSync(join(tmpdir(), 'jianli-config-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** `node bin/jianli.js …` in `cwd` with `env` added to a clean environment (no setting inherited). */
function jianli(args: string[], cwd: string, env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !(k in SETTINGS) && !/^(WECHAT|JIANLI|BOT|CLIENT)_/.test(k)));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(root, 'bin', 'jianli.js'), ...args], { cwd, env: { ...clean, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    return statSync(p).isDirectory() ? sources(p) : /\.(ts|mjs)$/.test(e) ? [p] : [];
  });
}

describe('the settings', () => {
  it('declares every setting the code reads', () => {
    const read = new Set<string>();
    for (const f of sources(join(root, 'src'))) {
      if (f.endsWith('config.ts')) continue;
      for (const m of readFileSync(f, 'utf8').matchAll(/\b(PORT|HOST|JIANLI_[A-Z_]+|WECHAT_[A-Z_]+|MicrosoftApp(?:Id|Password|Type|TenantId))\b/g))
        read.add(m[1]);
    }
    // Constants that look like settings but are not read from the environment.
    for (const constant of ['WECHAT_PART_TEXTS']) read.delete(constant);
    expect([...read].filter((name) => !(name in SETTINGS)).sort()).toEqual([]);
  });

  it('.env.example lists every setting with its meaning and is generated from the schema', () => {
    const text = readFileSync(join(root, '.env.example'), 'utf8');
    expect(text).toBe(envExample());
    for (const name of Object.keys(SETTINGS)) expect(text).toMatch(new RegExp(`^#? ?${name}=`, 'm'));
  });

  it('fills in the defaults and converts the values', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 3978, host: '0.0.0.0', shutdownSeconds: 10, store: 'lowdb', fsync: false, ratePerAddress: 600, ratePerConversation: 60 });
    expect(c.adminToken).toBeUndefined();
    // As written in a .env file: spaces trimmed, an empty value is unset.
    expect(loadConfig({ PORT: ' 8080 ', JIANLI_FSYNC: '1', JIANLI_ADMIN_TOKEN: '', JIANLI_STORE: 'redis://127.0.0.1:6379' })).toMatchObject({
      port: 8080,
      fsync: true,
      adminToken: undefined,
      store: 'redis://127.0.0.1:6379',
    });
  });

  it.each([
    [{ PORT: '80a' }, 'PORT', /port number/],
    [{ PORT: '70000' }, 'PORT', /port number \(0–65535\)/],
    [{ HOST: 'everywhere' }, 'HOST', /IP address/],
    [{ JIANLI_FSYNC: 'yes' }, 'JIANLI_FSYNC', /1 \(on\) or 0 \(off\)/],
    [{ JIANLI_STORE: 'postgres://x' }, 'JIANLI_STORE', /lowdb or a Redis URL/],
    [{ JIANLI_RATE_PER_ADDRESS: '-1' }, 'JIANLI_RATE_PER_ADDRESS', /whole number/],
    [{ JIANLI_TRUST_PROXY: '10.0.0.0/8, nowhere' }, 'JIANLI_TRUST_PROXY', /proxy hops/],
    [{ JIANLI_ADMIN_TOKEN: 'short' }, 'JIANLI_ADMIN_TOKEN', /at least 16/],
    [{ JIANLI_HANDOFF_WEBHOOK: 'ftp://x' }, 'JIANLI_HANDOFF_WEBHOOK', /http/],
    [{ JIANLI_LOG_LEVEL: 'loud' }, 'JIANLI_LOG_LEVEL', /one of/],
    [{ WECHAT_TOKEN: 't' }, 'WECHAT_APP_ID', /required/],
    [{ WECHAT_ENCODING_AES_KEY: 'abc' }, 'WECHAT_ENCODING_AES_KEY', /43-character/],
    [{ MicrosoftAppId: 'x' }, 'MicrosoftAppPassword', /missing/],
    [{ MicrosoftAppType: 'Global' }, 'MicrosoftAppType', /MultiTenant/],
    [{ JIANLI_KNOWLEDGE_ROOT: '/no/such/folder' }, 'JIANLI_KNOWLEDGE_ROOT', /existing folder/],
  ])('refuses %o naming %s', (env, setting, problem) => {
    let err: unknown;
    try {
      loadConfig(env);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).setting).toBe(setting);
    expect((err as Error).message).toMatch(new RegExp(`^Invalid setting ${setting}: `));
    expect((err as Error).message).toMatch(problem);
    expect((err as Error).message).not.toContain('\n');
  });

  it('reads .env explicitly, and the environment wins over it', () => {
    const dir = temp();
    writeFileSync(join(dir, '.env'), 'JIANLI_TEST_FROM_FILE=file\nJIANLI_TEST_BOTH=file\n');
    process.env.JIANLI_TEST_BOTH = 'environment';
    try {
      expect(loadEnvFile(process.env, dir)).toBe(join(dir, '.env'));
      expect(process.env.JIANLI_TEST_FROM_FILE).toBe('file');
      expect(process.env.JIANLI_TEST_BOTH).toBe('environment');
      expect(loadEnvFile(process.env, temp())).toBeUndefined();
      expect(() => loadEnvFile({ JIANLI_ENV_FILE: 'missing.env' }, dir)).toThrow(
        /^Invalid setting JIANLI_ENV_FILE: names .*missing\.env, which does not exist$/,
      );
    } finally {
      delete process.env.JIANLI_TEST_FROM_FILE;
      delete process.env.JIANLI_TEST_BOTH;
    }
  });

  it('never imports the natural package root (it loads dotenv and database drivers)', () => {
    const offenders = sources(join(root, 'src')).filter((f) => /from 'natural'|import\('natural'\)|require\('natural'\)/.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });
});

describe('jianli serve with a bad setting', () => {
  it('stops with one English line naming the setting, no stack trace', async () => {
    const r = await jianli(['serve'], temp(), { JIANLI_FSYNC: '2' });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('Invalid setting JIANLI_FSYNC: must be 1 (on) or 0 (off) (got "2")\n');
    expect(r.stdout).toBe('');
  });

  it('reads the bad value from .env in the working folder, and names it the same way', async () => {
    const dir = temp();
    writeFileSync(join(dir, '.env'), '# a typo\nPORT=39780x\n');
    const r = await jianli(['serve'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('Invalid setting PORT: must be a port number (0–65535) (got "39780x")\n');
  });
});
