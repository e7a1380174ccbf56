#!/usr/bin/env node
// Entry point for `npx jianli` and `npm start`: runs the compiled JavaScript in dist/, building it first
// when it is missing or older than src/ (bin/build.js). A production tree without TypeScript runs dist/ as built.
import { BuildError, ensureBuilt } from './build.js';

try {
  await ensureBuilt();
} catch (err) {
  if (!(err instanceof BuildError)) throw err;
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
}
await import('../dist/cli.js');
