// PyTorch as a reference engine: a Python script of bench/ run in a child process, when some Python imports torch
// (Debian's python3-torch installs into /usr/bin/python3, which a python3 earlier on the PATH may not be).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';

// glibc's malloc adapts its mmap and trim thresholds as a process runs; with them left dynamic, identical PyTorch
// 1.13 processes here differed up to 6× in speed (the slow ones had 25× more minor page faults). Fixed, it is steady.
export const TORCH_ENV = { MALLOC_MMAP_THRESHOLD_: String(32 * 2 ** 20), MALLOC_TRIM_THRESHOLD_: String(2 ** 30), OMP_NUM_THREADS: '1' };

/** The first Python that imports torch: $PYTHON, python3 on the PATH, then Debian's; or why there is none. */
function pythonWithTorch() {
  const tried = [];
  for (const python of [process.env.PYTHON, 'python3', '/usr/bin/python3'].filter(Boolean)) {
    const probe = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' });
    if (probe.status === 0) return { python };
    tried.push(`${python}: ${(probe.stderr || probe.error?.message || '').trim().split('\n').pop()}`);
  }
  return { missing: `no python3 imports torch (${tried.join('; ')}); install python3-torch to compare` };
}

/**
 * Runs bench/<script> with TORCH_ENV and one argument, the JSON of `settings` plus the path of each of `files` (typed
 * arrays written raw to a temporary directory, by key); returns the JSON the script prints, with `python`, or
 * `{ missing }` saying why there is none.
 */
export function runTorch(script, settings, files) {
  const { python, missing } = pythonWithTorch();
  if (missing) return { missing };
  const dir = mkdtempSync(join(os.tmpdir(), 'simdeep-torch-'));
  try {
    const paths = Object.fromEntries(Object.entries(files).map(([key, values]) => {
      const path = join(dir, `${key}.bin`);
      writeFileSync(path, values);
      return [key, path];
    }));
    const run = spawnSync(python, [new URL(script, import.meta.url).pathname, JSON.stringify({ ...settings, ...paths })],
      { encoding: 'utf8', env: { ...process.env, ...TORCH_ENV }, maxBuffer: 1 << 24 });
    if (run.status !== 0) return { missing: `bench/${script} failed: ${(run.stderr || run.error?.message || '').trim().split('\n').pop()}` };
    return { ...JSON.parse(run.stdout), python };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
