/** The kinds of value a setting can have (src/config.ts): each works on the trimmed string and says what it must be. */
import { existsSync, statSync } from 'node:fs';
import { isIP } from 'node:net';
import { z } from 'zod';

export const wholeNumber = (what: string, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .regex(/^\d+$/, `must be a whole number of ${what}`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be between ${min} and ${max} ${what}`);
export const flag = z.enum(['0', '1'], { errorMap: () => ({ message: 'must be 1 (on) or 0 (off)' }) }).transform((v) => v === '1');
export const httpUrl = z.string().refine((v) => {
  try {
    return ['http:', 'https:'].includes(new URL(v).protocol);
  } catch {
    return false;
  }
}, 'must be an http:// or https:// URL');
export const folder = (what: string) => z.string().refine((v) => existsSync(v) && statSync(v).isDirectory(), `must be an existing folder (${what})`);
export const anyText = z.string();

const TRUST_PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);
export const trustProxy = z.string().refine((v) => {
  if (/^(true|false|\d{1,2})$/i.test(v)) return true;
  return v.split(',').every((e) => {
    const entry = e.trim();
    if (TRUST_PROXY_NAMES.has(entry.toLowerCase())) return true;
    const [address, range, ...rest] = entry.split('/');
    return isIP(address) !== 0 && !rest.length && (range === undefined || /^\d{1,3}$/.test(range) || isIP(range) === 4);
  });
}, 'must be a number of proxy hops (e.g. 1), true, false, or a comma-separated list of proxy addresses/subnets (e.g. loopback, 10.0.0.0/8)');
