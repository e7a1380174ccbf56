/**
 * The analytics page in headless Chromium (Debian's chromium, driven by playwright-core), on a phone
 * (390×844) and at a desk (1280×800): the page asks for the token, refuses a wrong one, then draws
 * the numbers and charts from the transcripts; chart labels stay at least 11 px, the ticket table
 * never scrolls sideways (cards on a phone), intents are named in Chinese with their ids in
 * tooltips, 热门问题 counts each conversation's first question, 刷新 shows current numbers, and the
 * token is kept for the tab (sessionStorage) across a reload.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { pageServerForFile } from '../helpers/browser';
import { createAdminRouter } from '../../src/admin/router';
import { createApp } from '../../src/server/app';
import { handoffService } from '../helpers/handoff';
import { VIEWPORTS } from './chat-page';

const TOKEN = 'browser-admin-token';
const h = handoffService();
const say = (conversationId: string, text: string) => h.service.handle({ conversationId, text, channel: 'web' });
const t = pageServerForFile(async () => {
  await say('faq', '注销需要什么材料');
  await say('faq', '我的电话13812345678，转人工');
  await say('miss', 'asdf qwer zxcv');
  await say('miss', '我想买菜');
  for (const text of ['帮我看看我能不能注销', '我在北京，退休了，手上没有项目', '没有', '不是', '修满了', '愿意', '已解除且有证明']) await say('iv', text);
  return createApp({ service: h.service, mount: [(app) => app.use('/admin', createAdminRouter({ service: h.service, store: h.store, token: TOKEN }))] });
}, h.cleanup);

async function login(page: Page): Promise<void> {
  await page.goto(`${t.base}/admin`);
  await page.waitForSelector('#login-form:visible');
  await page.fill('#token', TOKEN);
  await page.click('#login-form button[type=submit]');
  await page.waitForSelector('#dashboard:visible');
}

/** The smallest chart label as drawn on screen, in CSS pixels. */
function smallestLabel(page: Page): Promise<number> {
  return page.evaluate(() => {
    const sizes = Array.from(document.querySelectorAll<SVGTextElement>('#dashboard svg text')).map((text) => {
      const svg = text.ownerSVGElement!;
      const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
      return Number(text.getAttribute('font-size')) * scale;
    });
    return Math.min(...sizes);
  });
}

