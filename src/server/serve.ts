/**
 * Starts the assistant's HTTP server on the embedded store (or the store JIANLI_STORE names).
 */
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { Assistant } from '../engine/assistant';
import { loadKnowledge } from '../knowledge/load';
import { AssistantChatService } from '../service/chat';
import { LowdbStore } from '../store/lowdb';
import { createApp } from './app';
import { createTeamsHandler, teamsConfigFromEnv } from '../channels/teams';
import { createWeChatRouter, weChatConfigFromEnv } from '../channels/wechat';

export interface ServeOptions {
  port: number;
  host?: string;
  dataDir: string;
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const log = opts.log ?? ((l: string) => process.stdout.write(`${l}\n`));
  const knowledge = loadKnowledge();
  const store = new LowdbStore(opts.dataDir);
  const service = new AssistantChatService(new Assistant(knowledge), store);
  const env = opts.env ?? process.env;
  const teams = createTeamsHandler(service, teamsConfigFromEnv(env));
  const wechat = weChatConfigFromEnv(env);
  const messages = { wechatUnsupported: knowledge.messages.wechatUnsupported, wechatLater: knowledge.messages.wechatLater };
  const { server, close } = createApp({
    service,
    mount: [
      (app) => app.post('/api/messages', teams.handler),
      (app) => {
        if (wechat) app.use('/wechat', createWeChatRouter(service, wechat, { messages, log }));
      },
    ],
    health: () => ({ store: 'lowdb', intents: knowledge.answers.size + 1 }),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '0.0.0.0', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://localhost:${port}`;
  log(`监理注销助手 is running (store: lowdb in ${opts.dataDir})`);
  log(`  web chat:  ${url}/`);
  log(`  API:       POST ${url}/api/chat, POST ${url}/api/check, GET ${url}/healthz`);
  log(`  WeChat:    ${wechat ? `${url}/wechat (${wechat.encodingAesKey ? 'safe mode' : 'plain mode'})` : 'off (set WECHAT_TOKEN and WECHAT_APP_ID to enable)'}`);
  log(`  Teams:     POST ${url}/api/messages (${teams.mode === 'local' ? 'local mode: no MicrosoftAppId/MicrosoftAppPassword set, no authentication, as the Bot Framework Emulator expects' : 'authenticated: Bot Framework tokens are checked'})`);
  return {
    url,
    close: async () => {
      await close();
      await store.close();
    },
  };
}

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.JIANLI_DATA ?? join(process.cwd(), 'data');
}
