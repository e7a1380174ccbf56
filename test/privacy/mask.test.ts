import { describe, expect, it } from 'vitest';
import { maskPersonalData, removePersonalData } from '../../src/privacy/mask';

describe('maskPersonalData', () => {
  it.each([
    ['身份证110105199001011234', '身份证110105********1234'],
    ['身份证号：11010519900101123x。', '身份证号：110105********123x。'],
    ['老证110105900101123', '老证110105******123'],
    ['手机13812345678', '手机138****5678'],
    ['电话 +86 138-1234-5678 找我', '电话 138****5678 找我'],
    ['身份证11010519900101123X 手机19912345678', '身份证110105********123X 手机199****5678'],
    ['身份证 3201 0219 8001 0112 34', '身份证 320102********1234'],
    ['证号320102-19800101-123X', '证号320102********123X'],
    ['老证 110105 900101 123', '老证 110105******123'],
    ['身份证１１０１０５１９９００１０１１２３Ｘ，谢谢', '身份证110105********123X，谢谢'],
    ['手机１３７１１２２３３６６', '手机137****3366'],
    ['手机137 11 22 33 66', '手机137****3366'],
    ['手机𝟏𝟑𝟕𝟏𝟏𝟐𝟐𝟑𝟑𝟔𝟔', '手机137****3366'],
    ['手机137.1122.3300。', '手机137****3300。'],
    ['证号110105.19900101.1234', '证号110105********1234'],
    ['电话010-12345678', '电话010-****5678'],
    ['电话(0755)1234 5678', '电话0755-****5678'],
    ['电话（０７５５）１２３４　５６７８！', '电话0755-****5678！'],
    ['座机0571 8888 6666', '座机0571-****6666'],
    ['打+86 10 1234 5678', '打010-****5678'],
    ['座机：88886666', '座机：****6666'],
    ['号码 8888-6666 白天打', '号码 ****6666 白天打'],
    ['邮箱 zhang.san@example.com，', '邮箱 z***@example.com，'],
    ['邮箱１２３４５６７８９＠ｑｑ．ｃｏｍ', '邮箱1***@qq.com'],
  ])('%s → %s', (input, masked) => {
    expect(maskPersonalData(input)).toBe(masked);
  });

  it.each([
    '差20学时',
    '96学时，48+48',
    '96学时',
    '20学时',
    '2021年12月23日',
    '5-15个工作日',
    '5–15个工作日',
    '第十五条',
    '照片不超过500KB，尺寸358×441像素',
    '2026-12-04',
    '2026-12-04 至 2026-12-18',
    '2024.01.15',
    '2024/1/15 10:30',
    '工作日9:00-12:00，13:30-17:00',
    '5 15 96 48 48',
    '注册编号12345',
    '请拨打12345政务服务便民热线',
    '电话12345',
    '订单号123456789012345678901',
    '2019-2021年的继续教育',
    '2019-2021',
    '2020 2023',
    '工资3000-5000元',
    '3000-5000',
    '1000-2000字',
    '2500-3600元',
    '第1、3、5项',
    '1、2、3、4、5',
    '3.5MB',
    'Chrome/120.0.6099.130',
    '48+48=96',
    '１２３４５',
    '２０２１年１２月２３日',
    '差２０学时',
    '邮箱写错了@了',
    'a@b',
  ])('leaves %s alone', (text) => {
    expect(maskPersonalData(text)).toBe(text);
    expect(removePersonalData(text)).toBe(text);
  });

  it('keeps the text around a number exactly as typed (full-width punctuation too)', () => {
    expect(maskPersonalData('（我的手机：１３７－１１２２－３３６６）。')).toBe('（我的手机：137****3366）。');
  });
});

describe('removePersonalData', () => {
  it('takes the numbers out and leaves the question', () => {
    expect(removePersonalData('我身份证１１０１０５１９９００１０１１２３Ｘ，手机137 11 22 33 66，注销要多久')).toBe('我身份证 ，手机 ，注销要多久');
    expect(removePersonalData('邮箱a.b@c.com，座机010-12345678')).toBe('邮箱 ，座机 ');
  });
});

// ---------------------------------------------------------------------------------------------
// Generated variants: widths, separators inside and between groups, country codes, check digits.

