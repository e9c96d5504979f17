// The packed library installs into an empty project where `import` and `require` both work, and the
// README example runs as written.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { packedTarball, root, run } from './tarball';

test('npm pack installs into an empty project; import, require and the README example work', () => {
  const dir = mkdtempSync(join(tmpdir(), 'simdeep-pack-'));
  const tarball = packedTarball();
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
  run('npm', ['install', '--no-audit', '--no-fund', tarball], dir);

  writeFileSync(join(dir, 'esm.mjs'), "import { tensor } from 'simdeep';\nconsole.log(tensor([[1, 2], [3, 4]]).matmul(tensor([[1], [1]])).toArray().join(' '));\n");
  expect(run('node', ['esm.mjs'], dir).trim()).toBe('3 7');
  writeFileSync(join(dir, 'cjs.cjs'), "const { tensor } = require('simdeep');\nconsole.log(tensor([1, 2, 3]).sum().item());\n");
  expect(run('node', ['cjs.cjs'], dir).trim()).toBe('6');

  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const example = /## Example\s+```js\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(example).toBeDefined();
  writeFileSync(join(dir, 'readme.mjs'), example ?? '');
  const lines = run('node', ['readme.mjs'], dir).trim().split('\n');
  expect(lines[0]).toBe('[ 4, 4 ]');
  expect(lines[1]).toBe('4');
  expect(lines[2]).toMatch(/^tensor\(\[[\d.]+, [\d.]+, [\d.]+, [\d.]+\]\)$/);
}, 180_000);
