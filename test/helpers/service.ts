import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AssistantChatService } from '../../src/service/chat';
import { LowdbStore } from '../../src/store/lowdb';
import { sharedAssistant } from './assistant';

/** A chat service on a fresh lowdb store in a temporary folder; call cleanup() when done. */
export function tempService(): { service: AssistantChatService; dataDir: string; cleanup: () => void } {
  const dataDir = mkdtempSync(join(tmpdir(), 'jianli-data-'));
  const service = new AssistantChatService(sharedAssistant(), new LowdbStore(dataDir));
  return { service, dataDir, cleanup: () => rmSync(dataDir, { recursive: true, force: true }) };
}
