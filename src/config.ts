/**
 * Every setting of the assistant, declared once in src/config-settings.ts (SETTINGS): its name, its
 * zod schema, its default and what it means. `.env.example` is generated from that table (`npm run
 * env:example`; a test checks it is current) and the README's settings tables describe the same names.
 * This file checks the settings against it and loads `.env`.
 *
 * Start-up (`jianli serve`) loads `.env` explicitly (`loadEnvFile`; variables already set in the
 * environment win) and checks every setting here before anything else runs, so a bad value stops it
 * with one English line naming the setting (`ConfigError`), never a stack trace. The modules that
 * use a setting still read it from the environment they are given (the channels' own readers, the
 * store's), but only after this check has accepted it.
 *
 * Values are read as written in a .env file: surrounding spaces are ignored and an empty value
 * (`WECHAT_TOKEN=`) counts as unset, i.e. as the default.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { SETTINGS, type Setting, type SettingName } from './config-settings';

export { GROUPS, SETTINGS, type Setting, type SettingName } from './config-settings';

/** A setting that cannot work; the message is one line naming the setting and what it must be. */
export class ConfigError extends Error {
  constructor(
    readonly setting: string,
    problem: string,
  ) {
    super(`Invalid setting ${setting}: ${problem}`);
    this.name = 'ConfigError';
  }
}

/** The settings as the server uses them: converted, with defaults filled in. */
export interface Config {
  port: number;
  host: string;
  knowledgeRoot?: string;
  engineThread?: boolean;
  shutdownSeconds: number;
  logLevel: string;
  store: string;
  dataDir: string;
  fsync: boolean;
  retentionDays?: number;
  ratePerAddress: number;
  ratePerConversation: number;
  adminToken?: string;
  /** Every setting by name, converted (undefined = unset without a default). */
  values: { [K in SettingName]: unknown };
}

/** The value as a .env file or the environment holds it: trimmed, empty = unset. */
function raw(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const v = env[name]?.trim();
  return v ? v : undefined;
}

/**
 * Checks every setting in `env` and returns them converted. Throws ConfigError for the first bad
 * value, naming it. Also checks the settings that only work together.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const values = {} as Record<SettingName, unknown>;
  for (const [name, s] of Object.entries(SETTINGS) as [SettingName, Setting][]) {
    const given = raw(env, name);
    const value = given ?? s.default;
    if (value === undefined) {
      values[name] = undefined;
      continue;
    }
    const r = s.schema.safeParse(value);
    if (!r.success) throw new ConfigError(name, `${r.error.issues[0]?.message ?? 'is not valid'} (got ${JSON.stringify(given ?? value)})`);
    values[name] = r.data;
  }
  if (raw(env, 'WECHAT_TOKEN') && !raw(env, 'WECHAT_APP_ID'))
    throw new ConfigError('WECHAT_APP_ID', 'is required when WECHAT_TOKEN is set (开发者ID(AppID), or the CorpID for WeCom)');
  if (raw(env, 'WECHAT_ENCODING_AES_KEY') && !raw(env, 'WECHAT_APP_ID')) throw new ConfigError('WECHAT_APP_ID', 'is required with WECHAT_ENCODING_AES_KEY');
  const appId = raw(env, 'MicrosoftAppId') ?? raw(env, 'BOT_ID') ?? raw(env, 'CLIENT_ID');
  const appPassword = raw(env, 'MicrosoftAppPassword') ?? raw(env, 'BOT_PASSWORD') ?? raw(env, 'CLIENT_SECRET') ?? raw(env, 'SECRET_BOT_PASSWORD');
  const appType = String(values.MicrosoftAppType).toLowerCase();
  if (!appId && appPassword) throw new ConfigError('MicrosoftAppId', 'is missing although MicrosoftAppPassword is set');
  if (appId && appType !== 'userassignedmsi' && !appPassword)
    throw new ConfigError('MicrosoftAppPassword', 'is missing although MicrosoftAppId is set (the client secret of the app registration)');
  if (appId && appType !== 'multitenant' && !(raw(env, 'MicrosoftAppTenantId') ?? raw(env, 'TENANT_ID') ?? raw(env, 'TEAMS_APP_TENANT_ID'))) {
    throw new ConfigError('MicrosoftAppTenantId', `is required for a ${String(values.MicrosoftAppType)} bot`);
  }
  return {
    port: values.PORT as number,
    host: values.HOST as string,
    knowledgeRoot: values.JIANLI_KNOWLEDGE_ROOT as string | undefined,
    engineThread: values.JIANLI_ENGINE_THREAD as boolean | undefined,
    shutdownSeconds: values.JIANLI_SHUTDOWN_SECONDS as number,
    logLevel: values.JIANLI_LOG_LEVEL as string,
    store: values.JIANLI_STORE as string,
    dataDir: resolve(values.JIANLI_DATA as string),
    fsync: values.JIANLI_FSYNC as boolean,
    retentionDays: values.JIANLI_RETENTION_DAYS as number | undefined,
    ratePerAddress: values.JIANLI_RATE_PER_ADDRESS as number,
    ratePerConversation: values.JIANLI_RATE_PER_CONVERSATION as number,
    adminToken: values.JIANLI_ADMIN_TOKEN as string | undefined,
    values,
  };
}

/**
 * Loads `.env` from the working folder (or the file JIANLI_ENV_FILE names) into process.env with
 * Node's own parser. Variables already in the environment win. Returns the file read, if any.
 */
export function loadEnvFile(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string | undefined {
  const named = env.JIANLI_ENV_FILE?.trim();
  const file = resolve(cwd, named || '.env');
  if (!existsSync(file)) {
    if (named) throw new ConfigError('JIANLI_ENV_FILE', `names ${file}, which does not exist`);
    return undefined;
  }
  try {
    process.loadEnvFile(file);
  } catch (err) {
    throw new ConfigError(named ? 'JIANLI_ENV_FILE' : '.env', `cannot be read (${(err as Error).message.split('\n')[0]})`);
  }
  return file;
}
