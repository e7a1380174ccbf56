/** The engine thread (src/engine/thread.ts): loads the knowledge, then answers batches of turns. */
import { parentPort, workerData } from 'node:worker_threads';
import { loadKnowledge } from '../knowledge/load';
import { Assistant } from './assistant';
import type { ConversationState, TurnEvent } from './types';
import { must } from '../util/must';

const port = must(parentPort, 'the parent port (this file runs only as a worker thread)');
let assistant: Assistant;
try {
  assistant = new Assistant(loadKnowledge((workerData as { root: string }).root));
  port.postMessage({ ready: true });
} catch (err) {
  port.postMessage({ failed: (err as Error).message });
  process.exit(1);
}

port.on('message', (batch: { id: number; state: ConversationState; event: TurnEvent }[]) => {
  const results = batch.map(({ id, state, event }) => {
    try {
      return { id, result: assistant.turn(state, event) };
    } catch (err) {
      return { id, error: (err as Error).message };
    }
  });
  port.postMessage({ results });
});
