/** The Microsoft Teams channel: mount `createTeamsHandler(...).handler` at POST /api/messages. */
export { createTeamsHandler, TeamsTurnError, type TeamsHandler } from './handler';
export { teamsConfigFromEnv, teamsAuthSettings, TeamsConfigError, type TeamsConfig, type TeamsMode, type TeamsAppType } from './config';
export { ActivityBodyError, type TeamsRequest } from './body';
export { teamsConversationId, TEAMS_CHANNEL } from './app';
