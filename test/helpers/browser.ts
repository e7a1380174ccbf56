/** Headless Debian Chromium driven by playwright-core, launched the way this machine allows. */
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { listen } from './listen';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: install Debian's chromium package (.ci/run does)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    // Background networking would only hit this machine's closed network.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Opens the chat page, records any alert/confirm it raises (there should be none), waits for the greeting. */
export async function openChatPage(browser: Browser, url: string): Promise<{ page: Page; dialogs: string[] }> {
  const page = await browser.newPage();
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(url);
  await page.waitForSelector('.msg.bot');
  return { page, dialogs };
}

/**
 * For a whole test file: the app `start` builds, listening on a loopback port, and a Chromium;
 * both stopped after the last test, then `cleanup` runs. Read `base` (the app's URL) and
 * `browser` inside tests.
 */
export function pageServerForFile(start: () => Promise<{ server: Server; close(): Promise<void> }>, cleanup: () => void): { base: string; browser: Browser } {
  const ctx = { base: '' } as { base: string; browser: Browser };
  let stop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const app = await start();
    stop = app.close;
    ctx.base = await listen(app.server);
    ctx.browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await ctx.browser?.close();
    await stop?.();
    cleanup();
  });
  return ctx;
}
