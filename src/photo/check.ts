/**
 * The ID-photo check: one function, `checkIdPhoto`, for the web page, WeChat and the HTTP API.
 * It checks the seed's rule (白底、JPG、≤500KB, a head-and-shoulders portrait) from the file's
 * content and says, in Chinese, what passes and how to fix what fails.
 */
import type { OutputInfo } from 'sharp';
import { readBorder } from './border';
import { hexColour, nameColour } from './colour';
import { PhotoInputError } from './errors';
import { defaultPhotoRules, fill, type PhotoRules } from './rules';
import { sniffImageFormat } from './sniff';

export const PHOTO_CHECK_IDS = ['format', 'size', 'background', 'proportions'] as const;
export type PhotoCheckId = (typeof PHOTO_CHECK_IDS)[number];

/** One check: whether it passes, and the advice (what was found, and how to fix it when it fails). */
export interface PhotoCheck {
  id: PhotoCheckId;
  pass: boolean;
  advice: string;
}

export interface PhotoCheckResult {
  /** Every check passes. */
  ok: boolean;
  /** Always the four checks, in the order of PHOTO_CHECK_IDS. */
  checks: PhotoCheck[];
}

/**
 * The background is read from a copy at most this many pixels on its longer side: the border's
 * share is the same at any size, and a 12-megapixel phone photo is then read in milliseconds.
 */
const READ_SIZE = 400;

/**
 * Checks `buffer` as an ID photo. Throws PhotoInputError when it is empty, not an image, or an
 * image that cannot be decoded; otherwise every check is reported, passing or not.
 */
export async function checkIdPhoto(buffer: Buffer, rules: PhotoRules = defaultPhotoRules()): Promise<PhotoCheckResult> {
  const { texts, limits } = rules;
  if (buffer.length === 0) throw new PhotoInputError('empty', 'body is empty; send the photo file as the body', texts.refused.empty);
  const sniffed = sniffImageFormat(buffer);
  if (!sniffed) throw new PhotoInputError('notImage', 'body is not an image (expected a JPEG photo)', texts.refused.notImage);
  const unreadable = () => new PhotoInputError('unreadable', `the ${sniffed} image cannot be decoded`, fill(texts.refused.unreadable, { format: sniffed }));

  // sharp (libvips, ~12 MB and a third of a second to load) is loaded by the first photo, not at start-up.
  const { default: sharp } = await import('sharp');
  // failOn 'truncated': a cut-off upload is refused, while a photo with a harmless decoder warning (common from phones) is still read.
  const input = () => sharp(buffer, { failOn: 'truncated' });
  let width: number;
  let height: number;
  let isJpeg: boolean;
  let pixels: { data: Buffer; info: OutputInfo };
  try {
    const meta = await input().metadata();
    // The photo as it is shown: a phone photo is often stored sideways with an EXIF orientation.
    ({ width, height } = meta.autoOrient);
    isJpeg = meta.format === 'jpeg' && sniffed === 'JPEG';
    pixels = await input()
      .autoOrient()
      // A transparent area is judged as white: that is what converters to JPG usually fill it with.
      .flatten({ background: '#ffffff' })
      .resize({ width: READ_SIZE, height: READ_SIZE, fit: 'inside', withoutEnlargement: true })
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
  } catch {
    throw unreadable();
  }
  if (!width || !height || pixels.info.channels < 3) throw unreadable();

  const label = (id: PhotoCheckId, text: string) => `${texts.labels[id]}：${text}`;
  const checks: PhotoCheck[] = [];

  checks.push({ id: 'format', pass: isJpeg, advice: label('format', isJpeg ? texts.format.pass : fill(texts.format.fail, { format: sniffed })) });

  const sizeOk = buffer.length <= limits.maxBytes;
  const sizeValues = { size: describeBytes(buffer.length), limit: describeLimit(limits.maxBytes) };
  checks.push({ id: 'size', pass: sizeOk, advice: label('size', fill(sizeOk ? texts.size.pass : texts.size.fail, sizeValues)) });

  const border = readBorder({ data: pixels.data, width: pixels.info.width, height: pixels.info.height, channels: pixels.info.channels }, limits.background);
  const backgroundOk = border.whiteShare >= limits.background.minWhiteShare;
  const backgroundValues = {
    whiteShare: `${Math.round(border.whiteShare * 100)}%`,
    colour: `${texts.colours[nameColour(border.colour)]}（${hexColour(border.colour)}）`,
  };
  checks.push({
    id: 'background',
    pass: backgroundOk,
    advice: label('background', fill(backgroundOk ? texts.background.pass : texts.background.fail, backgroundValues)),
  });

  const shape = proportionsVerdict(width, height, limits.proportions);
  const p = limits.proportions;
  const shapeValues = {
    width,
    height,
    ratio: (height / width).toFixed(2),
    minRatio: p.minRatio,
    maxRatio: p.maxRatio,
    minWidth: p.minWidth,
    minHeight: p.minHeight,
  };
  checks.push({ id: 'proportions', pass: shape === 'pass', advice: label('proportions', fill(texts.proportions[shape], shapeValues)) });

  return { ok: checks.every((c) => c.pass), checks };
}

type Shape = 'pass' | 'landscape' | 'tooWide' | 'tooTall' | 'tooSmall';

/** The first thing wrong with the shape: orientation and ratio before pixel size (cropping fixes those first). */
export function proportionsVerdict(width: number, height: number, p: PhotoRules['limits']['proportions']): Shape {
  const ratio = height / width;
  if (ratio < 1) return 'landscape';
  if (ratio < p.minRatio) return 'tooWide';
  if (ratio > p.maxRatio) return 'tooTall';
  if (width < p.minWidth || height < p.minHeight) return 'tooSmall';
  return 'pass';
}

/** `612.3KB（626,995 字节）` or `2.56MB（…）`: units as upload pages count them (1024), and the exact bytes. */
export function describeBytes(bytes: number): string {
  const size = bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(2)}MB` : `${(bytes / 1024).toFixed(1)}KB`;
  return `${size}（${bytes.toLocaleString('en-US')} 字节）`;
}

/** `500KB`, or `5MB` for whole megabytes. */
export function describeLimit(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  if (Number.isInteger(mb)) return `${mb}MB`;
  const kb = bytes / 1024;
  return Number.isInteger(kb) ? `${kb}KB` : `${kb.toFixed(1)}KB`;
}
