export { createAdminRouter, AdminRequestError, type AdminRouterOptions } from './router';
export { computeStats, StatsTally, type AdminStats, type DayCount, type StatsOptions } from './stats';
