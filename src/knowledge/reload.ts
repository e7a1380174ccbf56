/**
 * Reloading knowledge without a restart: the new files are loaded and checked, a new assistant is
 * trained, and only then swapped in. A bad file is refused with its path and field, and the old
 * knowledge keeps serving. A reload that succeeds is announced to the host's listener (onReloaded):
 * on Redis, src/ops/reload-bus.ts passes it on to the other instances.
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

/** Each host's listener for its successful reloads. */
const listeners = new WeakMap<AssistantHost, (result: ReloadResult) => void>();

/** Calls `listener` after each successful reload of `host` that is to be announced; returns a function that stops it. */
export function onReloaded(host: AssistantHost, listener: (result: ReloadResult) => void): () => void {
  listeners.set(host, listener);
  return () => {
    if (listeners.get(host) === listener) listeners.delete(host);
  };
}

/** `announce: false`: a reload the listener must not hear of (one made on another instance's word). */
export function reloadKnowledge(host: AssistantHost, root?: string, opts: { announce?: boolean } = {}): ReloadResult {
  try {
    const next = new Assistant(loadKnowledge(root ?? host.assistant.knowledge.root), { lazy: host.turnsOnThread });
    host.replaceAssistant(next);
    const phrases = [...next.knowledge.phrases.values()].reduce((a, p) => a + p.length, 0);
    const result = { ok: true, intents: next.knowledge.phrases.size, phrases };
    if (opts.announce !== false) listeners.get(host)?.(result);
    return result;
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
