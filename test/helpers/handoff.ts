/** A chat service with the handoff observer on a fresh lowdb store, and a stand-in webhook server. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handoffObserver } from '../../src/handoff/observer';
import { loadHandoffSettings } from '../../src/handoff/settings';
import type { HandoffTicket } from '../../src/handoff/types';
import { tempService } from './service';

/** tempService() plus the handoff observer; `delivered` collects what it passes on. */
export function handoffService(deliver?: (t: HandoffTicket) => void) {
  const temp = tempService();
  const delivered: HandoffTicket[] = [];
  const store = temp.service.store;
  temp.service.observe(
    handoffObserver({
      store,
      knowledge: () => temp.service.assistant.knowledge,
      settings: loadHandoffSettings(),
      deliver: (t) => {
        delivered.push(t);
        deliver?.(t);
      },
    }),
  );
  return { ...temp, store, delivered };
}

export interface StandIn {
  url: string;
  received: { headers: IncomingMessage['headers']; body: string }[];
  close(): Promise<void>;
}

/** A local HTTP server standing in for the staff system's webhook. */
export async function startStandIn(answer: (req: IncomingMessage, res: ServerResponse) => void = (_q, r) => void r.writeHead(204).end()): Promise<StandIn> {
  const received: StandIn['received'] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (body += d));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      answer(req, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/handoff`,
    received,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
