/**
 * Rate limits per client address and per conversation, on express-rate-limit's memory stores, or
 * on stores the caller gives (the server passes Redis stores when the conversations are on Redis,
 * so every instance counts in the same place: src/ops/redis.ts). The Express middlewares and the
 * chat endpoint (which is served outside Express) count in the
 * same stores, so a client's requests add up whichever path answers them. Both take the client's
 * address the same way: the socket's, or behind trusted proxies (JIANLI_TRUST_PROXY, Express's
 * `trust proxy`) the nearest untrusted address in X-Forwarded-For.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP, isIPv4 } from 'node:net';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator, MemoryStore, rateLimit, type Store } from 'express-rate-limit';
import { HttpError } from './errors';

export interface RateLimitSettings {
  /** Requests per minute allowed from one address, and for one conversation (0 = no limit). */
  perAddressPerMinute: number;
  perConversationPerMinute: number;
}

/**
 * Express's `trust proxy` value: a number of proxy hops, true (trust every hop: the client then
 * picks its own address, so only behind a proxy that overwrites X-Forwarded-For), or addresses
 * and subnets of the proxies (also loopback, linklocal, uniquelocal).
 */
export type TrustProxy = boolean | number | string[];

/** Express's compiled form of TrustProxy (app.get('trust proxy fn')): is the i-th hop's address a trusted proxy? */
export type TrustProxyFn = (address: string, hop: number) => boolean;

const TRUST_PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * Reads JIANLI_TRUST_PROXY: unset or empty → undefined (X-Forwarded-For is ignored); `true` or
 * `false`; a whole number of hops (`1` = one reverse proxy in front); or a comma-separated list of
 * proxy addresses and subnets (`loopback, 10.0.0.0/8, fd00::/8`). Anything else throws, naming the
 * setting, rather than being read as a list Express would silently half-accept.
 */
export function parseTrustProxy(raw: string | undefined, name = 'JIANLI_TRUST_PROXY'): TrustProxy | undefined {
  const text = raw?.trim();
  if (!text) return undefined;
  const usage = `${name} must be a number of proxy hops (e.g. 1), true, false, or a comma-separated list of proxy addresses/subnets (e.g. loopback, 10.0.0.0/8)`;
  const lower = text.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    if (hops > 100) throw new Error(`${usage}; ${hops} hops is not plausible`);
    return hops;
  }
  const entries = text.split(',').map((e) => e.trim());
  for (const entry of entries) {
    if (!entry) throw new Error(`${usage}; got an empty entry in ${JSON.stringify(text)}`);
    if (!TRUST_PROXY_NAMES.has(entry.toLowerCase()) && !isAddressOrSubnet(entry))
      throw new Error(`${usage}; ${JSON.stringify(entry)} is not an IP address or subnet`);
  }
  return entries.map((e) => (TRUST_PROXY_NAMES.has(e.toLowerCase()) ? e.toLowerCase() : e));
}

/** `1.2.3.4`, `::1`, `10.0.0.0/8`, `fd00::/8` or `10.0.0.0/255.0.0.0` (a contiguous netmask). */
function isAddressOrSubnet(entry: string): boolean {
  const [address, range, ...rest] = entry.split('/');
  const family = isIP(address);
  if (!family || rest.length) return false;
  if (range === undefined) return true;
  if (/^\d{1,3}$/.test(range)) return Number(range) <= (family === 4 ? 32 : 128);
  if (family !== 4 || !isIPv4(range)) return false;
  const mask = range.split('.').reduce((n, part) => n * 256 + Number(part), 0);
  // Contiguous: the host bits (the inverted mask) plus one is a power of two.
  const host = 0xffffffff - mask + 1;
  return (host & (host - 1)) === 0;
}

/**
 * The client's address as Express's req.ip reads it: the socket's address, or walking
 * X-Forwarded-For from the nearest hop while the hop is a trusted proxy.
 */
export function clientAddress(req: IncomingMessage, trust?: TrustProxyFn): string {
  const socket = req.socket.remoteAddress ?? '';
  const header = req.headers['x-forwarded-for'];
  if (!trust || !header) return socket;
  const forwarded = (Array.isArray(header) ? header.join(',') : header).split(/[ ,]+/).filter(Boolean).reverse();
  const hops = [socket, ...forwarded];
  for (let i = 0; i < hops.length - 1; i++) if (!trust(hops[i], i)) return hops[i];
  return hops[hops.length - 1];
}

const WINDOW_MS = 60_000;
const pass: RequestHandler = (_req, _res, next) => next();

function tooMany(what: string): string {
  return `too many requests ${what}; please wait a minute and try again`;
}

/** Where the counts are kept (default: in this process's memory). */
export interface RateLimitStores {
  address: Store;
  conversation: Store;
}

export class RateLimits {
  private readonly addressStore: Store;
  private readonly conversationStore: Store;
  /** For the Express routes under /api and /wechat. */
  readonly perAddress: RequestHandler;
  /** For Express routes whose JSON body names the conversation (conversationId or user). */
  readonly perConversation: RequestHandler;

  /** `trustProxy`: the app's compiled `trust proxy` (app.get('trust proxy fn')), so the chat endpoint keys clients as req.ip does. */
  constructor(
    private readonly settings: RateLimitSettings,
    private readonly trustProxy?: TrustProxyFn,
    stores?: RateLimitStores,
  ) {
    this.addressStore = stores?.address ?? new MemoryStore();
    this.conversationStore = stores?.conversation ?? new MemoryStore();
    const options = (limit: number, what: string) => ({
      windowMs: WINDOW_MS,
      limit,
      standardHeaders: 'draft-8' as const,
      legacyHeaders: false,
      handler: (_req: Request, res: Response) => void res.status(429).json({ error: tooMany(what) }),
    });
    // Building the middleware initialises its store (window length, clean-up timer).
    this.perAddress =
      settings.perAddressPerMinute > 0 ? rateLimit({ ...options(settings.perAddressPerMinute, 'from this address'), store: this.addressStore }) : pass;
    this.perConversation =
      settings.perConversationPerMinute > 0
        ? rateLimit({
            ...options(settings.perConversationPerMinute, 'for this conversation'),
            store: this.conversationStore,
            keyGenerator: (req: Request) =>
              conversationKey(
                String(
                  (req.body as { conversationId?: unknown; user?: unknown } | undefined)?.conversationId ??
                    (req.body as { user?: unknown } | undefined)?.user ??
                    '',
                ),
              ),
          })
        : (pass as (req: Request, res: Response, next: NextFunction) => void);
  }

  /** Counts a request from its address (the middleware's key: the client address, IPv6 by /56); throws 429 past the limit. */
  async hitAddress(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!(this.settings.perAddressPerMinute > 0)) return;
    await this.hit(this.addressStore, ipKeyGenerator(clientAddress(req, this.trustProxy)), this.settings.perAddressPerMinute, res, 'from this address');
  }

  /** Counts a request for a conversation; throws 429 past the limit. */
  async hitConversation(conversationId: string, res: ServerResponse): Promise<void> {
    if (!(this.settings.perConversationPerMinute > 0)) return;
    await this.hit(this.conversationStore, conversationKey(conversationId), this.settings.perConversationPerMinute, res, 'for this conversation');
  }

  private async hit(store: Store, key: string, limit: number, res: ServerResponse, what: string): Promise<void> {
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
