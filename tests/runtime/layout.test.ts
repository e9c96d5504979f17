// assembly/layout.ts is the one source of the codes and plan record fields that the kernels and the TypeScript layer
// share. Here it is compiled by both compilers: AssemblyScript (as an entry, so its constants become exported wasm
// globals) and TypeScript (the import below). Both must give every name the same value; the records must have the
// shape train.ts walks; and no other file in src/ or assembly/ may define one of these names with a literal.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileString } from 'assemblyscript/asc';
import { describe, expect, test } from 'vitest';
import * as layout from '../../assembly/layout';

const root = fileURLToPath(new URL('../..', import.meta.url));
const LAYOUT = 'assembly/layout.ts';
const source = readFileSync(join(root, LAYOUT), 'utf8');
const ts: Record<string, number> = { ...layout };

/** The exported globals of `text` compiled by asc as the only entry, by name. */
async function compiled(text: string): Promise<Record<string, number>> {
  // NOTE: compileString reads only the sources it is given, so no asconfig.json of the working directory is merged.
  const result = await compileString({ 'layout.ts': text }, { runtime: 'stub' });
  if (result.error || !result.binary) throw new Error(`asc failed on ${LAYOUT}: ${result.stderr.toString()}`);
  const { instance } = await WebAssembly.instantiate(result.binary as Uint8Array<ArrayBuffer>);
  return Object.fromEntries(Object.entries(instance.exports)
    .filter((entry): entry is [string, WebAssembly.Global] => entry[1] instanceof WebAssembly.Global)
    .map(([name, global]) => [name, Number(global.value)]));
}

/** Every name missing on one side or with different values, as a line each. */
function layoutDifferences(wasm: Record<string, number>, script: Record<string, number>): string[] {
  const names = [...new Set([...Object.keys(wasm), ...Object.keys(script)])].sort();
  return names.filter((name) => !Object.is(wasm[name], script[name]))
    .map((name) => `${name}: AssemblyScript ${wasm[name] ?? 'none'}, TypeScript ${script[name] ?? 'none'}`);
}

/** Lines of `text` that define one of `names` with a number: `const NAME = 4`, `, NAME = <i32>4`, `{ NAME: 4`. */
function literalDefinitions(text: string, names: readonly string[]): string[] {
  const name = `(?:${names.join('|')})`;
  const definition = new RegExp(`(?:\\b(?:const|let|var)\\s+|,\\s*)${name}\\s*(?::\\s*\\w+\\s*)?=\\s*(?:<\\w+>\\s*)?[-+]?\\d`
    + `|[{,]\\s*${name}\\s*:\\s*[-+]?\\d`);
  return text.split('\n').filter((line) => definition.test(line)).map((line) => line.trim());
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)));
}

/** The record families: field prefix and the size every field must stay below. */
const RECORDS = [['PLAN_', 'PLAN_HEADER_WORDS'], ['NODE_', 'NODE_WORDS'], ['EDGE_', 'EDGE_WORDS'], ['INPUT_', 'INPUT_WORDS'], ['OUTPUT_', 'OUTPUT_WORDS'],
  ['PARAM_', 'PARAM_WORDS'], ['METRIC_', 'METRIC_WORDS'], ['GEOM_', 'GEOM_WORDS'], ['SCHEDULE_', 'SCHEDULE_WORDS']] as const;
/** The code families: each code distinct within its family; flag families are distinct single bits. */
const CODES = ['BINARY_', 'UNARY_', 'REDUCE_', 'ARG_', 'ACT_', 'LOSS_', 'OPT_', 'KIND_', 'CLIP_', 'DECAY_', 'CONSTRAINT_', 'SCORE_', 'CURVE_', 'AVERAGE_'] as const;
const FLAGS = ['GEMM_', 'NORM_'] as const;
const SIZES: readonly string[] = RECORDS.map(([, size]) => size);

const family = (prefix: string): [string, number][] =>
  Object.entries(ts).filter(([name]) => name.startsWith(prefix) && !SIZES.includes(name));

describe('assembly/layout.ts under both compilers', () => {
  test('AssemblyScript and TypeScript give the same names the same values', async () => {
    const wasm = await compiled(source);
    expect(Object.keys(wasm).sort()).toEqual(Object.keys(ts).sort());
    expect(layoutDifferences(wasm, ts)).toEqual([]);
    expect(Object.keys(ts).length).toBeGreaterThan(90);
  }, 60_000);

  test('a constant changed on either side is reported', async () => {
    expect(layoutDifferences(await compiled(source.replace('NODE_WIDTH = 1;', 'NODE_WIDTH = 2;')), ts))
      .toEqual(['NODE_WIDTH: AssemblyScript 2, TypeScript 1']);
    expect(layoutDifferences(await compiled(source), { ...ts, ACT_SOFTMAX: 5 }))
      .toEqual(['ACT_SOFTMAX: AssemblyScript 4, TypeScript 5']);
    // An expression the two compilers evaluate differently: i32 division in AssemblyScript.
    expect(layoutDifferences(await compiled(`${source}\nexport const HALF = 7 / 2;\n`), { ...ts, HALF: 7 / 2 }))
      .toEqual(['HALF: AssemblyScript 3, TypeScript 3.5']);
    const { OPT_ADAGRAD: _, ...withoutAdagrad } = ts;
    expect(layoutDifferences(await compiled(source), withoutAdagrad)).toEqual(['OPT_ADAGRAD: AssemblyScript 3, TypeScript none']);
  }, 60_000);
});

