/**
 * Listening on PORT and HOST, with a failure told to the operator in one line that names the
 * setting to change (a port in use, a port that needs privileges, an address this machine does
 * not have), never as a stack trace.
 */
import type { Server } from 'node:http';

/** The server could not listen; `setting` is the one to change (PORT or HOST). */
export class ListenError extends Error {
  constructor(
    readonly setting: 'PORT' | 'HOST',
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'ListenError';
  }
}

/** The operator's one line for a failed listen. */
export function listenError(err: NodeJS.ErrnoException, port: number, host: string): ListenError {
  const where = `port ${port} on ${host}`;
  switch (err.code) {
    case 'EADDRINUSE':
      return new ListenError(
        'PORT',
        `cannot listen on ${where}: the port is already in use (another jianli serve or another program); stop it or set PORT to a free port`,
        err.code,
      );
    case 'EACCES':
    case 'EPERM':
      return new ListenError('PORT', `cannot listen on ${where}: permission denied (ports below 1024 need privileges); set PORT to 1024 or above`, err.code);
    case 'EADDRNOTAVAIL':
      return new ListenError(
        'HOST',
        `cannot listen on ${where}: ${host} is not an address of this machine; set HOST to one of its addresses, or 0.0.0.0 for all`,
        err.code,
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ListenError(
        'HOST',
        `cannot listen on ${where}: the host name ${host} cannot be resolved; set HOST to an address of this machine, or 0.0.0.0 for all`,
        err.code,
      );
    default:
      return new ListenError('PORT', `cannot listen on ${where} (check PORT and HOST): ${err.code ? `${err.code} ` : ''}${err.message}`, err.code);
  }
}

/**
 * Listens; a failure rejects with a ListenError. While listening, the server's other 'error'
 * listeners are set aside: the web channel's websocket server re-emits the server's errors and,
 * having no listener of its own, would throw the raw error as an uncaught exception.
 */
export async function listen(server: Server, port: number, host: string): Promise<void> {
  const others = server.rawListeners('error') as ((...args: unknown[]) => void)[];
  server.removeAllListeners('error');
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    throw listenError(err as NodeJS.ErrnoException, port, host);
  } finally {
    for (const l of others) server.on('error', l);
  }
}
