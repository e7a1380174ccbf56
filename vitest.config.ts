import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Tests that run bin/jianli.js run the compiled dist/: build it once, first, when it is stale.
    globalSetup: ['test/helpers/build.ts'],
    // Training the NLU takes a moment; tests share one trained assistant per file, and every file,
    // thread and process reads the model trained once from the cache below (src/nlu/model-cache.ts).
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two test files at a time even on a 2-core machine (vitest's default there is one): most of the
    // slow files wait on processes they started (servers, npm, Chromium), so the two overlap well.
    maxWorkers: 2,
    minWorkers: 1,
    env: {
      DOTENV_CONFIG_QUIET: 'true',
      // Processes the tests start run the dist/ built by globalSetup, even if src/ changes meanwhile.
      JIANLI_AUTOBUILD: '0',
      // The trained NLU is kept here, filed under a hash of its settings, phrases and code: a file,
      // an engine thread or a `jianli` process with the same knowledge reads it instead of training.
      JIANLI_NLU_CACHE: join(import.meta.dirname, 'node_modules', '.cache', 'jianli-nlu'),
    },
  },
});
