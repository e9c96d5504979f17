// The packed library (`npm pack`, which builds first), made once per content of the sources and shared by the
// test files that install it (the package, bundler, edge and runtime tests): it is cached under
// node_modules/.cache/simdeep-pack/<hash of the inputs>, and a lock directory keeps parallel test files from packing
// at once.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export const root = join(import.meta.dirname, '..', '..');
// node_modules/.bin holds an old npm (a dependency of as-pect's tooling): use the system one.
export const PATH = (process.env.PATH ?? '').split(delimiter).filter((p) => !p.includes('node_modules')).join(delimiter);

/** Runs a command with the system npm first on PATH; throws with the end of its stderr. */
export function run(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}): string {
  try {
    return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PATH, ...env } });
  } catch (error) {
    const { stderr = '', stdout = '' } = error as { stderr?: string; stdout?: string };
    throw new Error(`${cmd} ${args.join(' ')} failed:\n${(stdout + stderr).slice(-3000)}`);
  }
}

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
}

function inputsHash(): string {
  const hash = createHash('sha256');
  const inputs = [...files(join(root, 'src')), ...files(join(root, 'assembly')),
    ...['package.json', 'tsup.config.ts', 'asconfig.json', 'asconfig.relaxed.json'].map((f) => join(root, f))].sort();
  for (const file of inputs) hash.update(file).update(readFileSync(file));
  return hash.digest('hex').slice(0, 16);
}

const sleep = (ms: number): void => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
};

/** The path of simdeep-<version>.tgz packed from the current sources. */
export function packedTarball(): string {
  const dir = join(root, 'node_modules', '.cache', 'simdeep-pack', inputsHash());
  const lock = `${dir}.lock`;
  mkdirSync(join(dir, '..'), { recursive: true });
  const tarball = (): string | undefined => (existsSync(dir) ? readdirSync(dir).find((f) => f.endsWith('.tgz')) : undefined);
  for (let waited = 0; !tarball(); waited += 200) {
    try {
      mkdirSync(lock, { recursive: false });
    } catch {
      // Another test file is packing; a lock older than 5 minutes was left by a killed run.
      const since = statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now();
      if (Date.now() - since > 300_000) rmSync(lock, { recursive: true, force: true });
      if (waited > 600_000) throw new Error(`packedTarball: gave up waiting for ${lock}`);
      sleep(200);
      continue;
    }
    try {
      if (!tarball()) {
        mkdirSync(dir, { recursive: true });
        run('npm', ['pack', '--pack-destination', dir], root);
      }
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
  return join(dir, tarball()!);
}
