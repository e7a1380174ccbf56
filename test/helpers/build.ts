/**
 * vitest globalSetup: compiles src/ to dist/ once before the tests when it is missing or stale, so
 * the tests that run `bin/jianli.js` as a process (which runs dist/) do not each wait for a build.
 */
// @ts-expect-error bin/build.js is plain JavaScript without type declarations
import { ensureBuilt } from '../../bin/build.js';

export default async function setup(): Promise<void> {
  await (ensureBuilt as (o?: { log?: (l: string) => void }) => Promise<void>)();
}
