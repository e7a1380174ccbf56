/**
 * The engine composes the dialogs; the dialogs never reach back into the engine. Parses the
 * imports of src/ and fails on any import cycle among the modules of src/engine and src/dialogs.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const src = resolve(import.meta.dirname, '..', '..', 'src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Relative imports of a module (static, re-exports and type-only included), resolved to files. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]/gmu), ...text.matchAll(/import\(\s*['"](\.[^'"]+)['"]\s*\)/gu)].map((m) => m[1]);
  return specs.map((s) => {
    const base = resolve(dirname(file), s);
    for (const c of [`${base}.ts`, join(base, 'index.ts'), base]) if (c.endsWith('.ts') && safeExists(c)) return c;
    return `${base}.ts`;
  });
}

function safeExists(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

const layer = (f: string) => relative(src, f).split('/')[0];
const modules = [...files(join(src, 'engine')), ...files(join(src, 'dialogs'))];
const graph = new Map(modules.map((f) => [f, importsOf(f).filter((t) => modules.includes(t))]));

/** Every cycle found by depth-first search, as module paths. */
function cycles(): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (m: string) => {
    state.set(m, 'open');
    path.push(m);
    for (const t of graph.get(m) ?? []) {
      if (state.get(t) === 'open') found.push([...path.slice(path.indexOf(t)), t].map((p) => relative(src, p)));
      else if (!state.has(t)) visit(t);
    }
    path.pop();
    state.set(m, 'done');
  };
  for (const m of modules) if (!state.has(m)) visit(m);
  return found;
}

describe('imports between src/engine and src/dialogs', () => {
  it('finds the modules and their imports', () => {
    expect(graph.get(join(src, 'engine', 'assistant.ts'))).toContain(join(src, 'dialogs', 'runner.ts'));
  });

  it('no module of src/dialogs imports src/engine', () => {
    const back = modules.filter((m) => layer(m) === 'dialogs').flatMap((m) => graph.get(m)!.filter((t) => layer(t) === 'engine').map((t) => `${relative(src, m)} → ${relative(src, t)}`));
    expect(back).toEqual([]);
  });

  it('has no import cycle', () => {
    expect(cycles()).toEqual([]);
  });
});
