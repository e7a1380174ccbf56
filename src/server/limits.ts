/**
 * Rate limits per client address and per conversation, on express-rate-limit's memory stores.
 * The Express middlewares and the chat endpoint (which is served outside Express) count in the
 * same stores, so a client's requests add up whichever path answers them.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator, MemoryStore, rateLimit } from 'express-rate-limit';
import { HttpError } from './errors';

export interface RateLimitSettings {
  /** Requests per minute allowed from one address, and for one conversation (0 = no limit). */
  perAddressPerMinute: number;
  perConversationPerMinute: number;
}

const WINDOW_MS = 60_000;
const pass: RequestHandler = (_req, _res, next) => next();

function tooMany(what: string): string {
  return `too many requests ${what}; please wait a minute and try again`;
}

export class RateLimits {
  private readonly addressStore = new MemoryStore();
  private readonly conversationStore = new MemoryStore();
  /** For the Express routes under /api and /wechat. */
  readonly perAddress: RequestHandler;
  /** For Express routes whose JSON body names the conversation (conversationId or user). */
  readonly perConversation: RequestHandler;

  constructor(private readonly settings: RateLimitSettings) {
    const options = (limit: number, what: string) => ({
      windowMs: WINDOW_MS,
      limit,
      standardHeaders: 'draft-8' as const,
      legacyHeaders: false,
      handler: (_req: Request, res: Response) => void res.status(429).json({ error: tooMany(what) }),
    });
    // Building the middleware initialises its store (window length, clean-up timer).
    this.perAddress = settings.perAddressPerMinute > 0 ? rateLimit({ ...options(settings.perAddressPerMinute, 'from this address'), store: this.addressStore }) : pass;
    this.perConversation =
      settings.perConversationPerMinute > 0
        ? rateLimit({
            ...options(settings.perConversationPerMinute, 'for this conversation'),
            store: this.conversationStore,
            keyGenerator: (req: Request) => conversationKey(String((req.body as { conversationId?: unknown; user?: unknown } | undefined)?.conversationId ?? (req.body as { user?: unknown } | undefined)?.user ?? '')),
          })
        : (pass as (req: Request, res: Response, next: NextFunction) => void);
  }

  /** Counts a request from its address (the middleware's key: the socket address, IPv6 by /56); throws 429 past the limit. */
  async hitAddress(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!(this.settings.perAddressPerMinute > 0)) return;
    await this.hit(this.addressStore, ipKeyGenerator(req.socket.remoteAddress ?? ''), this.settings.perAddressPerMinute, res, 'from this address');
  }

  /** Counts a request for a conversation; throws 429 past the limit. */
  async hitConversation(conversationId: string, res: ServerResponse): Promise<void> {
    if (!(this.settings.perConversationPerMinute > 0)) return;
    await this.hit(this.conversationStore, conversationKey(conversationId), this.settings.perConversationPerMinute, res, 'for this conversation');
  }

  private async hit(store: MemoryStore, key: string, limit: number, res: ServerResponse, what: string): Promise<void> {
    const { totalHits, resetTime } = await store.increment(key);
    const resetSeconds = Math.max(0, Math.ceil(((resetTime?.getTime() ?? Date.now()) - Date.now()) / 1000));
    // The same draft-8 headers the middleware sends.
    res.appendHeader('RateLimit', `"${limit}-in-1min"; r=${Math.max(0, limit - totalHits)}; t=${resetSeconds}`);
    res.appendHeader('RateLimit-Policy', `"${limit}-in-1min"; q=${limit}; w=${WINDOW_MS / 1000}`);
    if (totalHits > limit) {
      res.setHeader('Retry-After', String(resetSeconds));
      throw new HttpError(429, tooMany(what));
    }
  }
}

function conversationKey(id: string): string {
  return `c:${id}`;
}
