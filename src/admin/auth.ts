/**
 * The admin paths' bearer-token check. Tokens are compared as SHA-256 digests with
 * timingSafeEqual: equal-length inputs, so neither the content nor the length of the configured
 * token leaks through response times.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';

const BEARER = /^Bearer[ \t]+([^\s]+)[ \t]*$/i;

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** Why a request is not let in; the 401 answer says which. */
export type AuthFailure = 'missing' | 'malformed' | 'wrong';

/** A checker for one configured token. */
export function bearerChecker(token: string): (req: Request) => AuthFailure | undefined {
  const expected = digest(token);
  return (req) => {
    const header = req.get('authorization');
    if (!header) return 'missing';
    const m = BEARER.exec(header);
    if (!m) return 'malformed';
    return timingSafeEqual(digest(m[1]), expected) ? undefined : 'wrong';
  };
}

export const AUTH_MESSAGES: Record<AuthFailure, string> = {
  missing: 'admin paths need Authorization: Bearer <JIANLI_ADMIN_TOKEN>',
  malformed: 'Authorization must be "Bearer <token>"',
  wrong: 'the admin token is not correct',
};
