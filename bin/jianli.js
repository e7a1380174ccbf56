#!/usr/bin/env node
// Entry point for `npx jianli`: runs the TypeScript sources through tsx so no build step is needed.
process.env.DOTENV_CONFIG_QUIET ??= 'true';
import { register } from 'tsx/esm/api';
register();
await import('../src/cli.ts');
