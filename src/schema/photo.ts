/**
 * Zod schema of knowledge/photo.yaml: the ID-photo check's thresholds and every sentence it says.
 * Advice texts are templates with `{name}` placeholders; each template may use only the names its
 * check fills in, so a typo in the data fails at start-up instead of showing `{sise}` to a user.
 */
import { z } from 'zod';

const text = z.string().trim().min(1, 'must not be empty');

/** A text whose `{placeholders}` are all among `allowed`. */
function template(allowed: readonly string[]) {
  return text.superRefine((value, ctx) => {
    for (const [, name] of value.matchAll(/\{([^{}]*)\}/g)) {
      if (!allowed.includes(name)) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: `unknown placeholder {${name}}; allowed: ${allowed.map((a) => `{${a}}`).join(' ') || 'none'}` });
      }
    }
  });
}

const share = z.number().gt(0).max(1);

/** Numbers that turn the seed's rule (白底、JPG、≤500KB、竖版免冠照) into checks. */
export const PhotoLimits = z
  .object({
    /** Largest file accepted, in bytes (500 KB = 500 × 1024). */
    maxBytes: z.number().int().positive(),
    background: z
      .object({
        /** Width of the sampled border band, as a share of the shorter side. */
        band: z.number().gt(0).max(0.25),
        /** The side bands cover only this top share of the height (shoulders reach the sides lower down). */
        sideDepth: share,
        /** A near-white pixel has a mean of R, G and B at least this (0–255). */
        minBrightness: z.number().min(0).max(255),
        /** … and a saturation, (max − min) / max of R, G, B, at most this. */
        maxSaturation: z.number().min(0).max(1),
        /** Share of the sampled pixels that must be near-white; the rest may be hair, a shadow, a speck. */
        minWhiteShare: share,
      })
      .strict(),
    proportions: z
      .object({
        /** Height ÷ width of a portrait ID photo: 一寸 35/25 = 1.4, 二寸 49/35 = 1.4. */
        minRatio: z.number().positive(),
        maxRatio: z.number().positive(),
        /** Smallest size in pixels (一寸 at 300 dpi is 295 × 413). */
        minWidth: z.number().int().positive(),
        minHeight: z.number().int().positive(),
      })
      .strict()
      .refine((p) => p.minRatio < p.maxRatio, { message: 'minRatio must be below maxRatio', path: ['minRatio'] }),
  })
  .strict();
export type PhotoLimits = z.infer<typeof PhotoLimits>;

/** What the assistant calls the colours it can name (the found background colour). */
export const COLOUR_NAMES = ['white', 'lightGrey', 'grey', 'black', 'red', 'orange', 'yellow', 'green', 'cyan', 'blue', 'purple', 'pink'] as const;
export type ColourName = (typeof COLOUR_NAMES)[number];

export const PhotoTexts = z
  .object({
    /** Shown before each check's advice: 格式, 大小, 背景, 比例. */
    labels: z.object({ format: text, size: text, background: text, proportions: text }).strict(),
    format: z.object({ pass: template([]), fail: template(['format']) }).strict(),
    size: z.object({ pass: template(['size', 'limit']), fail: template(['size', 'limit']) }).strict(),
    background: z.object({ pass: template(['whiteShare', 'colour']), fail: template(['whiteShare', 'colour']) }).strict(),
    proportions: z
      .object({
        pass: template(['width', 'height', 'ratio']),
        landscape: template(['width', 'height', 'ratio', 'minWidth', 'minHeight']),
        tooWide: template(['width', 'height', 'ratio', 'minRatio', 'maxRatio', 'minWidth', 'minHeight']),
        tooTall: template(['width', 'height', 'ratio', 'minRatio', 'maxRatio', 'minWidth', 'minHeight']),
        tooSmall: template(['width', 'height', 'minWidth', 'minHeight']),
      })
      .strict(),
    colours: z.object(Object.fromEntries(COLOUR_NAMES.map((c) => [c, text])) as Record<ColourName, typeof text>).strict(),
    /** Why a body cannot be checked at all (the HTTP 400 advice, the WeChat reply). */
    refused: z
      .object({
        empty: template([]),
        notImage: template([]),
        unreadable: template(['format']),
        tooLarge: template(['limit']),
      })
      .strict(),
    /** The WeChat reply around the checks. */
    wechat: z
      .object({
        allPass: template(['count']),
        someFail: template(['failed', 'count']),
        /** WeChat recompresses pictures unless 原图 is ticked: say so under the result. */
        note: template([]),
        fetchFailed: template([]),
        sourceLabel: text,
      })
      .strict(),
  })
  .strict();
export type PhotoTexts = z.infer<typeof PhotoTexts>;

/** knowledge/photo.yaml. */
export const PhotoFile = z
  .object({
    version: z.number().int().positive(),
    /** The seed's rule in its own words, and the source id it comes from (knowledge/sources.yaml). */
    rule: text,
    source: z.string().regex(/^[a-z0-9_.-]+$/),
    limits: PhotoLimits,
    texts: PhotoTexts,
  })
  .strict();
export type PhotoFile = z.infer<typeof PhotoFile>;
