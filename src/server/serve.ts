/**
 * Starts the assistant's HTTP server on the embedded store (or the store JIANLI_STORE names).
 */
import type { AddressInfo } from 'node:net';
import { Assistant } from '../engine/assistant';
import { EngineThread, engineThreadWanted } from '../engine/thread';
import { loadKnowledge } from '../knowledge/load';
import { AssistantChatService } from '../service/chat';
import { openStore, storeSettingsFromEnv } from '../store/open';
import { StoreUnavailableError } from '../store/types';
import { createPhotoCheckRouter, weChatPhotoCheck } from '../photo';
import { watchKnowledge } from '../knowledge/reload';
import { createApp } from './app';
import { LatencyRecorder } from './latency';
import { handoffObserver, HandoffWebhook, loadHandoffSettings } from '../handoff';
import { createAdminRouter } from '../admin';
import { createTeamsHandler, teamsConfigFromEnv } from '../channels/teams';
import { createWeChatRouter, RedisMsgIdClaims, weChatConfigFromEnv } from '../channels/wechat';
import { parseTrustProxy } from './limits';
import { Drain } from './shutdown';
import { listen } from './listen';
import { createLogger, lineLog, logLevelFromEnv } from '../ops/logger';
import type { DestinationStream } from 'pino';
import { Metrics } from '../ops/metrics';
import { countStoreErrors, instrumentTurns } from '../ops/turns';
import { connectShared, isRedisUrl, redisRateLimitStores } from '../ops/redis';
import { missedLogFor } from '../ops/missed-redis';
import { ReloadBus } from '../ops/reload-bus';
import { must } from '../util/must';

export interface ServeOptions {
  port: number;
  host?: string;
  /** Overrides JIANLI_DATA. */
  dataDir?: string;
  /**
   * An engine thread the caller started early, so it loads while this process imports the
   * channels (`jianli serve` does); it must read the same knowledge root. Default: JIANLI_ENGINE_THREAD.
   */
  thread?: EngineThread;
  env?: NodeJS.ProcessEnv;
  /**
   * Where the log goes: one JSON line per event (src/ops/logger.ts), given to this function
   * without its newline, or written to `logDestination`. Default: standard output.
   */
  log?: (line: string) => void;
  logDestination?: DestinationStream;
}

export interface RunningServer {
  url: string;
  /** Stops at once: open connections are dropped. */
  close(): Promise<void>;
  /**
   * Graceful stop (SIGTERM): /healthz answers 503, no new connections, requests under way are answered
   * for up to `timeoutMs`, then everything is closed and the store written out. Resolves whether all were answered.
   */
  shutdown(timeoutMs?: number): Promise<boolean>;
}

