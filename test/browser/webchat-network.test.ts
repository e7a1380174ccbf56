/**
 * Network trouble on the web chat page, on a phone (390×844) and at a desk (1280×800): the server
 * stopped and started again mid-conversation (the message typed meanwhile waits, goes out when
 * the page is back on the websocket, and is answered once), a message past the rate limit is
 * refused in words with 重试, a failed message is sent again with 重试, and a paste over the
 * text limit is refused before anything is sent, and where websockets are blocked the page talks
 * over the webhook.
 */
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../helpers/browser';
import { createApp, type App } from '../../src/server/app';
import { StoreUnavailableError } from '../../src/store/types';
import { webConversationId } from '../../src/channels/web/botkit';
import { tempService } from '../helpers/service';
import { botTexts, openChat, say, settled, slowService, userTexts, VIEWPORTS } from './chat-page';

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

async function start(opts: Parameters<typeof createApp>[0], port = 0): Promise<{ app: App; base: string; port: number }> {
  const app = createApp(opts);
  // The port of a server just closed may take a moment to be free again.
  for (let i = 0; ; i++) {
    try {
      await new Promise<void>((resolve, reject) => {
        app.server.once('error', reject);
        app.server.listen(port, '127.0.0.1', () => resolve());
      });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || i > 50) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const p = (app.server.address() as AddressInfo).port;
  return { app, base: `http://127.0.0.1:${p}`, port: p };
}

describe.each(VIEWPORTS)('web chat on a bad network, $name', (viewport) => {
  it('keeps a message typed while the server is down and sends it when the server is back', async () => {
    const temp = tempService();
    let server = await start({ service: temp.service });
    const tab = await openChat(browser, server.base, viewport);
    const { page } = tab;
    let sockets = 0;
    page.on('websocket', () => sockets++);
    await say(page, '注销要准备哪些材料');

    await server.app.close();
    await page.waitForSelector('#connection:not([hidden])');
    expect(await page.locator('#connection').textContent()).toContain('正在重新连接');

    await page.fill('#input', '审批要多久');
    await page.press('#input', 'Enter');
    const waiting = page.locator('.msg.user').last();
    await page.waitForFunction(() => document.querySelectorAll('.msg.user').length === 2);
    expect(await waiting.getAttribute('data-state')).toBe('queued');
    expect(await waiting.locator('.state').textContent()).toContain('等待网络');
    // Offline, nothing pretends to be typing.
    expect(await page.locator('#typing').textContent()).toBe('');
    expect(await page.locator('#error').isHidden()).toBe(true);

    server = await start({ service: temp.service }, server.port);
    await page.waitForFunction(() => document.querySelectorAll('.msg.user')[1]?.getAttribute('data-state') === 'sent', undefined, { timeout: 20_000 });
    await settled(page);
    expect((await botTexts(page)).at(-1)).toContain('工作日');
    expect(await waiting.locator('.state').textContent()).toBe('已发送');
    expect(await page.locator('#connection').isHidden()).toBe(true);
    // Back on a websocket, not the webhook.
    expect(sockets).toBeGreaterThanOrEqual(1);
    // Answered once: one stored turn for the message, one bubble on the page.
    const token = (await page.evaluate(() => localStorage.getItem('jianli.webToken')))!;
    const turns = await temp.service.history(webConversationId(token));
    expect(turns.filter((t) => t.text === '审批要多久')).toHaveLength(1);
    expect(await userTexts(page)).toEqual(['注销要准备哪些材料', '审批要多久']);

    // The conversation goes on.
    await say(page, '证件照有什么要求');
    expect((await botTexts(page)).at(-1)).toContain('500KB');
    expect(tab.errors).toEqual([]);
    await tab.close();
    await server.app.close();
    temp.cleanup();
  });

  it('says a message past the rate limit was refused for sending too often, with 重试', async () => {
    const temp = tempService();
    // The hello frame counts too: hello + 2 messages pass, the 4th frame is refused.
    const server = await start({ service: temp.service, rateLimits: { perAddressPerMinute: 600, perConversationPerMinute: 3 } });
    const tab = await openChat(browser, server.base, viewport);
    const { page } = tab;
    await say(page, '审批要多久');
    await say(page, '证件照有什么要求');
    await say(page, '注销要准备哪些材料');
    const refused = page.locator('.msg.user').last();
    expect(await refused.getAttribute('data-state')).toBe('failed');
    expect(await refused.locator('.state').textContent()).toContain('发送太频繁');
    expect(await refused.locator('button.retry').isVisible()).toBe(true);
    expect(await page.locator('#error').textContent()).toContain('发送太频繁');
    expect(await page.locator('#error').textContent()).not.toContain('无法连接');
    await tab.close();
    await server.app.close();
    temp.cleanup();
  });

  it('sends a failed message again with 重试, answered once', async () => {
    const temp = tempService();
    const service = slowService(temp.service);
    const server = await start({ service, unavailableText: '服务暂时不可用，请稍后再试。' });
    const tab = await openChat(browser, server.base, viewport);
    const { page } = tab;
    service.failNext(new StoreUnavailableError('test'));
    await say(page, '审批要多久');
    const failed = page.locator('.msg.user').last();
    expect(await failed.getAttribute('data-state')).toBe('failed');
    expect(await page.locator('#error').textContent()).toContain('服务暂时不可用');
    const id = await failed.getAttribute('data-client-id');
    await failed.getByRole('button', { name: /重新发送/ }).click();
    await page.waitForFunction(() => document.querySelector('.msg.user')?.getAttribute('data-state') === 'sent');
    await settled(page);
    expect(await failed.getAttribute('data-client-id')).toBe(id);
    expect((await botTexts(page)).at(-1)).toContain('工作日');
    expect(await userTexts(page)).toEqual(['审批要多久']);
    expect(await page.locator('#error').isHidden()).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('input');
    await tab.close();
    await server.app.close();
    temp.cleanup();
  });

  it('refuses a paste over the text limit before sending it', async () => {
    const temp = tempService();
    const server = await start({ service: temp.service, maxTextLength: 40 });
    const tab = await openChat(browser, server.base, viewport);
    const { page } = tab;
    const frames: string[] = [];
    // The page's socket was opened before this listener; a reload makes a new one that is watched.
    page.on('websocket', (ws) => ws.on('framesent', (f) => frames.push(String(f.payload))));
    await page.reload();
    await page.waitForSelector('.msg.bot');
    const long = '我想问一下注销的事情，'.repeat(5);
    expect(long.length).toBeGreaterThan(40);
    await page.locator('#input').focus();
    await page.keyboard.insertText(long);
    await page.waitForSelector('#error:not([hidden])');
    expect(await page.locator('#error').textContent()).toMatch(/消息太长了.*最多 40 个字/);
    await page.press('#input', 'Enter');
    expect(await page.locator('.msg.user').count()).toBe(0);
    expect(await page.inputValue('#input')).toBe(long);
    expect(frames.some((f) => f.includes('注销的事情'))).toBe(false);
    // Shortened, it goes.
    await page.fill('#input', '');
    await say(page, '审批要多久');
    expect(await page.locator('#error').isHidden()).toBe(true);
    await tab.close();
    await server.app.close();
    temp.cleanup();
  });

  it('uses the webhook where websockets are blocked, with the same states', async () => {
    const temp = tempService();
    const server = await start({ service: temp.service });
    const context = await browser.newContext({ viewport: { width: viewport.width, height: viewport.height } });
    // A proxy that refuses websockets: every socket closes before it opens.
    await context.routeWebSocket(/\/ws$/, (ws) => ws.close({ code: 1006 }));
    const page = await context.newPage();
    const posts: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/api/web/messages')) posts.push(r.postData() ?? '');
    });
    await page.goto(server.base);
    await page.waitForSelector('.msg.bot');
    expect((await botTexts(page))[0]).toContain('监理注销助手');
    await say(page, '审批要多久');
    expect((await botTexts(page)).at(-1)).toContain('工作日');
    expect(await page.locator('.msg.user').last().getAttribute('data-state')).toBe('sent');
    const sent = posts.map((p) => JSON.parse(p) as { type: string; text?: string; idempotencyKey?: string }).filter((p) => p.type === 'message');
    expect(sent.map((p) => p.text)).toEqual(['审批要多久']);
    expect(sent[0].idempotencyKey).toBe(await page.locator('.msg.user').last().getAttribute('data-client-id'));
    await context.close();
    await server.app.close();
    temp.cleanup();
  });
});
