/**
 * Reads the background of a head-and-shoulders photo from its border: the top band and the upper
 * part of the side bands (the shoulders fill the bottom and reach the sides there, so the bottom
 * band and the lower sides would measure clothes, not background). Works on raw RGB pixels so it
 * is independent of the decoder and easy to test.
 */
import type { PhotoLimits } from '../schema/photo';
import type { Rgb } from './colour';

export interface BorderReading {
  /** Share (0–1) of the read pixels that are near-white. */
  whiteShare: number;
  /** Mean colour of the pixels that are not near-white (of all of them when every one is white): what the background "is" when it fails. */
  colour: Rgb;
  /** Number of pixels read. */
  samples: number;
}

export interface RawImage {
  data: Uint8Array;
  width: number;
  height: number;
  /** Bytes per pixel; the first three are R, G, B. */
  channels: number;
}

/** Measures the border band of `img` against the near-white thresholds. */
export function readBorder(img: RawImage, limits: PhotoLimits['background']): BorderReading {
  const { data, width, height, channels } = img;
  const band = Math.max(1, Math.round(Math.min(width, height) * limits.band));
  const sideBottom = Math.max(band, Math.floor(height * limits.sideDepth));
  let samples = 0;
  let white = 0;
  const all = [0, 0, 0];
  const other = [0, 0, 0];

  const read = (x: number, y: number) => {
    const i = (y * width + x) * channels;
    const r = data[i];
    const g = data[i + 1];
    const b = data[i + 2];
    const max = Math.max(r, g, b);
    const saturation = max === 0 ? 0 : (max - Math.min(r, g, b)) / max;
    const isWhite = (r + g + b) / 3 >= limits.minBrightness && saturation <= limits.maxSaturation;
    samples += 1;
    all[0] += r;
    all[1] += g;
    all[2] += b;
    if (isWhite) white += 1;
    else {
      other[0] += r;
      other[1] += g;
      other[2] += b;
    }
  };

  for (let y = 0; y < Math.min(band, height); y++) for (let x = 0; x < width; x++) read(x, y);
  for (let y = band; y < Math.min(sideBottom, height); y++) {
    for (let x = 0; x < Math.min(band, width); x++) read(x, y);
    for (let x = Math.max(band, width - band); x < width; x++) read(x, y);
  }

  const others = samples - white;
  const mean = (sums: number[], n: number): Rgb => [sums[0] / n, sums[1] / n, sums[2] / n];
  return { whiteShare: samples ? white / samples : 0, colour: others ? mean(other, others) : mean(all, Math.max(1, samples)), samples };
}
