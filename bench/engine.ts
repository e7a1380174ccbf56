/**
 * Engine benchmark: classify latency (p50/p99) and turns per second of the console engine.
 * Run by `npm run bench`; `--quick` keeps iterations small for CI.
 */
import type { Assistant } from '../src/engine/assistant';
import { newConversationState } from '../src/engine/types';

export interface EngineBenchResult {
  classify: { samples: number; p50Ms: number; p99Ms: number; meanMs: number };
  turns: { count: number; perSecond: number; p50Ms: number; p99Ms: number };
  startupMs?: number;
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const SCRIPT = ['你好', '注销需要什么材料', '1', '单位不给我办注销怎么办', '有', '照片有什么要求', '审批要多久', '注销后还能重新注册吗', '不用了', '谢谢'];

/** Measures the engine in-process on the given messages. */
export function benchEngine(assistant: Assistant, messages: string[], rounds: number): EngineBenchResult {
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const m of messages) {
      const t0 = process.hrtime.bigint();
      assistant.classify(m);
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  }
  times.sort((a, b) => a - b);
  const turnTimes: number[] = [];
  const conversations = Math.max(1, rounds);
  const started = process.hrtime.bigint();
  for (let c = 0; c < conversations; c++) {
    let state = newConversationState();
    for (const text of SCRIPT) {
      const t0 = process.hrtime.bigint();
      state = assistant.turn(state, { text }).state;
      turnTimes.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  }
  const elapsedS = Number(process.hrtime.bigint() - started) / 1e9;
  turnTimes.sort((a, b) => a - b);
  return {
    classify: {
      samples: times.length,
      p50Ms: percentile(times, 50),
      p99Ms: percentile(times, 99),
      meanMs: times.reduce((a, b) => a + b, 0) / (times.length || 1),
    },
    turns: { count: turnTimes.length, perSecond: turnTimes.length / elapsedS, p50Ms: percentile(turnTimes, 50), p99Ms: percentile(turnTimes, 99) },
  };
}
