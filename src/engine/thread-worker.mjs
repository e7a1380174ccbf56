// The engine thread's entry: the TypeScript sources through tsx, as bin/jianli.js does for the main thread.
import { register } from 'tsx/esm/api';
register();
await import('./thread-main.ts');
