/** POST /admin/reload over real HTTP: token required, edited knowledge swapped in, a broken file refused (422). */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminRouter } from '../../src/admin/router';
import { Assistant } from '../../src/engine/assistant';
import { loadKnowledge } from '../../src/knowledge/load';
import { createApp } from '../../src/server/app';
import { AssistantChatService } from '../../src/service/chat';
import { LowdbStore } from '../../src/store/lowdb';
import { listen } from '../helpers/listen';
import { tempDirs } from '../helpers/temp';

const TOKEN = 'reload-token';
const { temp, knowledgeCopy, cleanup } = tempDirs();
const root = knowledgeCopy('jianli-admin-reload-');
const service = new AssistantChatService(new Assistant(loadKnowledge(root)), new LowdbStore(temp('jianli-admin-reload-data-')));
let base = '';
let close: () => Promise<void>;

beforeAll(async () => {
  const app = createApp({ service, mount: [(a) => a.use('/admin', createAdminRouter({ service, store: service.store, token: TOKEN }))] });
  base = await listen(app.server);
  close = app.close;
});
afterAll(async () => {
  await close?.();
  cleanup();
});

const reload = (headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }) => fetch(`${base}/admin/reload`, { method: 'POST', headers });
const photoAnswer = async () => (await service.handle({ conversationId: `p${Math.random()}`, text: '照片有什么要求', channel: 'api' })).replies[0].text;

describe('POST /admin/reload', () => {
  it('needs the token', async () => {
    expect((await reload({})).status).toBe(401);
  });

  it('swaps in edited knowledge, and refuses a broken file with its path and field while the old knowledge keeps serving', async () => {
    const photo = join(root, 'knowledge', 'cards', 'process.photo.yaml');
    writeFileSync(photo, readFileSync(photo, 'utf8').replace('白色背景、', '白色背景（已更新）、'));
    const ok = await reload();
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ ok: true });
    expect(await photoAnswer()).toContain('已更新');

    writeFileSync(photo, readFileSync(photo, 'utf8').replace(/question: .*/, 'question: ""'));
    const refused = await reload();
    expect(refused.status).toBe(422);
    expect((await refused.json()).error).toMatch(/knowledge\/cards\/process\.photo\.yaml: .*question: must not be empty/);
    expect(await photoAnswer()).toContain('已更新');
  }, 60_000);
});
