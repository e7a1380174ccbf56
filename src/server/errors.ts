/** The one mapping from errors to HTTP statuses, for the Express routes and the chat endpoint. */
import { SituationError } from '../rules/situation';
import { StoreUnavailableError } from '../store/types';

/** An HTTP error with a status and a reason the client can read. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** Every error becomes a status and a one-line reason; only unexpected ones are 500 (and logged). */
export function errorResponse(
  err: unknown,
  log: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): { status: number; body: { error: string; field?: string } } {
  if (err instanceof HttpError) return { status: err.status, body: { error: err.message, ...(err.field ? { field: err.field } : {}) } };
  if (err instanceof SituationError) return { status: 400, body: { error: err.message, field: err.field } };
  if (err instanceof StoreUnavailableError) return { status: 503, body: { error: err.message } };
  // The Redis store turns its errors into StoreUnavailableError; one that escapes it is still Redis being unable to serve.
  if (isRedisClientError(err)) return { status: 503, body: { error: new StoreUnavailableError((err as Error).message).message } };
  const e = err as { type?: string; status?: number; message?: string };
  if (e.type === 'entity.parse.failed') return { status: 400, body: { error: 'body is not valid JSON' } };
  if (e.type === 'entity.too.large') return { status: 413, body: { error: 'body is too large' } };
  if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported') return { status: 415, body: { error: 'unsupported body encoding' } };
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) return { status: e.status, body: { error: e.message ?? 'bad request' } };
  log(`internal error: ${(err as Error)?.message ?? String(err)}`);
  return { status: 500, body: { error: 'internal error' } };
}

/** ioredis's errors (ReplyError, AbortError, MaxRetriesPerRequestError…) all derive from redis-errors' RedisError. */
function isRedisClientError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  for (let p = Object.getPrototypeOf(err) as object | null; p && p !== Error.prototype; p = Object.getPrototypeOf(p) as object | null) {
    if ((p as { constructor?: { name?: string } }).constructor?.name === 'RedisError') return true;
  }
  return false;
}
