#!/usr/bin/env node
/**
 * `npm run build`: compiles src/ to dist/ with TypeScript (tsconfig.build.json), adds the `.js`
 * extensions the sources leave out (tsc-alias), and copies what src/ needs at run time that is not
 * TypeScript (the web and admin pages in public/, the *.mjs worker threads). dist/ mirrors src/
 * folder for folder, so paths relative to a module (knowledge/, public/) are the same in both.
 *
 * bin/jianli.js calls `ensureBuilt()` before every command: it builds when dist/ is missing or
 * older than src/, and otherwise costs one stat per source file. Builds are serialised by a lock
 * folder, so processes started together (tests) build once. A production tree (`npm prune
 * --omit=dev`) has no TypeScript: there dist/ is used as it is, and a missing dist/ is one clear error.
 *
 * Plain JavaScript with no dependencies at load time: it must run before anything is compiled.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const SRC = join(ROOT, 'src');
export const DIST = join(ROOT, 'dist');
/** The compiled command line that bin/jianli.js runs. */
export const ENTRY = join(DIST, 'cli.js');
/** Written when a build ends, with the time the build started: sources changed after that are newer. */
const STAMP = join(DIST, '.build-stamp');
const LOCK = join(DIST, '.build-lock');
/** The top-level entries the last build put in dist/ (dist/ may hold other things, such as dist/teams). */
const ENTRIES = join(DIST, '.build-entries');
const CONFIG = join(ROOT, 'tsconfig.build.json');
/** Inputs beside src/ that change what is emitted. */
const CONFIGS = [CONFIG, join(ROOT, 'tsconfig.json')];

export class BuildError extends Error {}

/** Every file under a folder (recursively). */
function* files(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* files(p);
    else if (e.isFile()) yield p;
  }
}

/** The newest modification time among the sources and the build settings (0 without src/). */
function newestSource() {
  let newest = 0;
  if (existsSync(SRC)) for (const f of files(SRC)) newest = Math.max(newest, statSync(f).mtimeMs);
  for (const f of CONFIGS) if (existsSync(f)) newest = Math.max(newest, statSync(f).mtimeMs);
  return newest;
}

/** Why dist/ must be (re)built, or undefined when it is current. A tree without src/ is always current. */
export function staleReason() {
  if (!existsSync(ENTRY) || !existsSync(STAMP)) return 'dist/ is missing';
  if (!existsSync(SRC)) return undefined;
  return newestSource() > statSync(STAMP).mtimeMs ? 'src/ changed since the last build' : undefined;
}

/** TypeScript's compiler, or undefined in a production tree. */
function tscPath() {
  try {
    return createRequire(join(ROOT, 'package.json')).resolve('typescript/bin/tsc');
  } catch {
    return undefined;
  }
}

/** Files under src/ that are not TypeScript sources but are read or run from beside the compiled code. */
function isAsset(path) {
  return !/\.(c|m)?ts$/.test(path) && !/\.md$/i.test(path);
}

