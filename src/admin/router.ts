/**
 * The admin router, mounted at /admin. Off (404 for every path) unless a token is configured;
 * with one, every path needs `Authorization: Bearer <token>` (401 otherwise):
 *   GET /admin            the analytics page (a browser without the token gets the page's code
 *                         with the 401 and asks for the token; no data is in the document)
 *   GET /admin/api/stats  the analytics as JSON, computed from the transcripts, cached briefly
 *                         (?fresh=1 computes them now: the page's 刷新 button), with
 *                         intentTitles, the Chinese title of every intent id
 *   GET /admin/api/latency     how long answering a chat turn takes (p50/p90/p99/max since start-up
 *                         or the last reset); DELETE resets it and returns the last counts
 *   GET /admin/handoffs   handoff tickets as a JSON list, newest first (?limit=1..1000, default 100)
 *   POST /admin/reload    reloads knowledge/ and dialogs/; a bad file is refused (422) and the old
 *                         knowledge keeps serving
 */
import express, { type Request, type Response, type Router } from 'express';
import { ipKeyGenerator, MemoryStore } from 'express-rate-limit';
import { reloadKnowledge, type AssistantHost } from '../knowledge/reload';
import { INTENT_IDS, type IntentId } from '../schema/knowledge';
import type { LatencyRecorder } from '../server/latency';
import { exportConversation } from '../store/export';
import type { ConversationStore } from '../store/types';
import { AUTH_MESSAGES, bearerChecker } from './auth';
import { loadAdminPage } from './page';
import { computeStats, type AdminStats, type StatsOptions } from './stats';

export interface AdminRouterOptions {
  /** The chat service: its assistant's knowledge names the intents on the page; a reload replaces it. */
  service: AssistantHost;
  store: ConversationStore;
  /** JIANLI_ADMIN_TOKEN; unset or empty turns every admin path off (404). */
  token?: string;
  /** How long computed stats are reused (default 15 s): the page may be reloaded often, a scan reads every transcript. */
  statsCacheMs?: number;
  stats?: Pick<StatsOptions, 'timeZone' | 'days' | 'topIntents'>;
  /** The chat endpoint's answer times (absent: /admin/api/latency is 404). */
  latency?: LatencyRecorder;
  /**
   * Failed authentications allowed per address and minute before further failures get 429
   * (default 30). The right token is always let in, so a stranger cannot lock the staff out.
   */
  failedAuthPerMinute?: number;
}

/** Names of the intents that have no answer file (and so no title). */
const INTENT_NAMES: Record<string, string> = { fallback: '未能理解' };

/** Failed authentications are counted per address over this window. */
const FAILURE_WINDOW_MS = 60_000;

/** A query value the admin API cannot use: 400 with the reason. */
export class AdminRequestError extends Error {
  readonly status = 400;
  constructor(message: string) {
    super(message);
    this.name = 'AdminRequestError';
  }
}

