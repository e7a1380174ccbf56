/**
 * One log line per HTTP request (pino-http) and the request's context for the code it reaches.
 *
 * Each request gets an id: the client's X-Request-Id when it sends a usable one (1–128 printable
 * ASCII characters, no spaces), otherwise a new UUID; it is sent back in X-Request-Id and is the
 * `reqId` of every line the request causes, the turn's line included (see turns.ts, which finds
 * the request through an AsyncLocalStorage, so the chat service needs no logger of its own).
 *
 * The line written when the response is finished has the method and the URL (masked: a query
 * string may carry a phone number), the status, `latencyMs`, and for a turn its `channel` and
 * `intent`. Request headers are not logged (they carry tokens and cookies). 4xx are logged at
 * warn, 5xx at error; /healthz, /metrics and a request answered with a turn (whose `turn` line
 * says it all) at debug, the rest at info.
 */
import { randomUUID } from 'node:crypto';
import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pinoHttp } from 'pino-http';
import type { LevelWithSilent } from 'pino';
import { MaskedText, maskDeep, premasked, serializers, type Logger } from './logger';

/** What a request's code knows about it; a turn fills in its channel and intent. */
export interface RequestContext {
  reqId: string;
  /** The request's logger: every line carries `reqId`. */
  log: Logger;
  channel?: string;
  intent?: string;
}

/** The context of the request being handled (undefined outside one, e.g. a websocket frame). */
export const requestContext = new AsyncLocalStorage<RequestContext>();

/** X-Request-Id values taken from a client; anything else is replaced by a new id. */
export const REQUEST_ID = /^[\x21-\x7e]{1,128}$/;

const CONTEXT = Symbol('jianli.requestContext');
type WithContext = IncomingMessage & { [CONTEXT]?: RequestContext; id?: unknown; log?: Logger };

/** The channel a path belongs to, for the lines of requests that run no turn. */
export function channelOfPath(url: string | undefined): string | undefined {
  const path = (url ?? '').split('?')[0];
  if (path === '/api/messages') return 'teams';
  if (path.startsWith('/api/web/')) return 'web';
  if (path.startsWith('/api/')) return 'api';
  if (path === '/wechat' || path.startsWith('/wechat/')) return 'wechat';
  if (path === '/admin' || path.startsWith('/admin/')) return 'admin';
  return undefined;
}

const QUIET = new Set(['/healthz', '/metrics']);

/** The path and query as logged: masked, and cut at 300 characters. */
function loggedUrl(url: string | undefined): string {
  const masked = maskDeep(url ?? '') as string;
  return masked.length > 300 ? `${masked.slice(0, 300)}…` : masked;
}

/**
 * The request logger for the server's request listener: call it with each request and the
 * function that handles it; the handler runs inside the request's context.
 */
export function createRequestLogging(logger: Logger): (req: IncomingMessage, res: ServerResponse, handle: () => void) => void {
  const turnFields = (req: IncomingMessage) => {
    const ctx = (req as WithContext)[CONTEXT];
    const channel = ctx?.channel ?? channelOfPath(req.url);
    return { ...(channel ? { channel } : {}), ...(ctx?.intent ? { intent: ctx.intent } : {}) };
  };
  const http = pinoHttp<IncomingMessage, ServerResponse>({
    logger,
    // reqId on every line of the request; the method and URL only on the line that ends it (added
    // there: a child logger carrying the request would cost its serialization on every request).
    quietReqLogger: true,
    quietResLogger: true,
    customAttributeKeys: { responseTime: 'latencyMs' },
    // The id as logged: the client's masked (it may have put anything in it), or a new UUID.
    genReqId: (req, res) => {
      const sent = req.headers['x-request-id'];
      const usable = typeof sent === 'string' && REQUEST_ID.test(sent);
      const id = usable ? sent : randomUUID();
      res.setHeader('X-Request-Id', id);
      return usable ? premasked(id) : new MaskedText(id);
    },
    // The logger's own (masking) serializers, not pino-http's, which would copy a whole request.
    wrapSerializers: false,
    serializers,
    customLogLevel: (req, res, err): LevelWithSilent => {
      if (err || res.statusCode >= 500) return 'error';
      if (res.statusCode >= 400) return 'warn';
      // An answered turn has its own line (turns.ts) with the same id, channel, intent and time.
      if ((req as WithContext)[CONTEXT]?.intent) return 'debug';
      return QUIET.has((req.url ?? '').split('?')[0]) ? 'debug' : 'info';
    },
    customSuccessMessage: (req, res) => `${req.method} ${loggedUrl(req.url)} ${res.statusCode}`,
    customErrorMessage: (req, res) => `${req.method} ${loggedUrl(req.url)} ${res.statusCode}`,
    customSuccessObject: (req, _res, val: Record<string, unknown>) => ({ req: { method: req.method, url: loggedUrl(req.url) }, ...val, ...turnFields(req) }),
    customErrorObject: (req, _res, _err, val: Record<string, unknown>) => ({
      req: { method: req.method, url: loggedUrl(req.url) },
      ...val,
      ...turnFields(req),
    }),
  });
  return (req, res, handle) => {
    http(req, res);
    const r = req as WithContext;
    const ctx: RequestContext = { reqId: String(r.id), log: r.log ?? logger };
    r[CONTEXT] = ctx;
    requestContext.run(ctx, handle);
  };
}
