/**
 * .env.example, generated from the settings of src/config.ts: every setting, grouped, with its
 * meaning and its default. `npm run env:example` writes it; test/config.test.ts checks it is current.
 */
import { join } from 'node:path';
import { GROUPS, SETTINGS, type Setting } from './config';

/** The text of .env.example: every setting, grouped, with its meaning and its default (commented out). */
export function envExample(): string {
  const out = [
    '# Settings of 监理注销助手. Copy to .env (read at start-up; variables set in the environment win)',
    '# and uncomment what you change. An empty value is the same as unset. Generated from src/config.ts',
    '# by `npm run env:example`: edit the meanings there.',
  ];
  for (const [group, title] of Object.entries(GROUPS)) {
    out.push('', `# --- ${title} ---`);
    for (const [name, s] of Object.entries(SETTINGS) as [string, Setting][]) {
      if (s.group !== group) continue;
      out.push('', ...wrap(s.meaning).map((l) => `# ${l}`));
      out.push(s.default !== undefined ? `# ${name}=${s.default}` : s.secret ? `${name}=` : `# ${name}=${s.example ?? ''}`);
    }
  }
  return `${out.join('\n')}\n`;
}

function wrap(text: string, width = 98): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** The folder .env.example lives in (the project). */
export const ENV_EXAMPLE = join(import.meta.dirname, '..', '.env.example');

if (process.argv[1] && import.meta.filename === process.argv[1] && process.argv.includes('--write-example')) {
  const { writeFileSync } = await import('node:fs');
  writeFileSync(ENV_EXAMPLE, envExample());
  process.stdout.write(`wrote ${ENV_EXAMPLE}\n`);
}
