/**
 * JIANLI_TRUST_PROXY: behind a reverse proxy every request comes from the proxy's address, so the
 * per-address limits must read the client from X-Forwarded-For, and only when told to (otherwise
 * a client could pick its own address by sending the header).
 */
import express from 'express';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/server/app';
import { parseTrustProxy, type TrustProxy } from '../../src/server/limits';
import { listen } from '../helpers/listen';
import { tempService } from '../helpers/service';

const temp = tempService();
const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers) await close();
  temp.cleanup();
});

/** An app on 127.0.0.1 (standing in for the proxy) allowing two requests per address and minute. */
async function proxied(trustProxy: TrustProxy | undefined): Promise<string> {
  const app = createApp({ service: temp.service, rateLimits: { perAddressPerMinute: 2, perConversationPerMinute: 0 }, trustProxy });
  closers.push(app.close);
  return listen(app.server);
}

const chat = (base: string, client: string) =>
  fetch(`${base}/api/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': client },
    body: JSON.stringify({ conversationId: 'proxied', text: '你好' }),
  }).then((r) => r.status);
const check = (base: string, client: string) =>
  fetch(`${base}/api/check`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': client },
    body: JSON.stringify({ region: '江苏' }),
  }).then((r) => r.status);

describe('JIANLI_TRUST_PROXY', () => {
  it('reads hops, true/false and lists of addresses/subnets as Express does', () => {
    expect(parseTrustProxy(undefined)).toBeUndefined();
    expect(parseTrustProxy('  ')).toBeUndefined();
    expect(parseTrustProxy('1')).toBe(1);
    expect(parseTrustProxy('0')).toBe(0);
    expect(parseTrustProxy('TRUE')).toBe(true);
    expect(parseTrustProxy('false')).toBe(false);
    expect(parseTrustProxy('loopback, 10.0.0.0/8 ,fd00::/8,192.168.1.7,10.1.0.0/255.255.0.0, ::1')).toEqual([
      'loopback',
      '10.0.0.0/8',
      'fd00::/8',
      '192.168.1.7',
      '10.1.0.0/255.255.0.0',
      '::1',
    ]);
    // Every accepted value is one Express takes.
    for (const v of ['1', 'true', 'false', 'loopback,uniquelocal,linklocal', '10.0.0.0/8, fd00::/8', '10.1.0.0/255.255.0.0'])
      expect(() => express().set('trust proxy', parseTrustProxy(v))).not.toThrow();
  });

  it.each([
    'yes',
    '-1',
    '1.5',
    '10.0.0.0/33',
    'fd00::/129',
    '10.0.0.0/255.0.255.0',
    '10.0.0.1/8/8',
    'loopback,,10.0.0.1',
    'proxy.example.com',
    '256.1.1.1',
    '1000',
  ])('refuses %j with a message naming the setting', (value) => {
    expect(() => parseTrustProxy(value)).toThrow(/^JIANLI_TRUST_PROXY must be a number of proxy hops \(e\.g\. 1\), true, false, or a comma-separated list/);
  });

  it('=1: two clients behind one proxy are limited separately (chat endpoint and Express routes); unset: X-Forwarded-For is ignored', async () => {
    const behind = await proxied(parseTrustProxy('1'));
    expect([await chat(behind, '203.0.113.1'), await chat(behind, '203.0.113.1'), await chat(behind, '203.0.113.1')]).toEqual([200, 200, 429]);
    expect(await chat(behind, '203.0.113.2')).toBe(200);
    // Only the nearest hop is trusted: what the client itself wrote further left does not count.
    expect(await chat(behind, '198.51.100.9, 203.0.113.1')).toBe(429);
    expect([await check(behind, '203.0.113.3'), await check(behind, '203.0.113.3'), await check(behind, '203.0.113.3')]).toEqual([200, 200, 429]);
    expect(await check(behind, '203.0.113.4')).toBe(200);

    const direct = await proxied(parseTrustProxy(undefined));
    expect([await chat(direct, '203.0.113.1'), await chat(direct, '203.0.113.2'), await chat(direct, '203.0.113.3')]).toEqual([200, 200, 429]);
    const direct2 = await proxied(undefined);
    expect([await check(direct2, '203.0.113.1'), await check(direct2, '203.0.113.2'), await check(direct2, '203.0.113.3')]).toEqual([200, 200, 429]);
  });
});
