/**
 * Masks personal data before anything is stored or logged: mainland ID-card numbers (18 digits,
 * the last may be X; and the old 15-digit form) and mobile numbers.
 */
const ID_CARD = /(?<!\d)(\d{6})(\d{8})(\d{3}[\dXx])(?![\dXx])|(?<!\d)(\d{6})(\d{6})(\d{3})(?!\d)/g;
const MOBILE = /(?<!\d)(?:\+?86[- ]?)?(1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?!\d)/g;

/** The text without ID-card and mobile numbers: what the assistant reads (a number says nothing about the question). */
export function removePersonalData(text: string): string {
  return text.replace(ID_CARD, ' ').replace(MOBILE, ' ');
}

export function maskPersonalData(text: string): string {
  return text
    .replace(ID_CARD, (_m, a, b, c, d, e, f) => (a ? `${a}${'*'.repeat(b.length)}${c}` : `${d}${'*'.repeat(e.length)}${f}`))
    .replace(MOBILE, (_m, head: string, _mid: string, tail: string) => `${head}****${tail}`);
}
