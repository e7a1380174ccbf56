/**
 * Makes the screenshots in docs/screenshots/ (linked from the README): the chat, the verdict card
 * and the analytics page on a phone (390×844) and at a desk (1280×800). Skipped unless
 * JIANLI_SCREENSHOTS=1:
 *   JIANLI_SCREENSHOTS=1 npx vitest run test/browser/screenshots.test.ts
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pageServerForFile } from '../helpers/browser';
import { createAdminRouter } from '../../src/admin/router';
import { createApp } from '../../src/server/app';
import { handoffService } from '../helpers/handoff';
import { choose, openChat, runInterview, say, VIEWPORTS } from './chat-page';

const OUT = join(import.meta.dirname, '..', '..', 'docs', 'screenshots');
const TOKEN = 'screenshot-admin-token';
const on = process.env.JIANLI_SCREENSHOTS === '1';
// Nothing is started (no service, no Chromium) unless screenshots are asked for.
const h = on ? handoffService() : undefined;
const t = on
  ? pageServerForFile(async () => {
      const say = (id: string, text: string) => h!.service.handle({ conversationId: id, text, channel: 'web' });
      const asks = [
        ['注销需要什么材料', '证件照有什么要求'],
        ['审批要多久'],
        ['单位不配合注销怎么办', '转人工'],
        ['注销后还能重新注册吗'],
        ['明天天气怎么样', '我想买菜', '还是不懂'],
        ['注销需要什么材料'],
        ['注销会影响职称吗'],
      ];
      for (const [i, texts] of asks.entries()) for (const text of texts) await say(`c${i}`, text);
      for (const text of ['帮我看看我能不能注销', '我在北京，退休了，手上没有项目', '没有', '不是', '修满了', '愿意', '已解除且有证明']) await say('iv', text);
      return createApp({ service: h!.service, mount: [(app) => app.use('/admin', createAdminRouter({ service: h!.service, store: h!.store, token: TOKEN }))] });
    }, h!.cleanup)
  : ({} as ReturnType<typeof pageServerForFile>);

describe.skipIf(!on).each(VIEWPORTS)('screenshots, $name', (viewport) => {
  const size = viewport.width;

  it('the chat and the verdict', async () => {
    mkdirSync(OUT, { recursive: true });
    const tab = await openChat(t.browser, t.base, viewport);
    const { page } = tab;
    await say(page, '注销要准备哪些材料');
    await choose(page, '证件照有什么要求？');
    await page.screenshot({ path: join(OUT, `chat-${size}.png`) });
    await runInterview(page, 'blocked');
    await page.screenshot({ path: join(OUT, `verdict-${size}.png`) });
    expect(tab.errors).toEqual([]);
    await tab.close();
  });

  it('the analytics page', async () => {
    const context = await t.browser.newContext({ viewport: { width: viewport.width, height: viewport.height } });
    const page = await context.newPage();
    await page.goto(`${t.base}/admin`);
    await page.waitForSelector('#login-form:visible');
    await page.fill('#token', TOKEN);
    await page.click('#login-form button[type=submit]');
    await page.waitForSelector('#dashboard:visible');
    await page.screenshot({ path: join(OUT, `admin-${size}.png`), fullPage: true });
    await context.close();
  });
});