/** A small deterministic PRNG (mulberry32), so the variants are the same on every run. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = prng(20240601);

const toFull = (s: string) => s.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).replace(/ /g, '\u3000');
const toMixed = (s: string) => [...s].map((c, i) => (i % 2 ? toFull(c) : c)).join('');
const WIDTHS: Record<string, (s: string) => string> = { half: (s) => s, full: toFull, mixed: toMixed };
const SEPARATORS = ['', ' ', '-', '.', '_', '/', '·', '、', '\u3000', '－', '—', '–', '‐', ' - ', '．', '\u00a0', '  '];
const CONTEXTS = ['{}', '我的号码是{}，谢谢', '身份证{}丢了怎么办', '请联系{}。', 'abc {} def', '（{}）'];

/** Splits `s` into groups of the given sizes (the rest in a last group). */
function group(s: string, sizes: number[]): string[] {
  const out: string[] = [];
  let at = 0;
  for (const n of sizes) {
    if (at >= s.length) break;
    out.push(s.slice(at, at + n));
    at += n;
  }
  if (at < s.length) out.push(s.slice(at));
  return out;
}

/** A random split into groups of 1–5. */
function randomSizes(length: number): number[] {
  const sizes: number[] = [];
  for (let left = length; left > 0;) {
    const n = Math.min(left, 1 + Math.floor(random() * 5));
    sizes.push(n);
    left -= n;
  }
  return sizes;
}

interface Variant {
  text: string;
  expected: string;
  /** The digits (and check letter) that must not survive, NFKC-normalised; for an e-mail address, its local part. */
  secret: string;
  email?: boolean;
}

const digitsOf = (s: string) => s.normalize('NFKC').replace(/[^\dXx]/g, '');

/** Every grouping × separator × width of `core`, each in one of the contexts (rotating). */
function variants(core: string, groupings: number[][], expected: string, prefixes: string[] = ['']): Variant[] {
  const out: Variant[] = [];
  let i = 0;
  for (const sizes of [...groupings, randomSizes(core.length), randomSizes(core.length)]) {
    for (const sep of SEPARATORS) {
      for (const [, width] of Object.entries(WIDTHS)) {
        const prefix = prefixes[i % prefixes.length];
        const context = CONTEXTS[i++ % CONTEXTS.length];
        const number = width(prefix + group(core, sizes).join(sep));
        out.push({ text: context.replace('{}', number), expected: context.replace('{}', expected), secret: core });
      }
    }
  }
  return out;
}

const ID18 = ['110105199001011234', '32010219800101123X', '44030519851231002x', '51010719991231004Ｘ'];
const ID15 = ['110105900101123', '320102800101234'];
const MOBILES = ['13711223366', '13711223300', '19912345678', '15800001111', '17012345678'];
const COUNTRY = ['', '+86', '+86 ', '0086', '0086 ', '86-', '86', '(+86)', '+86-', '+ 86 '];
const LANDLINES: [area: string, local: string][] = [
  ['010', '12345678'],
  ['0755', '12345678'],
  ['0571', '88886666'],
  ['021', '63214567'],
  ['0371', '6543210'],
];
const EMAILS = [
  'zhang.san@example.com',
  '123456789@qq.com',
  'li_si+jianli@163.com',
  'Wang-Wu99@mail.example.org.cn',
  'qz@y.cn',
  'zhao.liu.1990@company-mail.com.cn',
];

function idVariants(): Variant[] {
  const out: Variant[] = [];
  for (const raw of ID18) {
    const core = raw.normalize('NFKC');
    out.push(
      ...variants(core, [[18], [6, 8, 4], [4, 4, 4, 4, 2], [6, 4, 4, 4], [3, 3, 4, 4, 4], [6, 8, 3, 1]], `${core.slice(0, 6)}********${core.slice(-4)}`),
    );
  }
  for (const core of ID15) out.push(...variants(core, [[15], [6, 6, 3], [3, 3, 3, 3, 3]], `${core.slice(0, 6)}******${core.slice(-3)}`));
  return out;
}

function mobileVariants(): Variant[] {
  return MOBILES.flatMap((core) => variants(core, [[11], [3, 4, 4], [3, 2, 2, 2, 2], [3, 8], [4, 4, 3]], `${core.slice(0, 3)}****${core.slice(-4)}`, COUNTRY));
}

