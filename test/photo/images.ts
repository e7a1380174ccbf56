/**
 * Real test photos, drawn with sharp: a white-background head-and-shoulders portrait (head and
 * shoulders in dark clothes that reach the lower sides and the bottom edge, as in a real ID
 * photo), and its variants that break one rule each.
 */
import sharp, { type Sharp } from 'sharp';

export interface PortraitOptions {
  width?: number;
  height?: number;
  background?: string;
  /** Dark specks in the top border band (hair, dust): the background check must tolerate them. */
  specks?: boolean;
}

/** The head and shoulders as SVG, scaled to the photo. */
function figure(width: number, height: number, specks: boolean): Buffer {
  const cx = width / 2;
  const speckRects = specks ? [0.1, 0.3, 0.7, 0.9].map((x) => `<rect x="${Math.round(width * x)}" y="2" width="6" height="6" fill="#111"/>`).join('') : '';
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
      `<ellipse cx="${cx}" cy="${height * 0.4}" rx="${width * 0.2}" ry="${height * 0.2}" fill="#e0b090"/>` +
      `<rect x="${cx - width * 0.22}" y="${height * 0.08}" width="${width * 0.44}" height="${height * 0.12}" rx="20" fill="#202020"/>` +
      `<path d="M0 ${height} L0 ${height * 0.75} Q${cx} ${height * 0.55} ${width} ${height * 0.75} L${width} ${height} Z" fill="#23324a"/>` +
      speckRects +
      `</svg>`,
  );
}

/** A portrait drawn on `background`, not yet encoded. */
export function portrait(opts: PortraitOptions = {}): Sharp {
  const width = opts.width ?? 413;
  const height = opts.height ?? 579;
  return sharp({ create: { width, height, channels: 3, background: opts.background ?? '#ffffff' } }).composite([
    { input: figure(width, height, opts.specks ?? false) },
  ]);
}

/** 二寸 (413×579) on white, JPG quality 90: passes every check. */
export async function goodJpeg(): Promise<Buffer> {
  return portrait().jpeg({ quality: 90 }).toBuffer();
}

/** The same picture as PNG: only the format fails. */
export async function pngPortrait(): Promise<Buffer> {
  return portrait().png().toBuffer();
}

/** The standard blue ID background (#438EDB): only the background fails. */
export async function bluePortrait(): Promise<Buffer> {
  return portrait({ background: '#438edb' }).jpeg({ quality: 90 }).toBuffer();
}

/** 800×400 on white: only the proportions fail. */
export async function landscapeJpeg(): Promise<Buffer> {
  return sharp({ create: { width: 800, height: 400, channels: 3, background: '#ffffff' } })
    .jpeg({ quality: 90 })
    .toBuffer();
}

/**
 * 1200×1600 at quality 100 with random noise inside a white border: incompressible, so well over
 * 500 KB, while the border, shape and format still pass — only the size fails.
 */
export async function noisyLargeJpeg(): Promise<Buffer> {
  const w = 900;
  const h = 1300;
  const noise = Buffer.alloc(w * h * 3);
  let seed = 12345;
  for (let i = 0; i < noise.length; i++) {
    // A small LCG: repeatable noise, so the file size is the same on every run.
    seed = (seed * 1103515245 + 12345) >>> 0;
    noise[i] = seed >>> 24;
  }
  const patch = await sharp(noise, { raw: { width: w, height: h, channels: 3 } })
    .png()
    .toBuffer();
  return sharp({ create: { width: 1200, height: 1600, channels: 3, background: '#ffffff' } })
    .composite([{ input: patch, left: 150, top: 200 }])
    .jpeg({ quality: 100 })
    .toBuffer();
}

/** Bytes that are no image (the first byte fixed so they never start like a JPEG by chance). */
export function randomBytes(n = 4096): Buffer {
  const buf = Buffer.alloc(n);
  let seed = 987654321;
  for (let i = 0; i < n; i++) {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    buf[i] = seed >>> 24;
  }
  buf[0] = 0x00;
  return buf;
}
