/**
 * A server that cannot listen says why in one line naming the setting (PORT or HOST), as a
 * ListenError, not as a raw EADDRINUSE thrown from the web channel's websocket server; and it
 * closes what it opened, so the data folder is free for the next start.
 */
import { createServer, type Server } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../src/server/serve';
import { ListenError } from '../../src/server/listen';

const dataDir = mkdtempSync(join(tmpdir(), 'jianli-listen-'));
let busy: Server;
let busyPort: number;

beforeAll(async () => {
  busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  busyPort = (busy.address() as { port: number }).port;
});
afterAll(async () => {
  await new Promise<void>((resolve) => busy.close(() => resolve()));
  rmSync(dataDir, { recursive: true, force: true });
});

const quiet = { log: () => undefined, env: {} };

describe('startServer on a port it cannot use', () => {
  it('a port in use: a ListenError naming PORT and the port, one line, then the data folder is free again', async () => {
    const err = await startServer({ port: busyPort, host: '127.0.0.1', dataDir, ...quiet }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ListenError);
    const e = err as ListenError;
    expect(e.setting).toBe('PORT');
    expect(e.code).toBe('EADDRINUSE');
    expect(e.message).toContain(`port ${busyPort}`);
    expect(e.message).toContain('set PORT');
    expect(e.message).not.toContain('\n');
    expect(e.message).not.toMatch(/\p{Script=Han}/u);
    // What it opened was closed: a server on the same data folder starts (the store's lock was released).
    const next = await startServer({ port: 0, host: '127.0.0.1', dataDir, ...quiet });
    await next.close();
  });

  it('an address this machine does not have: a ListenError naming HOST', async () => {
    // 203.0.113.0/24 is TEST-NET-3 (RFC 5737): never an address of this machine.
    const err = await startServer({ port: 0, host: '203.0.113.9', dataDir, ...quiet }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ListenError);
    expect((err as ListenError).setting).toBe('HOST');
    expect((err as ListenError).message).toMatch(/203\.0\.113\.9 is not an address of this machine; set HOST/);
  });
});
