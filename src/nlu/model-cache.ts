/**
 * Trained models kept on disk, so a process whose training data has not changed reads the model
 * instead of training it again (~1–2 s and ~30 MB of garbage on the 2-core machine). Off unless
 * JIANLI_NLU_CACHE names a folder: the test suite sets it (vitest.config.ts), so its many processes
 * and threads train the assistant's NLU once between them; an operator may set it to start faster.
 *
 * A model is filed under a hash of everything that decides it: the NLU settings, the training
 * examples exactly as the classifier reads them (normalised, places taken out, in order), the source
 * of src/nlu itself and the versions of jieba and OpenCC. Any change to one of them is a different
 * file, never a stale model. A file that cannot be read is ignored and the model trained (and written
 * again); a folder that cannot be written costs nothing but the write.
 *
 * File format: a 4-byte length, that many bytes of JSON (everything but the large number arrays),
 * then the number arrays as little-endian float64s, in the order the JSON lists them.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A trained model as plain data: `json` is anything JSON can hold, `arrays` its float64 arrays. */
export interface ModelSnapshot {
  json: unknown;
  arrays: Float64Array<ArrayBuffer>[];
}

/** Bumped when a snapshot's layout changes in a way the source hash would not show. */
const FORMAT = 1;
/** Model files kept per folder (the newest); older ones are removed when a new one is written. */
const KEEP = 8;

/** The source of src/nlu (or dist/nlu) and the versions of the packages that shape the features. */
let fingerprint: string | undefined;
function codeFingerprint(): string {
  if (fingerprint) return fingerprint;
  const hash = createHash('sha256');
  const here = dirname(fileURLToPath(import.meta.url));
  for (const f of readdirSync(here).sort()) {
    if (!/\.(ts|js|mjs|txt)$/.test(f)) continue;
    hash
      .update(f)
      .update('\0')
      .update(readFileSync(join(here, f)))
      .update('\0');
  }
  const require = createRequire(import.meta.url);
  for (const pkg of ['@node-rs/jieba', 'opencc-js', 'natural']) {
    try {
      hash.update(`${pkg}@${(require(`${pkg}/package.json`) as { version: string }).version}\0`);
    } catch {
      hash.update(`${pkg}@?\0`);
    }
  }
  return (fingerprint = hash.digest('hex'));
}

export class ModelCache {
  constructor(readonly dir: string) {}

  /** The file name of a model trained by `kind` on `inputs` (any JSON value). */
  key(kind: string, inputs: unknown): string {
    const hash = createHash('sha256').update(`${FORMAT}\0${kind}\0${codeFingerprint()}\0`).update(JSON.stringify(inputs)).digest('hex');
    return `${kind}-${hash.slice(0, 32)}.model`;
  }

  /** The model filed under `key`, or undefined when there is none or it cannot be read. */
  read(key: string): ModelSnapshot | undefined {
    try {
      const buf = readFileSync(join(this.dir, key));
      const length = buf.readUInt32LE(0);
      const head = JSON.parse(buf.toString('utf8', 4, 4 + length)) as { json: unknown; arrays: number[] };
      let offset = 4 + length;
      const arrays = head.arrays.map((n) => {
        const a = new Float64Array(n);
        for (let i = 0; i < n; i++, offset += 8) a[i] = buf.readDoubleLE(offset);
        return a;
      });
      if (offset !== buf.length) return undefined;
      return { json: head.json, arrays };
    } catch {
      return undefined;
    }
  }

  /** Files a model under `key` (written whole, then renamed: a reader never sees half a file). */
  write(key: string, snapshot: ModelSnapshot): void {
    try {
      mkdirSync(this.dir, { recursive: true });
      const head = Buffer.from(JSON.stringify({ json: snapshot.json, arrays: snapshot.arrays.map((a) => a.length) }), 'utf8');
      const body = Buffer.alloc(4 + head.length + 8 * snapshot.arrays.reduce((n, a) => n + a.length, 0));
      body.writeUInt32LE(head.length, 0);
      head.copy(body, 4);
      let offset = 4 + head.length;
      for (const a of snapshot.arrays) for (let i = 0; i < a.length; i++, offset += 8) body.writeDoubleLE(a[i], offset);
      const temp = join(this.dir, `.${key}.${process.pid}.${Math.random().toString(36).slice(2)}`);
      writeFileSync(temp, body);
      renameSync(temp, join(this.dir, key));
      this.prune();
    } catch {
      // A cache that cannot be written only means the next process trains too.
    }
  }

  private prune(): void {
    const models = readdirSync(this.dir)
      .filter((f) => f.endsWith('.model') && !f.startsWith('.'))
      .map((f) => ({ f, at: statSync(join(this.dir, f)).mtimeMs }))
      .sort((a, b) => b.at - a.at);
    for (const { f } of models.slice(KEEP)) rmSync(join(this.dir, f), { force: true });
  }
}

/** JIANLI_NLU_CACHE: the folder of the model cache; unset or empty = no cache (train every time). */
export function modelCacheFromEnv(env: NodeJS.ProcessEnv = process.env): ModelCache | undefined {
  const dir = env.JIANLI_NLU_CACHE?.trim();
  return dir ? new ModelCache(dir) : undefined;
}
