// Small SVG charts drawn here, so the page needs no chart library and no network.
// Every label is set with textContent: chart labels can come from stored data.
// Charts are drawn at their container's width in CSS pixels (one SVG unit = one pixel), so
// their labels keep their size on a phone; the page draws them again when the width changes.
const JianliCharts = (() => {
  'use strict';
  const NS = 'http://www.w3.org/2000/svg';

  function el(name, attrs, text) {
    const node = document.createElementNS(NS, name);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    if (text !== undefined) node.textContent = String(text);
    return node;
  }

  function svg(width, height, label) {
    return el('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-label': label });
  }

  /** The width to draw at: the container's, in CSS pixels. */
  function widthOf(container, fallback) {
    return Math.max(260, Math.floor(container.clientWidth || fallback));
  }

  function empty(container, text) {
    const p = document.createElement('p');
    p.className = 'empty';
    p.textContent = text;
    container.replaceChildren(p);
  }

  /** A round top for the y axis whose half is a whole number too (the middle grid line). */
  function niceMax(max) {
    if (max <= 4) return 4;
    const p = 10 ** Math.floor(Math.log10(max));
    return [2, 4, 6, 8, 10].map((m) => m * p).find((v) => v >= max);
  }

  /** Vertical bars over days: points [{label, value}] (label = YYYY-MM-DD). */
  function columns(container, points, opts) {
    const W = widthOf(container, 960),
      H = 220,
      left = 36,
      bottom = 26,
      top = 16;
    const max = niceMax(Math.max(0, ...points.map((p) => p.value)));
    const total = points.reduce((s, p) => s + p.value, 0);
    const chart = svg(W, H, `${opts.label}：合计 ${total}`);
    const plotH = H - bottom - top;
    const step = (W - left - 4) / Math.max(1, points.length);
    for (const t of [0, max / 2, max]) {
      const y = top + plotH - (t / max) * plotH;
      chart.append(
        el('line', { x1: left, x2: W, y1: y, y2: y, stroke: '#d9e2ec' }),
        el('text', { x: left - 6, y: y + 4, 'text-anchor': 'end', 'font-size': 11, fill: '#616e7c' }, Math.round(t)),
      );
    }
    // A day label is about 40 px wide (MM-DD at 11 px): as many as fit.
    const labelEvery = Math.max(1, Math.ceil(points.length / Math.max(2, Math.floor((W - left) / 48))));
    points.forEach((p, i) => {
      const h = (p.value / max) * plotH;
      const x = left + i * step + step * 0.15;
      const bar = el('rect', {
        x,
        y: top + plotH - h,
        width: step * 0.7,
        height: Math.max(h, 0),
        fill: opts.color || '#2f6fbf',
        'data-day': p.label,
        'data-value': p.value,
        class: 'bar',
      });
      bar.append(el('title', {}, `${p.label}：${p.value}`));
      chart.append(bar);
      if (p.value > 0 && step >= 14)
        chart.append(
          el('text', { x: x + step * 0.35, y: top + plotH - h - 3, 'text-anchor': 'middle', 'font-size': 11, fill: '#1f2933', class: 'bar-value' }, p.value),
        );
      if (i % labelEvery === 0 || i === points.length - 1) {
        // Kept inside the chart: the last day's label ends at the right edge instead of being cut.
        const cx = x + step * 0.35;
        const [lx, anchor] = cx + 20 > W ? [W - 1, 'end'] : [cx, 'middle'];
        // A label that would run into the last one is left out.
        if (i !== points.length - 1 && i + labelEvery > points.length - 1 && W - cx < 64) return;
        chart.append(el('text', { x: lx, y: H - 8, 'text-anchor': anchor, 'font-size': 11, fill: '#616e7c' }, p.label.slice(5)));
      }
    });
    container.replaceChildren(chart);
  }

  /** Horizontal bars, largest first: rows [{label, value}]. */
  function hbars(container, rows, opts) {
    if (!rows.length) return empty(container, opts.emptyText || '暂无数据');
    const W = widthOf(container, 520),
      row = 28,
      labelW = Math.min(220, Math.round(W * 0.5)),
      H = rows.length * row + 8;
    const max = Math.max(1, ...rows.map((r) => r.value));
    // Characters of a 12 px label that fit before the bars.
    const fit = Math.max(4, Math.floor((labelW - 12) / 12));
    const chart = svg(W, H, `${opts.label}：${rows.map((r) => `${r.label} ${r.value}`).join('，')}`);
    rows.forEach((r, i) => {
      const y = 4 + i * row;
      const w = ((W - labelW - 50) * r.value) / max;
      const label = r.label.length > fit ? `${r.label.slice(0, fit - 1)}…` : r.label;
      const text = el(
        'text',
        { x: labelW - 8, y: y + 18, 'text-anchor': 'end', 'font-size': 12, fill: '#1f2933', class: 'bar-label', ...(r.id ? { 'data-id': r.id } : {}) },
        label,
      );
      // The tooltip: the whole title and, for staff who look them up, the intent id.
      text.append(el('title', {}, r.id ? `${r.label}（${r.id}）` : r.label));
      chart.append(
        text,
        el('rect', { x: labelW, y: y + 5, width: Math.max(w, 1), height: row - 10, rx: 3, fill: opts.color || '#2f6fbf', class: 'bar' }),
        el('text', { x: labelW + w + 6, y: y + 18, 'font-size': 12, fill: '#1f2933', class: 'bar-value' }, r.value),
      );
    });
    container.replaceChildren(chart);
  }

  /** A ring of parts [{label, value, color}] with a legend giving counts and shares. */
  function donut(container, parts, opts) {
    const total = parts.reduce((s, p) => s + p.value, 0);
    if (!total) return empty(container, opts.emptyText || '暂无数据');
    const R = 70,
      r = 44,
      C = 90;
    const chart = svg(180, 180, `${opts.label}：${parts.map((p) => `${p.label} ${p.value}`).join('，')}`);
    let angle = -Math.PI / 2;
    for (const p of parts) {
      if (!p.value) continue;
      const sweep = (p.value / total) * Math.PI * 2;
      const end = angle + Math.min(sweep, Math.PI * 2 - 1e-4);
      const large = sweep > Math.PI ? 1 : 0;
      const pt = (rad, radius) => `${C + radius * Math.cos(rad)} ${C + radius * Math.sin(rad)}`;
      const d = `M ${pt(angle, R)} A ${R} ${R} 0 ${large} 1 ${pt(end, R)} L ${pt(end, r)} A ${r} ${r} 0 ${large} 0 ${pt(angle, r)} Z`;
      const slice = el('path', { d, fill: p.color, class: 'slice' });
      slice.append(el('title', {}, `${p.label}：${p.value}`));
      chart.append(slice);
      angle += sweep;
    }
    chart.append(el('text', { x: C, y: C + 6, 'text-anchor': 'middle', 'font-size': 20, 'font-weight': 600, fill: '#1f2933' }, total));
    const legend = document.createElement('ul');
    legend.className = 'legend';
    for (const p of parts) {
      const li = document.createElement('li');
      const swatch = document.createElement('span');
      swatch.className = 'swatch';
      swatch.style.background = p.color;
      li.append(swatch, `${p.label} ${p.value}（${Math.round((p.value / total) * 100)}%）`);
      legend.append(li);
    }
    const wrap = document.createElement('div');
    wrap.className = 'donut';
    chart.setAttribute('width', '180');
    wrap.append(chart, legend);
    container.replaceChildren(wrap);
  }

  return { columns, hbars, donut };
})();
