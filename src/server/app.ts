/**
 * One HTTP server for every channel: the web page and its Botkit channel, the JSON API, Teams
 * and WeChat. Each channel only translates; the chat service holds the engine.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { ChatService } from '../service/types';
import { mountWebChannel } from '../channels/web/botkit';
import { mountSourcePages } from '../channels/web/sources';
import { PHOTO_CHECK_PATH } from '../photo/http';
import { apiConversationId, createChatEndpoint, decodeUtf8, JSON_BODY_LIMIT } from './chat-endpoint';
import { errorResponse, HttpError } from './errors';
import { LatencyRecorder } from './latency';
import { RateLimits, type RateLimitStores, type TrustProxy, type TrustProxyFn } from './limits';
import { createRequestLogging, requestContext } from '../ops/http-log';
import type { Logger } from '../ops/logger';
import type { Metrics } from '../ops/metrics';

export { HttpError } from './errors';

export interface AppOptions {
  service: ChatService;
  /** Longest user message accepted over HTTP (characters). */
  maxTextLength?: number;
  /** Extra channel mounts (Teams, WeChat) that need the app before the fallback handlers. */
  mount?: ((app: express.Express) => void)[];
  /** What /healthz reports; `ok: false` makes it answer 503. */
  health?: () => Promise<Record<string, unknown> & { ok?: boolean }> | (Record<string, unknown> & { ok?: boolean });
  /** What the web page shows when the store is down (from knowledge/messages.yaml). */
  unavailableText?: string;
  /** Requests per minute allowed from one address, and for one conversation (0 = no limit). */
  rateLimits?: { perAddressPerMinute: number; perConversationPerMinute: number };
  /** Where POST /api/chat records its answer times (one is made when not given). */
  latency?: LatencyRecorder;
  /** Express's `trust proxy` (JIANLI_TRUST_PROXY): which hops' X-Forwarded-For names the client for rate limits. Default: none. */
  trustProxy?: TrustProxy;
  /** Where the rate limits count (Redis stores shared by every instance); default: this process's memory. */
  rateLimitStores?: RateLimitStores;
  /** Logs one JSON line per request (with its X-Request-Id) and the request's unexpected errors (src/ops/http-log.ts). Default: no request log. */
  logger?: Logger;
  /** Served at GET /metrics to a request with `metricsToken` as its bearer token (404 without a token). */
  metrics?: Metrics;
  metricsToken?: string;
}

const json = express.json({ limit: JSON_BODY_LIMIT, strict: true, verify: (_req, _res, buf) => void decodeUtf8(buf) });

export interface App {
  app: express.Express;
  server: Server;
  /** Stops listening and drops every open connection, websockets included. */
  close(): Promise<void>;
}

export function createApp(opts: AppOptions): App {
  const { service } = opts;
  const maxTextLength = opts.maxTextLength ?? 2000;
  const app = express();
  app.disable('x-powered-by');
  // Replies are per turn; an ETag (a SHA-1 of every body) buys nothing.
  app.set('etag', false);
  // Set before anything reads req.ip; the chat endpoint (outside Express) uses the same compiled function.
  app.set('trust proxy', opts.trustProxy ?? false);
  const limits = new RateLimits(
    opts.rateLimits ?? { perAddressPerMinute: 600, perConversationPerMinute: 60 },
    app.get('trust proxy fn') as TrustProxyFn,
    opts.rateLimitStores,
  );
  const latency = opts.latency ?? new LatencyRecorder();
  const chat = createChatEndpoint({ service, maxTextLength, limits, latency });
  // The chat endpoint is served before Express (see chat-endpoint.ts); everything else goes to the app.
  const route = (req: IncomingMessage, res: ServerResponse) => (chat.matches(req) ? chat.handle(req, res) : app(req, res));
  // Each request is logged (and handled inside its context, so its turn's line has its id).
  const logRequest = opts.logger && createRequestLogging(opts.logger);
  const server = createServer(logRequest ? (req, res) => logRequest(req, res, () => route(req, res)) : route);

  app.get('/healthz', async (_req, res) => {
    const { ok = true, ...rest } = (await opts.health?.()) ?? {};
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'unavailable', ...rest });
  });

  if (opts.metrics) app.get('/metrics', opts.metrics.handler(opts.metricsToken));

  app.use(['/api', '/wechat'], limits.perAddress);

  app.use('/api', (req, _res, next) => {
    // The photo check takes the image itself as the body; every other API call is JSON.
    if (req.method === 'POST' && req.baseUrl + req.path !== PHOTO_CHECK_PATH && !req.is('application/json'))
      return next(new HttpError(415, 'Content-Type must be application/json'));
    next();
  });
  app.use(['/api/check', '/api/web'], json);

  app.post('/api/web/messages', limits.perConversation);

  app.post('/api/check', (req, res, next) => {
    try {
      // body-parser reads an empty body as {}: a check of nothing is a mistake, not "needs info".
      const body: unknown = req.body;
      if (body && typeof body === 'object' && !Array.isArray(body) && !Object.keys(body).length)
        throw new HttpError(400, 'empty situation: send it as a JSON object with at least one field, e.g. {"region":"江苏","unsettledProjects":false}');
      res.json(service.check(req.body));
    } catch (err) {
      next(err);
    }
  });

  app.get('/api/conversations/:id/history', async (req, res, next) => {
    try {
      // Only the API's own conversations (403 for another channel's; the web page reads its own at /api/web/history).
      const id = apiConversationId(req.params.id);
      res.json({ conversationId: id, turns: await service.history(id) });
    } catch (err) {
      next(err);
    }
  });

  for (const mount of opts.mount ?? []) mount(app);
  mountSourcePages(app);
  const web = mountWebChannel(app, server, service, maxTextLength, opts.unavailableText ?? '服务暂时不可用，请稍后再试。', limits);
  app.use(express.static(join(import.meta.dirname, '..', 'channels', 'web', 'public'), { index: 'index.html' }));

  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });
  app.use(errorHandler(opts.logger));
  const close = () =>
    new Promise<void>((resolve) => {
      web.closeSockets();
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return { app, server, close };
}

function errorHandler(logger?: Logger) {
  // On the request's logger, so the line carries its id.
  const log = logger && ((line: string) => (requestContext.getStore()?.log ?? logger).error(line));
  return (err: unknown, _req: Request, res: Response, _next: NextFunction): void => {
    if (res.headersSent) return;
    const { status, body } = errorResponse(err, log);
    res.status(status).json(body);
  };
}
