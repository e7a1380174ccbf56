/**
 * POST /api/messages for Microsoft Teams (and the Bot Framework Emulator): checks the body,
 * lets the adapter authenticate the request, runs the teams-ai Application and maps every
 * failure to a status with a short reason. Never a stack trace, never an unanswered request.
 */
import type { ServerResponse } from 'node:http';
import type { Activity, InvokeResponse, TurnContext } from 'botbuilder';
import { TeamsAdapter } from '@microsoft/teams-ai';
import type { ChatService } from '../../service/types';
import { createTeamsApplication } from './app';
import { ActivityBodyError, parseActivity, readJsonBody, type TeamsRequest } from './body';
import { teamsAuthSettings, type TeamsConfig, type TeamsMode } from './config';

export type TeamsHandler = (req: TeamsRequest, res: ServerResponse) => Promise<void>;

/** A failure inside our own turn logic, kept apart from the adapter's authentication errors. */
export class TeamsTurnError extends Error {
  constructor(readonly cause: unknown) {
    super(`Teams turn failed: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'TeamsTurnError';
  }
}

/**
 * CloudAdapter.process answers auth failures itself, but it also logs every rejected request
 * with a stack, sends our own errors' messages to the caller and leaves a malformed body as an
 * unhandled rejection. Its protected processActivity does only the authentication and the
 * turn, so the handler below decides every status.
 */
class TeamsChannelAdapter extends TeamsAdapter {
  runActivity(authHeader: string, activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined> {
    return this.processActivity(authHeader, activity, logic);
  }
}

/**
 * botframework-connector's AuthenticationError carries the status (401, or 403 for a token of
 * another bot); only errors raised before our logic ran can be one (ours are TeamsTurnError).
 */
function authStatus(err: unknown): 401 | 403 | undefined {
  const status = (err as { statusCode?: unknown } | null)?.statusCode;
  return status === 401 || status === 403 ? status : undefined;
}

function reply(res: ServerResponse, status: number, body?: unknown): void {
  if (res.headersSent) return;
  res.statusCode = status;
  if (body === undefined) {
    res.end();
    return;
  }
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}

function authorizationHeader(req: TeamsRequest): string {
  const value = req.headers.authorization;
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

/**
 * The Express handler for the Teams channel. `mode` is `authenticated` when an app id is
 * configured (requests need a valid Bot Framework token) and `local` otherwise (the Emulator's
 * unauthenticated mode; the server should say so at start-up). Throws TeamsConfigError for a
 * half-configured registration.
 */
export function createTeamsHandler(service: ChatService, config: TeamsConfig): { handler: TeamsHandler; mode: TeamsMode } {
  const { mode, options } = teamsAuthSettings(config);
  const adapter = new TeamsChannelAdapter(options);
  const app = createTeamsApplication(service, adapter);

  const logic = async (context: TurnContext): Promise<void> => {
    try {
      await app.run(context);
    } catch (err) {
      throw new TeamsTurnError(err);
    }
  };

  const handler: TeamsHandler = async (req, res) => {
    try {
      if (req.method !== 'POST') return reply(res, 405, { error: 'only POST is accepted' });
      const activity = parseActivity(await readJsonBody(req));
      const invoke = await adapter.runActivity(authorizationHeader(req), activity, logic);
      reply(res, invoke?.status ?? 200, invoke?.body);
    } catch (err) {
      if (err instanceof ActivityBodyError) return reply(res, err.status, { error: err.message });
      const denied = authStatus(err);
      if (denied) return reply(res, denied, { error: denied === 401 ? 'unauthorized: a valid Bot Framework token is required' : 'forbidden' });
      // The cause goes to the server log; the caller (the Bot Framework service) gets no internals.
      console.error(err instanceof TeamsTurnError ? err.cause : err);
      reply(res, 500, { error: 'the message could not be processed' });
    }
  };

  return { handler, mode };
}
