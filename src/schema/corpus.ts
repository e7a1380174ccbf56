/**
 * Zod schema of the source corpus (knowledge/corpus/*.yaml): one file per source document, each
 * holding the passages that citations point at, keyed by the source ids of knowledge/sources.yaml.
 * A passage is the article's text as published, with the public pages it was checked against.
 *
 * The two-source rule: a passage is `confirmed: true` only when at least two pages on different
 * sites carry its text and at least one of them shows the article number (where the document
 * numbers its articles). Otherwise it is
 * `confirmed: false` and a note (on the passage or on its document) says what is missing.
 * Cross-file checks (ids unique across files, ids known to sources.yaml, article passages found
 * word for word in the article's text file) are in src/knowledge/corpus.ts.
 */
import { z } from 'zod';

const text = z.string().trim().min(1, 'must not be empty');

/** The kinds of knowledge/sources.yaml: a law or rule, a notice, or the seed article. */
export const DOCUMENT_KINDS = ['regulation', 'notice', 'article'] as const;

/** Source ids a passage can carry: regulations, notices and sections of the seed article. */
export const CORPUS_ID = /^(reg|gov|seed)\.[a-z0-9_.-]+$/;

/**
 * The site of a page, so that two addresses on one site count once: the host without `www.`,
 * `m.` or `wap.`, cut to its registrable part (`a.b.example.com` → `example.com`,
 * `x.gov.cn` → `x.gov.cn`). Returns '' for something that is not an http(s) address.
 */
export function siteOf(url: string): string {
  let host: string;
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return '';
    host = u.hostname.toLowerCase();
  } catch {
    return '';
  }
  if (/^\d+(\.\d+){3}$/.test(host)) return host; // a bare IP address is its own site
  const labels = host.split('.').filter(Boolean);
  while (labels.length > 2 && ['www', 'm', 'wap'].includes(labels[0] ?? '')) labels.shift();
  // country-code second levels: example.com.cn, yunan.gov.cn, site.org.uk
  const secondLevel = labels.length >= 3 && labels.at(-1)?.length === 2 && ['com', 'net', 'org', 'gov', 'edu', 'ac', 'co'].includes(labels.at(-2) ?? '');
  return labels.slice(secondLevel ? -3 : -2).join('.');
}

/** One page a passage was compared with. */
export const PageCheck = z
  .object({
    url: z
      .string()
      .url('must be a full address (https://…)')
      .refine((u) => siteOf(u) !== '', 'must be an http or https address'),
    /** What the page shows: the whole article, part of it, with or without the article number. */
    note: text.optional(),
  })
  .strict();
export type PageCheck = z.infer<typeof PageCheck>;

export const CorpusPassage = z
  .object({
    /** The source id from knowledge/sources.yaml that citations use. */
    id: z.string().regex(CORPUS_ID, 'passage ids are source ids that start with reg., gov. or seed.'),
    /** Where it is in the document: 第十二条, 二、继续教育学时, a section heading of the article. */
    title: text,
    /** The text as published (an ellipsis marks what was left out). */
    text,
    /** Two pages on different sites agree with the text (see the file comment). */
    confirmed: z.boolean({ required_error: 'confirmed must be true or false', invalid_type_error: 'confirmed must be true or false' }),
    /** The pages the text was checked against. */
    checkedAgainst: z.array(PageCheck).default([]),
    /** What a reader should know: which page shows what, what is missing, why it is not confirmed. */
    note: text.optional(),
    /** A later amendment that changed this article, what it changed and where that was seen. */
    amended: text.optional(),
  })
  .strict();
export type CorpusPassage = z.infer<typeof CorpusPassage>;

export const CorpusDocument = z
  .object({
    /** The document's name as cited, e.g. 《注册监理工程师管理规定》. */
    title: text,
    kind: z.enum(DOCUMENT_KINDS, { errorMap: () => ({ message: `kind is one of ${DOCUMENT_KINDS.join(', ')}` }) }),
    /** Number, dates, amendments. */
    issuedAs: text.optional(),
    /** For the seed article: its full text, a file in the same folder. Every passage must be found in it word for word. */
    file: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+\.txt$/, 'is a .txt file name in knowledge/corpus (no folders)')
      .optional(),
    /** Applies to every passage of the document. */
    note: text.optional(),
  })
  .strict();
export type CorpusDocument = z.infer<typeof CorpusDocument>;

/** knowledge/corpus/<document>.yaml */
export const CorpusFile = z
  .object({
    version: z.literal(1, { errorMap: () => ({ message: 'version must be 1' }) }),
    document: CorpusDocument,
    passages: z.array(CorpusPassage).min(1, 'a corpus file holds at least one passage'),
  })
  .strict()
  .superRefine((file, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: z.ZodIssueCode.custom, path, message });
    if (file.document.kind === 'article' && !file.document.file) issue(['document', 'file'], 'an article names the .txt file that holds its full text');
    const seen = new Map<string, number>();
    file.passages.forEach((p, i) => {
      const first = seen.get(p.id);
      if (first !== undefined) issue(['passages', i, 'id'], `"${p.id}" is also passage ${first}`);
      else seen.set(p.id, i);
      const urls = new Set<string>();
      p.checkedAgainst.forEach((c, j) => {
        if (urls.has(c.url)) issue(['passages', i, 'checkedAgainst', j, 'url'], 'is listed twice');
        urls.add(c.url);
      });
      const sites = new Set(p.checkedAgainst.map((c) => siteOf(c.url)).filter(Boolean));
      if (p.confirmed && sites.size < 2)
        issue(['passages', i, 'checkedAgainst'], `a confirmed passage names pages on at least two different sites (has ${sites.size})`);
      if (!p.confirmed && !p.note && !file.document.note) issue(['passages', i, 'note'], 'an unconfirmed passage says why in a note (or its document does)');
    });
  });
export type CorpusFile = z.infer<typeof CorpusFile>;
