export { handoffObserver, newTicketId, type HandoffObserverOptions } from './observer';
export { handoffReason, isComplaint } from './reason';
export { loadHandoffSettings, type HandoffSettings } from './settings';
export { summarizeConversation } from './summary';
export { HandoffConfigError, HandoffWebhook, HandoffWebhookError } from './webhook';
export { HANDOFF_REASONS, type HandoffReason, type HandoffSummary, type HandoffTicket } from './types';
