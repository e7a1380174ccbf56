// The engine thread's entry. In dist/ (npm run build) the compiled thread-main.js sits beside it; run
// from src/ (tests, tsx) it loads the TypeScript through tsx, as the test runner does for the main thread.
import { existsSync } from 'node:fs';

const compiled = new URL('./thread-main.js', import.meta.url);
if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./thread-main.ts');
}
