/**
 * The 📷 检查证件照 upload on the web chat page in headless Chromium (playwright-core): a good
 * photo, a PNG named .jpg and a file that is no picture, each answered as a bot message. The
 * photo router is mounted in front of the app here, as the server mounts it.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, openChatPage } from '../helpers/browser';
import { createApp } from '../../src/server/app';
import { createPhotoCheckRouter } from '../../src/photo';
import { tempService } from '../helpers/service';
import { goodJpeg, noisyLargeJpeg, pngPortrait, randomBytes } from '../photo/images';

const temp = tempService();
let base = '';
let browser: Browser;
let server: Server;
let closeApp: () => Promise<void>;

beforeAll(async () => {
  const inner = createApp({ service: temp.service });
  const outer = express();
  outer.use(createPhotoCheckRouter());
  outer.use(inner.app);
  server = await new Promise<Server>((resolve) => {
    const s = outer.listen(0, '127.0.0.1', () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  closeApp = inner.close;
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await closeApp?.();
  temp.cleanup();
});

/** Chooses `file` with the hidden input behind the 📷 button and waits for the next bot message. */
async function upload(page: Page, file: { name: string; mimeType: string; buffer: Buffer }): Promise<void> {
  const before = await page.locator('.msg.bot').count();
  await page.setInputFiles('#photo-input', file);
  await page.waitForFunction((n) => document.querySelectorAll('.msg.bot').length > n, before);
}

describe('the photo check on the web page', () => {
  it('has a 📷 button that opens an image file chooser', async () => {
    const page = await browser.newPage();
    await page.goto(base);
    await page.waitForSelector('.msg.bot');
    expect(await page.locator('#photo-input').getAttribute('accept')).toBe('image/*');
    expect(await page.locator('#photo-input').isHidden()).toBe(true);
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: '检查证件照' }).click();
    expect((await chooser).isMultiple()).toBe(false);
    await page.close();
  });

  it('checks a good photo, a PNG named .jpg and an oversized one, each check as a ✓/✗ line with its advice', async () => {
    const page = await browser.newPage();
    await page.goto(base);
    await page.waitForSelector('.msg.bot');

    await upload(page, { name: '证件照.jpg', mimeType: 'image/jpeg', buffer: await goodJpeg() });
    expect(await page.locator('.msg.user .body').last().textContent()).toBe('📷 证件照.jpg');
    let result = page.locator('.photo-result').last();
    expect(await result.locator('.body > div').first().textContent()).toContain('4 项都符合要求');
    const lines = await result.locator('li').allTextContents();
    expect(lines.map((l) => l.slice(0, 5))).toEqual(['✓ 格式：', '✓ 大小：', '✓ 背景：', '✓ 比例：']);
    expect(await result.locator('li.pass').count()).toBe(4);

    await upload(page, { name: 'renamed.jpg', mimeType: 'image/jpeg', buffer: await pngPortrait() });
    result = page.locator('.photo-result').last();
    expect(await result.locator('.body > div').first().textContent()).toContain('有 1 项不符合要求');
    expect(await result.locator('li.fail').allTextContents()).toEqual([expect.stringMatching(/^✗ 格式：这张图片实际是 PNG 格式.*另存为/)]);

    await upload(page, { name: 'big.jpg', mimeType: 'image/jpeg', buffer: await noisyLargeJpeg() });
    result = page.locator('.photo-result').last();
    expect(await result.locator('li.fail').allTextContents()).toEqual([
      expect.stringMatching(/^✗ 大小：.*MB（.* 字节），超过了 500KB 的上限.*重新压缩到 500KB 以内/),
    ]);
    expect(await page.locator('#error').isHidden()).toBe(true);
    await page.close();
  });

  it('says what to do with a file that is no picture, showing its name as text only', async () => {
    const { page, dialogs } = await openChatPage(browser, base);
    const name = '<img src=x onerror="window.__pwned=true">.jpg';
    await upload(page, { name, mimeType: 'image/jpeg', buffer: randomBytes() });
    expect(await page.locator('.msg.user .body').last().textContent()).toBe(`📷 ${name}`);
    expect(await page.locator('.msg.bot .body').last().textContent()).toBe('这不是图片文件。请上传 JPG 格式的证件照电子版。');
    expect(await page.evaluate(() => (window as unknown as { __pwned?: boolean }).__pwned)).toBeUndefined();
    expect(dialogs).toEqual([]);
    // The button is usable again for the next try.
    expect(await page.getByRole('button', { name: '检查证件照' }).isEnabled()).toBe(true);
    await page.close();
  });
});
