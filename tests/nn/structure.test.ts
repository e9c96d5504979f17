// The shape of src/nn that ARCHITECTURE.md describes: no import circle among its files (value imports; `import type`
// is erased at build time).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const nn = join(root, 'src/nn');
const files = readdirSync(nn, { recursive: true, withFileTypes: true })
  .filter((e) => e.isFile() && e.name.endsWith('.ts')).map((e) => join(e.parentPath, e.name));

/** The src/nn files `file` imports at run time (not `import type`, nor `import { type A }` lists of types only). */
function valueImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(/^import\s+(type\s+)?(\{[^}]*\}|[\w*\s,{}]+?)\s+from\s+'(\.[^']+)';/gm)) {
    const [, typeOnly, names, path] = m;
    if (typeOnly || (names.startsWith('{') && names.slice(1, -1).split(',').every((n) => n.trim().startsWith('type ') || n.trim() === ''))) continue;
    const target = resolve(dirname(file), `${path}.ts`);
    if (target.startsWith(nn)) found.push(target);
  }
  return found;
}

/** The first import cycle among `files`, as relative paths, or null. */
function findCycle(): string[] | null {
  const state = new Map<string, number>();
  const path: string[] = [];
  const visit = (f: string): string[] | null => {
    if (state.get(f) === 2) return null;
    if (state.get(f) === 1) return [...path.slice(path.indexOf(f)), f].map((p) => relative(root, p));
    state.set(f, 1);
    path.push(f);
    for (const g of valueImports(f)) {
      const cycle = visit(g);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(f, 2);
    return null;
  };
  for (const f of files) {
    const cycle = visit(f);
    if (cycle) return cycle;
  }
  return null;
}

describe('src/nn', () => {
  it('has no import circle', () => {
    expect(files.length).toBeGreaterThan(20);
    expect(valueImports(join(nn, 'model.ts')).map((f) => relative(nn, f))).toContain('batches.ts');
    expect(findCycle()).toBeNull();
  });
});
