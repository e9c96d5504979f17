// The doctest: every symbol the public entries export (src/index.ts and src/formats.ts, read through
// tests/docs/public.ts: functions, classes and their public members, the namespaces' members, interfaces and types)
// has a JSDoc description, and every @example runs as written against the public
// API, with `import { ... } from 'simdeep'` implied. An expression statement followed by a value comment,
// `expr; // [4, 6]` or `console.log(expr); // 4`, must give that value (a tensor's toArray(); numbers to float32
// precision, or with `// ≈ 0.33` to the digits shown); see values.ts for the comments that count as values.
//
// Interfaces and type aliases need a description but no example: they have no run-time value, and the examples of
// the functions that take them show them in use. Those that have an example (option objects users write) run too.
//
// The examples must also type-check as strict TypeScript (typecheck.ts), so that TypeScript users can paste them.
//
// Each example runs in a fresh temporary working directory (to write files to; process.chdir needs vitest's default
// `forks` pool), with console.log silenced. The tensors it leaves behind are disposed after it (users may leave them
// to the garbage collector), and then the live tensor count must be what it was before.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test, vi } from 'vitest';
import * as simdeep from './public';
import { collectSymbols, type DocSymbol } from './collect';
import { prepare } from './instrument';
import { typeErrors } from './typecheck';
import { matches, show } from './values';

// Every tensor created while an example runs, to dispose what it leaves behind.
const created = vi.hoisted(() => [] as { disposed: boolean; dispose(): void }[]);
vi.mock('../../src/tensor/storage', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/tensor/storage')>();
  const retain: typeof actual.retain = (owner, storage) => {
    created.push(owner);
    actual.retain(owner, storage);
  };
  return { ...actual, retain };
});

/**
 * Symbols whose examples are not run, and why. Each carries a `@doctestSkip <reason>` tag (declared in
 * typedoc.json, which leaves it out of the reference); use it only for examples that cannot run in Node, such as
 * ones that need a page's DOM. Node has Blob and URL.createObjectURL, so `toBlob` examples run here.
 */
const SKIPPED: readonly string[] = ['queue', 'runWorker'];

/** Exports and public class members tagged @internal: helpers other modules of simdeep call, hidden from the reference. */
const INTERNAL: readonly string[] = [
  'Tensor.constructor', 'Tensor.storage', 'Variable.constructor', 'Table.constructor', 'initializers.toInitializer', 'SymbolicTensor.constructor', 'SymbolicTensor.call',
  'LearningRateSchedule.constructor', 'LearningRateSchedule.recordBytes', 'LearningRateSchedule.writeRecord',
  'regularizers.toRegularizer', 'regularizers.regularizerConfig', 'constraints.toConstraint', 'constraints.constraintConfig', 'constraints.Constraint.axesOf',
  'Metric.constructor',
];
/** The layer contract (layers/layer.ts) that the model, the plan and model files call; each layer kind overrides some of it. */
const CONTRACT: readonly string[] = ['arity', 'build', 'calls', 'detail', 'dispose', 'kind', 'nodeFields', 'outputShape', 'owner', 'trainingBuffers',
  'packsKernel', 'weightShapes', 'callOn', 'inputDims', 'inputShape', 'shapeError', 'checkArgument', 'nodeBuffers', 'kernelAndBias',
  'addedWeights', 'seedOfWeight', 'isCustom', 'buildCustom', 'rules'];
const isLayerClass = (name: string): boolean => {
  const value = (simdeep as Record<string, unknown>)[name];
  return typeof value === 'function' && (value === simdeep.Layer || value.prototype instanceof simdeep.Layer);
};
const isContract = (name: string): boolean => name.includes('.') && isLayerClass(name.split('.')[0]) && CONTRACT.includes(name.split('.')[1]);

/** Modules an example may import besides simdeep. */
const IMPORTABLE = /^node:/;

const root = fileURLToPath(new URL('../../', import.meta.url));
const { symbols, internal, program } = collectSymbols(join(root, 'tests/docs/public.ts'), root);
const needsExample = (symbol: DocSymbol): boolean => symbol.kind !== 'interface' && symbol.kind !== 'type';
const counts = { examples: 0, checks: 0 };

