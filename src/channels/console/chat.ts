/**
 * The console channel: an interactive chat for engineers and hotline staff, and a JSON-lines mode
 * for scripts (one message per input line, one JSON object per turn).
 */
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Assistant } from '../../engine/assistant';
import { newConversationState } from '../../engine/types';
import { formatReplies, formatStaffLine, turnJson } from './format';
import { dialogReasked, STAFF_HELP, staffCommand, type CallLog } from './staff';

export interface ConsoleOptions {
  input: Readable;
  output: Writable;
  staff?: boolean;
}

/** Interactive chat: greets, answers each line, ends on Ctrl-D or 退出. */
export async function runConsoleChat(assistant: Assistant, opts: ConsoleOptions): Promise<void> {
  const rl = createInterface({ input: opts.input, output: opts.output, terminal: (opts.input as { isTTY?: boolean }).isTTY === true });
  const say = (s: string) => opts.output.write(`${s}\n`);
  let state = newConversationState();
  const greeting = assistant.greet(state);
  state = greeting.state;
  say(`助手：${formatReplies(greeting.replies, assistant.knowledge.messages.choicesHeading)}\n`);
  if (opts.staff) say(`${STAFF_HELP}\n`);
  const call: CallLog = { intents: [] };
  rl.setPrompt('您：');
  rl.prompt();
  let ended = false;
  for await (const line of rl) {
    const command = opts.staff ? staffCommand(line, assistant, state, call) : undefined;
    if (command && 'print' in command) {
      say(`${command.print}\n`);
      rl.prompt();
      continue;
    }
    const result = command?.turn ?? assistant.turn(state, { text: line, channel: 'console' });
    // A message the open dialog could not read is tagged as not understood, with the classifier's reading.
    const reasked = opts.staff && !command ? dialogReasked(state, result, line, assistant) : undefined;
    state = result.state;
    call.intents.push(result.intent);
    if (opts.staff) say(formatStaffLine(result, reasked));
    say(`助手：${formatReplies(result.replies, assistant.knowledge.messages.choicesHeading)}\n`);
    if (result.end) {
      ended = true;
      break;
    }
    rl.prompt();
  }
  if (!ended) say(`\n助手：${assistant.knowledge.messages.goodbye}`);
  rl.close();
}

/** JSON lines: one conversation for the whole stream, nothing but JSON on the output. */
export async function runJsonlChat(assistant: Assistant, opts: ConsoleOptions): Promise<void> {
  const rl = createInterface({ input: opts.input, terminal: false });
  let state = newConversationState();
  for await (const line of rl) {
    const result = assistant.turn(state, { text: line, channel: 'jsonl' });
    state = result.state;
    opts.output.write(`${JSON.stringify(turnJson(result))}\n`);
  }
}

/** One JSON line per input line with the NLU's decision; no conversation is touched. */
export async function runClassify(classify: (text: string) => { intent: string; confidence: number }, opts: ConsoleOptions): Promise<void> {
  const rl = createInterface({ input: opts.input, terminal: false });
  for await (const line of rl) {
    const u = classify(line);
    opts.output.write(`${JSON.stringify({ text: line, intent: u.intent, confidence: Math.round(u.confidence * 1000) / 1000 })}\n`);
  }
}
