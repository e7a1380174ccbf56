/**
 * Settings of the Teams channel: the bot's Microsoft Entra app registration, or, for the Bot
 * Framework Emulator on this machine, JIANLI_TEAMS_EMULATOR=1. With neither the channel is off.
 * Read once from the environment, checked before the adapter exists.
 */
import type { ConfigurationBotFrameworkAuthenticationOptions } from 'botbuilder';

export const APP_TYPES = ['MultiTenant', 'SingleTenant', 'UserAssignedMSI'] as const;
export type TeamsAppType = (typeof APP_TYPES)[number];

/** The setting that opens the unauthenticated Emulator mode when no app registration is set. */
export const EMULATOR_SETTING = 'JIANLI_TEAMS_EMULATOR';

/** The bot's app registration, or none and `emulator` for the Bot Framework Emulator. */
export interface TeamsConfig {
  appId?: string;
  appPassword?: string;
  tenantId?: string;
  appType?: TeamsAppType;
  /** JIANLI_TEAMS_EMULATOR=1: without an app registration, answer the Emulator on this machine. */
  emulator?: boolean;
}

/**
 * `authenticated`: every request must carry a Bot Framework token.
 * `emulator`: no tokens, replies only to a loopback serviceUrl (the Emulator on this machine).
 * `off`: no registration and no JIANLI_TEAMS_EMULATOR=1; every request gets 404.
 */
export type TeamsMode = 'authenticated' | 'emulator' | 'off';

/** A setting that cannot work; names the variable so the operator knows what to fix. */
export class TeamsConfigError extends Error {
  constructor(
    readonly setting: string,
    problem: string,
  ) {
    super(`Teams channel: ${setting} ${problem}`);
    this.name = 'TeamsConfigError';
  }
}

/**
 * The first non-empty value among equivalent variable names. Bot Framework samples use
 * MicrosoftApp*, the teams-ai samples BOT_ID/BOT_PASSWORD, newer Teams Toolkit templates
 * CLIENT_ID/CLIENT_SECRET; accepting all of them lets a copied .env file work unchanged.
 */
function first(env: Record<string, string | undefined>, names: string[]): { name: string; value: string } | undefined {
  for (const name of names) {
    const value = env[name]?.trim();
    if (value) return { name, value };
  }
  return undefined;
}

/** Reads the Teams settings from environment variables (process.env by default). */
export function teamsConfigFromEnv(env: Record<string, string | undefined> = process.env): TeamsConfig {
  const appId = first(env, ['MicrosoftAppId', 'BOT_ID', 'CLIENT_ID']);
  const appPassword = first(env, ['MicrosoftAppPassword', 'BOT_PASSWORD', 'CLIENT_SECRET', 'SECRET_BOT_PASSWORD']);
  const tenantId = first(env, ['MicrosoftAppTenantId', 'TENANT_ID', 'TEAMS_APP_TENANT_ID']);
  const appType = first(env, ['MicrosoftAppType', 'BOT_TYPE']);
  const emulator = env[EMULATOR_SETTING]?.trim() ?? '';
  if (emulator !== '' && emulator !== '0' && emulator !== '1') throw new TeamsConfigError(EMULATOR_SETTING, `must be 1 (on) or 0 (off) (got "${emulator}")`);
  let type: TeamsAppType | undefined;
  if (appType) {
    type = APP_TYPES.find((t) => t.toLowerCase() === appType.value.toLowerCase());
    if (!type) throw new TeamsConfigError(appType.name, `must be one of ${APP_TYPES.join(', ')} (got "${appType.value}")`);
  }
  return { appId: appId?.value, appPassword: appPassword?.value, tenantId: tenantId?.value, appType: type, emulator: emulator === '1' };
}

/**
 * Decides the mode and the adapter options. Half a registration is refused rather than run
 * unauthenticated: an app id without its secret would otherwise open the endpoint to anyone.
 * A registration wins over JIANLI_TEAMS_EMULATOR: tokens are then checked in any case.
 */
export function teamsAuthSettings(config: TeamsConfig): { mode: TeamsMode; options: ConfigurationBotFrameworkAuthenticationOptions } {
  const { appId, appPassword, tenantId } = config;
  const appType = config.appType ?? 'MultiTenant';
  if (!appId) {
    if (appPassword) throw new TeamsConfigError('MicrosoftAppId', 'is missing although MicrosoftAppPassword is set');
    return { mode: config.emulator ? 'emulator' : 'off', options: {} };
  }
  if (appType === 'UserAssignedMSI') {
    if (appPassword) throw new TeamsConfigError('MicrosoftAppPassword', 'must not be set for a UserAssignedMSI bot');
  } else if (!appPassword) {
    throw new TeamsConfigError('MicrosoftAppPassword', 'is missing although MicrosoftAppId is set (the client secret of the app registration)');
  }
  if (appType !== 'MultiTenant' && !tenantId) throw new TeamsConfigError('MicrosoftAppTenantId', `is required for a ${appType} bot`);
  return {
    mode: 'authenticated',
    options: {
      MicrosoftAppId: appId,
      MicrosoftAppPassword: appPassword,
      MicrosoftAppType: appType,
      MicrosoftAppTenantId: tenantId,
    },
  };
}
