import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AssistantChatService } from '../../src/service/chat';
import { LowdbStore } from '../../src/store/lowdb';
import { sharedAssistant } from './assistant';

/**
 * A chat service on a fresh lowdb store in a temporary folder; call cleanup() when done (it closes
 * the store first, so no background checkpoint writes into a folder already removed).
 */
export function tempService(): { service: AssistantChatService; dataDir: string; cleanup: () => Promise<void> } {
  const dataDir = mkdtempSync(join(tmpdir(), 'jianli-data-'));
  const store = new LowdbStore(dataDir);
  const service = new AssistantChatService(sharedAssistant(), store);
  const cleanup = async () => {
    await store.close().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  };
  return { service, dataDir, cleanup };
}
