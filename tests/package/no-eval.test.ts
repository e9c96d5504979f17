// No code from strings, as edge runtimes and pages with a strict Content-Security-Policy require: no eval, no
// new Function, no worker from source text (worker_threads' eval option, a Blob or data: URL of code), in the
// sources and in the packed bundles. Workers are files: each one the bundles start ships beside them.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { packedTarball, root, run } from './tarball';

const FORBIDDEN: [string, RegExp][] = [
  ['eval(', /\beval\s*\(/],
  ['new Function', /\bnew\s+Function\b/],
  ['Function("code")', /\bFunction\s*\(\s*['"`]/],
  ['eval: true', /\beval\s*:\s*(?:true|!0)\b/],
  ['createObjectURL(new Blob', /createObjectURL\s*\(\s*new\s+Blob\b/],
  ['a Blob of JavaScript', /new\s+Blob\s*\([^)]*(?:text|application)\/(?:java|ecma)script/],
  ['a data: URL of JavaScript', /data:(?:text|application)\/(?:java|ecma)script/],
];

// The kernels are inlined as long strings of printable characters (src/runtime/wasmText.ts), which may spell
// anything: they are left out of the scan. They hold no quote, so a quote ends each.
const withoutWasmText = (code: string): string => code.replace(/"[^"\\\n]{4096,}"/g, '""');

/** "file:line: what" for each forbidden construct in the files. */
function findings(files: string[], base: string): string[] {
  return files.flatMap((file) => withoutWasmText(readFileSync(file, 'utf8')).split('\n').flatMap((line, i) =>
    FORBIDDEN.filter(([, pattern]) => pattern.test(line)).map(([what]) => `${relative(base, file)}:${i + 1}: ${what}`)));
}

let dir = '';
let dist = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'simdeep-no-eval-'));
  run('tar', ['-xzf', packedTarball(), '-C', dir], dir);
  dist = join(dir, 'package', 'dist');
}, 180_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('the patterns catch what they are meant to', () => {
  const caught = (code: string): boolean => FORBIDDEN.some(([, pattern]) => pattern.test(code));
  for (const bad of ['eval(src)', 'globalThis.eval (s)', 'new Function("a", "return a")', 'Function(\'return this\')()',
    "new Worker(source, { eval: true })", 'URL.createObjectURL(new Blob([code]))',
    "new Blob([src], { type: 'text/javascript' })", 'new Worker("data:text/javascript,postMessage(1)")']) {
    expect(caught(bad), bad).toBe(true);
  }
  for (const fine of ['model.evaluate(x, y)', 'evaluateRows(a)', "const f: Function = g", 'URL.createObjectURL(blob)',
    "new Blob([bytes], { type: 'application/octet-stream' })"]) {
    expect(caught(fine), fine).toBe(false);
  }
});

test('src/ holds no eval, new Function or worker from source text', () => {
  const src = join(root, 'src');
  const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => join(src, f));
  expect(files.length).toBeGreaterThan(20);
  expect(findings(files, root)).toEqual([]);
});

test('the packed dist/*.js hold none either', () => {
  const files = readdirSync(dist).filter((f) => /\.c?js$/.test(f)).map((f) => join(dist, f));
  expect(files.map((f) => relative(dist, f))).toEqual(expect.arrayContaining(['index.js', 'index.cjs', 'cli.js', 'workerd.js', 'worker.js']));
  expect(findings(files, dir)).toEqual([]);
});

/** A bundle's code with that of the chunks it imports (statically or dynamically), and theirs: one program. */
function withChunks(bundle: string, seen = new Set<string>()): string {
  seen.add(bundle);
  const code = readFileSync(join(dist, bundle), 'utf8');
  const chunks = [...code.matchAll(/(?:from|import\()\s*["']\.\/([\w.-]+\.js)["']/g)].map((m) => m[1]).filter((f) => !seen.has(f) && f !== 'worker.js' && f !== 'workerTrial.js');
  return [code, ...chunks.filter((f) => !seen.has(f)).map((f) => withChunks(f, seen))].join('\n');
}

test('every worker file the bundles start ships beside them; the workerd bundle starts none', () => {
  const shipped = new Set(readdirSync(dist));
  for (const bundle of ['index.js', 'index.cjs', 'cli.js', 'workerd.js']) {
    const code = withChunks(bundle);
    const workers = [...code.matchAll(/new URL\(\s*(?:\/\*[^*]*\*\/\s*)?["']\.\/([\w.-]+\.js)["']\s*,\s*(?:import\.meta\.url|importMetaUrl)\s*\)/g)].map((m) => m[1]);
    if (bundle === 'workerd.js') {
      expect(workers, bundle).toEqual([]);
      continue;
    }
    // The command also names the objective module of its searches on a queue, which queue workers import.
    expect(new Set(workers), bundle).toEqual(new Set(['worker.js', 'workerTrial.js', ...(bundle === 'cli.js' ? ['searchTrial.js'] : [])]));
    for (const worker of workers) expect(shipped.has(worker), `${bundle} starts ${worker}`).toBe(true);
  }
});
