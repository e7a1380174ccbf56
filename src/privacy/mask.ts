/**
 * Masks personal data before anything is stored or logged: mainland ID-card numbers (18 digits,
 * the last may be X; and the old 15-digit form), mobile numbers, landline numbers and e-mail
 * addresses.
 *
 * Numbers are found in the NFKC form of the text, so full-width digits, letters and separators
 * count (１３７…, Ｘ, ＠, －, ．, the ideographic space); a number may be typed in groups with spaces,
 * dashes of any kind, dots, underscores, slashes, middle dots, 、 or brackets between any of its
 * digits (137 11 22 33 66, 137.1122.3300, (0755)1234 5678), and a mobile or landline number may
 * carry the country code (+86, 0086, 86-). The text around a number is kept exactly as typed.
 *
 * What is left alone: numbers that are not personal data — hours (96学时), dates (2021年12月23日,
 * 2026-12-04), ranges (5-15个工作日, 2019-2021, 3000-5000元), sizes (500KB), short codes (12345).
 */

/** What may stand between the digits of a number typed in groups (after NFKC). */
const SEP_CHAR = '[\\s\\-_./·・、()\\u2010-\\u2015\\u2212\\ufe63\\u200b-\\u200d\\u2060\\ufeff]';
const SEP = `${SEP_CHAR}{0,3}`;
/** +86, 0086 or 86, maybe in brackets, and what separates it from the number. */
const COUNTRY = `(?:\\((?:\\+\\s?86|0086|86)\\)|\\+\\s?86|0086|86)${SEP}`;
/** A mainland area code without its leading 0: 10, 2x, or three digits from 3xx on. */
const AREA = '(?:10|2\\d|[3-9]\\d\\d)';

interface Kind {
  re: RegExp;
  /** The masked form of a match (of its NFKC form). */
  mask(m: RegExpExecArray): string;
  /** A match that is not personal data after all. */
  not?(m: RegExpExecArray): boolean;
}

const plainDigits = (s: string) => s.replace(/\D/g, '');

/**
 * The numbers with a fixed count of digits. Each is looked for twice: first as a whole run of
 * digits and separators (so 110 1 0590 01 0112 3 is one ID-card number, not a landline number
 * inside it), then as any digits not touching another digit (so 13712345678 20 still hides the
 * phone number).
 */
function numberKinds(whole: boolean): Kind[] {
  const before = whole ? `(?<!\\d${SEP})` : '(?<!\\d)';
  const after = whole ? `(?!${SEP}\\d)` : '(?!\\d)';
  return [
    {
      // ID card, 18 digits, the last may be X.
      re: new RegExp(`${before}(\\d(?:${SEP}\\d){16})${SEP}([\\dXx])${after}`, 'g'),
      mask: (m) => {
        const d = plainDigits(m[1]) + m[2];
        return `${d.slice(0, 6)}${'*'.repeat(8)}${d.slice(-4)}`;
      },
    },
    {
      // Mobile, 11 digits from 13…19, maybe after +86 / 0086 / 86-.
      re: new RegExp(`${before}(?:${COUNTRY})?(1${SEP}[3-9](?:${SEP}\\d){9})${after}`, 'g'),
      mask: (m) => {
        const d = plainDigits(m[1]);
        return `${d.slice(0, 3)}****${d.slice(-4)}`;
      },
    },
    {
      // Landline with its area code: 010-12345678, (0755)1234 5678, +86 571 8888 6666.
      re: new RegExp(`${before}(?:${COUNTRY}(?:\\(0\\)${SEP}|0${SEP})?|\\(0(?=${AREA}\\))|0)(${AREA})\\)?${SEP}(\\d(?:${SEP}\\d){6,7})${after}`, 'g'),
      mask: (m) => `0${m[1]}-****${plainDigits(m[2]).slice(-4)}`,
    },
    {
      // ID card, the old 15-digit form (region codes never start with 0).
      re: new RegExp(`${before}[1-9](?:${SEP}\\d){14}${after}`, 'g'),
      mask: ([m]) => {
        const d = plainDigits(m);
        return `${d.slice(0, 6)}${'*'.repeat(6)}${d.slice(-3)}`;
      },
    },
  ];
}

