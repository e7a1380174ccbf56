/**
 * Typed failures of the WeChat channel. Each request error carries the HTTP status and a short
 * reason the router sends as plain text, so WeChat (or whoever probes the URL) never sees a stack.
 */

/** Something wrong with one incoming request; `status` is what the router answers. */
export abstract class WeChatRequestError extends Error {
  abstract readonly status: 400 | 401 | 403 | 413;
}

/** `signature` / `msg_signature` missing or not matching the token: the sender is not WeChat. */
export class WeChatSignatureError extends WeChatRequestError {
  readonly status = 401;
  override readonly name = 'WeChatSignatureError';
}

/**
 * A plain (unencrypted) message while an EncodingAESKey is configured: in safe mode the body must
 * be encrypted and signed with msg_signature, since the plain `signature` does not cover the body.
 */
export class WeChatPlaintextRefusedError extends WeChatRequestError {
  readonly status = 403;
  override readonly name = 'WeChatPlaintextRefusedError';
}

/** `timestamp` missing, not a number, or outside the accepted window (a replayed request). */
export class WeChatTimestampError extends WeChatRequestError {
  readonly status = 401;
  override readonly name = 'WeChatTimestampError';
}

/** The body is not the XML WeChat sends: malformed, a DOCTYPE/ENTITY, or a required field missing. */
export class WeChatXmlError extends WeChatRequestError {
  readonly status = 400;
  override readonly name = 'WeChatXmlError';
}

/**
 * An encrypted payload that cannot be opened: bad base64, bad padding, a wrong length field
 * (400), or a payload sealed for another AppID/CorpID (401: someone else's key or a forgery).
 */
export class WeChatCryptoError extends WeChatRequestError {
  override readonly name = 'WeChatCryptoError';
  constructor(
    message: string,
    readonly status: 400 | 401 = 400,
  ) {
    super(message);
  }
}

/** A query parameter the request cannot do without (e.g. `echostr` on the URL check). */
export class WeChatQueryError extends WeChatRequestError {
  readonly status = 400;
  override readonly name = 'WeChatQueryError';
}

/** The body is larger than the router accepts (WeChat messages are a few KB at most). */
export class WeChatBodyTooLargeError extends WeChatRequestError {
  readonly status = 413;
  override readonly name = 'WeChatBodyTooLargeError';
}

/** A setting that cannot work (thrown at start-up, names the environment variable or field). */
export class WeChatConfigError extends Error {
  override readonly name = 'WeChatConfigError';
}

/** The WeChat API answered a call (access token, customer-service message) with an error code. */
export class WeChatApiError extends Error {
  override readonly name = 'WeChatApiError';
  constructor(
    readonly api: string,
    readonly errcode: number,
    errmsg: string,
  ) {
    super(`${api}: errcode ${errcode}: ${errmsg}`);
  }
}
