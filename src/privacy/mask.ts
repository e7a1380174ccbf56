/**
 * Masks personal data before anything is stored or logged: mainland ID-card numbers (18 digits,
 * the last may be X; and the old 15-digit form) and mobile numbers.
 */
const ID_CARD = /(?<!\d)(\d{6})(\d{8})(\d{3}[\dXx])(?![\dXx])|(?<!\d)(\d{6})(\d{6})(\d{3})(?!\d)/g;
const MOBILE = /(?<!\d)(?:\+?86[- ]?)?(1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?!\d)/g;
/** An ID-card number typed in groups (3201 0219 8001 0112 34, 320102-19800101-1234): 18 or 15 digits with single spaces or dashes between. */
const SPACED_ID = /(?<![\dXx])\d(?:[ -]?\d){16}[ -]?[\dXx](?![\dXx])|(?<![\dXx])\d(?:[ -]?\d){14}(?![\dXx])/g;

/** A grouped ID-card number as one masked run; a number without separators is left to ID_CARD. */
function maskSpacedId(m: string): string {
  if (!/[ -]/.test(m)) return m;
  const plain = m.replace(/[ -]/g, '');
  return `${plain.slice(0, 6)}${'*'.repeat(plain.length - 10)}${plain.slice(-4)}`;
}

/** The text without ID-card and mobile numbers: what the assistant reads (a number says nothing about the question). */
export function removePersonalData(text: string): string {
  return text.replace(SPACED_ID, (m) => (/[ -]/.test(m) ? ' ' : m)).replace(ID_CARD, ' ').replace(MOBILE, ' ');
}

export function maskPersonalData(text: string): string {
  return text
    .replace(SPACED_ID, maskSpacedId)
    .replace(ID_CARD, (_m, a, b, c, d, e, f) => (a ? `${a}${'*'.repeat(b.length)}${c}` : `${d}${'*'.repeat(e.length)}${f}`))
    .replace(MOBILE, (_m, head: string, _mid: string, tail: string) => `${head}****${tail}`);
}
