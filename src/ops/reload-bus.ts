/**
 * Knowledge reloads reach every instance on one Redis: a reload that succeeds on one instance
 * (POST /admin/reload, or the file watcher with JIANLI_WATCH_KNOWLEDGE=1) is published on the
 * channel `jianli:knowledge-reload`, and every other instance reloads its own knowledge/ and
 * dialogs/ when it hears it.
 *
 * The message carries a fingerprint of the publisher's knowledge files (SHA-256 of their paths and
 * contents). An instance whose loaded knowledge already has that fingerprint does not reload again
 * (with a watcher on a shared folder each instance has reloaded by itself already); one whose
 * files, once reloaded, still differ says so in its log, as the instances then answer from
 * different knowledge (the folder is meant to be shared, or deployed the same to each).
 *
 * A reload made on another instance's word is not announced again, so a message never echoes.
 * Pub/sub is fire-and-forget: an instance that is disconnected when a reload is published misses
 * it (its log says when the subscription is lost and back; reload it then, or restart it).
 */
import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Redis } from 'ioredis';
import { onReloaded, reloadKnowledge, type AssistantHost, type ReloadResult } from '../knowledge/reload';
import type { Logger } from './logger';
import { connectShared, SHARED_PREFIX } from './redis';

export const RELOAD_CHANNEL = `${SHARED_PREFIX}knowledge-reload`;

/** What an instance publishes after a reload. */
export interface ReloadMessage {
  /** The publishing instance. */
  from: string;
  at: string;
  fingerprint: string;
  intents?: number;
  phrases?: number;
}

/** SHA-256 over the relative path and content of every file under knowledge/ and dialogs/ (sorted). */
export function knowledgeFingerprint(root: string): string {
  const hash = createHash('sha256');
  const files: string[] = [];
  const walk = (dir: string) => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.push(path);
    }
  };
  walk(join(root, 'knowledge'));
  walk(join(root, 'dialogs'));
  for (const path of files.map((f) => relative(root, f).split('\\').join('/')).sort()) {
    hash
      .update(path)
      .update('\0')
      .update(readFileSync(join(root, path)))
      .update('\0');
  }
  return hash.digest('hex');
}

export interface ReloadBusOptions {
  /** Redis, as JIANLI_STORE names it (the subscriber gets its own connection). */
  url: string;
  /** The connection to publish on (shared with the other shared state). */
  publisher: Redis;
  host: AssistantHost;
  logger: Logger;
  /** This instance's name in messages (default: a new UUID). */
  instance?: string;
}

export class ReloadBus {
  readonly instance: string;
  private readonly subscriber: Redis;
  private readonly stopListening: () => void;
  /** The fingerprint of the knowledge this instance serves. */
  private loaded: string;
  private readonly subscribed: Promise<void>;
  private closed = false;

  constructor(private readonly opts: ReloadBusOptions) {
    this.instance = opts.instance ?? randomUUID();
    this.loaded = knowledgeFingerprint(this.root);
    const { logger } = opts;
    this.subscriber = connectShared(opts.url, 'reload-bus');
    this.subscriber.on('message', (channel: string, text: string) => {
      if (channel === RELOAD_CHANNEL) this.heard(text);
    });
    // ioredis subscribes again by itself after a reconnection; the log says when reloads may have been missed.
    let lost = false;
    this.subscriber.on('close', () => {
      if (this.closed || lost || !this.isSubscribed) return;
      lost = true;
      logger.warn(`knowledge reloads from other instances: lost the Redis subscription (${RELOAD_CHANNEL}); reconnecting`);
    });
    this.subscriber.on('ready', () => {
      // A first subscription that failed (Redis away at start-up) is made when Redis is back.
      if (!this.isSubscribed) void this.subscribe().catch(() => undefined);
      if (!lost) return;
      lost = false;
      logger.info(`knowledge reloads from other instances: subscribed again (reloads published meanwhile were missed)`);
    });
    this.subscribed = this.subscribe();
    this.subscribed.catch(() => undefined);
    this.stopListening = onReloaded(opts.host, (result) => this.announce(result));
  }

  private isSubscribed = false;

  private async subscribe(): Promise<void> {
    await this.subscriber.subscribe(RELOAD_CHANNEL);
    this.isSubscribed = true;
  }

  private get root(): string {
    return this.opts.host.assistant.knowledge.root;
  }

  /** Resolves once subscribed (rejects if Redis could not be reached). */
  ready(): Promise<void> {
    return this.subscribed;
  }

  /** Publishes a reload this instance made (on its own, not on another's word). */
  private announce(result: ReloadResult): void {
    let fingerprint: string;
    try {
      fingerprint = knowledgeFingerprint(this.root);
    } catch (err) {
      this.opts.logger.warn(`knowledge reloaded, but could not be fingerprinted for the other instances: ${(err as Error).message}`);
      return;
    }
    this.loaded = fingerprint;
    const message: ReloadMessage = { from: this.instance, at: new Date().toISOString(), fingerprint, intents: result.intents, phrases: result.phrases };
    this.opts.publisher.publish(RELOAD_CHANNEL, JSON.stringify(message)).then(
      (heard) => this.opts.logger.info({ instances: heard }, `knowledge reload published to the other instances (${heard} listening, this one included)`),
      (err: Error) => this.opts.logger.warn(`knowledge reloaded here, but the other instances were not told (Redis: ${err.message}); reload them too`),
    );
  }

  /** A message on the channel: reloads unless it is this instance's own or this knowledge is already current. */
  private heard(text: string): void {
    const { logger, host } = this.opts;
    let message: ReloadMessage;
    try {
      message = JSON.parse(text) as ReloadMessage;
    } catch {
      logger.warn(`ignored a message on ${RELOAD_CHANNEL} that is not JSON`);
      return;
    }
    if (message.from === this.instance) return;
    if (message.fingerprint === this.loaded) {
      logger.info({ from: message.from }, 'knowledge reload on another instance: the knowledge here is already the same');
      return;
    }
    const result = reloadKnowledge(host, undefined, { announce: false });
    if (!result.ok) {
      logger.error({ from: message.from }, `knowledge reload on another instance: reloading here was refused, old knowledge keeps serving:\n${result.error}`);
      return;
    }
    this.loaded = knowledgeFingerprint(this.root);
    const same = this.loaded === message.fingerprint;
    const line = `knowledge reloaded on another instance's word (${result.intents} intents, ${result.phrases} phrases)`;
    if (same) logger.info({ from: message.from }, line);
    else
      logger.warn(
        { from: message.from },
        `${line}, but the files here differ from that instance's: share knowledge/ and dialogs/ between the instances, or deploy them the same to each`,
      );
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stopListening();
    await this.subscriber.quit().catch(() => this.subscriber.disconnect());
  }
}
