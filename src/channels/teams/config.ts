/**
 * Settings of the Teams channel: the bot's Microsoft Entra app registration, or none at all for
 * the Bot Framework Emulator. Read once from the environment, checked before the adapter exists.
 */
import type { ConfigurationBotFrameworkAuthenticationOptions } from 'botbuilder';

export const APP_TYPES = ['MultiTenant', 'SingleTenant', 'UserAssignedMSI'] as const;
export type TeamsAppType = (typeof APP_TYPES)[number];

/** The bot's app registration; every field empty means the local, unauthenticated mode. */
export interface TeamsConfig {
  appId?: string;
  appPassword?: string;
  tenantId?: string;
  appType?: TeamsAppType;
}

/** `authenticated`: every request must carry a Bot Framework token. `local`: Emulator, no tokens. */
export type TeamsMode = 'authenticated' | 'local';

/** A setting that cannot work; names the variable so the operator knows what to fix. */
export class TeamsConfigError extends Error {
  constructor(readonly setting: string, problem: string) {
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
  let type: TeamsAppType | undefined;
  if (appType) {
    type = APP_TYPES.find((t) => t.toLowerCase() === appType.value.toLowerCase());
    if (!type) throw new TeamsConfigError(appType.name, `must be one of ${APP_TYPES.join(', ')} (got "${appType.value}")`);
  }
  return { appId: appId?.value, appPassword: appPassword?.value, tenantId: tenantId?.value, appType: type };
}

/**
 * Decides the mode and the adapter options. Half a registration is refused rather than run
 * unauthenticated: an app id without its secret would otherwise open the endpoint to anyone.
 */
export function teamsAuthSettings(config: TeamsConfig): { mode: TeamsMode; options: ConfigurationBotFrameworkAuthenticationOptions } {
  const { appId, appPassword, tenantId } = config;
  const appType = config.appType ?? 'MultiTenant';
  if (!appId) {
    if (appPassword) throw new TeamsConfigError('MicrosoftAppId', 'is missing although MicrosoftAppPassword is set');
    return { mode: 'local', options: {} };
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
