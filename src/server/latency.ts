/**
 * Time the server takes to answer a chat turn, from the request reaching the handler to the reply
 * being handed to the socket. Kept in a native histogram (perf_hooks): recording costs well under
 * a microsecond, so it is always on. Staff read it at GET /admin/api/latency; the turn benchmark
 * reads it beside the client's own latency, which also counts the time a request waits for the
 * server to pick it up.
 */
import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';

export interface LatencySnapshot {
  /** When counting started (start-up or the last reset). */
  since: string;
  count: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
}

export class LatencyRecorder {
  private histogram: RecordableHistogram = createHistogram();
  private since = new Date();

  /** Records one answer that started at `startNs` (process.hrtime.bigint()). */
  record(startNs: bigint): void {
    // The histogram takes whole nanoseconds >= 1.
    this.histogram.record(Math.max(1, Number(process.hrtime.bigint() - startNs)));
  }

  snapshot(): LatencySnapshot {
    const h = this.histogram;
    const ms = (ns: number) => (h.count ? Math.round(ns / 1e3) / 1e3 : 0);
    return {
      since: this.since.toISOString(),
      count: h.count,
      p50Ms: ms(h.percentile(50)),
      p90Ms: ms(h.percentile(90)),
      p99Ms: ms(h.percentile(99)),
      maxMs: ms(h.max),
    };
  }

  /** Starts counting afresh; returns what was counted until now. */
  reset(): LatencySnapshot {
    const last = this.snapshot();
    this.histogram = createHistogram();
    this.since = new Date();
    return last;
  }
}
