/** `npm run bench:nlu -- --quick`, so the NLU benchmark code cannot rot (the full run is by hand). */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

describe('bench:nlu --quick', () => {
  it('trains and scores the three engines on SMP2017 and on the domain', () => {
    const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(root, 'bench', 'nlu.ts'), '--quick', '--json'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 170_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const { results } = JSON.parse(r.stdout) as {
      results: { engine: string; dataset: string; tests: { name: string; accuracy: number }[]; latency: { p99Ms: number }; trainMs: number }[];
    };
    expect(results.map((x) => `${x.engine}/${x.dataset}`)).toEqual([
      'ours/smp2017',
      'nlpjs/smp2017',
      'natural/smp2017',
      'ours/domain',
      'nlpjs/domain',
      'natural/domain',
    ]);
    for (const x of results) {
      expect(x.trainMs).toBeGreaterThan(0);
      expect(x.latency.p99Ms).toBeGreaterThan(0);
      for (const t of x.tests) expect(t.accuracy).toBeGreaterThan(0.3);
    }
    const ours = (dataset: string) => results.find((x) => x.engine === 'ours' && x.dataset === dataset)!;
    const nlpjs = (dataset: string) => results.find((x) => x.engine === 'nlpjs' && x.dataset === dataset)!;
    // Our engine leads on both data sets even on the subsample.
    expect(ours('smp2017').tests[0].accuracy).toBeGreaterThan(nlpjs('smp2017').tests[0].accuracy);
    expect(ours('domain').tests[0].accuracy).toBeGreaterThanOrEqual(0.95);
  }, 180_000);
});
