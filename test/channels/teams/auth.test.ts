/**
 * Forged and tampered Bot Framework tokens with credentials set: every failed token check is a
 * 401 and nothing is sent to the activity's serviceUrl. The check is the library's own
 * (botframework-connector); before, the errors jsonwebtoken throws for these tokens (they carry
 * no status) came out as 500.
 *
 * Microsoft's signing keys: the library fetches them from login.botframework.com (channel tokens)
 * and login.microsoftonline.com (Emulator, ASE and skill tokens) and caches them per URL in
 * JwtTokenExtractor's metadata cache. The tests put a stand-in for both URLs in that cache that
 * knows one RSA key of ours, so no test reaches the network and a correctly signed token exists
 * to tamper with.
 */
import { createHmac, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { ConfigurationBotFrameworkAuthentication, type Activity } from 'botbuilder';
import { AuthenticationConstants } from 'botframework-connector';
import { JwtTokenExtractor } from 'botframework-connector/lib/auth/jwtTokenExtractor';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { teamsAuthSettings, type TeamsConfig } from '../../../src/channels/teams';
import { tempService } from '../../helpers/service';
import { activity, post, startHarness, startTarget, type Harness } from './harness';

const APP_ID = '00000000-0000-0000-0000-0000000000a1';
const CONFIG: TeamsConfig = { appId: APP_ID, appPassword: 'not-a-real-secret' };
const KID = 'stand-in-key';
const CHANNEL_ISSUER = AuthenticationConstants.ToBotFromChannelTokenIssuer;
/** The Bot Framework's tenant, one of the issuers the library accepts for Emulator tokens. */
const EMULATOR_ISSUER = 'https://sts.windows.net/d6d49420-f39b-4df7-a1dc-d59a935871db/';

const microsoft = generateKeyPairSync('rsa', { modulusLength: 2048 });
const attacker = generateKeyPairSync('rsa', { modulusLength: 2048 });
const microsoftPublicPem = microsoft.publicKey.export({ type: 'spki', format: 'pem' }).toString();

/** What the stand-in key endpoint does: serve our key, or fail as an unreachable login.botframework.com does. */
let keysDown = false;
const standInKeys = {
  async getKey(kid: string) {
    if (keysDown)
      throw Object.assign(new Error('request to https://login.botframework.com/v1/.well-known/openidconfiguration failed, reason: getaddrinfo ENOTFOUND'), {
        name: 'FetchError',
      });
    return kid === KID ? { key: microsoftPublicPem } : null;
  },
};
const metadataCache = (JwtTokenExtractor as unknown as { openIdMetadataCache: Map<string, unknown> }).openIdMetadataCache;
const METADATA_URLS = [AuthenticationConstants.ToBotFromChannelOpenIdMetadataUrl, AuthenticationConstants.ToBotFromEmulatorOpenIdMetadataUrl];

const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function rs256(payload: Record<string, unknown>, key: KeyObject = microsoft.privateKey, kid = KID): string {
  const input = `${part({ alg: 'RS256', typ: 'JWT', kid })}.${part(payload)}`;
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

/** A channel token as the Bot Framework issues it for our bot and this serviceUrl. */
function channelClaims(serviceUrl: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return { iss: CHANNEL_ISSUER, aud: APP_ID, serviceurl: serviceUrl, nbf: now - 60, exp: now + 3600, ...extra };
}

let cleanup: () => void;
let service: ReturnType<typeof tempService>['service'];
let h: Harness;
let target: Awaited<ReturnType<typeof startTarget>>;
let targetUrl: string;
let errors: MockInstance<typeof console.error>;
const saved = new Map<string, unknown>();

beforeAll(async () => {
  for (const url of METADATA_URLS) {
    saved.set(url, metadataCache.get(url));
    metadataCache.set(url, standInKeys);
  }
  const temp = tempService();
  service = temp.service;
  cleanup = temp.cleanup;
  h = await startHarness(service, CONFIG);
  target = await startTarget();
  targetUrl = `http://127.0.0.1:${target.port}`;
});

afterAll(async () => {
  await h.stop();
  await target.stop();
  cleanup();
  for (const [url, value] of saved) {
    if (value === undefined) metadataCache.delete(url);
    else metadataCache.set(url, value);
  }
});

beforeEach(() => {
  keysDown = false;
  // The library prints every failed verification ("Error finding key for token..."); keep the output readable.
  errors = vi.spyOn(console, 'error').mockImplementation(() => {});
  return () => errors.mockRestore();
});

/** The activity an attacker sends: reply to the target. */
function forged(conversation: string, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...activity(h, conversation, { text: '注销需要什么材料', channelId: 'msteams', ...fields }), serviceUrl: targetUrl };
}

async function rejected(token: string, conversation: string, fields: Record<string, unknown> = {}): Promise<void> {
  const res = await post(h, forged(conversation, fields), { headers: { Authorization: `Bearer ${token}` } });
  expect(res.status).toBe(401);
  expect(JSON.parse(res.body)).toEqual({ error: 'unauthorized: a valid Bot Framework token is required' });
  expect(target.hits).toEqual([]);
  expect(h.hits).toEqual([]);
  expect(await service.history(`teams:${conversation}`)).toEqual([]);
}

describe('Teams channel with credentials: forged tokens are 401 and nothing is sent', () => {
  it('runs in authenticated mode', () => {
    expect(h.mode).toBe('authenticated');
  });

  it('control: the stand-in keys make a correctly signed token pass the library check (so the attacks below fail on the forgery alone)', async () => {
    const auth = new ConfigurationBotFrameworkAuthentication(teamsAuthSettings(CONFIG).options);
    const a = forged('control') as unknown as Activity;
    const result = await auth.authenticateRequest(a, `Bearer ${rs256(channelClaims(targetUrl))}`);
    expect(result.claimsIdentity.isAuthenticated).toBe(true);
    expect(result.claimsIdentity.getClaimValue('aud')).toBe(APP_ID);
  });

  it('rejects an unsigned token (alg=none)', async () => {
    const token = `${part({ alg: 'none', typ: 'JWT', kid: KID })}.${part(channelClaims(targetUrl))}.`;
    await rejected(token, 'alg-none');
  });

  it("rejects an HS256 token keyed with Microsoft's public key (algorithm confusion)", async () => {
    const input = `${part({ alg: 'HS256', typ: 'JWT', kid: KID })}.${part(channelClaims(targetUrl))}`;
    await rejected(`${input}.${createHmac('sha256', microsoftPublicPem).update(input).digest('base64url')}`, 'hs256');
  });

  it('rejects a genuine token whose claims were edited (the signature no longer matches)', async () => {
    const [header, , signature] = rs256(channelClaims('https://smba.trafficmanager.net/amer/')).split('.');
    await rejected(`${header}.${part(channelClaims(targetUrl))}.${signature}`, 'tampered');
  });

  it("rejects a token signed with the attacker's key under Microsoft's key id", async () => {
    await rejected(rs256(channelClaims(targetUrl), attacker.privateKey), 'wrong-key');
  });

  it('rejects an unsigned token posing as the Emulator (another issuer and key set)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = `${part({ alg: 'none', typ: 'JWT', kid: KID })}.${part({ iss: EMULATOR_ISSUER, aud: APP_ID, appid: APP_ID, ver: '1.0', nbf: now - 60, exp: now + 3600 })}.`;
    await rejected(token, 'emulator-none', { channelId: 'emulator' });
  });

  it('rejects an unsigned token on the ASE channel id (the library checks that channel apart)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = `${part({ alg: 'none', typ: 'JWT', kid: KID })}.${part({ iss: EMULATOR_ISSUER, aud: APP_ID, nbf: now - 60, exp: now + 3600 })}.`;
    await rejected(token, 'ase-none', { channelId: 'AseChannel' });
  });

  it('rejects a genuine token for another serviceUrl (the library binds the reply address to the token)', async () => {
    await rejected(rs256(channelClaims('https://smba.trafficmanager.net/amer/')), 'other-service-url');
  });

  it('rejects a genuine token for another bot, and an expired one', async () => {
    await rejected(rs256(channelClaims(targetUrl, { aud: '00000000-0000-0000-0000-0000000000b2' })), 'other-bot');
    const past = Math.floor(Date.now() / 1000) - 7200;
    await rejected(rs256(channelClaims(targetUrl, { nbf: past - 3600, exp: past })), 'expired');
  });

  it('rejects a token when the keys cannot be fetched, and says why in the server log', async () => {
    keysDown = true;
    await rejected(rs256(channelClaims(targetUrl)), 'keys-down');
    expect(errors.mock.calls.map((c) => String(c[0]))).toContainEqual(expect.stringMatching(/^Teams: a Bot Framework token could not be checked: .*ENOTFOUND/));
  });

  it('rejects a request without Authorization, and with another scheme', async () => {
    const none = await post(h, forged('no-header'));
    expect(none.status).toBe(401);
    const basic = await post(h, forged('basic'), { headers: { Authorization: 'Basic dXNlcjpwYXNz' } });
    expect(basic.status).toBe(401);
    expect(target.hits).toEqual([]);
  });

  it('still checks the body and the text length first (400, 413)', async () => {
    expect((await post(h, forged('bad', { text: 5 }))).status).toBe(400);
    expect((await post(h, forged('long', { text: 'x'.repeat(2001) }))).status).toBe(413);
    expect(target.hits).toEqual([]);
  });
});
