#!/usr/bin/env node
// Entry point for `npx jianli` and `npm start`: runs the compiled JavaScript in dist/, building it first
// when it is missing or older than src/ (bin/build.js). A production tree without TypeScript runs dist/ as built.
// A failure here is told in one English line naming dist/ (the operator's message), never as a stack trace.
import { BuildError, ensureBuilt } from './build.js';

try {
  await ensureBuilt();
} catch (err) {
  process.stderr.write(`${err instanceof BuildError ? err.message : `cannot build dist/: ${err?.message ?? err}`}\n`);
  process.exit(1);
}
try {
  await import('../dist/cli.js');
} catch (err) {
  // dist/cli.js handles its own errors; this is dist/ itself failing to load (a partial or stale build).
  process.stderr.write(`cannot load dist/cli.js (${String(err?.message ?? err).split('\n')[0]}); rebuild it with npm run build\n`);
  process.exit(1);
}
