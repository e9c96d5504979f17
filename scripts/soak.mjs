// The fuzz suite (tests/fuzz) with many cases: `node scripts/soak.mjs [runs]` (default 20000 per property, or
// FUZZ_RUNS). Prints the cases each area tried and their total; exits with vitest's status.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const runs = process.argv[2] ?? process.env.FUZZ_RUNS ?? '20000';
const dir = mkdtempSync(join(tmpdir(), 'simdeep-soak-'));
const countFile = join(dir, 'cases.txt');
const started = Date.now();
const result = spawnSync('npx', ['vitest', 'run', 'tests/fuzz', '--testTimeout', '0', '--hookTimeout', '0'], {
  stdio: 'inherit',
  env: { ...process.env, FUZZ_RUNS: runs, FUZZ_COUNT_FILE: countFile },
});
let total = 0;
try {
  for (const line of readFileSync(countFile, 'utf8').trim().split('\n')) {
    const [area, cases] = line.split(' ');
    total += Number(cases);
    console.log(`${area.padEnd(12)} ${cases} cases`);
  }
} catch {
  console.log('no case counts were written');
}
rmSync(dir, { recursive: true, force: true });
console.log(`soak: ${total} cases (FUZZ_RUNS=${runs}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(result.status ?? 1);
