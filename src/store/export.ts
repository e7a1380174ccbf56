/** A conversation's state and whole transcript, as `jianli export` and the admin API give it. */
import type { ConversationStore, StoredConversation } from './types';

/** The conversation, or undefined when no state is stored for it. */
export async function exportConversation(
  store: Pick<ConversationStore, 'conversations' | 'transcripts'>,
  conversationId: string,
): Promise<StoredConversation | undefined> {
  const [state, turns] = await Promise.all([store.conversations.read(conversationId), store.transcripts.read(conversationId)]);
  return state === undefined ? undefined : { conversationId, state, turns };
}