describe.each(VIEWPORTS)('admin analytics page, $name', (viewport) => {
  const phone = viewport.width < 600;

  it('asks for the token, refuses a wrong one, then shows the numbers, charts and tickets', async () => {
    const context = await t.browser.newContext({ viewport: { width: viewport.width, height: viewport.height } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      // The first document load answers 401 by design (no token yet); anything else is a problem.
      if (m.type() === 'error' && !/status of 401/.test(m.text())) problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    const authHeaders: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/admin/api/') || r.url().includes('/admin/handoffs')) authHeaders.push(r.headers().authorization ?? '');
    });

    await page.goto(`${t.base}/admin`);
    await page.waitForSelector('#login-form:visible');
    expect(await page.locator('#dashboard').isVisible()).toBe(false);

    await page.fill('#token', 'not-the-token');
    await page.press('#token', 'Enter');
    await page.waitForSelector('#login-error:visible');
    expect(await page.locator('#login-error').textContent()).toContain('令牌不正确');

    await page.fill('#token', TOKEN);
    await page.click('#login-form button[type=submit]');
    await page.waitForSelector('#dashboard:visible');

    // 2 + 2 + 7 user messages; 2 of them misunderstood; one interview, finished eligible; two tickets.
    expect(await page.locator('#kpi-conversations').textContent()).toBe('3');
    expect(await page.locator('#kpi-questions').textContent()).toBe('11');
    expect(await page.locator('#kpi-fallback').textContent()).toBe('18.2%');
    expect(await page.locator('#kpi-interviews').textContent()).toBe('100.0%');
    expect(await page.locator('#kpi-interviews-sub').textContent()).toBe('开始 1 次，得出结论 1 次');
    expect(await page.locator('#kpi-handoffs').textContent()).toBe('2');

    // Questions per day: 30 bars, today's bar carries all 11.
    expect(await page.locator('#chart-questions svg rect.bar').count()).toBe(30);
    expect(await page.locator('#chart-questions svg rect.bar').last().getAttribute('data-value')).toBe('11');
    expect(await page.locator('#chart-questions svg').getAttribute('aria-label')).toBe('每日提问数：合计 11');
    // 热门问题: the first question of each conversation, by its Chinese title, the id in the tooltip.
    // (The interview's seven turns count once; the misunderstood conversation not at all.)
    const materials = h.service.assistant.knowledge.answers.get('process.materials')!.title;
    expect(await page.locator('#chart-intents svg').getAttribute('aria-label')).toBe(`热门问题：帮我自查能不能注销 1，${materials} 1`);
    expect(await page.locator('#chart-intents svg text.bar-label title').allTextContents()).toEqual([
      '帮我自查能不能注销（interview.start）',
      `${materials}（process.materials）`,
    ]);
    // Verdict mix as a ring with its legend.
    expect(await page.locator('#chart-verdicts svg path.slice').count()).toBe(1);
    expect(await page.locator('#chart-verdicts .legend').textContent()).toContain('可以申请 1（100%）');
    expect(await page.locator('#chart-handoffs svg rect.bar').last().getAttribute('data-value')).toBe('2');

    // The tickets, newest first, with masked messages; intents in Chinese, ids only in tooltips.
    const rows = page.locator('#tickets tbody tr');
    expect(await rows.count()).toBe(2);
    expect(await rows.nth(0).textContent()).toContain('连续未能理解');
    expect(await rows.nth(0).locator('td.path').textContent()).toBe('未能理解 → 未能理解');
    expect(await rows.nth(1).textContent()).toContain('要求转人工');
    expect(await rows.nth(1).textContent()).toContain('我的电话138****5678，转人工');
    expect(
      await rows
        .nth(1)
        .locator('td.path .intent')
        .evaluateAll((s) => s.map((e) => [e.textContent, e.getAttribute('title')])),
    ).toEqual([
      [materials, 'process.materials'],
      ['联系人工服务', 'handoff.human'],
    ]);
    expect(await page.locator('#tickets').textContent()).not.toMatch(/handoff\.human|fallback|process\./);

    // Readable on this screen: labels at least 11 px, nothing scrolls sideways.
    expect(await smallestLabel(page)).toBeGreaterThanOrEqual(11);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    expect(await page.locator('.table-wrap').evaluate((w) => w.scrollWidth <= w.clientWidth)).toBe(true);
    // On a phone each ticket is a card naming its fields.
    const display = await rows.first().evaluate((r) => getComputedStyle(r).display);
    expect(display).toBe(phone ? 'block' : 'table-row');
    if (phone) {
      expect(await page.locator('#tickets thead').isVisible()).toBe(false);
      expect(
        await rows
          .first()
          .locator('td.path')
          .evaluate((td) => getComputedStyle(td, '::before').content),
      ).toBe('"意图路径："');
    }

    // Every data request carried the token.
    expect(authHeaders.length).toBeGreaterThanOrEqual(4);
    expect(authHeaders.filter((a) => a === `Bearer ${TOKEN}`)).toHaveLength(2);
    expect(problems).toEqual([]);

    // The token is kept for the tab: a reload goes straight to the dashboard; 退出 forgets it.
    await page.reload();
    await page.waitForSelector('#dashboard:visible');
    expect(await page.locator('#kpi-questions').textContent()).toBe('11');
    await page.click('#logout');
    await page.waitForSelector('#login-form:visible');
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await context.close();
  });
});

// After the tests above: each adds a conversation the numbers above do not count.
describe.each(VIEWPORTS)('admin 刷新, $name', (viewport) => {
  it('shows the numbers as they are now, not the cached ones', async () => {
    const context = await t.browser.newContext({ viewport: { width: viewport.width, height: viewport.height } });
    const page = await context.newPage();
    await login(page);
    const before = Number(await page.locator('#kpi-questions').textContent());
    await say(`refresh-${viewport.width}`, '审批要多久');
    // The stats the page loaded are cached for 15 s; 刷新 counts now.
    await page.click('#refresh');
    await page.waitForFunction((n) => Number(document.getElementById('kpi-questions')!.textContent) === n, before + 1);
    expect(await page.locator('#refresh').textContent()).toBe('刷新');
    expect(await page.locator('#chart-intents svg').getAttribute('aria-label')).toContain('注销审批要多长时间？');
    await context.close();
  });
});
