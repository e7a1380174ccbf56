/**
 * Reloading knowledge without a restart: the new files are loaded and checked, a new assistant is
 * trained, and only then swapped in. A bad file is refused with its path and field, and the old
 * knowledge keeps serving.
 */
import { watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { Assistant } from '../engine/assistant';
import { KnowledgeFileError } from './errors';
import { loadKnowledge } from './load';

export interface ReloadResult {
  ok: boolean;
  /** One line per problem when refused. */
  error?: string;
  intents?: number;
  phrases?: number;
}

/** Anything that serves an assistant and can take a new one. */
export interface AssistantHost {
  readonly assistant: Assistant;
  replaceAssistant(next: Assistant): void;
  /** Its turns are answered on an engine thread: its own assistant need not train until used. */
  readonly turnsOnThread?: boolean;
}

export function reloadKnowledge(host: AssistantHost, root?: string): ReloadResult {
  try {
    const next = new Assistant(loadKnowledge(root ?? host.assistant.knowledge.root), { lazy: host.turnsOnThread });
    host.replaceAssistant(next);
    const phrases = [...next.knowledge.phrases.values()].reduce((a, p) => a + p.length, 0);
    return { ok: true, intents: next.knowledge.phrases.size, phrases };
  } catch (err) {
    if (err instanceof KnowledgeFileError) return { ok: false, error: err.message };
    throw err;
  }
}

/**
 * Reloads when a file under knowledge/ or dialogs/ changes (debounced: an editor's save is several
 * events). Returns a function that stops watching.
 */
export function watchKnowledge(host: AssistantHost, log: (line: string) => void, debounceMs = 500): () => void {
  const root = host.assistant.knowledge.root;
  let timer: NodeJS.Timeout | undefined;
  const fire = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const r = reloadKnowledge(host, root);
      log(r.ok ? `knowledge reloaded (${r.intents} intents, ${r.phrases} phrases)` : `knowledge reload refused, old knowledge keeps serving:\n${r.error}`);
    }, debounceMs);
  };
  const watchers: FSWatcher[] = ['knowledge', 'dialogs'].map((d) => watch(join(root, d), { recursive: true }, fire));
  return () => {
    clearTimeout(timer);
    watchers.forEach((w) => w.close());
  };
}
