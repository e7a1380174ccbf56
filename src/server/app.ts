/**
 * One HTTP server for every channel: the web page and its Botkit channel, the JSON API, Teams
 * and WeChat. Each channel only translates; the chat service holds the engine.
 */
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import type { ChatService } from '../service/types';
import { SituationError } from '../rules/situation';
import { turnJson } from '../channels/console/format';
import { mountWebChannel } from '../channels/web/botkit';
import { StoreUnavailableError } from '../store/types';
import { rateLimit } from 'express-rate-limit';
import { PHOTO_CHECK_PATH } from '../photo/http';

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
}

const ChatBody = z
  .object({
    conversationId: z.string({ required_error: 'conversationId is required' }).regex(/^[\w:.-]{1,100}$/, 'conversationId: 1–100 letters, digits, _ : . or -'),
    text: z.string({ required_error: 'text is required', invalid_type_error: 'text must be a string' }).refine((t) => !CONTROL_CHARS.test(t), 'text contains control characters'),
  })
  .strict();

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

const utf8 = new TextDecoder('utf-8', { fatal: true });
const json = express.json({
  limit: '64kb',
  strict: true,
  // body-parser would silently replace invalid bytes; a client sending them gets a 400 instead.
  verify: (_req, _res, buf) => {
    try {
      utf8.decode(buf);
    } catch {
      throw new HttpError(400, 'body is not valid UTF-8');
    }
  },
});

/** Control characters other than tab and line breaks are never typed by a person. */
const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

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
  const server = createServer(app);

  app.get('/healthz', async (_req, res) => {
    const { ok = true, ...rest } = (await opts.health?.()) ?? {};
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'unavailable', ...rest });
  });

  const limits = opts.rateLimits ?? { perAddressPerMinute: 600, perConversationPerMinute: 60 };
  const tooMany = (what: string) => (_req: Request, res: Response) => {
    res.status(429).json({ error: `too many requests ${what}; please wait a minute and try again` });
  };
  if (limits.perAddressPerMinute > 0) {
    app.use(['/api', '/wechat'], rateLimit({ windowMs: 60_000, limit: limits.perAddressPerMinute, standardHeaders: 'draft-8', legacyHeaders: false, handler: tooMany('from this address') }));
  }
  const perConversation =
    limits.perConversationPerMinute > 0
      ? rateLimit({
          windowMs: 60_000,
          limit: limits.perConversationPerMinute,
          standardHeaders: 'draft-8',
          legacyHeaders: false,
          keyGenerator: (req) => `c:${String((req.body as { conversationId?: unknown; user?: unknown } | undefined)?.conversationId ?? (req.body as { user?: unknown } | undefined)?.user ?? '')}`,
          handler: tooMany('for this conversation'),
        })
      : (_req: Request, _res: Response, next: NextFunction) => next();

  app.use('/api', (req, _res, next) => {
    // The photo check takes the image itself as the body; every other API call is JSON.
    if (req.method === 'POST' && req.baseUrl + req.path !== PHOTO_CHECK_PATH && !req.is('application/json')) return next(new HttpError(415, 'Content-Type must be application/json'));
    next();
  });
  app.use(['/api/chat', '/api/check', '/api/web'], json);

  app.post(['/api/chat', '/api/web/messages'], perConversation);

  app.post('/api/chat', async (req, res, next) => {
    try {
      const parsed = ChatBody.safeParse(req.body);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new HttpError(400, issue.code === 'unrecognized_keys' ? `unknown field ${issue.keys[0]}; send {"conversationId","text"}` : issue.message, String(issue.path[0] ?? ''));
      }
      if (parsed.data.text.length > maxTextLength) throw new HttpError(413, `text is longer than ${maxTextLength} characters`, 'text');
      const result = await service.handle({ conversationId: parsed.data.conversationId, text: parsed.data.text, channel: 'api' });
      res.json(turnJson(result));
    } catch (err) {
      next(err);
    }
  });

  app.post('/api/check', (req, res, next) => {
    try {
      res.json(service.check(req.body));
    } catch (err) {
      next(err);
    }
  });

  app.get('/api/conversations/:id/history', async (req, res, next) => {
    try {
      const id = req.params.id;
      if (!/^[\w:.-]{1,100}$/.test(id)) throw new HttpError(400, 'invalid conversation id');
      res.json({ conversationId: id, turns: await service.history(id) });
    } catch (err) {
      next(err);
    }
  });

  for (const mount of opts.mount ?? []) mount(app);
  const web = mountWebChannel(app, server, service, maxTextLength, opts.unavailableText ?? '服务暂时不可用，请稍后再试。');
  app.use(express.static(join(import.meta.dirname, '..', 'channels', 'web', 'public'), { index: 'index.html' }));

  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });
  app.use(errorHandler);
  const close = () =>
    new Promise<void>((resolve) => {
      web.closeSockets();
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return { app, server, close };
}

/** Every error becomes a status and a one-line reason; only unexpected ones are 500 (and logged). */
function errorHandler(err: unknown, _req: Request, res: Response, _next: NextFunction): void {
  if (res.headersSent) return;
  if (err instanceof HttpError) return void res.status(err.status).json({ error: err.message, ...(err.field ? { field: err.field } : {}) });
  if (err instanceof SituationError) return void res.status(400).json({ error: err.message, field: err.field });
  if (err instanceof StoreUnavailableError) return void res.status(503).json({ error: err.message });
  const e = err as { type?: string; status?: number; message?: string };
  if (e.type === 'entity.parse.failed') return void res.status(400).json({ error: 'body is not valid JSON' });
  if (e.type === 'entity.too.large') return void res.status(413).json({ error: 'body is too large' });
  if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported') return void res.status(415).json({ error: 'unsupported body encoding' });
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) return void res.status(e.status).json({ error: e.message ?? 'bad request' });
  process.stderr.write(`internal error: ${(err as Error)?.message ?? String(err)}\n`);
  res.status(500).json({ error: 'internal error' });
}
