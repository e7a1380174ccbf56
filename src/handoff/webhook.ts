/**
 * Sends each ticket to JIANLI_HANDOFF_WEBHOOK as JSON. Sending happens in the background with a
 * timeout: the user's reply never waits for the staff system, and a failure is logged (ticket id
 * and reason only, never its content), never shown to the user. The ticket stays in the store
 * either way, so staff still see it at GET /admin/handoffs.
 */
import type { HandoffTicket } from './types';

/** JIANLI_HANDOFF_WEBHOOK is not a usable http(s) URL; start-up stops with this line. */
export class HandoffConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HandoffConfigError';
  }
}

/** One delivery failed: the endpoint answered non-2xx, timed out or could not be reached. */
export class HandoffWebhookError extends Error {
  constructor(
    readonly ticketId: string,
    readonly reason: string,
  ) {
    super(`handoff webhook failed for ticket ${ticketId}: ${reason}`);
    this.name = 'HandoffWebhookError';
  }
}

export interface HandoffWebhookOptions {
  /** Milliseconds before a delivery is given up (default 5000). */
  timeoutMs?: number;
  log?: (line: string) => void;
}

export class HandoffWebhook {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly timeoutMs: number;
  private readonly log: (line: string) => void;

  constructor(
    readonly url: URL,
    opts: HandoffWebhookOptions = {},
  ) {
    this.timeoutMs = opts.timeoutMs ?? 5000;
    this.log = opts.log ?? ((l) => process.stderr.write(`${l}\n`));
  }

  /** Reads JIANLI_HANDOFF_WEBHOOK; undefined when it is not set. */
  static fromEnv(env: NodeJS.ProcessEnv, opts: HandoffWebhookOptions = {}): HandoffWebhook | undefined {
    const raw = env.JIANLI_HANDOFF_WEBHOOK?.trim();
    if (!raw) return undefined;
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new HandoffConfigError('JIANLI_HANDOFF_WEBHOOK must be an http:// or https:// URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new HandoffConfigError('JIANLI_HANDOFF_WEBHOOK must be an http:// or https:// URL');
    return new HandoffWebhook(url, opts);
  }

  /** Starts delivering a ticket in the background; failures are logged. */
  send(ticket: HandoffTicket): void {
    const delivery = this.post(ticket)
      .catch((err: unknown) => this.log(err instanceof HandoffWebhookError ? err.message : new HandoffWebhookError(ticket.id, String(err)).message))
      .finally(() => this.inFlight.delete(delivery));
    this.inFlight.add(delivery);
  }

  /** Delivers one ticket now; throws HandoffWebhookError. */
  async post(ticket: HandoffTicket): Promise<void> {
    let res: Response;
    try {
      res = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify(ticket),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      const e = err as Error;
      throw new HandoffWebhookError(
        ticket.id,
        e.name === 'TimeoutError' ? `no answer within ${this.timeoutMs} ms` : ((e.cause as Error | undefined)?.message ?? e.message),
      );
    }
    // Drain the body so the connection can be reused.
    await res.arrayBuffer().catch(() => undefined);
    if (!res.ok) throw new HandoffWebhookError(ticket.id, `HTTP ${res.status}`);
  }

  /** Resolves when every delivery started so far has finished (for shutdown and tests). */
  async idle(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }
}
