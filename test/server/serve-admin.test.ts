/** `startServer` with JIANLI_ADMIN_TOKEN and JIANLI_HANDOFF_WEBHOOK, as `npm start` runs it; and without them. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/serve';
import { startStandIn, type StandIn } from '../helpers/handoff';

const dirs: string[] = [];
const temp = () => {
  const d = mkdtempSync(join(tmpdir(), 'jianli-serve-admin-'));
  dirs.push(d);
  return d;
};
let standIn: StandIn;
let on: RunningServer;
let off: RunningServer;
const lines: string[] = [];

beforeAll(async () => {
  standIn = await startStandIn();
  on = await startServer({
    port: 0,
    host: '127.0.0.1',
    dataDir: temp(),
    env: { JIANLI_ADMIN_TOKEN: 'serve-admin-token', JIANLI_HANDOFF_WEBHOOK: standIn.url },
    log: (l) => lines.push(l),
  });
  off = await startServer({ port: 0, host: '127.0.0.1', dataDir: temp(), env: {}, log: () => undefined });
});
afterAll(async () => {
  await on?.close();
  await off?.close();
  await standIn?.close();
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

const chat = (base: string, conversationId: string, text: string) =>
  fetch(`${base}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ conversationId, text }) }).then((r) =>
    r.json(),
  );

describe('startServer with the admin token and the handoff webhook', () => {
  it('says where the admin page is', () => {
    expect(lines.join('\n')).toMatch(/admin: {5}http:\/\/localhost:\d+\/admin \(Authorization: Bearer \$JIANLI_ADMIN_TOKEN\); handoff webhook on/);
  });

  it('opens a ticket for 转人工, sends it to the webhook and lists it to staff with the token only', async () => {
    await chat(on.url, 'serve-h1', '我手机13812345678');
    const turn = await chat(on.url, 'serve-h1', '转人工');
    expect(turn.intent).toBe('handoff.human');
    const deadline = Date.now() + 5000;
    while (!standIn.received.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const sent = JSON.parse(standIn.received[0].body);
    expect(sent).toMatchObject({ conversationId: 'api:serve-h1', channel: 'api', reason: 'requested' });
    expect(standIn.received[0].body).not.toContain('13812345678');

    expect((await fetch(`${on.url}/admin/handoffs`)).status).toBe(401);
    const list = await (await fetch(`${on.url}/admin/handoffs`, { headers: { authorization: 'Bearer serve-admin-token' } })).json();
    expect(list).toEqual([sent]);
    const stats = await (await fetch(`${on.url}/admin/api/stats`, { headers: { authorization: 'Bearer serve-admin-token' } })).json();
    expect(stats.handoffs.total).toBe(1);
  });
});

describe('startServer without JIANLI_ADMIN_TOKEN', () => {
  it('turns the admin paths off (404) and still keeps the tickets', async () => {
    await chat(off.url, 'serve-h2', '转人工');
    for (const path of ['/admin', '/admin/handoffs', '/admin/api/stats']) {
      expect((await fetch(`${off.url}${path}`, { headers: { authorization: 'Bearer anything' } })).status).toBe(404);
    }
  });
});
