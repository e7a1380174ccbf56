/** `npm run bench` in its quick mode, so the benchmark code cannot rot. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('jianli bench --quick', () => {
  it('measures classify latency, engine turns and the turn cost of both stores', () => {
    const r = spawnSync(process.execPath, [join(import.meta.dirname, '..', '..', 'bin', 'jianli.js'), 'bench', '--quick', '--json'], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(r.status).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.classify.p99Ms).toBeGreaterThan(0);
    expect(result.turns.perSecond).toBeGreaterThan(0);
    expect(result.stores.map((s: { store: string; stored: number }) => `${s.store}:${s.stored}`)).toEqual(['lowdb:0', 'lowdb:1000', 'redis:0', 'redis:1000']);
  }, 150_000);
});
