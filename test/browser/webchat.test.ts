/**
 * The web chat page in headless Chromium (Debian's chromium, driven by playwright-core), on a phone
 * (390×844) and at a desk (1280×800): answers with readable sources, choices marked and focus kept,
 * timestamps and speaker labels, the typing indicator after the last message, small talk without
 * 【来源】, no 回复数字 where buttons are shown, the history after a reload, 新对话, the favicon,
 * and a message with <script> shown as text.
 */
import { describe, expect, it } from 'vitest';
import { pageServerForFile } from '../helpers/browser';
import { createApp } from '../../src/server/app';
import { tempService } from '../helpers/service';
import { botTexts, openChat, say, settled, slowService, userTexts, VIEWPORTS } from './chat-page';

const temp = tempService();
const t = pageServerForFile(async () => createApp({ service: slowService(temp.service) }), temp.cleanup);

describe.each(VIEWPORTS)('web chat page, $name', (viewport) => {
  it('greets, answers with linked sources, marks the picked choice, keeps focus in the composer, and shows the history after a reload', async () => {
    const tab = await openChat(t.browser, t.base, viewport);
    const { page } = tab;
    expect((await botTexts(page))[0]).toContain('监理注销助手');

    await say(page, '注销要准备哪些材料');
    const answer = page.locator('.msg.bot').last();
    expect(await answer.locator('.body').textContent()).toContain('身份证件');
    // Each title of the 【来源】 line links to the assistant's page for that source.
    const links = answer.locator('.sources a');
    expect(await links.count()).toBeGreaterThanOrEqual(1);
    const title = (await links.first().textContent())!;
    const href = (await links.first().getAttribute('href'))!;
    expect(href).toMatch(/^sources\/[a-z0-9_.-]+$/);
    const [source] = await Promise.all([tab.context.waitForEvent('page'), links.first().click()]);
    await source.waitForLoadState();
    expect(await source.locator('h1').textContent()).toBe(title);
    expect(await source.locator('main').textContent()).toMatch(/原文内容|暂未收录/);
    await source.close();

    // Speaker labels and a time on every message; the user's message says it was sent.
    expect(await page.locator('.msg.user').last().getAttribute('aria-label')).toBe('我的消息');
    expect(await answer.getAttribute('aria-label')).toBe('助手的消息');
    expect(await answer.locator('.visually-hidden').textContent()).toBe('助手说：');
    expect(await answer.locator('time').textContent()).toMatch(/^\d\d:\d\d$/);
    expect(await page.locator('.msg.user').last().locator('.state').textContent()).toBe('已发送');
    expect(await page.locator('#log').getAttribute('role')).toBe('log');

    // A choice picked with the keyboard: marked, the others disabled, focus back in the composer.
    const choice = (await page.locator('.choices button:not([disabled])', { hasText: '注销要交照片吗？' }).last().elementHandle())!;
    const users = await page.locator('.msg.user').count();
    await choice.focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction((n) => document.querySelectorAll('.msg.user').length > n, users);
    await settled(page);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('input');
    expect(await choice.getAttribute('class')).toContain('picked');
    expect(await choice.getAttribute('aria-pressed')).toBe('true');
    expect(await choice.isDisabled()).toBe(true);
    expect((await botTexts(page)).at(-1)).toContain('一寸免冠照片');

    await page.reload();
    await page.waitForFunction(() => document.querySelectorAll('.msg.user').length >= 2);
    expect(await userTexts(page)).toEqual(['注销要准备哪些材料', '注销要交照片吗？']);
    expect((await botTexts(page)).join()).toContain('一寸免冠照片');
    // The choice picked before the reload is still marked.
    expect(await page.locator('.choices button.picked').allTextContents()).toEqual(['注销要交照片吗？']);
    expect(await page.locator('.msg time').count()).toBe(await page.locator('.msg').count());

    expect(tab.missing).toEqual([]);
    expect(tab.errors).toEqual([]);
    await tab.close();
  });

  it('says hello and thanks without 【来源】 and never asks for numbers where it shows buttons', async () => {
    const tab = await openChat(t.browser, t.base, viewport);
    const { page } = tab;
    await say(page, 'hello');
    expect((await botTexts(page)).at(-1)).not.toContain('【来源】');
    await say(page, '谢谢');
    expect((await botTexts(page)).at(-1)).not.toContain('来源');
    // Nor after a reload, which shows the stored texts.
    await page.reload();
    await page.waitForFunction(() => document.querySelectorAll('.msg.user').length === 2);
    expect((await botTexts(page)).join('\n')).not.toContain('来源');
    // A question it does not understand offers buttons; the text does not say 回复数字.
    await say(page, 'asdf qwer zxcv');
    expect(await page.locator('.msg.bot').last().locator('.choices button').count()).toBeGreaterThan(0);
    await say(page, '那个东西怎么弄');
    const all = (await botTexts(page)).join('\n');
    expect(all).not.toMatch(/回复数字|回复\s*\d/);
    await tab.close();
  });

  it('shows the typing indicator after the last message and announces it', async () => {
    const tab = await openChat(t.browser, t.base, viewport);
    const { page } = tab;
    await page.fill('#input', '慢慢说：审批要多久');
    await page.press('#input', 'Enter');
    await page.waitForFunction(() => !!document.getElementById('typing')?.textContent);
    const placed = await page.evaluate(() => {
      const typing = document.getElementById('typing')!;
      const log = document.getElementById('log')!;
      const last = typing.previousElementSibling as HTMLElement;
      return {
        isLast: log.lastElementChild === typing,
        after: last.classList.contains('user'),
        below: typing.getBoundingClientRect().top >= last.getBoundingClientRect().bottom,
        role: typing.getAttribute('role'),
        live: typing.getAttribute('aria-live'),
        text: typing.textContent,
      };
    });
    expect(placed).toEqual({ isLast: true, after: true, below: true, role: 'status', live: 'polite', text: '助手正在输入…' });
    await settled(page);
    expect((await botTexts(page)).at(-1)).toContain('工作日');
    expect(await page.locator('#typing').textContent()).toBe('');
    await tab.close();
  });

  it('starts a new conversation with 新对话', async () => {
    const tab = await openChat(t.browser, t.base, viewport);
    const { page } = tab;
    await say(page, '审批要多久');
    const token = await page.evaluate(() => localStorage.getItem('jianli.webToken'));
    await page.getByRole('button', { name: '新对话' }).click();
    await page.waitForFunction(() => document.querySelectorAll('.msg.bot').length === 1 && !document.querySelector('.msg.user'));
    expect((await botTexts(page))[0]).toContain('监理注销助手');
    expect(await page.evaluate(() => localStorage.getItem('jianli.webToken'))).not.toBe(token);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('input');
    // The new conversation works and is the one a reload shows.
    await say(page, '证件照有什么要求');
    await page.reload();
    await page.waitForSelector('.msg.user');
    expect(await userTexts(page)).toEqual(['证件照有什么要求']);
    await tab.close();
  });

  it('serves a favicon and shows a message containing <script> as text, never running it', async () => {
    const tab = await openChat(t.browser, t.base, viewport);
    const { page } = tab;
    expect((await page.request.get(`${t.base}/favicon.ico`)).status()).toBe(200);
    expect((await page.request.get(`${t.base}/favicon.svg`)).status()).toBe(200);
    await say(page, '<script>window.__pwned = true; alert(1)</script><img src=x onerror="window.__pwned=true">');
    expect(await page.locator('.msg.user .body').last().textContent()).toContain('<script>');
    expect(await page.evaluate(() => (window as unknown as { __pwned?: boolean }).__pwned)).toBeUndefined();
    expect(tab.dialogs).toEqual([]);
    expect(tab.missing).toEqual([]);
    await tab.close();
  });
});

describe('source pages', () => {
  it('lists every source, shows one by id, and 404s an unknown id as a page', async () => {
    const index = await (await fetch(`${t.base}/sources.json`)).json();
    expect(index.length).toBeGreaterThan(10);
    expect(index.find((s: { id: string }) => s.id === 'reg.147.a15').title).toContain('第十五条');
    const page = await fetch(`${t.base}/sources/reg.147.a15`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await page.text()).toContain('第十五条');
    const list = await (await fetch(`${t.base}/sources`)).text();
    expect(list).toContain('href="sources/seed.step2"');
    const missing = await fetch(`${t.base}/sources/%3Cscript%3E`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).not.toContain('<script>');
  });
});
