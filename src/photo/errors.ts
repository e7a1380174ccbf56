/** Why a body cannot be checked at all; the HTTP endpoint answers 400, WeChat replies `advice`. */
export type PhotoRefusal = 'empty' | 'notImage' | 'unreadable';

/**
 * A body that is not a photo we can read: empty, not an image, or an image format we cannot
 * decode (HEIC, a truncated file …). `message` is a one-line English reason for logs and API
 * clients; `advice` tells the applicant in Chinese what to do.
 */
export class PhotoInputError extends Error {
  constructor(
    readonly reason: PhotoRefusal,
    message: string,
    readonly advice: string,
  ) {
    super(message);
    this.name = 'PhotoInputError';
  }
}
