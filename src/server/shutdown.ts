/**
 * Graceful shutdown of the HTTP server, for SIGTERM from an orchestrator (docker stop, Kubernetes,
 * systemd) or Ctrl-C. `drain()`:
 *  1. marks the server as draining: /healthz (readiness) answers 503 from then on, so a load
 *     balancer sends the next requests to another instance;
 *  2. stops accepting connections and closes idle keep-alive ones (Node's server.close());
 *  3. waits until every request under way has been answered — each such response says
 *     `Connection: close` — for at most `timeoutMs`; what is still open then is cut off.
 * The caller then closes the channels and the store (the embedded store writes out its journal).
 */
import type { Server, ServerResponse } from 'node:http';

export class Drain {
  private readonly open = new Set<ServerResponse>();
  private waiting?: () => void;
  /** True from the moment draining starts; /healthz answers 503 while it is. */
  draining = false;

  constructor(private readonly server: Server) {
    server.on('request', (_req, res: ServerResponse) => {
      this.open.add(res);
      if (this.draining && !res.headersSent) res.setHeader('Connection', 'close');
      res.once('close', () => {
        this.open.delete(res);
        if (!this.open.size) this.waiting?.();
      });
    });
  }

  /** Requests received and not yet answered. */
  get inFlight(): number {
    return this.open.size;
  }

  /**
   * Stops taking connections and waits for the requests under way. Resolves true when all were
   * answered, false when `timeoutMs` passed first (the rest are then closed by the caller).
   */
  async drain(timeoutMs: number): Promise<boolean> {
    this.draining = true;
    for (const res of this.open) if (!res.headersSent) res.setHeader('Connection', 'close');
    this.server.close();
    if (!this.open.size) return true;
    // A keep-alive connection whose request was answered while draining becomes idle: close it too.
    const idle = setInterval(() => this.server.closeIdleConnections(), 100);
    try {
      return await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), timeoutMs);
        this.waiting = () => {
          clearTimeout(timer);
          resolve(true);
        };
      });
    } finally {
      clearInterval(idle);
      this.waiting = undefined;
    }
  }
}