function landlineVariants(): Variant[] {
  const out: Variant[] = [];
  let i = 0;
  for (const [area, local] of LANDLINES) {
    const expected = `${area}-****${local.slice(-4)}`;
    const groupings = [[local.length], [local.length - 4, 4], [2, 2, 2, 2], randomSizes(local.length)];
    for (const sizes of groupings) {
      for (const sep of SEPARATORS) {
        const l = group(local, sizes).join(sep);
        const a = area.slice(1);
        const forms = [
          `${area}-${l}`,
          `${area} ${l}`,
          `${area}${l}`,
          `(${area})${l}`,
          `(${area}) ${l}`,
          `+86 ${a} ${l}`,
          `0086-${a}-${l}`,
          `+86 (0)${a} ${l}`,
          `86-${a}-${l}`,
        ];
        for (const form of forms) {
          const width = Object.values(WIDTHS)[i % 3];
          const context = CONTEXTS[i++ % CONTEXTS.length];
          out.push({ text: context.replace('{}', width(form)), expected: context.replace('{}', expected), secret: area.slice(1) + local });
        }
      }
    }
  }
  // Local numbers without an area code: after a phone word, or typed as two groups.
  for (const [words, local, typed] of [
    ['电话', '88886666', ['88886666', '8888 6666', '8888-6666', '8888.6666', '88 88 66 66']],
    ['座机：', '6543210', ['6543210', '654-3210', '654 3210']],
    ['固话 ', '23456789', ['23456789', '2345 6789']],
    ['打这个', '88886666', ['8888 6666', '8888-6666']],
  ] as const) {
    for (const t of typed) {
      for (const width of Object.values(WIDTHS)) {
        out.push({ text: width(`${words}${t}`), expected: `${width(words)}****${local.slice(-4)}`, secret: local, email: true });
      }
    }
  }
  return out;
}

function emailVariants(): Variant[] {
  const out: Variant[] = [];
  for (const email of EMAILS) {
    const [local, domain] = email.split('@');
    for (const width of Object.values(WIDTHS)) {
      for (const [at, context] of ['@', '＠', '﹫'].flatMap((a) => CONTEXTS.map((c) => [a, c]))) {
        out.push({
          text: context.replace('{}', width(email).replace(/[@＠]/, at)),
          expected: context.replace('{}', `${local[0]}***@${domain}`),
          secret: local,
          email: true,
        });
      }
    }
  }
  return out;
}

/** What went wrong with each variant; empty when all are masked as expected. */
function failures(list: Variant[]): string[] {
  const out: string[] = [];
  for (const v of list) {
    const masked = maskPersonalData(v.text);
    const removed = removePersonalData(v.text);
    const survives = (s: string) => (v.email ? s.normalize('NFKC').includes(v.secret) : digitsOf(s).includes(digitsOf(v.secret)));
    if (masked !== v.expected) out.push(`${JSON.stringify(v.text)} → ${JSON.stringify(masked)}, expected ${JSON.stringify(v.expected)}`);
    else if (survives(masked)) out.push(`${JSON.stringify(v.text)}: the number survives in ${JSON.stringify(masked)}`);
    // What the assistant reads keeps nothing of it, not even the digits masking shows.
    if (v.email ? removed.normalize('NFKC').includes('@') : digitsOf(removed).includes(digitsOf(v.secret).slice(-4))) {
      out.push(`${JSON.stringify(v.text)}: removePersonalData left ${JSON.stringify(removed)}`);
    }
    if (maskPersonalData(masked) !== masked) out.push(`${JSON.stringify(v.text)}: masking twice changes ${JSON.stringify(masked)}`);
  }
  return out;
}

describe('generated variants', () => {
  const sets: [string, Variant[]][] = [
    ['ID-card numbers (18 and 15 digits, X/x/Ｘ check digit)', idVariants()],
    ['mobile numbers (with +86, 0086, 86-)', mobileVariants()],
    ['landline numbers (area code, brackets, +86, local only)', landlineVariants()],
    ['e-mail addresses', emailVariants()],
  ];

  it('are a few hundred at least', () => {
    expect(sets.reduce((n, [, l]) => n + l.length, 0)).toBeGreaterThan(1000);
  });

  it.each(sets)('%s are all masked', (_name, list) => {
    expect(list.length).toBeGreaterThan(50);
    expect(failures(list)).toEqual([]);
  });

  it('leave non-personal numbers in every width alone', () => {
    const plain = [
      '96学时',
      '2021年12月23日',
      '5-15个工作日',
      '500KB',
      '20学时',
      '2026-12-04 至 2026-12-18',
      '2019-2021年',
      '3000-5000元',
      '第1、3、5项',
      '注册编号12345',
    ];
    const changed = plain.flatMap((t) => Object.values(WIDTHS).map((w) => w(t))).filter((t) => maskPersonalData(t) !== t || removePersonalData(t) !== t);
    expect(changed).toEqual([]);
  });
});
