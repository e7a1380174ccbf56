/**
 * Tells an image format from the file's first bytes, never from its name or Content-Type: a PNG
 * renamed to .jpg is still a PNG, and the upload pages of the 住建 systems check the content too.
 * Only the formats a phone or a photo tool produces are recognised; anything else (SVG, PDF, text)
 * is not treated as a photo, so it is never handed to a decoder.
 */

/** The formats we recognise, by the name shown to the user. */
export type SniffedFormat = 'JPEG' | 'PNG' | 'GIF' | 'WebP' | 'BMP' | 'TIFF' | 'HEIC' | 'AVIF';

const startsWith = (buf: Buffer, bytes: number[], at = 0) => buf.length >= at + bytes.length && bytes.every((b, i) => buf[at + i] === b);
const ascii = (buf: Buffer, text: string, at = 0) => buf.length >= at + text.length && buf.toString('latin1', at, at + text.length) === text;

/** The format of `buf`, or undefined when it is none of the photo formats. */
export function sniffImageFormat(buf: Buffer): SniffedFormat | undefined {
  // JPEG: SOI marker followed by the start of another marker.
  if (startsWith(buf, [0xff, 0xd8, 0xff])) return 'JPEG';
  if (startsWith(buf, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'PNG';
  if (ascii(buf, 'GIF87a') || ascii(buf, 'GIF89a')) return 'GIF';
  if (ascii(buf, 'RIFF') && ascii(buf, 'WEBP', 8)) return 'WebP';
  if (ascii(buf, 'BM') && buf.length >= 26) return 'BMP';
  if (startsWith(buf, [0x49, 0x49, 0x2a, 0x00]) || startsWith(buf, [0x4d, 0x4d, 0x00, 0x2a])) return 'TIFF';
  // ISO base media (HEIC/AVIF): a box `ftyp` at offset 4 with the brand after it.
  if (ascii(buf, 'ftyp', 4)) {
    const brand = buf.toString('latin1', 8, 12);
    if (brand === 'avif' || brand === 'avis') return 'AVIF';
    if (['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1'].includes(brand)) return 'HEIC';
  }
  return undefined;
}
