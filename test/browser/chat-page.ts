/** Shared steps of the web chat browser tests: the two screen sizes, sending and waiting, axe-core. */
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { ChatService } from '../../src/service/types';

/** A phone (iPhone 12–15 size) and a desk. */
export const VIEWPORTS = [
  { name: 'phone 390×844', width: 390, height: 844 },
  { name: 'desktop 1280×800', width: 1280, height: 800 },
] as const;
export type Viewport = (typeof VIEWPORTS)[number];

export interface ChatTab {
  context: BrowserContext;
  page: Page;
  /** alert/confirm texts the page raised (there should be none). */
  dialogs: string[];
  /** Responses with status 404 (the favicon, a stylesheet …). */
  missing: string[];
  /** Uncaught page errors. */
  errors: string[];
  close(): Promise<void>;
}

/**
 * A new browser context at the viewport's size with the chat page open and its first message shown.
 * The clipboard and window.print are recorded (window.__copied, window.__printed) instead of used.
 */
export async function openChat(browser: Browser, url: string, viewport: Viewport, opts: { waitFor?: string } = {}): Promise<ChatTab> {
  const context = await browser.newContext({ viewport: { width: viewport.width, height: viewport.height }, bypassCSP: true });
  await context.addInitScript(() => {
    const w = window as unknown as { __copied?: string; __printed?: unknown };
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText: (t: string) => ((w.__copied = t), Promise.resolve()) } });
    window.print = () => {
      w.__printed = {
        body: document.body.className,
        printing: document.querySelectorAll('.msg.printing').length,
        closed: document.querySelectorAll('.msg.printing details:not([open])').length,
      };
    };
  });
  const page = await context.newPage();
  const tab: ChatTab = { context, page, dialogs: [], missing: [], errors: [], close: () => context.close() };
  page.on('dialog', (d) => {
    tab.dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('response', (r) => {
    if (r.status() === 404) tab.missing.push(r.url());
  });
  page.on('pageerror', (e) => tab.errors.push(e.message));
  await page.goto(url);
  await page.waitForSelector(opts.waitFor ?? '.msg.bot');
  return tab;
}

/** The visible text of the assistant's messages (without speaker label and time). */
export const botTexts = (page: Page) => page.locator('.msg.bot .body').allTextContents();
export const userTexts = (page: Page) => page.locator('.msg.user .body').allTextContents();

/** Waits until every message has been answered: none waiting or sending, the typing indicator gone. */
export async function settled(page: Page): Promise<void> {
  await page.waitForFunction(
    () => !document.querySelector('.msg.user[data-state="sending"], .msg.user[data-state="queued"]') && !document.getElementById('typing')?.textContent,
  );
}

/** Types a message, sends it with Enter and waits for the whole answer. */
export async function say(page: Page, text: string): Promise<void> {
  const before = await page.locator('.msg.user').count();
  await page.fill('#input', text);
  await page.press('#input', 'Enter');
  await page.waitForFunction((n) => document.querySelectorAll('.msg.user').length > n, before);
  await settled(page);
}

/** Clicks the newest button with this label and waits for the answer. */
export async function choose(page: Page, label: string): Promise<void> {
  const before = await page.locator('.msg.user').count();
  await page.locator('.choices button:not([disabled])', { hasText: label }).last().click();
  await page.waitForFunction((n) => document.querySelectorAll('.msg.user').length > n, before);
  await settled(page);
}

/** An interview that ends in a verdict: eligible, or blocked by an unfinished project. */
export async function runInterview(page: Page, outcome: 'eligible' | 'blocked'): Promise<void> {
  await say(page, '帮我看看我能不能注销');
  await say(page, outcome === 'eligible' ? '我在北京，退休了，手上没有项目' : '我在北京，退休了，手上还有项目没结算');
  for (const answer of ['没有', '不是', '修满了', '愿意']) await say(page, answer);
  await choose(page, '已解除且有证明');
  await page.waitForSelector('.verdict');
}

const require = createRequire(import.meta.url);
const AXE_SOURCE: string = (require('axe-core') as { source: string }).source;

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/** Runs axe-core in the page; returns the serious and critical violations. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE_SOURCE });
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(ctx: Document, opts: unknown): Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[] }>;
        };
      }
    ).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => JSON.stringify(n.target)) }));
  });
}

/**
 * The service with a slower answer to messages containing 慢慢 (to see the typing indicator), and
 * `failNext` to make the next turn fail as an unreachable store would.
 */
export function slowService(service: ChatService, delayMs = 1500): ChatService & { failNext: (err: Error) => void } {
  let fail: Error | undefined;
  return Object.assign(Object.create(service) as ChatService, {
    failNext: (err: Error) => void (fail = err),
    handle: async (req: Parameters<ChatService['handle']>[0]) => {
      if (fail) {
        const err = fail;
        fail = undefined;
        throw err;
      }
      if (req.text.includes('慢慢')) await new Promise((r) => setTimeout(r, delayMs));
      return service.handle(req);
    },
  });
}
