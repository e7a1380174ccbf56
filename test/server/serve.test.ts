/** `startServer` as `npm start` runs it: every channel on one port, on the embedded store. */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/serve';
import { goodJpeg, bluePortrait } from '../photo/images';

const dataDir = mkdtempSync(join(tmpdir(), 'jianli-serve-'));
const lines: string[] = [];
let running: RunningServer;

beforeAll(async () => {
  running = await startServer({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    env: { WECHAT_TOKEN: 'servetoken', WECHAT_APP_ID: 'wxserve', JIANLI_TEAMS_EMULATOR: '1' },
    log: (l) => lines.push(l),
  });
});
afterAll(async () => {
  await running.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('startServer', () => {
  it('prints its addresses and says Teams runs in emulator mode when JIANLI_TEAMS_EMULATOR=1', () => {
    const text = lines.join('\n');
    expect(text).toContain(`web chat:  ${running.url}/`);
    expect(text).toMatch(/Teams:.*emulator mode/);
    expect(text).toMatch(/WeChat:.*\/wechat \(plain mode\)/);
  });

  it('serves the page, the API and stores each conversation in its own file', async () => {
    expect((await fetch(`${running.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${running.url}/`)).headers.get('content-type')).toContain('text/html');
    const r = await fetch(`${running.url}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ conversationId: 'serve-1', text: '回执要打印吗' }),
    });
    const turn = await r.json();
    expect(turn.intent).toBe('process.receipt');
    expect(turn.conversationId).toBe('api:serve-1');
    // Within about a second (the store's checkpoint) the conversation has its own file.
    const owners = () =>
      readdirSync(join(dataDir, 'conversations')).map(
        (f) => (JSON.parse(readFileSync(join(dataDir, 'conversations', f), 'utf8')) as { conversationId: string }).conversationId,
      );
    await vi.waitFor(() => expect(owners()).toContain('api:serve-1'), { timeout: 5000, interval: 100 });
  });

  it('answers the WeChat server check only with a valid signature', async () => {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = 'n1';
    const signature = createHash('sha1').update(['servetoken', timestamp, nonce].sort().join('')).digest('hex');
    const ok = await fetch(`${running.url}/wechat?signature=${signature}&timestamp=${timestamp}&nonce=${nonce}&echostr=hello123`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('hello123');
    const bad = await fetch(`${running.url}/wechat?signature=${'0'.repeat(40)}&timestamp=${timestamp}&nonce=${nonce}&echostr=hello123`);
    expect(bad.status).toBe(401);
  });

  it('checks an ID photo posted as the raw body', async () => {
    const post = (body: Buffer, type: string) =>
      fetch(`${running.url}/api/photo-check`, { method: 'POST', headers: { 'content-type': type }, body: new Uint8Array(body) });
    const good = await post(await goodJpeg(), 'image/jpeg');
    expect(good.status).toBe(200);
    expect(await good.json()).toMatchObject({ ok: true });
    const blue = await (await post(await bluePortrait(), 'image/jpeg')).json();
    expect(blue.ok).toBe(false);
    expect(blue.checks.find((c: { id: string }) => c.id === 'background').pass).toBe(false);
    expect((await post(Buffer.from('not an image at all'), 'application/octet-stream')).status).toBe(400);
  });

  it('answers a malformed Teams activity with 400 (emulator mode)', async () => {
    const r = await fetch(`${running.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"text":"hi"}' });
    expect(r.status).toBe(400);
  });
});
