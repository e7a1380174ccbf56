// The analytics page: asks for the admin token once per tab (sessionStorage), sends it as a
// bearer token on every fetch, and draws the stats. Stored texts are shown with textContent only.
(() => {
  'use strict';
  const base = document.body.dataset.base || '/admin';
  const KEY = 'jianli.adminToken';
  const $ = (id) => document.getElementById(id);
  const VERDICTS = [
    ['eligible', '可以申请', '#2f855a'],
    ['blocked', '暂不能申请', '#c2410c'],
    ['needs_info', '需补充信息', '#b7791f'],
  ];
  const REASONS = { requested: '要求转人工', repeated_fallback: '连续未能理解', complaint: '投诉' };
  const CHANNELS = { web: '网页', api: '接口', teams: 'Teams', wechat: '微信', console: '控制台' };

  class AuthError extends Error {}

  let titles = {};
  let lastStats = null;
  /** An intent's Chinese title (the answer's title); the id is kept for the tooltip. */
  const titleOf = (id) => titles[id] || id;

  async function api(path) {
    const res = await fetch(base + path, {
      headers: { Authorization: `Bearer ${sessionStorage.getItem(KEY) || ''}`, Accept: 'application/json' },
      cache: 'no-store',
    });
    if (res.status === 401) throw new AuthError();
    if (!res.ok) {
      const body = await res.json().catch(() => ({}));
      throw new Error(body.error || `HTTP ${res.status}`);
    }
    return res.json();
  }

  const percent = (rate) => `${(rate * 100).toFixed(1)}%`;

  function showLogin(message) {
    $('dashboard').hidden = true;
    $('actions').hidden = true;
    $('login').hidden = false;
    $('login-error').hidden = !message;
    $('login-error').textContent = message || '';
    $('token').value = '';
    $('token').focus();
  }

  function showError(message) {
    $('error').hidden = !message;
    $('error').textContent = message || '';
  }

  function drawCharts(s) {
    const days = (series) => series.map((d) => ({ label: d.day, value: d.count }));
    JianliCharts.columns($('chart-questions'), days(s.questionsPerDay), { label: '每日提问数' });
    JianliCharts.hbars(
      $('chart-intents'),
      s.topIntents.map((i) => ({ label: i.title, id: i.intent, value: i.count })),
      { label: '热门问题', emptyText: '还没有提问。' },
    );
    JianliCharts.donut(
      $('chart-verdicts'),
      VERDICTS.map(([k, label, color]) => ({ label, value: s.verdicts[k] || 0, color })),
      { label: '自查结论分布', emptyText: '还没有完成的自查。' },
    );
    JianliCharts.columns($('chart-handoffs'), days(s.handoffs.perDay), { label: '每日转人工工单', color: '#c2410c' });
  }

  function renderStats(s) {
    titles = s.intentTitles || {};
    lastStats = s;
    $('kpi-conversations').textContent = s.conversations;
    $('kpi-questions').textContent = s.questions;
    $('kpi-fallback').textContent = percent(s.fallback.rate);
    $('kpi-fallback-sub').textContent = `${s.fallback.count} / ${s.questions} 条`;
    $('kpi-interviews').textContent = percent(s.interviews.rate);
    $('kpi-interviews-sub').textContent = `开始 ${s.interviews.started} 次，得出结论 ${s.interviews.completed} 次`;
    $('kpi-handoffs').textContent = s.handoffs.total;
    $('kpi-handoffs-sub').textContent = Object.entries(REASONS)
      .map(([k, label]) => `${label} ${s.handoffs.byReason[k] || 0}`)
      .join('，');
    for (const span of document.querySelectorAll('.days')) span.textContent = s.questionsPerDay.length;
    // Drawn once the dashboard is shown: the charts take their containers' widths.
    $('updated').textContent = `数据时间 ${new Date(s.generatedAt).toLocaleString('zh-CN', { timeZone: s.timeZone, hour12: false })}`;
  }

  // Each cell names its column (data-label): on a phone the rows become cards that show it.
  const COLUMNS = ['时间', '工单号', '渠道', '原因', '意图路径', '自查情况', '最近消息（已脱敏）'];
  function cell(row, content, className) {
    const td = document.createElement('td');
    if (typeof content === 'string') td.textContent = content;
    else td.append(content);
    if (className) td.className = className;
    td.dataset.label = COLUMNS[row.children.length];
    row.append(td);
  }

  /** The intents a conversation went through, in Chinese, each id in its tooltip. */
  function intentPath(ids) {
    const span = document.createElement('span');
    ids.forEach((id, i) => {
      if (i) span.append(' → ');
      const name = document.createElement('span');
      name.className = 'intent';
      name.textContent = titleOf(id);
      name.title = id;
      span.append(name);
    });
    if (!ids.length) span.textContent = '—';
    return span;
  }

  function renderTickets(tickets, timeZone) {
    const body = $('tickets').querySelector('tbody');
    body.replaceChildren();
    $('no-tickets').hidden = tickets.length > 0;
    for (const t of tickets) {
      const tr = document.createElement('tr');
      const s = t.summary;
      const verdict = s.verdictSoFar ? (VERDICTS.find(([k]) => k === s.verdictSoFar.status) || [])[1] || s.verdictSoFar.status : '';
      const facts = s.interview ? s.interview.facts.join('；') : '';
      cell(tr, new Date(t.createdAt).toLocaleString('zh-CN', { timeZone, hour12: false }));
      cell(tr, t.id, 'id');
      cell(tr, CHANNELS[t.channel] || t.channel);
      cell(tr, REASONS[t.reason] || t.reason);
      cell(tr, intentPath(s.intentPath), 'path');
      cell(tr, [verdict, facts].filter(Boolean).join('：') || '—');
      cell(tr, s.lastMessages.join(' / '), 'messages');
      body.append(tr);
    }
  }

  // fresh: 刷新 asks the server to count now instead of serving its few-seconds cache.
  async function load(fresh) {
    showError('');
    try {
      const [stats, tickets] = await Promise.all([api(fresh ? '/api/stats?fresh=1' : '/api/stats'), api('/handoffs?limit=20')]);
      renderStats(stats);
      renderTickets(tickets, stats.timeZone);
      $('login').hidden = true;
      $('dashboard').hidden = false;
      $('actions').hidden = false;
      drawCharts(stats);
    } catch (err) {
      if (err instanceof AuthError) {
        sessionStorage.removeItem(KEY);
        showLogin('令牌不正确，请重新输入。');
      } else {
        showError(`暂时无法读取数据：${err.message}`);
      }
    }
  }

  $('login-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const token = $('token').value.trim();
    if (!token) return;
    sessionStorage.setItem(KEY, token);
    void load();
  });
  $('refresh').addEventListener('click', async () => {
    const button = $('refresh');
    button.disabled = true;
    button.textContent = '刷新中…';
    await load(true);
    button.disabled = false;
    button.textContent = '刷新';
  });
  // The charts follow the page's width (a phone turned, a window resized).
  let drawnWidth = window.innerWidth;
  let resizeTimer;
  window.addEventListener('resize', () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => {
      if (!lastStats || $('dashboard').hidden || window.innerWidth === drawnWidth) return;
      drawnWidth = window.innerWidth;
      drawCharts(lastStats);
    }, 150);
  });
  $('logout').addEventListener('click', () => {
    sessionStorage.removeItem(KEY);
    showLogin('');
  });

  if (sessionStorage.getItem(KEY)) void load();
  else showLogin('');
})();
