/** The Redis store beyond the contract: instances sharing one Redis, and Redis going away. */
import { describe, expect, it } from 'vitest';
import { RedisStore } from '../../src/store/redis';
import { StoreUnavailableError } from '../../src/store/types';
import { freePort, TestRedis } from '../helpers/redis';
import { storesForFile } from '../helpers/stores';
import { stateWith, ticket, turn } from '../helpers/records';

const stores = storesForFile();

describe('redis across instances', () => {
  it('two store instances on one Redis never lose an update of a shared conversation', async () => {
    const prefix = `x${Date.now()}:`;
    const a = await stores.redis(prefix);
    const b = await stores.redis(prefix);
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => {
        const s = i % 2 ? a : b;
        return s.conversations.exclusive('shared', async () => {
          const n = (await s.conversations.read('shared'))?.turns ?? 0;
          await s.conversations.write('shared', stateWith(n + 1), turn(`m${i}`));
        });
      }),
    );
    expect((await a.conversations.read('shared'))?.turns).toBe(40);
    expect(await b.transcripts.read('shared')).toHaveLength(40);
  });

  it('shares tickets between instances, and keeps stores of other prefixes apart', async () => {
    const prefix = `y${Date.now()}:`;
    const a = await stores.redis(prefix);
    const b = await stores.redis(prefix);
    const other = await stores.redis();
    await a.tickets.save(ticket('S1', 'c', '2026-03-01T08:00:00.000Z'));
    expect((await b.tickets.list(10)).map((t) => t.id)).toEqual(['S1']);
    expect(await other.tickets.list(10)).toEqual([]);
  });

  it('fails fast with StoreUnavailableError while Redis is down, and recovers by itself', async () => {
    const own = await TestRedis.start();
    const s = stores.track(new RedisStore(own.url));
    await s.conversations.ready();
    await s.conversations.write('r', stateWith(1), turn('before'));
    await own.down();
    await expect(s.conversations.read('r')).rejects.toThrow(/conversation store unavailable/);
    await expect(s.transcripts.read('r')).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(s.tickets.list(10)).rejects.toBeInstanceOf(StoreUnavailableError);
    expect((await s.health()).ok).toBe(false);
    await own.up();
    await s.conversations.ready(10_000);
    await s.conversations.write('r2', stateWith(1), turn('after'));
    expect((await s.conversations.read('r2'))?.turns).toBe(1);
    await own.down();
  });

  it('is not ready while no Redis answers: ready() gives up after its timeout', async () => {
    const s = stores.track(new RedisStore(`redis://127.0.0.1:${await freePort()}`));
    const t0 = Date.now();
    await expect(s.conversations.ready(300)).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(Date.now() - t0).toBeLessThan(2000);
  });
});
