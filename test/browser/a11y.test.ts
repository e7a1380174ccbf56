/**
 * axe-core (injected into the page) finds no serious or critical accessibility violation on the web
 * chat page — the greeting, an answer with its sources, a verdict card, a failed message with 重试 —
 * or on the analytics page (login and dashboard), on a phone (390×844) and at a desk (1280×800).
 */
import { describe, expect, it } from 'vitest';
import { pageServerForFile } from '../helpers/browser';
import { createAdminRouter } from '../../src/admin/router';
import { createApp } from '../../src/server/app';
import { StoreUnavailableError } from '../../src/store/types';
import { handoffService } from '../helpers/handoff';
import { openChat, runInterview, say, seriousViolations, slowService, VIEWPORTS } from './chat-page';

const TOKEN = 'a11y-admin-token';
const h = handoffService();
const service = slowService(h.service);
const t = pageServerForFile(async () => {
  await h.service.handle({ conversationId: 'a', text: '注销需要什么材料', channel: 'web' });
  await h.service.handle({ conversationId: 'a', text: '转人工', channel: 'web' });
  return createApp({ service, mount: [(app) => app.use('/admin', createAdminRouter({ service: h.service, store: h.store, token: TOKEN }))] });
}, h.cleanup);

describe.each(VIEWPORTS)('accessibility, $name', (viewport) => {
  it('the chat page: greeting, answer, verdict card and a failed message', async () => {
    const tab = await openChat(t.browser, t.base, viewport);
    const { page } = tab;
    expect(await seriousViolations(page)).toEqual([]);
    await say(page, '注销要准备哪些材料');
    expect(await seriousViolations(page)).toEqual([]);
    await runInterview(page, 'blocked');
    // Every section of the card open, so axe sees all of it.
    await page.evaluate(() => document.querySelectorAll('details').forEach((d) => ((d as HTMLDetailsElement).open = true)));
    expect(await seriousViolations(page)).toEqual([]);
    service.failNext(new StoreUnavailableError('test'));
    await say(page, '审批要多久');
    expect(await page.locator('.msg.user[data-state="failed"] button.retry').count()).toBe(1);
    expect(await seriousViolations(page)).toEqual([]);
    await tab.close();
  });

  it('the analytics page: login and dashboard', async () => {
    const context = await t.browser.newContext({ viewport: { width: viewport.width, height: viewport.height }, bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`${t.base}/admin`);
    await page.waitForSelector('#login-form:visible');
    expect(await seriousViolations(page)).toEqual([]);
    await page.fill('#token', TOKEN);
    await page.click('#login-form button[type=submit]');
    await page.waitForSelector('#dashboard:visible');
    expect(await seriousViolations(page)).toEqual([]);
    await context.close();
  });
});