/** In order of precedence: a span taken by an earlier kind is not looked at again. */
const KINDS: Kind[] = [
  {
    // zhang.san@example.com → z***@example.com
    // (Parts bounded as RFC 5321 bounds them, so a long run of letters costs linear time.)
    re: /[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}(?![A-Za-z])/g,
    mask: ([m]) => `${m[0]}***${m.slice(m.indexOf('@'))}`,
  },
  ...numberKinds(true),
  ...numberKinds(false),
  {
    // A local landline number (7 or 8 digits) after a word that says it is a phone number.
    re: new RegExp(`(?<=(?:电话|座机|固话|分机|致电|拨打|传真|tel|phone|fax)[^\\d\\n]{0,6})[2-9](?:${SEP}\\d){6,7}(?!\\d)`, 'gi'),
    mask: ([m]) => `****${plainDigits(m).slice(-4)}`,
  },
  {
    // A local landline number on its own, typed as two groups: 8888 6666, 8888-6666, 654-3210.
    re: /(?<![\d.\-/:~])([2-9]\d{2,3})[ -](\d{4})(?![\d.\-/:~]|\s*(?:[年月日号元块万千百个天次人条项份页分秒时岁%]|[A-Za-z]))/g,
    mask: ([, , tail]) => `****${tail}`,
    // A range of years (2019-2021) or of round amounts (3000-5000).
    not: ([, a, b]) => (/^(?:19|20)\d\d$/.test(a) && /^(?:19|20)\d\d$/.test(b)) || (a.endsWith('00') && b.endsWith('00')),
  },
];

/** The NFKC form of `text`, and for each of its UTF-16 units the span of `text` it comes from. */
function normalise(text: string): { n: string; from: number[]; to: number[] } {
  let n = '';
  const from: number[] = [];
  const to: number[] = [];
  let i = 0;
  for (const c of text) {
    const k = c.normalize('NFKC');
    for (let j = 0; j < k.length; j++) {
      from.push(i);
      to.push(i + c.length);
    }
    n += k;
    i += c.length;
  }
  return { n, from, to };
}

/** Every piece of personal data in `text`: its span in `text` and its masked form. */
function findPersonalData(text: string): { start: number; end: number; masked: string }[] {
  // Cheap exit: no digit and no @ in any form (full width, ①, 𝟏) means nothing to find.
  if (!/[\d@]/.test(text.normalize('NFKC'))) return [];
  const { n, from, to } = normalise(text);
  const taken: { s: number; e: number; masked: string }[] = [];
  for (const kind of KINDS) {
    if (kind === KINDS[0] && !n.includes('@')) continue;
    kind.re.lastIndex = 0;
    for (let m = kind.re.exec(n); m; m = kind.re.exec(n)) {
      const s = m.index;
      const e = s + m[0].length;
      if (taken.some((t) => s < t.e && t.s < e) || kind.not?.(m)) continue;
      taken.push({ s, e, masked: kind.mask(m) });
    }
  }
  return taken.sort((a, b) => a.s - b.s).map((t) => ({ start: from[t.s], end: to[t.e - 1], masked: t.masked }));
}

function replacePersonalData(text: string, replacement: (masked: string) => string): string {
  const found = findPersonalData(text);
  if (!found.length) return text;
  let out = '';
  let at = 0;
  for (const f of found) {
    out += text.slice(at, f.start) + replacement(f.masked);
    at = f.end;
  }
  return out + text.slice(at);
}

/** The text without personal data: what the assistant reads (a number says nothing about the question). */
export function removePersonalData(text: string): string {
  return replacePersonalData(text, () => ' ');
}

/** The text with personal data masked (110105********123X, 138****5678, 010-****5678, z***@example.com). */
export function maskPersonalData(text: string): string {
  return replacePersonalData(text, (masked) => masked);
}
