/**
 * The table of settings (src/config.ts checks them): each one's name, group, zod schema, default and
 * meaning. `.env.example` is generated from it (`npm run env:example`) and the README's settings
 * tables describe the same names.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { anyText, flag, folder, httpUrl, trustProxy, wholeNumber } from './config-values';

/** The groups of `.env.example`, in order. */
export const GROUPS = {
  server: 'Server',
  store: 'Conversation store',
  limits: 'Limits and proxies',
  staff: 'Staff tools and operations',
  teams: 'Microsoft Teams (Bot Framework)',
  wechat: 'WeChat Official Account / WeCom',
} as const;

export interface Setting {
  group: keyof typeof GROUPS;
  /** Checks (and converts) the value as written; `undefined` means unset. */
  schema: z.ZodTypeAny;
  /** The value assumed when unset, as written in a .env file; undefined = unset means off / none. */
  default?: string;
  /** What it does, in one or two English sentences (.env.example and the error messages). */
  meaning: string;
  /** Where the value is secret: .env.example shows it empty. */
  secret?: boolean;
  /** An example value for .env.example when there is no default. */
  example?: string;
}

export const SETTINGS = {
  // Server
  JIANLI_ENV_FILE: {
    group: 'server',
    schema: anyText,
    default: '.env',
    meaning:
      'The settings file read at start-up, relative to the working folder (only from the environment, not from the file itself). Variables already set in the environment win over the file.',
  },
  JIANLI_AUTOBUILD: {
    group: 'server',
    schema: flag,
    default: '1',
    meaning:
      'With TypeScript installed, 1 = every jianli command first rebuilds dist/ when src/ is newer; 0 = it runs dist/ as it is (the tests set this after building once).',
  },
  PORT: {
    group: 'server',
    schema: z
      .string()
      .regex(/^\d+$/, 'must be a port number (0–65535)')
      .transform(Number)
      .refine((n) => n <= 65535, 'must be a port number (0–65535)'),
    default: '3978',
    meaning: 'The HTTP port of the server (0 = any free port).',
  },
  HOST: {
    group: 'server',
    schema: z
      .string()
      .refine(
        (v) => v === 'localhost' || isIP(v) !== 0,
        'must be an IP address to listen on (0.0.0.0 = every interface, 127.0.0.1 = this machine only) or localhost',
      ),
    default: '0.0.0.0',
    meaning: 'The address the server listens on: 0.0.0.0 for every interface (containers), 127.0.0.1 for this machine only.',
  },
  JIANLI_KNOWLEDGE_ROOT: {
    group: 'server',
    schema: folder('holding knowledge/ and dialogs/'),
    meaning: 'Where knowledge/ and dialogs/ are read from; unset = the project folder.',
    example: '/srv/jianli',
  },
  JIANLI_ENGINE_THREAD: {
    group: 'server',
    schema: flag,
    meaning:
      '1 = the engine (understanding and dialogs) answers on its own worker thread, 0 = on the event loop; unset = on its own thread when the machine has 2 or more cores.',
  },
  JIANLI_NLU_CACHE: {
    group: 'server',
    schema: anyText,
    meaning:
      'A folder where the trained NLU model is kept, filed under a hash of the NLU settings, the training phrases and the NLU code, so a start with unchanged knowledge reads it instead of training (about a second less); unset = train at every start (the tests set it).',
    example: 'node_modules/.cache/jianli-nlu',
  },
  JIANLI_SHUTDOWN_SECONDS: {
    group: 'server',
    schema: wholeNumber('seconds', 1, 600),
    default: '10',
    meaning: 'On SIGTERM or SIGINT: how long requests already being answered may take before the server closes them and exits.',
  },
  JIANLI_LOG_LEVEL: {
    group: 'server',
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      errorMap: () => ({ message: 'must be one of fatal, error, warn, info, debug, trace, silent' }),
    }),
    default: 'info',
    meaning: 'The least severe level written to the JSON log on standard output.',
  },
  // Store
  JIANLI_STORE: {
    group: 'store',
    schema: z.string().regex(/^(lowdb|rediss?:\/\/\S+)$/, 'must be lowdb or a Redis URL such as redis://127.0.0.1:6379'),
    default: 'lowdb',
    meaning:
      'Where conversations are kept: lowdb (files in JIANLI_DATA, one server process) or redis://host:6379 (rediss:// for TLS) for any number of instances.',
  },
  JIANLI_DATA: {
    group: 'store',
    schema: anyText,
    default: './data',
    meaning: "The embedded store's folder (lowdb): journal, conversations, transcripts, tickets, missed questions.",
  },
  JIANLI_FSYNC: {
    group: 'store',
    schema: flag,
    default: '0',
    meaning:
      'lowdb: 1 = each turn is on disk (fsync) before it is answered, so answered turns survive a power loss. With Redis set appendfsync in Redis instead.',
  },
  JIANLI_RETENTION_DAYS: {
    group: 'store',
    schema: z
      .string()
      .regex(/^\d+(\.\d+)?$/, 'must be a positive number of days')
      .transform(Number)
      .refine((n) => n > 0, 'must be a positive number of days'),
    meaning: 'Conversations idle longer than this many days are deleted (lowdb: at start-up and hourly; Redis: keys expire); unset = kept.',
    example: '180',
  },
  // Limits
  JIANLI_RATE_PER_ADDRESS: {
    group: 'limits',
    schema: wholeNumber('requests per minute'),
    default: '600',
    meaning: 'Requests per minute from one address to /api and /wechat (0 = no limit); over it: 429.',
  },
  JIANLI_RATE_PER_CONVERSATION: {
    group: 'limits',
    schema: wholeNumber('messages per minute'),
    default: '60',
    meaning: 'Messages per minute to one conversation over /api/chat and the web channel (0 = no limit).',
  },
  JIANLI_TRUST_PROXY: {
    group: 'limits',
    schema: trustProxy,
    default: 'false',
    meaning:
      "Which reverse proxies' X-Forwarded-For names the client (for rate limits and logs): a number of hops such as 1, or proxy addresses/subnets; false = none.",
  },
  // Staff and operations
  JIANLI_ADMIN_TOKEN: {
    group: 'staff',
    schema: z.string().min(16, 'must be at least 16 characters (a long random string, e.g. openssl rand -hex 24)'),
    secret: true,
    meaning: 'The bearer token of every /admin path and of /metrics; unset = those paths are off (404).',
  },
  JIANLI_HANDOFF_WEBHOOK: {
    group: 'staff',
    schema: httpUrl,
    meaning: 'A URL that receives each handoff ticket as JSON (POST, 5 s timeout); unset = tickets are only listed at /admin/handoffs.',
    example: 'https://helpdesk.example.cn/hooks/jianli',
  },
  JIANLI_WATCH_KNOWLEDGE: { group: 'staff', schema: flag, default: '0', meaning: '1 = reload the knowledge when a file under knowledge/ or dialogs/ changes.' },
  JIANLI_PUBLIC_URL: {
    group: 'staff',
    schema: z.string().regex(/^https:\/\/\S+$/, 'must be the https:// address the assistant is served at'),
    meaning: 'The https address the assistant is served at (used by npm run teams:package for the Teams app package).',
    example: 'https://jianli.example.cn',
  },
  // Teams
  MicrosoftAppId: {
    group: 'teams',
    schema: anyText,
    meaning: "The bot's Microsoft Entra app (client) id; with it Bot Framework tokens are checked. Also read as BOT_ID or CLIENT_ID.",
  },
  MicrosoftAppPassword: {
    group: 'teams',
    schema: anyText,
    secret: true,
    meaning: "The app registration's client secret (not for UserAssignedMSI). Also read as BOT_PASSWORD or CLIENT_SECRET.",
  },
  MicrosoftAppType: {
    group: 'teams',
    schema: z
      .string()
      .refine((v) => ['multitenant', 'singletenant', 'userassignedmsi'].includes(v.toLowerCase()), 'must be MultiTenant, SingleTenant or UserAssignedMSI'),
    default: 'MultiTenant',
    meaning: 'MultiTenant, SingleTenant or UserAssignedMSI. Also read as BOT_TYPE.',
  },
  MicrosoftAppTenantId: {
    group: 'teams',
    schema: anyText,
    meaning: 'The Entra tenant id; required for SingleTenant and UserAssignedMSI. Also read as TENANT_ID.',
  },
  JIANLI_TEAMS_EMULATOR: {
    group: 'teams',
    schema: flag,
    default: '0',
    meaning: '1 = without an app registration, answer the Bot Framework Emulator on this machine (no authentication, replies only to a loopback serviceUrl).',
  },
  // WeChat
  WECHAT_TOKEN: { group: 'wechat', schema: anyText, secret: true, meaning: '基本配置 → 令牌(Token); WeChat is on when set (with WECHAT_APP_ID).' },
  WECHAT_APP_ID: { group: 'wechat', schema: anyText, meaning: '开发者ID(AppID), or the WeCom CorpID; required with WECHAT_TOKEN.' },
  WECHAT_ENCODING_AES_KEY: {
    group: 'wechat',
    schema: z.string().regex(/^[A-Za-z0-9+/]{43}$/, 'must be the 43-character 消息加解密密钥(EncodingAESKey) shown in 基本配置'),
    secret: true,
    meaning: '消息加解密密钥(EncodingAESKey): set for safe/compatible mode and WeCom.',
  },
  WECHAT_APP_SECRET: {
    group: 'wechat',
    schema: anyText,
    secret: true,
    meaning: '开发者密码(AppSecret): slow answers are then sent through the customer-service API.',
  },
  WECHAT_TIMESTAMP_WINDOW: {
    group: 'wechat',
    schema: wholeNumber('seconds', 1),
    default: '300',
    meaning: "Seconds a request's timestamp may be off the server clock (replay protection).",
  },
  WECHAT_ALLOW_PLAINTEXT: {
    group: 'wechat',
    schema: z.enum(['0', '1', 'true', 'false', 'yes', 'no', 'on', 'off'], { errorMap: () => ({ message: 'must be 1 or 0' }) }),
    default: '0',
    meaning: 'With an EncodingAESKey, 1 also accepts plain messages (only while switching an account from 明文模式 to 安全模式: it allows forged bodies).',
  },
  WECHAT_LIVE_AGENTS: {
    group: 'wechat',
    schema: flag,
    default: '0',
    meaning: "1 = 转人工 is answered by handing the conversation to the account's live agents (transfer_customer_service).",
  },
} satisfies Record<string, Setting>;

export type SettingName = keyof typeof SETTINGS;
