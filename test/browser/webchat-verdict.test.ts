/**
 * The eligibility verdict on the web page, on a phone (390×844) and at a desk (1280×800): a card
 * whose headline and status are in view when it arrives, blockers with their remedies, the
 * personal checklist once as checkboxes whose ticks survive a reload and go into 复制清单 and 打印,
 * the dates, the sources as links, and sections that fold on a phone.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { pageServerForFile } from '../helpers/browser';
import { createApp } from '../../src/server/app';
import { tempService } from '../helpers/service';
import { openChat, runInterview, VIEWPORTS } from './chat-page';

const temp = tempService();
const t = pageServerForFile(async () => createApp({ service: temp.service }), temp.cleanup);

/** Whether the card's headline and status are inside the visible part of the log. */
async function headlineInView(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const log = document.getElementById('log')!.getBoundingClientRect();
    const card = document.querySelectorAll('.verdict');
    const head = (card[card.length - 1] as HTMLElement).querySelector('.verdict-head')!.getBoundingClientRect();
    return head.top >= log.top - 1 && head.bottom <= log.bottom + 1;
  });
}

describe.each(VIEWPORTS)('the verdict card, $name', (viewport) => {
  const phone = viewport.width < 600;

  it('shows a blocked verdict headline first, blockers with remedies, the checklist once, and folds on a phone', async () => {
    const tab = await openChat(t.browser, t.base, viewport);
    const { page } = tab;
    await runInterview(page, 'blocked');
    const card = page.locator('.verdict').last();
    expect(await headlineInView(page)).toBe(true);
    expect(await card.locator('.badge').textContent()).toBe('暂不能申请');
    expect(await card.locator('.headline').textContent()).toContain('自查结果');
    // The order: head, blockers, …, checklist, …, sources.
    const order = await card.evaluate((c) => Array.from(c.children).map((e) => (e.classList.contains('section') ? e.classList[1] : e.className)));
    expect(order[0]).toBe('verdict-head');
    expect(order[1]).toBe('blockers');
    expect(order.indexOf('checklist')).toBeGreaterThan(1);
    expect(order.at(-1)).toBe('sources');

    const blocker = card.locator('.blockers li').first();
    expect(await blocker.locator('.finding').textContent()).toContain('项目');
    expect(await blocker.locator('.remedy').textContent()).toMatch(/^办法：/);
    expect(await blocker.locator('.source a').count()).toBeGreaterThan(0);

    // The checklist once: checkboxes, no ☐ lines anywhere in the card.
    expect(await card.locator('.checklist input[type=checkbox]').count()).toBeGreaterThanOrEqual(4);
    expect(await card.textContent()).not.toContain('☐');
    expect(await page.locator('.checklist').count()).toBe(1);

    // Sources as links to the assistant's pages.
    const sources = card.locator('.sources a');
    expect(await sources.count()).toBeGreaterThan(0);
    expect(await sources.first().getAttribute('href')).toMatch(/^sources\//);

    // On a phone the facts and the sources are folded; at a desk everything is open.
    expect(await card.locator('details.facts').evaluate((d) => (d as HTMLDetailsElement).open)).toBe(!phone);
    expect(await card.locator('details.sources').evaluate((d) => (d as HTMLDetailsElement).open)).toBe(!phone);
    expect(await card.locator('details.blockers').evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
    expect(await card.locator('details.checklist').evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
    if (phone) {
      await card.locator('details.facts > summary').click();
      expect(await card.locator('details.facts').evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
      expect(await card.locator('details.facts .text').isVisible()).toBe(true);
      // Nothing wider than the phone's screen.
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    }
    expect(tab.errors).toEqual([]);
    await tab.close();
  });

  it('keeps the ticks across a reload and uses them in 复制清单 and 打印清单; shows the dates of an eligible verdict', async () => {
    const tab = await openChat(t.browser, t.base, viewport);
    const { page } = tab;
    await runInterview(page, 'eligible');
    const card = () => page.locator('.verdict').last();
    expect(await headlineInView(page)).toBe(true);
    expect(await card().locator('.badge').textContent()).toMatch(/^可以申请/);
    expect(await card().locator('.dates').textContent()).toMatch(/预计在 \d{4}-\d\d-\d\d 至 \d{4}-\d\d-\d\d 之间/);

    const boxes = card().locator('.checklist input[type=checkbox]');
    const total = await boxes.count();
    await boxes.nth(0).check();
    await boxes.nth(2).check();
    expect(await card().locator('.checklist summary').textContent()).toBe(`您的材料清单（已备 2/${total}）`);

    await page.reload();
    await page.waitForSelector('.verdict');
    const ticked = await card()
      .locator('.checklist input[type=checkbox]')
      .evaluateAll((bs) => bs.map((b) => (b as HTMLInputElement).checked));
    expect(ticked.filter(Boolean)).toHaveLength(2);
    expect(ticked[0] && ticked[2]).toBe(true);

    await card().getByRole('button', { name: '复制清单' }).click();
    const copied = (await page.evaluate(() => (window as unknown as { __copied?: string }).__copied))!;
    const lines = copied.split('\n');
    expect(lines[0]).toContain('自查结果');
    expect(lines.filter((l) => l.startsWith('☑ '))).toHaveLength(2);
    expect(lines.filter((l) => l.startsWith('☐ '))).toHaveLength(total - 2);
    expect(lines.find((l) => l.startsWith('☑ '))).toContain('身份证');

    // 打印清单 prints this card alone with every section open, the ticks as they are.
    await card().getByRole('button', { name: '打印清单' }).click();
    const printed = await page.evaluate(() => (window as unknown as { __printed?: { body: string; printing: number; closed: number } }).__printed);
    expect(printed).toEqual({ body: 'print-verdict', printing: 1, closed: 0 });
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('#composer').isVisible()).toBe(false);
    expect(await page.locator('.msg.user').first().isVisible()).toBe(false);
    expect(await card().locator('.checklist ul').isVisible()).toBe(true);
    expect(await card().locator('.checklist input:checked').count()).toBe(2);
    await page.emulateMedia({ media: 'screen' });
    await page.evaluate(() => window.dispatchEvent(new Event('afterprint')));
    expect(await page.evaluate(() => document.body.className)).toBe('');
    await tab.close();
  });
});