export function createAdminRouter(opts: AdminRouterOptions): Router {
  const router = express.Router();
  // Tickets and statistics are about real callers: never kept by a browser or proxy cache.
  router.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  if (!opts.token) {
    router.use((_req, res) => void res.status(404).json({ error: 'not found' }));
    return router;
  }

  const check = bearerChecker(opts.token);
  const page = loadAdminPage();
  const sendPage = (req: Request, res: Response, status: number) => {
    res
      .status(status)
      .set({
        'Content-Type': 'text/html; charset=utf-8',
        'Content-Security-Policy': page.csp,
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
        'X-Frame-Options': 'DENY',
      })
      .send(page.html(req.baseUrl || '/admin'));
  };

  // The token is checked first: the right one always gets in, whatever its address has tried, so
  // a stranger's guesses from the same address (an office NAT, the reverse proxy) cannot lock the
  // staff out. Only presented credentials that fail are counted, per client address (req.ip, which
  // honours JIANLI_TRUST_PROXY); past the limit they get 429 instead of 401. A request without
  // credentials (a browser opening the page to log in) is never counted or refused. Since a right
  // guess still gets in, the limit slows guessing down but the token's length is the real defence.
  const failedLimit = opts.failedAuthPerMinute ?? 30;
  const failures = new MemoryStore();
  failures.init({ windowMs: FAILURE_WINDOW_MS } as Parameters<MemoryStore['init']>[0]);
  router.use(async (req, res, next) => {
    const failure = check(req);
    if (!failure) return next();
    if (failure !== 'missing') {
      const { totalHits, resetTime } = await failures.increment(ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? ''));
      if (totalHits > failedLimit) {
        res.set('Retry-After', String(Math.max(1, Math.ceil(((resetTime?.getTime() ?? Date.now() + FAILURE_WINDOW_MS) - Date.now()) / 1000))));
        return void res.status(429).json({ error: 'too many failed admin requests from this address; please wait a minute' });
      }
    }
    res.set('WWW-Authenticate', `Bearer realm="jianli-admin"${failure === 'wrong' ? ', error="invalid_token"' : ''}`);
    if (req.method === 'GET' && req.path === '/' && req.accepts(['json', 'html']) === 'html') return sendPage(req, res, 401);
    res.status(401).json({ error: AUTH_MESSAGES[failure] });
  });

  router.get('/', (req, res) => sendPage(req, res, 200));

  const latency = opts.latency;
  if (latency) {
    router.get('/api/latency', (_req, res) => void res.json(latency.snapshot()));
    router.delete('/api/latency', (_req, res) => void res.json(latency.reset()));
  }

  router.get('/handoffs', async (req, res, next) => {
    try {
      res.json(await opts.store.tickets.list(parseLimit(req.query.limit)));
    } catch (err) {
      next(err);
    }
  });

  let cached: { until: number; stats: Promise<AdminStats> } | undefined;
  let fresh: Promise<AdminStats> | undefined;
  const title = (intent: string) => opts.service.assistant.knowledge.answers.get(intent as IntentId)?.title ?? INTENT_NAMES[intent] ?? intent;
  router.get('/api/stats', async (req, res, next) => {
    try {
      const now = Date.now();
      const intentTitles = Object.fromEntries(INTENT_IDS.map((i) => [i, title(i)]));
      if (req.query.fresh === '1') {
        // 刷新: computed now (concurrent refreshes share one scan), and kept for the next plain request.
        fresh ??= computeStats(opts.store, { ...opts.stats, title }).finally(() => (fresh = undefined));
        const stats = fresh;
        const entry = { until: now + (opts.statsCacheMs ?? 15_000), stats };
        cached = entry;
        stats.catch(() => {
          if (cached === entry) cached = undefined;
        });
        return void res.json({ ...(await stats), intentTitles });
      }
      if (!cached || cached.until <= now) {
        const stats = computeStats(opts.store, { ...opts.stats, title });
        // Concurrent requests share one scan; a failed scan is not kept.
        const entry = { until: now + (opts.statsCacheMs ?? 15_000), stats };
        cached = entry;
        stats.catch(() => {
          if (cached === entry) cached = undefined;
        });
      }
      res.json({ ...(await cached.stats), intentTitles });
    } catch (err) {
      next(err);
    }
  });

  // Export and forget for a running server: the embedded store's folder belongs to the server
  // process, so `jianli export|forget` refuse to open it while the server runs.
  router.get('/conversations/:id', async (req, res, next) => {
    try {
      const stored = await exportConversation(opts.store, conversationIdParam(req.params.id));
      if (!stored) return void res.status(404).json({ error: `no conversation ${req.params.id}` });
      res.json(stored);
    } catch (err) {
      next(err);
    }
  });

  router.delete('/conversations/:id', async (req, res, next) => {
    try {
      const id = conversationIdParam(req.params.id);
      if (!(await opts.store.conversations.delete(id))) return void res.status(404).json({ error: `no conversation ${id}` });
      res.json({ forgotten: id });
    } catch (err) {
      next(err);
    }
  });

  router.post('/reload', (_req, res) => {
    const r = reloadKnowledge(opts.service);
    // Stats name intents by their titles: a reload may rename them.
    if (r.ok) cached = undefined;
    res.status(r.ok ? 200 : 422).json(r);
  });

  router.use((_req, res) => void res.status(404).json({ error: 'not found' }));
  router.use((err: unknown, _req: Request, res: Response, next: (e?: unknown) => void) => {
    if (err instanceof AdminRequestError) return void res.status(err.status).json({ error: err.message });
    next(err);
  });
  return router;
}

function conversationIdParam(raw: string): string {
  if (!/^[^\u0000-\u001f]{1,200}$/.test(raw)) throw new AdminRequestError('invalid conversation id');
  return raw;
}

function parseLimit(raw: unknown): number {
  if (raw === undefined) return 100;
  const n = typeof raw === 'string' && /^\d{1,4}$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= 1 && n <= 1000)) throw new AdminRequestError('limit must be a whole number from 1 to 1000');
  return n;
}
