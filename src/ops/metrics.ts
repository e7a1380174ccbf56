/**
 * Prometheus metrics (prom-client), served at GET /metrics to a scraper holding the admin token
 * (`Authorization: Bearer <JIANLI_ADMIN_TOKEN>`, checked as the admin paths check it); without a
 * configured token the path is off (404), as the admin paths are.
 *
 *   jianli_turns_total{channel,intent}        turns answered (a replayed or stale-click answer is not a turn)
 *   jianli_turn_duration_seconds{channel}     time the chat service takes for a turn (state, engine, store)
 *   jianli_fallbacks_total{channel}           turns answered with the fallback
 *   jianli_turn_errors_total{channel}         turns that failed (the client got an error)
 *   jianli_handoffs_total{channel,reason}     handoff tickets opened
 *   jianli_store_errors_total{operation}      conversation store calls that failed because the store was unavailable
 *   process_* and nodejs_*                    prom-client's default process metrics
 *
 * Every instance counts its own: Prometheus scrapes each instance (not the proxy in front) and
 * sums across them. Each Metrics has its own registry, so several apps in one process (tests) do
 * not count into each other.
 */
import type { Request, RequestHandler, Response } from 'express';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { AUTH_MESSAGES, bearerChecker } from '../admin/auth';

/** Turn durations, in seconds: most turns take a few milliseconds, a cold engine or a slow store much longer. */
const TURN_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class Metrics {
  readonly registry = new Registry();
  private readonly turns: Counter<'channel' | 'intent'>;
  private readonly turnSeconds: Histogram<'channel'>;
  private readonly fallbacks: Counter<'channel'>;
  private readonly turnErrors: Counter<'channel'>;
  private readonly handoffs: Counter<'channel' | 'reason'>;
  private readonly storeErrors: Counter<'operation'>;

  /** `processMetrics: false` leaves out prom-client's default process metrics. */
  constructor(opts: { processMetrics?: boolean } = {}) {
    const registers = [this.registry];
    this.turns = new Counter({ name: 'jianli_turns_total', help: 'Turns answered, by channel and intent', labelNames: ['channel', 'intent'], registers });
    this.turnSeconds = new Histogram({
      name: 'jianli_turn_duration_seconds',
      help: 'Time the chat service takes for a turn (load state, answer, store the turn)',
      labelNames: ['channel'],
      buckets: TURN_BUCKETS,
      registers,
    });
    this.fallbacks = new Counter({
      name: 'jianli_fallbacks_total',
      help: 'Turns answered with the fallback (the question was not understood)',
      labelNames: ['channel'],
      registers,
    });
    this.turnErrors = new Counter({
      name: 'jianli_turn_errors_total',
      help: 'Turns that failed with an error instead of an answer',
      labelNames: ['channel'],
      registers,
    });
    this.handoffs = new Counter({
      name: 'jianli_handoffs_total',
      help: 'Handoff tickets opened (a person asked for, a complaint, two misses in a row)',
      labelNames: ['channel', 'reason'],
      registers,
    });
    this.storeErrors = new Counter({
      name: 'jianli_store_errors_total',
      help: 'Conversation store calls that failed because the store was unavailable',
      labelNames: ['operation'],
      registers,
    });
    if (opts.processMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  turn(channel: string, intent: string, seconds: number): void {
    this.turns.inc({ channel, intent });
    this.turnSeconds.observe({ channel }, seconds);
    if (intent === 'fallback') this.fallbacks.inc({ channel });
  }

  turnFailed(channel: string): void {
    this.turnErrors.inc({ channel });
  }

  handoff(channel: string, reason: string): void {
    this.handoffs.inc({ channel, reason });
  }

  storeError(operation: string): void {
    this.storeErrors.inc({ operation });
  }

  /** The text exposition format, as Prometheus scrapes it. */
  async text(): Promise<string> {
    return this.registry.metrics();
  }

  /**
   * GET /metrics: the metrics to a request with the admin token, 401 (with the admin paths'
   * reasons) without it; 404 when no token is configured.
   */
  handler(token: string | undefined): RequestHandler {
    if (!token)
      return (_req: Request, res: Response) =>
        void res.status(404).json({ error: 'metrics are off: set JIANLI_ADMIN_TOKEN and scrape /metrics with it as a bearer token' });
    const check = bearerChecker(token);
    return async (req: Request, res: Response, next) => {
      const failure = check(req);
      if (failure) {
        res.set('WWW-Authenticate', `Bearer realm="jianli-metrics"${failure === 'wrong' ? ', error="invalid_token"' : ''}`);
        res.status(401).json({ error: AUTH_MESSAGES[failure] });
        return;
      }
      try {
        const body = await this.text();
        // As prom-client gives it (res.set would reorder its parameters).
        res.setHeader('Content-Type', this.registry.contentType);
        res.setHeader('Cache-Control', 'no-store');
        res.end(body);
      } catch (err) {
        next(err);
      }
    };
  }
}
