/** The Microsoft Teams channel: mount `createTeamsHandler(...).handler` at POST /api/messages. */
export { createTeamsHandler, TeamsTurnError, TEAMS_OFF_REASON, type TeamsHandler, type TeamsHandlerOptions } from './handler';
export { teamsConfigFromEnv, teamsAuthSettings, TeamsConfigError, EMULATOR_SETTING, type TeamsConfig, type TeamsMode, type TeamsAppType } from './config';
export { ActivityBodyError, isLoopbackUrl, type TeamsRequest } from './body';
export { teamsConversationId, TEAMS_CHANNEL } from './app';
