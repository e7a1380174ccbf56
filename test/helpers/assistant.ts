import { PassThrough } from 'node:stream';
import { Assistant } from '../../src/engine/assistant';
import { loadKnowledge } from '../../src/knowledge/load';
import { runJsonlChat } from '../../src/channels/console/chat';

let shared: Assistant | undefined;

/** One trained assistant per test file (training takes a moment). */
export function sharedAssistant(): Assistant {
  shared ??= new Assistant(loadKnowledge());
  return shared;
}

export interface JsonTurn {
  intent: string;
  confidence: number;
  replies: { text: string; choices?: string[] }[];
  sources: string[];
  end?: boolean;
  [extra: string]: unknown;
}

/** Sends lines through the console channel's JSON-lines mode, in-process, as one conversation. */
export async function chatJsonl(lines: string[], assistant = sharedAssistant()): Promise<JsonTurn[]> {
  const input = new PassThrough();
  const output = new PassThrough();
  let out = '';
  output.on('data', (d) => (out += d));
  const done = runJsonlChat(assistant, { input, output });
  input.end(lines.map((l) => `${l}\n`).join(''));
  await done;
  return out
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as JsonTurn);
}

/** All reply text of a turn joined, for "contains" checks. */
export function textOf(turn: JsonTurn): string {
  return turn.replies.map((r) => r.text).join('\n');
}