export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const env = opts.env ?? process.env;
  // JSON lines with the level, personal data masked (JIANLI_LOG_LEVEL: least severe level written, default info).
  const logger = createLogger({ level: logLevelFromEnv(env), destination: opts.logDestination ?? opts.log });
  const log = lineLog(logger);
  const warn = lineLog(logger, 'warn');
  // Prometheus metrics at /metrics (with the admin token).
  const metrics = new Metrics();
  const knowledge = loadKnowledge();
  const settings = { ...storeSettingsFromEnv(env), ...(opts.dataDir ? { dataDir: opts.dataDir } : {}) };
  const store = countStoreErrors(openStore(settings), (operation) => metrics.storeError(operation));
  // The store recovers its journal (lowdb) or gets a moment to connect (Redis), so the first requests do not wait or meet a 503.
  await store.conversations
    .ready(5000)
    .catch((err: Error) =>
      warn(`${store.kind} store not ready (${err.message})${err instanceof StoreUnavailableError ? '; requests get 503 until it is' : ''}`),
    );
  // On Redis, the rate limits, the missed-questions log and knowledge reloads are shared by every instance (src/ops/redis.ts).
  const shared = isRedisUrl(settings.store) ? connectShared(settings.store, 'shared') : undefined;
  const thread = opts.thread ?? (engineThreadWanted(env) ? new EngineThread(knowledge.root) : undefined);
  // With an engine thread, this thread's assistant trains only if the thread fails (it greets and checks without).
  const handoffSettings = loadHandoffSettings(knowledge.root);
  const service = new AssistantChatService(new Assistant(knowledge, { lazy: thread !== undefined }), store, {
    thread,
    complaintWords: handoffSettings.complaintWords,
    log: warn,
  });
  // Each turn is logged (one `turn` line with its request's id) and counted in the metrics.
  instrumentTurns(service, { logger, metrics });
  // Fallback and low-confidence turns go to the missed-questions log that `jianli review` reads.
  service.observe(missedLogFor(settings.dataDir, shared).observer());
  // Handoff tickets (转人工, complaints, two misses in a row): stored, listed at /admin/handoffs, sent to the webhook.
  const webhook = HandoffWebhook.fromEnv(env, { log: warn });
  const deliver = (t: Parameters<HandoffWebhook['send']>[0]) => {
    metrics.handoff(t.channel, t.reason);
    webhook?.send(t);
  };
  service.observe(handoffObserver({ store, knowledge: () => service.assistant.knowledge, settings: handoffSettings, deliver }));
  const adminToken = env.JIANLI_ADMIN_TOKEN?.trim() || undefined;
  const perMinute = (name: string, fallback: number) => {
    const v = env[name] === undefined ? fallback : Number(env[name]);
    if (!Number.isInteger(v) || v < 0) throw new Error(`${name} must be a whole number of requests per minute (0 = no limit)`);
    return v;
  };
  const rateLimits = {
    perAddressPerMinute: perMinute('JIANLI_RATE_PER_ADDRESS', 600),
    perConversationPerMinute: perMinute('JIANLI_RATE_PER_CONVERSATION', 60),
  };
  const trustProxy = parseTrustProxy(env.JIANLI_TRUST_PROXY);
  const latency = new LatencyRecorder();
  const teams = createTeamsHandler(service, teamsConfigFromEnv(env));
  const wechat = weChatConfigFromEnv(env);
  // With a Redis store, WeChat MsgIds are claimed in Redis, so every instance knows what another has answered.
  const msgIds = wechat && store.kind === 'redis' && settings.store ? RedisMsgIdClaims.connect(settings.store) : undefined;
  const messages = {
    wechatUnsupported: knowledge.messages.wechatUnsupported,
    wechatLater: knowledge.messages.wechatLater,
    choicesHeading: knowledge.messages.choicesHeading,
  };
  // Set once listening; draining on SIGTERM (src/server/shutdown.ts).
  let drain: Drain | undefined;
  const { server, close } = createApp({
    service,
    mount: [
      (app) => app.post('/api/messages', teams.handler),
      (app) => app.use(createPhotoCheckRouter()),
      (app) => {
        if (wechat) app.use('/wechat', createWeChatRouter(service, wechat, { messages, log: warn, photoCheck: weChatPhotoCheck(), msgIds }));
      },
      (app) => app.use('/admin', createAdminRouter({ service, store, token: adminToken, latency })),
    ],
    health: async () => {
      // Draining for a shutdown: not ready, so a load balancer sends new requests elsewhere.
      if (drain?.draining) return { ok: false, store: store.kind, reason: 'shutting down' };
      const h = await store.health();
      return { ok: h.ok, store: store.kind, ...(h.reason ? { reason: h.reason } : {}), intents: knowledge.answers.size + 1 };
    },
    rateLimits,
    rateLimitStores: shared && redisRateLimitStores(shared),
    trustProxy,
    latency,
    unavailableText: knowledge.messages.unavailable,
    logger,
    metrics,
    metricsToken: adminToken,
  });
  // A knowledge reload on one instance reaches the others (Redis pub/sub).
  const reloads = shared && settings.store ? new ReloadBus({ url: settings.store, publisher: shared, host: service, logger }) : undefined;
  await reloads
    ?.ready()
    .catch((err: Error) => warn(`knowledge reloads from other instances: not subscribed yet (${err.message}); subscribing when Redis is back`));
  // Listen only once the thread has trained (it did so while this thread set up the app), so the first turns do not wait.
  if (thread) await thread.ready().catch((err: Error) => warn(`${err.message}; turns run on the main thread`));
  // Everything opened so far, closed in order (also when listening fails: the data folder's lock is released).
  const release = async () => {
    await close();
    await webhook?.idle();
    await service.close();
    await store.close();
    msgIds?.close();
    await reloads?.close();
    await shared?.quit().catch(() => shared.disconnect());
  };
  // A port in use or an address this machine lacks is a ListenError naming PORT or HOST (src/server/listen.ts).
  await listen(server, opts.port, opts.host ?? '0.0.0.0').catch(async (err: unknown) => {
    await release().catch(() => undefined);
    throw err;
  });
  const { port } = server.address() as AddressInfo;
  drain = new Drain(server);
  const url = `http://localhost:${port}`;
  // Retention: forget conversations idle for longer than the setting, now and every hour.
  const purge = () => {
    if (!settings.retentionDays) return;
    const cutoff = new Date(Date.now() - settings.retentionDays * 86400_000);
    store.conversations.purgeIdleSince(cutoff).catch((err: Error) => warn(`retention purge failed: ${err.message}`));
  };
  purge();
  const purgeTimer = setInterval(purge, 3600_000);
  purgeTimer.unref();
  // The operator edits knowledge/ and the server picks it up; a bad file is refused and logged.
  const stopWatching =
    env.JIANLI_WATCH_KNOWLEDGE === '1' ? watchKnowledge(service, (l) => (l.startsWith('knowledge reload refused') ? warn(l) : log(l))) : undefined;
  // (A password in the Redis address is not printed.)
  const redisShown = (settings.store ?? '').replace(/\/\/[^@/]*@/, '//…@');
  log(
    `监理注销助手 is running (store: ${store.kind === 'redis' ? `redis ${redisShown}; rate limits, missed questions and knowledge reloads shared through it` : `lowdb in ${settings.dataDir}`}${settings.retentionDays ? `, retention ${settings.retentionDays} days` : ''})`,
  );
  log(`  web chat:  ${url}/`);
  log(`  API:       POST ${url}/api/chat, POST ${url}/api/check, GET ${url}/healthz`);
  log(
    `  WeChat:    ${wechat ? `${url}/wechat (${wechat.encodingAesKey ? (wechat.allowPlaintext ? 'safe mode, plain messages also accepted (WECHAT_ALLOW_PLAINTEXT)' : 'safe mode') : 'plain mode'})` : 'off (set WECHAT_TOKEN and WECHAT_APP_ID to enable)'}`,
  );
  log(
    `  admin:     ${adminToken ? `${url}/admin (Authorization: Bearer $JIANLI_ADMIN_TOKEN)` : 'off (set JIANLI_ADMIN_TOKEN to enable)'}; handoff webhook ${webhook ? 'on' : 'off (set JIANLI_HANDOFF_WEBHOOK)'}`,
  );
  log(`  metrics:   ${adminToken ? `GET ${url}/metrics (Prometheus; Authorization: Bearer $JIANLI_ADMIN_TOKEN)` : 'off (set JIANLI_ADMIN_TOKEN to enable)'}`);
  const teamsState = {
    authenticated: `POST ${url}/api/messages (authenticated: Bot Framework tokens are checked)`,
    emulator: `POST ${url}/api/messages (emulator mode: JIANLI_TEAMS_EMULATOR=1, no authentication, replies only to a serviceUrl on this machine)`,
    off: 'off (set MicrosoftAppId and MicrosoftAppPassword, or JIANLI_TEAMS_EMULATOR=1 for the Bot Framework Emulator on this machine)',
  }[teams.mode];
  log(`  Teams:     ${teamsState}`);
  return {
    url,
    async shutdown(this: RunningServer, timeoutMs = 10_000) {
      const requests = must(drain, 'the request drain (set once listening)');
      const answered = await requests.drain(timeoutMs);
      log(
        answered
          ? 'shutting down: every request under way was answered'
          : `shutting down: ${requests.inFlight} request(s) not answered within ${timeoutMs / 1000} s were closed`,
      );
      await this.close();
      return answered;
    },
    close: async () => {
      clearInterval(purgeTimer);
      stopWatching?.();
      await release();
    },
  };
}
