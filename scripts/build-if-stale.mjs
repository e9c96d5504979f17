// Builds the package (npm run build) only when dist/ is missing or older than what it is built from: the files in
// src/ and assembly/, and the build configurations. The demo and the examples run it before they start, so a second
// run starts at once. Run from the package root; `--dry-run` only prints whether a build is needed.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What dist/ is built from, besides the files under SOURCE_DIRECTORIES. */
const BUILD_CONFIGS = ['package.json', 'tsup.config.ts', 'tsconfig.json', 'asconfig.json', 'asconfig.relaxed.json', 'scripts/wasm-text.ts'];
const SOURCE_DIRECTORIES = ['src', 'assembly'];

/** Every file under `path` (a file or a directory), recursively. */
function filesUnder(path) {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true }).flatMap((entry) => filesUnder(join(path, entry.name)));
}

/**
 * Why the package under `root` needs a build (dist/ missing or empty, or the newest source newer than the oldest
 * built file), or '' when dist/ is up to date.
 */
export function staleReason(root) {
  const built = filesUnder(join(root, 'dist'));
  if (built.length === 0) return 'dist/ is missing or empty';
  let oldest = Infinity;
  for (const file of built) oldest = Math.min(oldest, statSync(file).mtimeMs);
  const sources = [...SOURCE_DIRECTORIES, ...BUILD_CONFIGS].flatMap((path) => filesUnder(join(root, path)));
  const newer = sources.find((file) => statSync(file).mtimeMs > oldest);
  return newer ? `${newer.slice(root.length + 1)} is newer than dist/` : '';
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const reason = staleReason(process.cwd());
  if (process.argv.includes('--dry-run')) {
    console.log(reason ? `build needed: ${reason}` : 'dist/ is up to date');
  } else if (reason) {
    console.error(`building: ${reason}`);
    const result = spawnSync('npm', ['run', 'build'], { stdio: 'inherit', shell: process.platform === 'win32' });
    process.exitCode = result.status ?? 1;
  } else {
    console.error('dist/ is newer than src/, assembly/ and the build configurations: not rebuilding');
  }
}