describe('the layout’s records and codes', () => {
  test('every name is a 32-bit integer of one family', () => {
    for (const [name, value] of Object.entries(ts)) {
      expect(Number.isInteger(value) && value === (value | 0), `${name} = ${value}`).toBe(true);
      const prefixes = [...RECORDS.map(([prefix]) => prefix), ...CODES, ...FLAGS].filter((p) => name.startsWith(p));
      expect(prefixes.length === 1 || SIZES.includes(name), `${name} belongs to one family`).toBe(true);
    }
  });

  test.each(RECORDS)('%s fields are distinct words below %s', (prefix, size) => {
    const fields = family(prefix);
    expect(fields.length).toBeGreaterThan(1);
    expect(new Set(fields.map(([, v]) => v)).size, `${prefix} fields distinct`).toBe(fields.length);
    for (const [name, value] of fields) expect(value >= 0 && value < ts[size], `${name} = ${value} < ${size} = ${ts[size]}`).toBe(true);
  });

  test('each pointer field is followed by its pair, as train.ts indexes them (field + 0 or 1)', () => {
    expect(layout.PARAM_SPARE).toBe(layout.PARAM_HOME + 1);
    expect(layout.PARAM_S0_SPARE).toBe(layout.PARAM_S0 + 1);
    expect(layout.PARAM_S1_SPARE).toBe(layout.PARAM_S1 + 1);
  });

  test.each(CODES)('%s codes are distinct', (prefix) => {
    const codes = family(prefix);
    expect(codes.length).toBeGreaterThan(1);
    expect(new Set(codes.map(([, v]) => v)).size).toBe(codes.length);
  });

  test.each(FLAGS)('%s flags are distinct single bits', (prefix) => {
    const flags = family(prefix);
    expect(flags.length).toBeGreaterThan(1);
    expect(flags.reduce((bits, [, v]) => bits | v, 0)).toBe(flags.reduce((sum, [, v]) => sum + v, 0));
    for (const [name, v] of flags) expect(v > 0 && (v & (v - 1)) === 0, `${name} = ${v}`).toBe(true);
  });
});

describe('no copy of the layout', () => {
  const names = Object.keys(ts);

  test('no file in src/ or assembly/ but layout.ts defines a layout name with a literal', () => {
    const files = [...sourceFiles('src'), ...sourceFiles('assembly')].filter((file) => file !== LAYOUT);
    expect(files.length).toBeGreaterThan(50);
    const copies = files.flatMap((file) =>
      literalDefinitions(readFileSync(join(root, file), 'utf8'), names).map((line) => `${file}: ${line}`));
    expect(copies).toEqual([]);
  });

  test('the plan writer names every word it writes (no view[at + 9], no view.set([...]) by position)', () => {
    const positional = /\b[IF]\[\s*(?:[\w.]+\s*\+\s*)?\d+\s*\]|\.set\(\[/;
    const lines = readFileSync(join(root, 'src/nn/plan.ts'), 'utf8').split('\n').filter((line) => positional.test(line));
    expect(lines).toEqual([]);
    expect(['F[at + 9] = rate;', 'I.set([a, b], at);', 'I[3] = 0;'].filter((line) => positional.test(line))).toHaveLength(3);
  });

  test('no kernel file but layout.ts exports an integer literal (shared codes live in the layout)', () => {
    const exported = /\bexport\s+const\s+\w+\s*(?::\s*\w+\s*)?=\s*[-+]?\d/;
    const files = sourceFiles('assembly').filter((file) => file !== LAYOUT);
    const lines = files.flatMap((file) => readFileSync(join(root, file), 'utf8').split('\n')
      .filter((line) => exported.test(line)).map((line) => `${file}: ${line.trim()}`));
    expect(lines).toEqual([]);
  });

  test('the scan finds definitions and leaves uses alone', () => {
    expect(literalDefinitions([
      'const NODE_WIDTH = 1;', 'export const ACT_SIGMOID: i32 = 0;', 'const A = 0, LOSS_MSE = 0;',
      'const CODES = { OPT_SGD: 0 };', 'const PLAN_BATCH = <i32>8;', 'I[at + NODE_WIDTH] = node.width;', 'const flags = transA ? GEMM_TRANS_A : 0;',
      'case ACT_RELU: relu(); break;', 'const NODE_WIDTH_SEEN = 1;',
    ].join('\n'), names)).toEqual(['const NODE_WIDTH = 1;', 'export const ACT_SIGMOID: i32 = 0;', 'const A = 0, LOSS_MSE = 0;',
      'const CODES = { OPT_SGD: 0 };', 'const PLAN_BATCH = <i32>8;']);
  });
});
