/**
 * The analytics page as one self-contained HTML document. Every /admin path needs the bearer
 * token, and a browser cannot send one when it merely opens a URL, so the page's CSS and JS are
 * inlined into the HTML: the document (code only, no data) is what a browser gets even with its
 * 401, the page asks for the token, keeps it in sessionStorage and sends it on every fetch. A
 * Content-Security-Policy pins the inline code by hash, so nothing else can run on the page.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const PUBLIC = join(import.meta.dirname, 'public');

export interface AdminPage {
  /** The document for a page served under `base` (the router's mount path, e.g. /admin). */
  html(base: string): string;
  /** The Content-Security-Policy header that lets exactly the inlined code run. */
  csp: string;
}

const sha256 = (s: string) => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;

const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Reads src/admin/public once (the files do not change while the server runs). */
export function loadAdminPage(dir = PUBLIC): AdminPage {
  const read = (f: string) => readFileSync(join(dir, f), 'utf8');
  const style = read('admin.css');
  const script = `${read('charts.js')}\n${read('admin.js')}`;
  const [head, afterStyle] = read('index.html').split('{{style}}');
  const [middle, tail] = afterStyle.split('{{script}}');
  return {
    // The base marker sits in the body tag, between the style and the script.
    html: (base) => `${head}${style}${middle.replace('{{base}}', escapeAttr(base))}${script}${tail}`,
    csp: [
      "default-src 'none'",
      `script-src ${sha256(script)}`,
      `style-src ${sha256(style)}`,
      "connect-src 'self'",
      "img-src 'self' data:",
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ].join('; '),
  };
}
