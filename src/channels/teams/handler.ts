/**
 * POST /api/messages for Microsoft Teams (and the Bot Framework Emulator): checks the body,
 * lets the library authenticate the request, runs the teams-ai Application and maps every
 * failure to a status with a short reason. Never a stack trace, never an unanswered request.
 *
 * Without an app registration the endpoint is off (404) unless JIANLI_TEAMS_EMULATOR=1; then it
 * answers without tokens, but only to a serviceUrl on this machine.
 */
import type { ServerResponse } from 'node:http';
import type { Activity, InvokeResponse, TurnContext } from 'botbuilder';
import { TeamsAdapter } from '@microsoft/teams-ai';
import type { ChatService } from '../../service/types';
import { createTeamsApplication } from './app';
import { ActivityBodyError, checkTextLength, parseActivity, readJsonBody, requireLoopbackServiceUrl, type TeamsRequest } from './body';
import { EMULATOR_SETTING, teamsAuthSettings, type TeamsConfig, type TeamsMode } from './config';

export type TeamsHandler = (req: TeamsRequest, res: ServerResponse) => Promise<void>;

export interface TeamsHandlerOptions {
  /** Longest user message accepted (characters), as createApp's maxTextLength for /api/chat. Default 2000. */
  maxTextLength?: number;
}

/** A failure inside our own turn logic, kept apart from the adapter's authentication errors. */
export class TeamsTurnError extends Error {
  constructor(readonly cause: unknown) {
    super(`Teams turn failed: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'TeamsTurnError';
  }
}

/** What a request to the endpoint gets while it is off; names the settings that turn it on. */
export const TEAMS_OFF_REASON = `the Teams endpoint is off: set MicrosoftAppId and MicrosoftAppPassword (requests must then carry a Bot Framework token), or ${EMULATOR_SETTING}=1 for the Bot Framework Emulator on this machine`;

const UNAUTHORIZED_REASON = 'unauthorized: a valid Bot Framework token is required';

/**
 * CloudAdapter.process answers auth failures itself, but it also logs every rejected request
 * with a stack, sends our own errors' messages to the caller, answers a forged or tampered
 * token with 500 (jsonwebtoken's errors carry no status) and leaves a malformed body as an
 * unhandled rejection. So the library's own check (botframework-connector's
 * BotFrameworkAuthentication.authenticateRequest: signature against Microsoft's published keys,
 * RS256/384/512 only, issuer, audience = our app id, the token's serviceurl claim = the
 * activity's serviceUrl) runs as a step of its own, and the turn is then run on its result.
 */
class TeamsChannelAdapter extends TeamsAdapter {
  authenticate(authHeader: string, activity: Activity) {
    return this.botFrameworkAuthentication.authenticateRequest(activity, authHeader);
  }

  runActivity(
    auth: Awaited<ReturnType<TeamsChannelAdapter['authenticate']>>,
    activity: Activity,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<InvokeResponse | undefined> {
    return this.processActivity(auth, activity, logic);
  }
}

/** A failure to fetch Microsoft's signing keys (no network, an outage): worth a line in the log. */
function keysUnavailable(err: unknown): boolean {
  const e = err as { name?: unknown; statusCode?: unknown } | null;
  return e?.name === 'FetchError' || e?.statusCode === 500;
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

/** Answers without reading the body; the unread rest is drained and the connection closed. */
function refuse(req: TeamsRequest, res: ServerResponse, status: number, error: string): void {
  if (!req.complete) {
    res.setHeader('Connection', 'close');
    req.resume();
  }
  reply(res, status, { error });
}

function authorizationHeader(req: TeamsRequest): string {
  const value = req.headers.authorization;
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

/**
 * The Express handler for the Teams channel. `mode` is `authenticated` when an app id is
 * configured (requests need a valid Bot Framework token), `emulator` with JIANLI_TEAMS_EMULATOR=1
 * and no app id (no tokens, loopback serviceUrl only), and `off` otherwise (404). Throws
 * TeamsConfigError for a half-configured registration.
 */
export function createTeamsHandler(service: ChatService, config: TeamsConfig, options: TeamsHandlerOptions = {}): { handler: TeamsHandler; mode: TeamsMode } {
  const { mode, options: authOptions } = teamsAuthSettings(config);
  if (mode === 'off') return { handler: async (req, res) => refuse(req, res, 404, TEAMS_OFF_REASON), mode };
  const maxTextLength = options.maxTextLength ?? 2000;
  const adapter = new TeamsChannelAdapter(authOptions);
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
      if (req.method !== 'POST') return refuse(req, res, 405, 'only POST is accepted');
      const activity = parseActivity(await readJsonBody(req));
      checkTextLength(activity, maxTextLength);
      if (mode === 'emulator') requireLoopbackServiceUrl(activity);
      let auth: Awaited<ReturnType<TeamsChannelAdapter['authenticate']>>;
      try {
        auth = await adapter.authenticate(authorizationHeader(req), activity);
      } catch (err) {
        // Whatever the check threw (its own AuthenticationError, or jsonwebtoken's error for a
        // forged alg=none, HS256 or tampered token), the request is not authenticated: 401.
        if (keysUnavailable(err)) console.error(`Teams: a Bot Framework token could not be checked: ${(err as Error).message}`);
        return reply(res, 401, { error: UNAUTHORIZED_REASON });
      }
      const invoke = await adapter.runActivity(auth, activity, logic);
      reply(res, invoke?.status ?? 200, invoke?.body);
    } catch (err) {
      if (err instanceof ActivityBodyError) return reply(res, err.status, { error: err.message, ...(err.field ? { field: err.field } : {}) });
      // The cause goes to the server log; the caller (the Bot Framework service) gets no internals.
      console.error(err instanceof TeamsTurnError ? err.cause : err);
      reply(res, 500, { error: 'the message could not be processed' });
    }
  };

  return { handler, mode };
}
