/** Request signatures and the timestamp window, as WeChat and WeCom define them. */
import { createHash, timingSafeEqual } from 'node:crypto';
import { WeChatSignatureError, WeChatTimestampError } from './errors';

/**
 * SHA-1 (hex) of the parts sorted and joined: `[token, timestamp, nonce]` for `signature`,
 * `[token, timestamp, nonce, Encrypt|echostr]` for `msg_signature`. The samples sort byte-wise;
 * for the ASCII values WeChat sends that is the same as JavaScript's default sort.
 */
export function sha1Signature(parts: readonly string[]): string {
  return createHash('sha1')
    .update([...parts].sort().join(''), 'utf8')
    .digest('hex');
}

/** Throws WeChatSignatureError unless `given` is the expected signature (compared in constant time). */
export function assertSignature(expectedParts: readonly string[], given: string | undefined, what: string): void {
  if (!given) throw new WeChatSignatureError(`missing ${what}`);
  const expected = Buffer.from(sha1Signature(expectedParts), 'utf8');
  const actual = Buffer.from(given.toLowerCase(), 'utf8');
  // Compare in constant time so a forger learns nothing from response timing.
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) throw new WeChatSignatureError(`${what} does not match`);
}

/**
 * Throws WeChatTimestampError unless `timestamp` (seconds) is within `windowSeconds` of now:
 * a captured request cannot be replayed later, however valid its signature.
 */
export function assertFreshTimestamp(timestamp: string | undefined, nowMs: number, windowSeconds: number): void {
  if (!timestamp) throw new WeChatTimestampError('missing timestamp');
  if (!/^\d{1,12}$/.test(timestamp)) throw new WeChatTimestampError('timestamp is not a number of seconds');
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > windowSeconds) throw new WeChatTimestampError('timestamp is outside the accepted window');
}
