/**
 * The web chat page in headless Chromium (Debian's chromium, driven by playwright-core): ask a
 * FAQ, click a choice, run an interview to its verdict, reload and see the history, and show a
 * message with <script> as text.
 */
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openChatPage, pageServerForFile } from '../helpers/browser';
import { createApp } from '../../src/server/app';
import { tempService } from '../helpers/service';
import { listen } from '../helpers/listen';

const temp = tempService();
const t = pageServerForFile(async () => createApp({ service: temp.service }), temp.cleanup);

const botTexts = (page: Page) => page.locator('.msg.bot').allTextContents();
async function say(page: Page, text: string): Promise<void> {
  const before = await page.locator('.msg.bot').count();
  await page.fill('#input', text);
  await page.press('#input', 'Enter');
  await page.waitForFunction((n) => document.querySelectorAll('.msg.bot').length > n, before);
}

describe('web chat page', () => {
  it('greets, answers a FAQ, follows a clicked choice, and keeps the history across a reload', async () => {
    const page = await t.browser.newPage();
    await page.goto(t.base);
    await page.waitForSelector('.msg.bot');
    expect((await botTexts(page))[0]).toContain('监理注销助手');

    await say(page, '注销要准备哪些材料');
    expect((await botTexts(page)).at(-1)).toContain('身份证复印件');

    const before = await page.locator('.msg.bot').count();
    await page.getByRole('button', { name: '证件照有什么要求？' }).last().click();
    await page.waitForFunction((n) => document.querySelectorAll('.msg.bot').length > n, before);
    expect((await botTexts(page)).at(-1)).toContain('500KB');

    await page.reload();
    await page.waitForFunction(() => document.querySelectorAll('.msg.user').length >= 2);
    const users = await page.locator('.msg.user').allTextContents();
    expect(users).toEqual(['注销要准备哪些材料', '证件照有什么要求？']);
    expect((await botTexts(page)).join()).toContain('500KB');
    await page.close();
  });

  it('runs an interview to its verdict and shows a printable checklist', async () => {
    const page = await t.browser.newPage();
    await page.goto(t.base);
    await page.waitForSelector('.msg.bot');
    await say(page, '帮我看看我能不能注销');
    await say(page, '我在北京，退休了，手上没有项目');
    for (const answer of ['没有', '不是', '修满了', '愿意']) await say(page, answer);
    const before = await page.locator('.msg.bot').count();
    await page.getByRole('button', { name: '已解除且有证明' }).last().click();
    await page.waitForFunction((n) => document.querySelectorAll('.msg.bot').length > n, before);
    await page.waitForSelector('.checklist');
    const checklist = await page.locator('.checklist').last().textContent();
    expect(checklist).toContain('结论：可以申请');
    expect(checklist).toContain('同意注销函');
    expect(await page.locator('.checklist li').count()).toBeGreaterThanOrEqual(5);
    expect(await page.getByRole('button', { name: '打印清单' }).count()).toBe(1);
    expect((await botTexts(page)).at(-1)).toContain('纸质注销回执');
    await page.close();
  });

  it('shows a message containing <script> as text and never runs it', async () => {
    const { page, dialogs } = await openChatPage(t.browser, t.base);
    await say(page, '<script>window.__pwned = true; alert(1)</script><img src=x onerror="window.__pwned=true">');
    expect(await page.locator('.msg.user').last().textContent()).toContain('<script>');
    expect(await page.evaluate(() => (window as unknown as { __pwned?: boolean }).__pwned)).toBeUndefined();
    expect(dialogs).toEqual([]);
    await page.close();
  });

  it('says plainly when the server cannot be reached', async () => {
    const own = tempService();
    const app = createApp({ service: own.service });
    await new Promise<void>((r) => app.server.listen(0, '127.0.0.1', () => r()));
    const page = await t.browser.newPage();
    await page.goto(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}`);
    await page.waitForSelector('.msg.bot');
    await app.close();
    await page.fill('#input', '你好');
    await page.press('#input', 'Enter');
    await page.waitForSelector('#error:not([hidden])');
    expect(await page.locator('#error').textContent()).toMatch(/无法连接服务器|连接已断开/);
    await page.close();
    own.cleanup();
  });
});
