// The packed library installs into an empty project where `import` and `require` both work, and the
// README example runs as written.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { expect, test } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
// node_modules/.bin holds an old npm (a dependency of as-pect's tooling): use the system one.
const PATH = (process.env.PATH ?? '').split(delimiter).filter((p) => !p.includes('node_modules')).join(delimiter);
function run(cmd: string, args: string[], cwd: string): string {
  try {
    return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PATH } });
  } catch (error) {
    const { stderr = '' } = error as { stderr?: string };
    throw new Error(`${cmd} ${args.join(' ')} failed:\n${stderr.slice(-3000)}`);
  }
}

test('npm pack installs into an empty project; import, require and the README example work', () => {
  const dir = mkdtempSync(join(tmpdir(), 'simdeep-pack-'));
  run('npm', ['pack', '--pack-destination', dir], root);
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz')) ?? 'missing.tgz';
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
  run('npm', ['install', '--no-audit', '--no-fund', join(dir, tarball)], dir);

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
