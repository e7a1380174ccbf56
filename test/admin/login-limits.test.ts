/**
 * Failed admin logins are limited per client address, but the limit never refuses the right
 * token: a stranger's guesses from the same address (an office NAT, or the reverse proxy's
 * address) must not lock the staff out. Behind a proxy (JIANLI_TRUST_PROXY) each client is
 * counted by its own address.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createAdminRouter, type AdminRouterOptions } from '../../src/admin/router';
import { createApp } from '../../src/server/app';
import { parseTrustProxy, type TrustProxy } from '../../src/server/limits';
import { handoffService } from '../helpers/handoff';
import { listen } from '../helpers/listen';

const TOKEN = 'admin-limit-token-4c1e9b';
const h = handoffService();
const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers) await close();
  h.cleanup();
});

async function serve(opts: Partial<AdminRouterOptions> = {}, trustProxy?: TrustProxy): Promise<string> {
  const app = createApp({
    service: h.service,
    trustProxy,
    mount: [(a) => a.use('/admin', createAdminRouter({ service: h.service, store: h.store, token: TOKEN, ...opts }))],
  });
  closers.push(app.close);
  return listen(app.server);
}

const get = (base: string, token: string, client?: string) =>
  fetch(`${base}/admin/handoffs`, { headers: { authorization: `Bearer ${token}`, ...(client ? { 'x-forwarded-for': client } : {}) } }).then((r) => r.status);

describe('failed admin logins', () => {
  it('31 wrong tokens from one address do not lock out the right token (200), while further wrong ones get 429', async () => {
    const base = await serve();
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) statuses.push(await get(base, `guess-${i}`));
    expect(statuses.slice(0, 30).every((s) => s === 401)).toBe(true);
    expect(statuses[30]).toBe(429);
    expect(await get(base, TOKEN)).toBe(200);
    expect(await get(base, 'guess-again')).toBe(429);
    // Successes are never counted: the staff's own use does not bring the address nearer the limit.
    for (let i = 0; i < 40; i++) expect(await get(base, TOKEN)).toBe(200);
  });

  it('a malformed header counts as a failure; a request without credentials (the login page) is never counted or refused', async () => {
    const base = await serve({ failedAuthPerMinute: 2 });
    const basic = () => fetch(`${base}/admin/handoffs`, { headers: { authorization: `Basic ${Buffer.from(`admin:${TOKEN}x`).toString('base64')}` } });
    expect([(await basic()).status, await get(base, 'wrong')]).toEqual([401, 401]);
    const limited = await basic();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    // The address is limited, yet a browser still gets the page that asks for the token, and the token works.
    for (let i = 0; i < 5; i++) {
      const page = await fetch(`${base}/admin`, { headers: { accept: 'text/html' } });
      expect(page.status).toBe(401);
      expect(await page.text()).toContain('请输入管理令牌');
    }
    expect((await fetch(`${base}/admin/handoffs`)).status).toBe(401);
    expect(await get(base, TOKEN)).toBe(200);
  });

  it('behind a proxy with JIANLI_TRUST_PROXY=1, two clients are counted separately; without it, X-Forwarded-For is ignored', async () => {
    const behind = await serve({ failedAuthPerMinute: 2 }, parseTrustProxy('1'));
    expect([await get(behind, 'x', '203.0.113.1'), await get(behind, 'y', '203.0.113.1'), await get(behind, 'z', '203.0.113.1')]).toEqual([401, 401, 429]);
    expect(await get(behind, 'x', '203.0.113.2')).toBe(401);
    expect(await get(behind, TOKEN, '203.0.113.1')).toBe(200);

    const direct = await serve({ failedAuthPerMinute: 2 });
    expect([await get(direct, 'x', '203.0.113.1'), await get(direct, 'y', '203.0.113.2'), await get(direct, 'z', '203.0.113.3')]).toEqual([401, 401, 429]);
  });
});
