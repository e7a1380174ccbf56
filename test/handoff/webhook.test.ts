/** The webhook over real HTTP: a local stand-in receives the masked ticket; failures are logged, never shown. */
import { afterAll, describe, expect, it } from 'vitest';
import { HandoffConfigError, HandoffWebhook } from '../../src/handoff/webhook';
import { handoffService, startStandIn, type StandIn } from '../helpers/handoff';

const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

async function setUp(answer?: Parameters<typeof startStandIn>[0], timeoutMs = 2000) {
  const standIn: StandIn = await startStandIn(answer);
  const logs: string[] = [];
  const webhook = new HandoffWebhook(new URL(standIn.url), { timeoutMs, log: (l) => logs.push(l) });
  const h = handoffService((t) => webhook.send(t));
  cleanups.push(
    () => standIn.close(),
    () => h.cleanup(),
  );
  return { standIn, logs, webhook, h };
}

describe('handoff webhook', () => {
  it('POSTs the ticket as JSON with ID-card and mobile numbers masked', async () => {
    const { standIn, logs, webhook, h } = await setUp();
    await h.service.handle({ conversationId: 'wh-1', text: '我身份证号110105199001011234，手机号是139-1234-5678，帮我注销', channel: 'wechat' });
    await h.service.handle({ conversationId: 'wh-1', text: '转人工', channel: 'wechat' });
    await webhook.idle();
    expect(standIn.received).toHaveLength(1);
    const [{ headers, body }] = standIn.received;
    expect(headers['content-type']).toMatch(/^application\/json/);
    expect(body).not.toContain('110105199001011234');
    expect(body).not.toContain('1234-5678');
    expect(body).not.toContain('12345678');
    const ticket = JSON.parse(body);
    expect(ticket).toMatchObject({ conversationId: 'wh-1', channel: 'wechat', reason: 'requested' });
    expect(ticket.summary.lastMessages[0]).toBe('我身份证号110105********1234，手机号是139****5678，帮我注销');
    expect(ticket).toEqual((await h.store.tickets.list(1, 'wh-1'))[0]);
    expect(logs).toEqual([]);
  });

  it('logs a failing endpoint (HTTP 500) without its content; the user gets the normal reply and the ticket is kept', async () => {
    const { logs, webhook, h } = await setUp((_req, res) => void res.writeHead(500).end('boom'));
    const r = await h.service.handle({ conversationId: 'wh-500', text: '我电话13812345678，转人工', channel: 'web' });
    // The privacy note comes first (a phone number was typed), then the usual handoff answer.
    expect(r.replies[0].text).toContain('已自动隐去');
    expect(r.replies[1].text).toContain('联系人工服务');
    await webhook.idle();
    const [ticket] = await h.store.tickets.list(1, 'wh-500');
    expect(logs).toEqual([`handoff webhook failed for ticket ${ticket.id}: HTTP 500`]);
  });

  it('gives up on an endpoint that does not answer within the timeout, without delaying the reply', async () => {
    const { standIn, logs, webhook, h } = await setUp(() => undefined, 1500);
    const r = await h.service.handle({ conversationId: 'wh-slow', text: '转人工', channel: 'web' });
    // The reply is back while the delivery is still waiting for the endpoint.
    expect(r.intent).toBe('handoff.human');
    expect(logs).toEqual([]);
    await webhook.idle();
    expect(standIn.received).toHaveLength(1);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(/^handoff webhook failed for ticket \d{8}-[0-9A-F]{6}: no answer within 1500 ms$/);
  });

  it('logs an endpoint that cannot be reached', async () => {
    const { standIn, logs, webhook, h } = await setUp();
    await standIn.close();
    await h.service.handle({ conversationId: 'wh-down', text: '转人工', channel: 'web' });
    await webhook.idle();
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(/handoff webhook failed for ticket .*ECONNREFUSED/);
  });

  it('reads JIANLI_HANDOFF_WEBHOOK: unset is off, a non-http URL stops start-up', () => {
    expect(HandoffWebhook.fromEnv({})).toBeUndefined();
    expect(HandoffWebhook.fromEnv({ JIANLI_HANDOFF_WEBHOOK: 'https://staff.example/hook' })?.url.href).toBe('https://staff.example/hook');
    expect(() => HandoffWebhook.fromEnv({ JIANLI_HANDOFF_WEBHOOK: 'ftp://x' })).toThrow(HandoffConfigError);
    expect(() => HandoffWebhook.fromEnv({ JIANLI_HANDOFF_WEBHOOK: 'not a url' })).toThrow(/JIANLI_HANDOFF_WEBHOOK must be an http/);
  });
});
