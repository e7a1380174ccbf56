/** Scripted conversations for load tests, and a reference run of the same script in-process. */
import { newConversationState, type ConversationState } from '../../src/engine/types';
import { sharedAssistant } from './assistant';

const BASE = [
  '你好',
  '注销需要什么材料',
  '1',
  '单位不给我办注销怎么办',
  '有',
  '不用了',
  '帮我看看我能不能注销',
  '我在南京，离职了，手上没有项目',
  '没有',
  '没有',
  '差20学时',
  '刚才说错了，学时已经修满了',
  '愿意',
  '有',
  '照片有什么要求',
  '审批要多久',
  '注销后还能重新注册吗',
  '不用',
  '会不会被拉黑',
  '嗯',
  '谢谢',
  '转人工',
  '明天天气怎么样',
  '回执要打印吗',
  '公司倒闭了怎么办',
  '好的',
  '北京',
  '没有',
  '没有',
  '没有',
  '修满了',
  '愿意',
  '有',
];

/** The n-th conversation's messages: the base script rotated, so conversations differ. */
export function script(n: number, turns: number): string[] {
  return Array.from({ length: turns }, (_, i) => BASE[(n * 7 + i) % BASE.length]);
}

const references = new Map<string, ConversationState>();

/**
 * What the engine's state must be after the script, computed without any server or store. The
 * scripts repeat (there are only as many rotations of the base as it has lines), so each distinct
 * one is run once: the load test checks its 400 conversations against 33 runs. Each call gets its
 * own copy.
 */
export function referenceState(messages: string[]): ConversationState {
  const key = messages.join('\n');
  let state = references.get(key);
  if (!state) {
    const a = sharedAssistant();
    state = newConversationState();
    for (const text of messages) state = a.turn(state, { text }).state;
    references.set(key, state);
  }
  return structuredClone(state);
}

/** Runs `count` async jobs with at most `width` in flight. */
export async function pool<T>(count: number, width: number, job: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, count) }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await job(i);
      }
    }),
  );
  return results;
}
