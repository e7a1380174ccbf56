/**
 * The HTTP ceiling for `bench:turns`: the real POST /api/chat endpoint (the same server, body
 * checks, validation and reply format) in front of a chat service that returns one canned turn —
 * no engine work and nothing stored. Its row shows what node:http and our request handling cost
 * alone, so the other rows can be read as that plus the engine plus the store.
 *
 *   node --import tsx bench/canned-chat.ts                    # prints "port N" once listening
 *   node --import tsx bench/canned-chat.ts --service-us 50    # each turn also busy-waits 50 µs
 *
 * `--service-us` stands in for an engine and store that cost exactly that much CPU per turn and
 * touch no memory: `bench-turns --budget` sweeps it to show what the HTTP targets leave for them.
 */
import type { AddressInfo } from 'node:net';
import { Assistant } from '../src/engine/assistant';
import { newConversationState } from '../src/engine/types';
import { loadKnowledge } from '../src/knowledge/load';
import { createApp } from '../src/server/app';
import { LatencyRecorder } from '../src/server/latency';
import type { ChatService } from '../src/service/types';

// A real answer (the materials list, one of the longer replies), computed once.
const canned = new Assistant(loadKnowledge()).turn(newConversationState(), { text: '注销需要什么材料' });
const at = process.argv.indexOf('--service-us');
const serviceMs = at < 0 ? 0 : Number(process.argv[at + 1]) / 1000;
if (!(serviceMs >= 0)) throw new Error('--service-us needs a number of microseconds');
/** Burns the CPU the way a turn's work would: the event loop can do nothing else meanwhile. */
function busy(): void {
  const until = performance.now() + serviceMs;
  while (performance.now() < until);
}
const service: ChatService = {
  handle: async () => {
    if (serviceMs > 0) busy();
    return canned;
  },
  greet: async () => canned,
  check: () => {
    throw new Error('not part of this benchmark');
  },
  history: async () => [],
};
const latency = new LatencyRecorder();
const { server } = createApp({
  service,
  latency,
  rateLimits: { perAddressPerMinute: 0, perConversationPerMinute: 0 },
  // The same reading the bench makes of `jianli serve` (there behind the admin token).
  mount: [(app) => app.delete('/admin/api/latency', (_req, res) => void res.json(latency.reset()))],
});
server.listen(0, '127.0.0.1', () => console.log(`port ${(server.address() as AddressInfo).port}`));
