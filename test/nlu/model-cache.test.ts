/**
 * The NLU model cache (JIANLI_NLU_CACHE, src/nlu/model-cache.ts): a model read from it answers
 * exactly as the model trained on the spot, any change to the training data is a different model,
 * and a damaged file is trained over.
 */
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadKnowledge } from '../../src/knowledge/load';
import { parseEvalTsv } from '../../src/nlu/evaluate';
import { ModelCache, modelCacheFromEnv } from '../../src/nlu/model-cache';
import { domainNlu } from '../../src/nlu/nlu';
import { tempDirs } from '../helpers/temp';

const dirs = tempDirs();
afterAll(() => dirs.cleanup());
const k = loadKnowledge();
const fixtures = join(import.meta.dirname, '..', 'fixtures');
const texts = ['heldout.tsv', 'heldout3.tsv', 'dev.tsv'].flatMap((f) => parseEvalTsv(readFileSync(join(fixtures, f), 'utf8')).map((e) => e.text));

describe('the NLU model cache', () => {
  // One model trained here and read back by the tests below (training takes a second or two).
  const cache = new ModelCache(dirs.temp('jianli-nlu-cache-'));
  const trained = domainNlu(k, { cache });

  it('reads back a model that understands every held-out message exactly as the trained one', () => {
    expect(trained.fromCache).toBe(false);
    expect(readdirSync(cache.dir).filter((f) => f.endsWith('.model'))).toHaveLength(1);
    const read = domainNlu(k, { cache });
    expect(read.fromCache).toBe(true);
    expect(texts.length).toBeGreaterThan(700);
    for (const t of texts) expect(read.understand(t), t).toEqual(trained.understand(t));
  });

  it('files a model trained on other phrases or settings apart', () => {
    const apart = new ModelCache(dirs.temp('jianli-nlu-cache-'));
    const phrases = new Map(k.phrases);
    phrases.set('process.materials', [...(phrases.get('process.materials') ?? []), '注销到底要交哪些东西']);
    expect(domainNlu(k, { cache: apart, training: phrases }).fromCache).toBe(false);
    expect(domainNlu(k, { cache: apart, config: { ...k.nlu, thresholds: { ...k.nlu.thresholds, smoothing: 0.2 } } }).fromCache).toBe(false);
    expect(readdirSync(apart.dir).filter((f) => f.endsWith('.model'))).toHaveLength(2);
    expect(domainNlu(k, { cache: apart, training: phrases }).fromCache).toBe(true);
    // The unchanged knowledge still finds its own model in the first folder.
    expect(domainNlu(k, { cache }).fromCache).toBe(true);
  });

  it('trains over a damaged file', () => {
    const damaged = new ModelCache(dirs.temp('jianli-nlu-cache-'));
    const [file] = readdirSync(cache.dir).filter((f) => f.endsWith('.model'));
    copyFileSync(join(cache.dir, file), join(damaged.dir, file));
    const bytes = readFileSync(join(damaged.dir, file));
    writeFileSync(join(damaged.dir, file), bytes.subarray(0, bytes.length - 8));
    const again = domainNlu(k, { cache: damaged });
    expect(again.fromCache).toBe(false);
    expect(again.understand('注销需要什么材料')).toEqual(trained.understand('注销需要什么材料'));
    expect(domainNlu(k, { cache: damaged }).fromCache).toBe(true);
  });

  it('is off unless JIANLI_NLU_CACHE names a folder', () => {
    expect(modelCacheFromEnv({})).toBeUndefined();
    expect(modelCacheFromEnv({ JIANLI_NLU_CACHE: ' ' })).toBeUndefined();
    expect(modelCacheFromEnv({ JIANLI_NLU_CACHE: '/tmp/x' })?.dir).toBe('/tmp/x');
  });
});
