// as-pect 8.1 inlines AssemblyScript 0.27 enum numbers into its transform; AS 0.28 shifted them.
// Rewrite each inlined `N /* Enum.Key */` to the installed compiler's value (idempotent).
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import * as as from 'assemblyscript';

const enums = { NodeKind: as.NodeKind, CommonFlags: as.CommonFlags, Token: as.Token };
for (const dir of ['node_modules/@as-pect/transform/lib', 'node_modules/@as-covers/transform/lib']) {
  if (!existsSync(dir)) continue;
  for (const f of readdirSync(dir).filter((name) => name.endsWith('.js'))) {
    const path = join(dir, f);
    const src = readFileSync(path, 'utf8');
    const out = src.replace(/\b(\d+) \/\* (NodeKind|CommonFlags|Token)\.(\w+) \*\//g, (_m, _n, en, key) => {
      const value = enums[en][key];
      if (value === undefined) throw new Error(`${path}: ${en}.${key}`);
      return `${value} /* ${en}.${key} */`;
    });
    if (out !== src) writeFileSync(path, out);
  }
}
