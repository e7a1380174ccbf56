/**
 * vitest globalSetup: compiles src/ to dist/ once before the tests when it is missing or stale, so
 * the tests that run `bin/jianli.js` as a process (which runs dist/) do not each wait for a build.
 * vitest.config.ts sets JIANLI_AUTOBUILD=0 for the tests, so those processes do not rebuild when
 * src/ changes during the run.
 */
// @ts-expect-error bin/build.js is plain JavaScript without type declarations
import { ensureBuilt } from '../../bin/build.js';

export default async function setup(): Promise<void> {
  await (ensureBuilt as (o?: { env?: NodeJS.ProcessEnv }) => Promise<void>)({ env: {} });
}
