/**
 * Pages that let a reader see what an answer cites. Every 【来源】 line on the web page links here:
 *   GET /sources          every source the assistant may cite, as a list of links
 *   GET /sources/:id      one source: its title, what kind of text it is and, where the source
 *                         corpus holds it, the passage's text (knowledge/corpus, read by
 *                         src/knowledge/corpus.ts's loadCorpus() when that module exists)
 *   GET /sources.json     [{ id, title, kind }]: the page maps the titles in a reply back to ids
 * Titles and kinds come from knowledge/sources.yaml, read again when the file changes. Every text
 * is HTML-escaped; the pages run no script (their Content-Security-Policy allows none).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Express, Response } from 'express';
import { parse } from 'yaml';

export const SOURCES_PATH = '/sources';

interface SourceEntry {
  id: string;
  title: string;
  kind: string;
  note?: string;
}

/** A passage of a source's text, as far as the corpus gives it. */
export interface SourcePassage {
  heading?: string;
  text: string;
  /** The document the passage is quoted from (its title). */
  document?: string;
  /** false: the corpus says no second public source confirms the passage yet. */
  confirmed?: boolean;
  /** Public addresses the passage was checked against. */
  checkedAgainst?: string[];
}

const KIND_LABELS: Record<string, string> = { article: '原文文章', regulation: '法规规章', notice: '主管部门通知' };
const SEED_ARTICLE = '《注销监理工程师管理系统？如何正确操作才能避免影响执业资格和信用记录？》';

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const STYLE = `body{margin:0;font:16px/1.7 -apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;color:#1f2328;background:#f3f5f7}
header{background:#1f6f50;color:#fff;padding:10px 16px}header a{color:#fff}
main{max-width:760px;margin:0 auto;padding:16px}
h1{font-size:20px;line-height:1.5;margin:0 0 8px}h2{font-size:16px;margin:18px 0 6px}
.kind{display:inline-block;font-size:13px;color:#1f6f50;border:1px solid #1f6f50;border-radius:10px;padding:0 8px}
.passage{background:#fff;border-radius:8px;padding:12px 14px;margin:10px 0;white-space:pre-wrap;box-shadow:0 1px 2px rgba(0,0,0,.08)}
.note{color:#57606a;font-size:14px}ul{padding-left:20px}li{margin:6px 0}a{color:#0b5cad}`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="../favicon.svg" type="image/svg+xml">
<title>${escapeHtml(title)} · 监理注销助手</title>
<style>${STYLE}</style>
</head>
<body>
<header><a href="../">← 返回监理注销助手</a></header>
<main>
${body}
</main>
</body>
</html>`;
}

/** knowledge/sources.yaml, read again when it changes (a knowledge reload may add sources). */
function sourcesReader(root: string): () => Map<string, SourceEntry> {
  const file = join(root, 'knowledge', 'sources.yaml');
  let cached: { mtime: number; entries: Map<string, SourceEntry> } | undefined;
  return () => {
    const mtime = statSync(file).mtimeMs;
    if (cached?.mtime === mtime) return cached.entries;
    const doc = parse(readFileSync(file, 'utf8')) as { sources?: Record<string, { title?: unknown; kind?: unknown; note?: unknown }> };
    const entries = new Map<string, SourceEntry>();
    for (const [id, s] of Object.entries(doc?.sources ?? {})) {
      if (typeof s?.title !== 'string') continue;
      entries.set(id, { id, title: s.title, kind: typeof s.kind === 'string' ? s.kind : 'article', ...(typeof s.note === 'string' ? { note: s.note } : {}) });
    }
    cached = { mtime, entries };
    return entries;
  };
}

/**
 * The passages of each known source id found anywhere in a loaded corpus. The corpus module's
 * shape is read loosely: a Map or object keyed by source id, or lists of passages naming their
 * source (`source`, `sourceId` or `id`), each passage a string or an object with `text`.
 */
export function passagesById(corpus: unknown, ids: Set<string>): Map<string, SourcePassage[]> {
  const out = new Map<string, SourcePassage[]>();
  const add = (id: string, p: SourcePassage) => {
    if (!p.text.trim()) return;
    const list = out.get(id) ?? [];
    if (!list.some((q) => q.text === p.text)) list.push(p);
    out.set(id, list);
  };
  const heading = (o: Record<string, unknown>) =>
    ['heading', 'title', 'article', 'citation', 'label'].map((k) => o[k]).find((v): v is string => typeof v === 'string');
  const passages = (v: unknown): SourcePassage[] => {
    if (typeof v === 'string') return [{ text: v }];
    if (Array.isArray(v)) return v.flatMap(passages);
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.text === 'string') {
        const doc = o.document && typeof o.document === 'object' ? (o.document as Record<string, unknown>).title : undefined;
        const urls = Array.isArray(o.checkedAgainst)
          ? o.checkedAgainst
              .map((c) => (typeof c === 'string' ? c : (c as { url?: unknown })?.url))
              .filter((u): u is string => typeof u === 'string' && /^https?:\/\//.test(u))
          : [];
        return [
          {
            text: o.text,
            ...(heading(o) ? { heading: heading(o) } : {}),
            ...(typeof doc === 'string' ? { document: doc } : {}),
            ...(typeof o.confirmed === 'boolean' ? { confirmed: o.confirmed } : {}),
            ...(urls.length ? { checkedAgainst: urls } : {}),
          },
        ];
      }
      if (o.passages !== undefined) return passages(o.passages);
    }
    return [];
  };
  const seen = new Set<unknown>();
  const walk = (v: unknown, depth: number): void => {
    if (!v || typeof v !== 'object' || seen.has(v) || depth > 8) return;
    seen.add(v);
    if (v instanceof Map) {
      for (const [k, val] of v) {
        if (typeof k === 'string' && ids.has(k)) passages(val).forEach((p) => add(k, p));
        else walk(val, depth + 1);
      }
      return;
    }
    if (Array.isArray(v)) return void v.forEach((x) => walk(x, depth + 1));
    const o = v as Record<string, unknown>;
    const owner = ['source', 'sourceId', 'id'].map((k) => o[k]).find((x): x is string => typeof x === 'string' && ids.has(x));
    if (owner && (typeof o.text === 'string' || o.passages !== undefined)) {
      passages(o).forEach((p) => add(owner, p));
      return;
    }
    for (const [k, val] of Object.entries(o)) {
      if (ids.has(k)) passages(val).forEach((p) => add(k, p));
      else walk(val, depth + 1);
    }
  };
  walk(corpus, 0);
  return out;
}

/** The corpus as src/knowledge/corpus.ts loads it, or knowledge/corpus/*.yaml read directly; undefined when neither exists. */
async function loadCorpusIfAny(root: string): Promise<unknown> {
  const module = join(import.meta.dirname, '..', '..', 'knowledge', 'corpus.ts');
  if (existsSync(module)) {
    try {
      const m = (await import(pathToFileURL(module).href)) as { loadCorpus?: (root?: string) => unknown };
      if (typeof m.loadCorpus === 'function') return await m.loadCorpus(root);
    } catch (err) {
      console.error(`source pages: reading the corpus (knowledge/corpus, via src/knowledge/corpus.ts) failed: ${(err as Error).message}`);
    }
  }
  const dir = join(root, 'knowledge', 'corpus');
  if (!existsSync(dir)) return undefined;
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => {
      try {
        return parse(readFileSync(join(dir, f), 'utf8')) as unknown;
      } catch {
        return undefined;
      }
    });
}

export interface SourcePagesOptions {
  /** The folder holding knowledge/ (default: the repository, or JIANLI_KNOWLEDGE_ROOT). */
  root?: string;
  /** How long a loaded corpus is reused before it is read again (default 60 s). */
  corpusTtlMs?: number;
}

/** Mounts GET /sources, /sources.json and /sources/:id on the app. */
export function mountSourcePages(app: Express, opts: SourcePagesOptions = {}): void {
  const root = opts.root ?? process.env.JIANLI_KNOWLEDGE_ROOT ?? join(import.meta.dirname, '..', '..', '..');
  const sources = sourcesReader(root);
  let corpus: { until: number; passages: Promise<Map<string, SourcePassage[]>> } | undefined;
  const passages = () => {
    const now = Date.now();
    if (!corpus || corpus.until <= now) {
      const ids = new Set(sources().keys());
      corpus = {
        until: now + (opts.corpusTtlMs ?? 60_000),
        passages: loadCorpusIfAny(root)
          .then((c) => passagesById(c, ids))
          .catch(() => new Map()),
      };
    }
    return corpus.passages;
  };
  const html = (res: Response, status: number, body: string) =>
    void res
      .status(status)
      .set({ 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': CSP, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-cache' })
      .send(body);

  app.get(`${SOURCES_PATH}.json`, (_req, res, next) => {
    try {
      res.set('Cache-Control', 'no-cache').json([...sources().values()].map(({ id, title, kind }) => ({ id, title, kind })));
    } catch (err) {
      next(err);
    }
  });

  app.get(SOURCES_PATH, (req, res, next) => {
    try {
      // Express also routes /sources/ here; the page's relative links need the address without the slash.
      if (req.path.endsWith('/')) return void res.redirect(301, `../${SOURCES_PATH.slice(1)}`);
      const items = [...sources().values()].map(
        (s) =>
          `<li><a href="${SOURCES_PATH.slice(1)}/${encodeURIComponent(s.id)}">${escapeHtml(s.title)}</a> <span class="kind">${escapeHtml(KIND_LABELS[s.kind] ?? s.kind)}</span></li>`,
      );
      // Served at /sources (no slash): links are relative to the site root, as the chat page's are.
      html(
        res,
        200,
        page('答案引用的来源', `<h1>答案引用的来源</h1><ul>${items.join('\n')}</ul>`)
          .replace('href="../"', 'href="./"')
          .replace('href="../favicon.svg"', 'href="favicon.svg"'),
      );
    } catch (err) {
      next(err);
    }
  });

  app.get(`${SOURCES_PATH}/:id`, async (req, res, next) => {
    try {
      const s = sources().get(req.params.id);
      if (!s)
        return html(
          res,
          404,
          page('没有这个来源', `<h1>没有这个来源</h1><p>找不到编号为“${escapeHtml(req.params.id)}”的来源。<a href="../sources">查看全部来源</a></p>`),
        );
      const found = (await passages()).get(s.id) ?? [];
      const parts = [`<h1>${escapeHtml(s.title)}</h1>`, `<p><span class="kind">${escapeHtml(KIND_LABELS[s.kind] ?? s.kind)}</span></p>`];
      if (found.length) {
        const docs = [...new Set(found.map((p) => p.document).filter((d): d is string => !!d))];
        parts.push('<h2>原文内容</h2>');
        if (docs.length) parts.push(`<p>出自${docs.map(escapeHtml).join('、')}</p>`);
        for (const p of found) {
          parts.push(`<div class="passage">${p.heading ? `<strong>${escapeHtml(p.heading)}</strong>\n` : ''}${escapeHtml(p.text.trim())}</div>`);
          if (p.confirmed === false) parts.push('<p class="note">这段文字只找到一个公开出处，尚未经第二个来源核实。</p>');
          if (p.checkedAgainst?.length)
            parts.push(
              `<p class="note">核对出处：${p.checkedAgainst.map((u) => `<a href="${escapeHtml(u)}" rel="noopener noreferrer">${escapeHtml(u)}</a>`).join('，')}</p>`,
            );
        }
        if (s.kind === 'article') parts.push('<p class="note">文章是第三方的解读，所说未必准确；助手的回答以法规为准，办理时请以所在省住建部门公告为准。</p>');
      } else if (s.kind === 'article') {
        parts.push(
          `<p>出自文章${escapeHtml(SEED_ARTICLE)}中的这一节。本助手暂未收录这一节的全文；助手的回答是对这一节的转述，文章所说未经官方核实，办理时请以所在省住建部门公告为准。</p>`,
        );
      } else {
        parts.push('<p>本助手暂未收录这份文件的全文。请在主管部门官网或国家法律法规数据库查阅正式文本，以正式公布的文本为准。</p>');
      }
      if (s.note) parts.push(`<p class="note">说明：${escapeHtml(s.note)}</p>`);
      parts.push(`<p class="note">来源编号：${escapeHtml(s.id)} · <a href="../sources">查看全部来源</a></p>`);
      html(res, 200, page(s.title, parts.join('\n')));
    } catch (err) {
      next(err);
    }
  });
}
