/** Reading the bot registration from the environment and deciding the mode. */
import { describe, expect, it } from 'vitest';
import { TeamsConfigError, teamsAuthSettings, teamsConfigFromEnv } from '../../../src/channels/teams';

describe('teamsConfigFromEnv', () => {
  it('reads the Bot Framework names', () => {
    expect(teamsConfigFromEnv({ MicrosoftAppId: 'id', MicrosoftAppPassword: 'pw', MicrosoftAppTenantId: 't', MicrosoftAppType: 'singletenant' })).toEqual({
      appId: 'id',
      appPassword: 'pw',
      tenantId: 't',
      appType: 'SingleTenant',
      emulator: false,
    });
  });

  it('reads the teams-ai sample names and the Teams Toolkit names', () => {
    expect(teamsConfigFromEnv({ BOT_ID: 'a', BOT_PASSWORD: 'b' })).toMatchObject({ appId: 'a', appPassword: 'b' });
    expect(teamsConfigFromEnv({ CLIENT_ID: 'c', CLIENT_SECRET: 'd', BOT_TYPE: 'MultiTenant', TEAMS_APP_TENANT_ID: 'e' })).toEqual({
      appId: 'c',
      appPassword: 'd',
      tenantId: 'e',
      appType: 'MultiTenant',
      emulator: false,
    });
  });

  it('prefers MicrosoftApp* and ignores blank values', () => {
    expect(teamsConfigFromEnv({ MicrosoftAppId: ' ', BOT_ID: 'bot', MicrosoftAppPassword: 'pw', CLIENT_SECRET: 'other' })).toMatchObject({
      appId: 'bot',
      appPassword: 'pw',
    });
  });

  it('gives an empty config (the channel off) for an empty environment', () => {
    expect(teamsConfigFromEnv({})).toEqual({ appId: undefined, appPassword: undefined, tenantId: undefined, appType: undefined, emulator: false });
    expect(teamsAuthSettings(teamsConfigFromEnv({})).mode).toBe('off');
  });

  it('reads JIANLI_TEAMS_EMULATOR=1 (and 0, or blank, as off)', () => {
    expect(teamsConfigFromEnv({ JIANLI_TEAMS_EMULATOR: '1' }).emulator).toBe(true);
    expect(teamsConfigFromEnv({ JIANLI_TEAMS_EMULATOR: ' 1 ' }).emulator).toBe(true);
    expect(teamsConfigFromEnv({ JIANLI_TEAMS_EMULATOR: '0' }).emulator).toBe(false);
    expect(teamsConfigFromEnv({ JIANLI_TEAMS_EMULATOR: '' }).emulator).toBe(false);
  });

  it('refuses any other JIANLI_TEAMS_EMULATOR value, naming the variable, rather than guess', () => {
    expect(() => teamsConfigFromEnv({ JIANLI_TEAMS_EMULATOR: 'true' })).toThrow(TeamsConfigError);
    expect(() => teamsConfigFromEnv({ JIANLI_TEAMS_EMULATOR: 'yes' })).toThrow(/JIANLI_TEAMS_EMULATOR must be 1 \(on\) or 0 \(off\)/);
  });

  it('refuses an unknown app type, naming the variable', () => {
    expect(() => teamsConfigFromEnv({ MicrosoftAppType: 'Everyone' })).toThrow(/MicrosoftAppType must be one of/);
  });
});

describe('teamsAuthSettings', () => {
  it('is off without an app registration, and in emulator mode only with JIANLI_TEAMS_EMULATOR=1', () => {
    expect(teamsAuthSettings({}).mode).toBe('off');
    expect(teamsAuthSettings({ emulator: false }).mode).toBe('off');
    expect(teamsAuthSettings({ emulator: true })).toEqual({ mode: 'emulator', options: {} });
  });

  it('checks tokens when an app registration is set, even with JIANLI_TEAMS_EMULATOR=1', () => {
    expect(teamsAuthSettings(teamsConfigFromEnv({ MicrosoftAppId: 'id', MicrosoftAppPassword: 'pw', JIANLI_TEAMS_EMULATOR: '1' })).mode).toBe('authenticated');
  });

  it('refuses half a registration in emulator mode too', () => {
    expect(() => teamsAuthSettings({ appPassword: 'pw', emulator: true })).toThrow(/MicrosoftAppId/);
  });

  it('is authenticated with an app id and password', () => {
    const s = teamsAuthSettings({ appId: 'id', appPassword: 'pw' });
    expect(s.mode).toBe('authenticated');
    expect(s.options).toMatchObject({ MicrosoftAppId: 'id', MicrosoftAppPassword: 'pw', MicrosoftAppType: 'MultiTenant' });
  });

  it('refuses half a registration instead of running unauthenticated', () => {
    expect(() => teamsAuthSettings({ appId: 'id' })).toThrow(TeamsConfigError);
    expect(() => teamsAuthSettings({ appId: 'id' })).toThrow(/MicrosoftAppPassword/);
    expect(() => teamsAuthSettings({ appPassword: 'pw' })).toThrow(/MicrosoftAppId/);
  });

  it('needs a tenant for single-tenant and managed-identity bots', () => {
    expect(() => teamsAuthSettings({ appId: 'id', appPassword: 'pw', appType: 'SingleTenant' })).toThrow(/MicrosoftAppTenantId/);
    expect(teamsAuthSettings({ appId: 'id', appType: 'UserAssignedMSI', tenantId: 't' }).mode).toBe('authenticated');
    expect(() => teamsAuthSettings({ appId: 'id', appPassword: 'pw', appType: 'UserAssignedMSI', tenantId: 't' })).toThrow(/must not be set/);
  });
});