/** Runs a Node script without blocking the event loop (a test runner's globalSetup calls this). */
function runNode(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.once('error', (err) => reject(new BuildError(`cannot run TypeScript: ${err.message}`)));
    child.once('close', (status) => resolve({ status, output }));
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Whether the process that holds the lock is gone (killed mid-build), judged by the pid it wrote. */
function holderGone() {
  try {
    const pid = Number(readFileSync(join(LOCK, 'pid'), 'utf8'));
    if (!pid) return false;
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return err.code === 'ESRCH';
  }
}

/**
 * Runs `work` holding dist/.build-lock (a folder: mkdir is atomic). A lock whose process has died, or
 * older than `staleMs`, was left by a killed build and is taken over.
 */
async function withLock(work, staleMs = 300_000) {
  mkdirSync(DIST, { recursive: true });
  for (;;) {
    try {
      mkdirSync(LOCK);
      writeFileSync(join(LOCK, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      let age = 0;
      try {
        age = Date.now() - statSync(LOCK).mtimeMs;
      } catch {
        continue;
      }
      if (age > staleMs || holderGone()) rmSync(LOCK, { recursive: true, force: true });
      else await sleep(200);
    }
  }
  try {
    return await work();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

/**
 * Compiles src/ into dist/. `strict`: type errors fail the build (npm run build); otherwise they are
 * reported and the emitted JavaScript is used (an on-demand build while a file is half edited).
 */
export async function build({ strict = true, onlyIfStale = false, log = (l) => process.stderr.write(`${l}\n`) } = {}) {
  const tsc = tscPath();
  if (!tsc)
    throw new BuildError('cannot build dist/: TypeScript is not installed (a production tree); run `npm ci && npm run build` before `npm prune --omit=dev`');
  return withLock(async () => {
    // Another process may have built while this one waited for the lock.
    if (onlyIfStale && !staleReason()) return undefined;
    const started = Date.now();
    // Compiled into a staging folder beside dist/, then moved into dist/ entry by entry: a process
    // starting meanwhile never loads a half-written dist/. The staging folder starts as a copy of the
    // last build, so TypeScript's incremental build (.tsbuildinfo) re-emits only what changed; its
    // fixed name and its depth (beside dist/) keep the build info's options and relative paths valid.
    const staging = join(ROOT, '.dist-staging');
    const previous = join(ROOT, '.dist-previous');
    rmSync(staging, { recursive: true, force: true });
    rmSync(previous, { recursive: true, force: true });
    mkdirSync(staging);
    let copied = 0;
    try {
      // What a build puts in dist/ (dist/ may hold other things, such as the Teams app package in dist/teams).
      const own = [
        '.tsbuildinfo',
        ...readdirSync(SRC).flatMap((e) => (/\.d\.ts$/.test(e) ? [] : /\.ts$/.test(e) ? [e.replace(/\.ts$/, '.js'), e.replace(/\.ts$/, '.js.map')] : [e])),
      ];
      if (existsSync(ENTRY)) for (const e of own) if (existsSync(join(DIST, e))) cpSync(join(DIST, e), join(staging, e), { recursive: true });
      const r = await runNode([tsc, '-p', CONFIG, '--pretty', 'false', '--outDir', staging, '--tsBuildInfoFile', join(staging, '.tsbuildinfo')]);
      const diagnostics = r.output.trim();
      if (r.status !== 0) {
        const errors = (diagnostics.match(/error TS\d+/g) ?? []).length;
        if (strict || !existsSync(join(staging, 'cli.js')))
          throw new BuildError(`TypeScript reported ${errors || 'some'} error(s) building dist/:\n${diagnostics}`);
        log(`built dist/ with ${errors} type error(s) (run npm run typecheck):\n${diagnostics.split('\n').slice(0, 5).join('\n')}`);
      }
      const { replaceTscAliasPaths } = await import(pathToFileURL(createRequire(join(ROOT, 'package.json')).resolve('tsc-alias')).href);
      await replaceTscAliasPaths({ configFile: CONFIG, outDir: staging, resolveFullPaths: true, resolveFullExtension: '.js' });
      for (const f of files(SRC)) {
        if (!isAsset(f)) continue;
        const to = join(staging, relative(SRC, f));
        mkdirSync(dirname(to), { recursive: true });
        copyFileSync(f, to);
        copied++;
      }
      mkdirSync(previous, { recursive: true });
      const made = readdirSync(staging);
      for (const e of made) {
        if (existsSync(join(DIST, e))) renameSync(join(DIST, e), join(previous, e));
        renameSync(join(staging, e), join(DIST, e));
      }
      // What an earlier build made that this one no longer does (a folder moved out of src/, as the
      // benchmarks did to bench/) is removed, so dist/ holds no code whose source is gone. Builds
      // from before this list was kept made dist/bench.
      const listed = existsSync(ENTRIES) ? readFileSync(ENTRIES, 'utf8').split('\n').filter(Boolean) : ['bench'];
      for (const e of listed) if (!made.includes(e) && e !== '.build-entries') rmSync(join(DIST, e), { recursive: true, force: true });
      writeFileSync(ENTRIES, `${made.join('\n')}\n`);
    } finally {
      rmSync(staging, { recursive: true, force: true });
      rmSync(previous, { recursive: true, force: true });
    }
    writeFileSync(STAMP, `${new Date(started).toISOString()}\n`);
    utimesSync(STAMP, new Date(started), new Date(started));
    return { ms: Date.now() - started, assets: copied };
  });
}

/** Builds when dist/ is missing or stale and TypeScript is at hand; called by bin/jianli.js before every command. */
export async function ensureBuilt({ log = (l) => process.stderr.write(`${l}\n`), env = process.env } = {}) {
  const reason = staleReason();
  if (!reason) return;
  // JIANLI_AUTOBUILD=0: run the build there is (the tests build once first, and must not rebuild in
  // the middle of a run because someone edits src/).
  if (env.JIANLI_AUTOBUILD?.trim() === '0' && existsSync(ENTRY)) return;
  if (!tscPath()) {
    if (existsSync(ENTRY)) {
      // A production tree: run the build it has, but say so when its sources were edited since.
      if (reason !== 'dist/ is missing') log(`note: ${reason}, but TypeScript is not installed (npm prune --omit=dev); running dist/ as it was built`);
      return;
    }
    throw new BuildError('dist/ is missing and TypeScript is not installed: run `npm ci && npm run build` first (then `npm prune --omit=dev` if you want)');
  }
  log(`building dist/ (${reason}) …`);
  const done = await build({ strict: false, onlyIfStale: true, log });
  log(done ? `built dist/ in ${(done.ms / 1000).toFixed(1)} s` : 'dist/ was built by another process');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const { ms, assets } = await build({ strict: true });
    process.stdout.write(`built dist/ in ${(ms / 1000).toFixed(1)} s (${assets} asset files copied)\n`);
  } catch (err) {
    process.stderr.write(`${err instanceof BuildError ? err.message : err.stack}\n`);
    process.exit(1);
  }
}
