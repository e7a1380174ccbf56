/** `npm run bench:turns -- --quick`, so the HTTP turn-cost benchmark cannot rot (the full run is by hand). */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('jianli bench-turns --quick', () => {
  it('loads /api/chat on both stores beside the bare floor and the canned-turn ceiling, each conversation running the whole script', () => {
    const r = spawnSync(process.execPath, [join(import.meta.dirname, '..', '..', 'bin', 'jianli.js'), 'bench-turns', '--quick', '--json'], {
      encoding: 'utf8',
      timeout: 170_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.startup.lowdbMs).toBeGreaterThan(0);
    expect(result.startup.rssMiB).toBeGreaterThan(0);
    const rows = result.rows as {
      target: string;
      connections: number;
      requestsPerSecond: number;
      errors: number;
      non2xx: number;
      conversations?: number;
      serverP50Ms?: number;
      serverP99Ms?: number;
    }[];
    expect(rows.map((row) => `${row.target}@${row.connections}`)).toEqual(
      ['bare node http', 'jianli /api/chat, canned', 'jianli /api/chat, lowdb', 'jianli /api/chat, redis'].flatMap((t) => [1, 50, 200].map((c) => `${t}@${c}`)),
    );
    for (const row of rows) {
      expect(row.requestsPerSecond, row.target).toBeGreaterThan(0);
      expect(row.errors + row.non2xx, row.target).toBe(0);
    }
    // The script is 12 turns: a row whose conversations each got one turn would measure greetings only.
    for (const row of rows.filter((x) => x.conversations !== undefined)) {
      expect(row.conversations!, `${row.target}@${row.connections}`).toBeLessThanOrEqual(Math.ceil((row.requestsPerSecond * 1.5) / 12) + row.connections);
      // The server's own answer times, read from it after the row: present and ordered.
      expect(row.serverP50Ms, row.target).toBeGreaterThan(0);
      expect(row.serverP99Ms!, row.target).toBeGreaterThanOrEqual(row.serverP50Ms!);
    }
  }, 180_000);

  it('--budget: the canned endpoint burning a given CPU time per turn, so each turn the server answers takes at least that long', () => {
    const r = spawnSync(process.execPath, [join(import.meta.dirname, '..', '..', 'bin', 'jianli.js'), 'bench-turns', '--budget', '--quick', '--json'], {
      encoding: 'utf8',
      timeout: 80_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout).rows as {
      target: string;
      serviceUs: number;
      connections: number;
      requestsPerSecond: number;
      errors: number;
      non2xx: number;
      serverP50Ms: number;
    }[];
    expect(rows.map((row) => `${row.serviceUs}@${row.connections}`)).toEqual(['0@200', '100@200']);
    for (const row of rows) expect(row.errors + row.non2xx, row.target).toBe(0);
    expect(rows[1].serverP50Ms).toBeGreaterThanOrEqual(0.1);
    expect(rows[0].serverP50Ms).toBeLessThan(rows[1].serverP50Ms);
  }, 90_000);
});
