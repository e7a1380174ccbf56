/**
 * What the contract tests share: each runs its cases on both backends, the embedded store (real
 * lowdb files in a temporary folder) and Redis (a real redis-server of the test file's own).
 */
import { newConversationState } from '../../../src/engine/types';
import type { HandoffTicket } from '../../../src/handoff/types';
import type { ConversationStore, TurnRecord } from '../../../src/store/types';
import { storesForFile } from '../../helpers/stores';

/** The backends to run a contract on, as `describe.each` takes them: a name and a new, empty store. */
export function backends(): (readonly [string, () => Promise<ConversationStore>])[] {
  const stores = storesForFile();
  return [
    ['lowdb', async () => stores.lowdb()],
    ['redis', async () => stores.redis()],
  ];
}

export const turn = (text: string, at = new Date().toISOString()): TurnRecord => ({
  at,
  channel: 'test',
  text,
  intent: 'fallback',
  confidence: 1,
  replies: [{ text: `re:${text}` }],
});

export const stateWith = (turns: number) => ({ ...newConversationState(), turns });

export const ticket = (id: string, conversationId: string, createdAt: string): HandoffTicket => ({
  id,
  conversationId,
  channel: 'test',
  createdAt,
  reason: 'requested',
  summary: { intentPath: ['handoff.human'], lastMessages: ['转人工'] },
});