async function bindings(imports: ReturnType<typeof prepare>['imports']): Promise<Record<string, unknown>> {
  const scope: Record<string, unknown> = {};
  for (const { module, bindings } of imports) {
    if (module !== 'simdeep' && !IMPORTABLE.test(module)) throw new Error(`the example imports ${module}; examples may import simdeep and node: modules`);
    const loaded = (module === 'simdeep' ? simdeep : await import(/* @vite-ignore */ module)) as Record<string, unknown>;
    for (const { imported, local } of bindings) {
      if (imported !== '*' && !(imported in loaded)) throw new Error(`the example imports ${imported}, which ${module} does not export`);
      scope[local] = imported === '*' ? loaded : loaded[imported];
    }
  }
  return scope;
}

/** Runs one example; returns the value comments it contradicts. */
async function run(code: string): Promise<string[]> {
  const prepared = prepare(code);
  const scope = { ...simdeep, ...(await bindings(prepared.imports)) };
  const failures: string[] = [];
  const ran = new Set<number>();
  const check = (id: number, value: unknown): void => {
    const { line, statement, expected } = prepared.checks[id];
    ran.add(id);
    counts.checks++;
    const actual = value instanceof simdeep.Tensor ? value.toArray() : value;
    if (!matches(actual, expected)) {
      failures.push(`line ${line}: ${statement} gives ${show(actual)}, the comment says ${expected.approx ? '≈ ' : ''}${show(expected.value)}`);
    }
  };
  const relaxed = simdeep.threads().relaxedSimd;
  const before = simdeep.memory().numTensors;
  const cwd = process.cwd();
  const dir = mkdtempSync(join(tmpdir(), 'simdeep-example-'));
  const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  created.length = 0;
  try {
    process.chdir(dir);
    await prepared.run(scope, check);
  } finally {
    process.chdir(cwd);
    rmSync(dir, { recursive: true, force: true });
    log.mockRestore();
    for (const t of created.splice(0)) t.dispose();
    if (relaxed && !simdeep.threads().relaxedSimd) simdeep.preferRelaxedSimd(true);
  }
  expect(simdeep.memory().numTensors, 'live tensors after disposing what the example left').toBe(before);
  for (const { id, line, statement } of prepared.checks) if (!ran.has(id)) failures.push(`line ${line}: ${statement} never ran`);
  return failures;
}

describe('JSDoc examples of the public API', () => {
  test('finds the exports, the internal members and the skips listed here', () => {
    expect(symbols.length).toBeGreaterThan(200);
    expect(internal.map((m) => m.name).filter((name) => !INTERNAL.includes(name) && !isContract(name))).toEqual([]);
    expect(INTERNAL.filter((name) => !internal.some((m) => m.name === name))).toEqual([]);
    expect(symbols.filter((s) => s.skip !== undefined).map((s) => s.name).sort()).toEqual([...SKIPPED].sort());
  });

  test('the examples type-check as strict TypeScript', () => {
    const names = [...new Set(symbols.filter((s) => !s.name.includes('.')).map((s) => s.name))];
    const examples = symbols.flatMap((s) => s.examples.map((code, i) => ({ name: `${s.name} example ${i + 1}`, code })));
    expect(typeErrors(examples, names, root, program)).toEqual([]);
  }, 60_000);

  for (const symbol of symbols) {
    test(`${symbol.name} (${symbol.kind}, ${symbol.where})`, async () => {
      expect(symbol.description, `${symbol.name} has no JSDoc description`).not.toBe('');
      if (needsExample(symbol)) expect(symbol.examples.length, `${symbol.name} has no @example`).toBeGreaterThan(0);
      if (symbol.skip !== undefined) return;
      for (const [i, code] of symbol.examples.entries()) {
        counts.examples++;
        let failures: string[];
        try {
          failures = await run(code);
        } catch (error) {
          throw new Error(`example ${i + 1} of ${symbol.name} threw ${String(error)}\n${code}`, { cause: error });
        }
        expect(failures, `example ${i + 1} of ${symbol.name}:\n${code}`).toEqual([]);
      }
    }, 20_000);
  }

  afterAll(() => {
    if (process.env.DOCTEST_SUMMARY) {
      console.info(`doctest: ${symbols.length} symbols, ${counts.examples} examples run, ${counts.checks} value checks, ${SKIPPED.length} skipped`);
    }
  });
});
