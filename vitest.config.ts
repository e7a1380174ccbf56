import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Tests that run bin/jianli.js run the compiled dist/: build it once, first, when it is stale.
    globalSetup: ['test/helpers/build.ts'],
    // Training the NLU takes a moment; tests share one trained assistant per file.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // JIANLI_AUTOBUILD=0: processes the tests start run the dist/ built by globalSetup, even if src/ changes meanwhile.
    env: { DOTENV_CONFIG_QUIET: 'true', JIANLI_AUTOBUILD: '0' },
  },
});
