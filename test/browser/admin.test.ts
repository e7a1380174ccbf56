/**
 * The analytics page in headless Chromium (Debian's chromium, driven by playwright-core): the page
 * asks for the token, refuses a wrong one, then draws the numbers and charts from the transcripts
 * and keeps the token for the tab (sessionStorage) across a reload.
 */
import { describe, expect, it } from 'vitest';
import { pageServerForFile } from '../helpers/browser';
import { createAdminRouter } from '../../src/admin/router';
import { createApp } from '../../src/server/app';
import { handoffService } from '../helpers/handoff';

const TOKEN = 'browser-admin-token';
const h = handoffService();
const t = pageServerForFile(async () => {
  const say = (conversationId: string, text: string) => h.service.handle({ conversationId, text, channel: 'web' });
  await say('faq', '注销需要什么材料');
  await say('faq', '我的电话13812345678，转人工');
  await say('miss', '明天天气怎么样');
  await say('miss', '我想买菜');
  for (const text of ['帮我看看我能不能注销', '我在北京，退休了，手上没有项目', '没有', '不是', '修满了', '愿意', '已解除且有证明']) await say('iv', text);
  return createApp({ service: h.service, mount: [(app) => app.use('/admin', createAdminRouter({ service: h.service, store: h.store, token: TOKEN }))] });
}, h.cleanup);

describe('admin analytics page', () => {
  it('asks for the token, refuses a wrong one, then shows the numbers, charts and tickets', async () => {
    const page = await t.browser.newPage();
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
    // Top intents by title; the interview's seven turns lead.
    const intents = await page.locator('#chart-intents svg').getAttribute('aria-label');
    expect(intents).toMatch(/^热门问题：\S+ 7，/);
    expect(intents).toContain('转人工 1');
    // Verdict mix as a ring with its legend.
    expect(await page.locator('#chart-verdicts svg path.slice').count()).toBe(1);
    expect(await page.locator('#chart-verdicts .legend').textContent()).toContain('可以申请 1（100%）');
    expect(await page.locator('#chart-handoffs svg rect.bar').last().getAttribute('data-value')).toBe('2');

    // The tickets, newest first, with masked messages.
    const rows = page.locator('#tickets tbody tr');
    expect(await rows.count()).toBe(2);
    expect(await rows.nth(0).textContent()).toContain('连续未能理解');
    expect(await rows.nth(1).textContent()).toContain('要求转人工');
    expect(await rows.nth(1).textContent()).toContain('我的电话138****5678，转人工');

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
    await page.close();
  });
});
