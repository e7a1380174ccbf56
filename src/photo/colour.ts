/**
 * Names a colour the way an applicant would say it (蓝色, 浅灰色 …) so the background advice can
 * say what was found. Hue buckets on HSV; greys by brightness. The words are in knowledge/photo.yaml.
 */
import type { ColourName } from '../schema/photo';

export type Rgb = readonly [r: number, g: number, b: number];

/** Hue boundaries in degrees, each bucket up to (not including) its bound. */
const HUES: [bound: number, name: ColourName][] = [
  [15, 'red'],
  [45, 'orange'],
  [70, 'yellow'],
  [165, 'green'],
  [195, 'cyan'],
  [255, 'blue'],
  [290, 'purple'],
  [340, 'pink'],
  [361, 'red'],
];

/** The name of a colour; nearly colourless ones are white, light grey, grey or black. */
export function nameColour([r, g, b]: Rgb): ColourName {
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const value = max / 255;
  const saturation = max === 0 ? 0 : (max - min) / max;
  if (value < 0.2) return 'black';
  if (saturation < 0.15) return value >= 0.86 ? 'white' : value >= 0.63 ? 'lightGrey' : value >= 0.25 ? 'grey' : 'black';
  return HUES.find(([bound]) => hue(r, g, b) < bound)?.[1] ?? 'red';
}

function hue(r: number, g: number, b: number): number {
  const max = Math.max(r, g, b);
  const d = max - Math.min(r, g, b);
  if (d === 0) return 0;
  const h = max === r ? ((g - b) / d) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
  return (h * 60 + 360) % 360;
}

/** `#RRGGBB`, shown beside the name so staff can see the exact colour. */
export function hexColour([r, g, b]: Rgb): string {
  return `#${[r, g, b]
    .map((c) => Math.round(c).toString(16).padStart(2, '0'))
    .join('')
    .toUpperCase()}`;
}
