import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Test files that must not share a module graph with other files: they mock a module (node:fs),
 * spy on globals or change process.env while they run. They get a fresh worker each.
 */
const ISOLATED = [
  'test/store/durability.test.ts',
  'test/store/journal.test.ts',
  'test/config.test.ts',
  'test/ops/shared.test.ts',
  'test/channels/teams/auth.test.ts',
];
/** Every other test file: a file named on the command line would otherwise run in both projects. */
const SHARED = readdirSync(join(import.meta.dirname, 'test'), { recursive: true, encoding: 'utf8' })
  .map((f) => `test/${f.split('\\').join('/')}`)
  .filter((f) => f.endsWith('.test.ts') && !ISOLATED.includes(f));

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Tests that run bin/jianli.js run the compiled dist/: build it once, first, when it is stale.
    globalSetup: ['test/helpers/build.ts'],
    // Training the NLU takes a moment; the files a worker runs share one trained assistant, and every file,
    // thread and process reads the model trained once from the cache below (src/nlu/model-cache.ts).
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two test files at a time even on a 2-core machine (vitest's default there is one): most of the
    // slow files wait on processes they started (servers, npm, Chromium), so the two overlap well.
    maxWorkers: 2,
    minWorkers: 1,
    poolOptions: {
      // Most files run in two long-lived worker processes that keep the modules the files import
      // (src/, test/helpers/, the Teams and Botkit libraries) instead of loading them again for
      // every file: a fresh process per file cost about 1.5 s of imports each (62 small files took
      // 114 s that way, 31 s this way, on this 2-core machine). Module-level state is therefore shared by the files a
      // worker runs (test/helpers/assistant.ts's trained assistant among it), so a file must leave
      // no changed module behind; vitest still restores each file's spies after it.
      forks: { isolate: false },
      // The ISOLATED files: a fresh worker thread each, one at a time, beside the two processes.
      threads: { isolate: true, maxThreads: 1, minThreads: 1 },
    },
    env: {
      DOTENV_CONFIG_QUIET: 'true',
      // Processes the tests start run the dist/ built by globalSetup, even if src/ changes meanwhile.
      JIANLI_AUTOBUILD: '0',
      // The trained NLU is kept here, filed under a hash of its settings, phrases and code: a file,
      // an engine thread or a `jianli` process with the same knowledge reads it instead of training.
      JIANLI_NLU_CACHE: join(import.meta.dirname, 'node_modules', '.cache', 'jianli-nlu'),
    },
    projects: [
      { extends: true, test: { name: 'shared', pool: 'forks', exclude: [...configDefaults.exclude, ...ISOLATED] } },
      { extends: true, test: { name: 'isolated', pool: 'threads', include: ISOLATED, exclude: [...configDefaults.exclude, ...SHARED] } },
    ],
  },
});
