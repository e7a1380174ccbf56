/**
 * The HTTP ceiling for `bench:turns`: the real POST /api/chat endpoint (the same server, body
 * checks, validation and reply format) in front of a chat service that returns one canned turn —
 * no engine work and nothing stored. Its row shows what node:http and our request handling cost
 * alone, so the other rows can be read as that plus the engine plus the store.
 *
 *   node --import tsx src/bench/canned-chat.ts     # prints "port N" once listening
 */
import type { AddressInfo } from 'node:net';
import { Assistant } from '../engine/assistant';
import { newConversationState } from '../engine/types';
import { loadKnowledge } from '../knowledge/load';
import { createApp } from '../server/app';
import { LatencyRecorder } from '../server/latency';
import type { ChatService } from '../service/types';

// A real answer (the materials list, one of the longer replies), computed once.
const canned = new Assistant(loadKnowledge()).turn(newConversationState(), { text: '注销需要什么材料' });
const service: ChatService = {
  handle: async () => canned,
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
