// Shared fuzz harness: arbitraries for "any value" (tensor specs materialized per case), a `call` check that an
// op either returns or throws a documented error class naming the op with nothing leaked, and a canary product
// that must give the same bits after every case. FUZZ_RUNS scales the number of cases (default: CI budget).
import { appendFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, expect, vi } from 'vitest';
import { DisposedError, DivergedError, dispose, matmul, memory, ShapeError, Tensor, tensor } from '../../src/index';
import { seededValues, SPECIALS } from '../reference';

/** Cases per property: FUZZ_RUNS (default 150) times a weight for cheap or costly properties. */
export const RUNS = Number(process.env.FUZZ_RUNS ?? 150);
export const runs = (weight = 1): number => Math.max(5, Math.round(RUNS * weight));
// A property runs about 1,000 cases a second on a busy core; large FUZZ_RUNS need more than vitest's 5 s.
vi.setConfig({ testTimeout: Math.max(30_000, RUNS * 20) });

let cases = 0;
/** Runs a property with the run budget and counts its cases (printed per file; written to FUZZ_COUNT_FILE). */
export function check<Ts extends [unknown, ...unknown[]]>(prop: fc.IPropertyWithHooks<Ts> | fc.IAsyncPropertyWithHooks<Ts>,
  weight = 1): void | Promise<void> {
  const numRuns = runs(weight);
  cases += numRuns;
  return fc.assert(prop as fc.IRawProperty<Ts>, { numRuns, endOnFailure: true }) as void | Promise<void>;
}

export function countCases(area: string): void {
  afterAll(() => {
    console.log(`fuzz ${area}: ${cases} cases`);
    if (process.env.FUZZ_COUNT_FILE) appendFileSync(process.env.FUZZ_COUNT_FILE, `${area} ${cases}\n`);
  });
}

// ---- Tensor specs: descriptions that become tensors inside a case, so shrinking and replay stay pure. ----

/** A tensor to create at call time: its shape, values (cycled to fill it) and whether to dispose it first. */
export class TensorSpec {
  constructor(readonly shape: number[], readonly values: number[], readonly disposed: boolean) {}
  toString(): string {
    return `TensorSpec(${JSON.stringify(this.shape)}${this.disposed ? ', disposed' : ''})`;
  }
}

const made: Tensor[] = [];

/** Builds the tensors a value describes (also inside arrays and plain objects); `cleanup` disposes them. */
export function materialize(value: unknown, seen = new Set<unknown>()): unknown {
  if (seen.has(value)) return value;
  if (value instanceof TensorSpec) {
    const n = value.shape.reduce((p, d) => p * d, 1);
    const t = tensor(Float32Array.from({ length: n }, (_, i) => value.values[i % value.values.length] ?? 0), value.shape);
    made.push(t);
    if (value.disposed) t.dispose();
    return t;
  }
  if (value && typeof value === 'object') seen.add(value);
  if (Array.isArray(value)) return value.map((v) => materialize(v, seen));
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, materialize(v, seen)]));
  }
  return value;
}

/** Disposes what `materialize` made and every tensor (or array, Map or object of them) passed in. */
export function cleanup(...values: unknown[]): void {
  const seen = new Set<unknown>();
  const walk = (v: unknown): void => {
    if (v === null || typeof v !== 'object' || seen.has(v)) return;
    seen.add(v);
    if (v instanceof Tensor) v.dispose();
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v instanceof Map) [...v.values()].forEach(walk);
    else if (Object.getPrototypeOf(v) === Object.prototype) Object.values(v).forEach(walk);
  };
  values.forEach(walk);
  dispose(made.splice(0));
}

/** Dimensions: empty, unit, odd, around the SIMD width and the 4x8 tile. */
const DIM: fc.Arbitrary<number> = fc.constantFrom(0, 1, 2, 3, 4, 5, 7, 8, 9, 17);

/** A shape of rank 0..maxRank with few elements; now and then of rank 20 to 40 (mostly size-1 axes). */
export const arbShape = (maxRank = 4): fc.Arbitrary<number[]> => fc.oneof(
  { arbitrary: fc.array(DIM, { maxLength: maxRank }), weight: 12 },
  fc.array(fc.constantFrom<number>(1, 1, 1, 2, 3), { minLength: 20, maxLength: 40 }),
).filter((s) => s.reduce((p, d) => p * d, 1) <= 4096);

/** Float32-exact values, specials (NaN, ±Infinity, ±0, subnormals, ±max float32) and 1e38 among them. */
export const arbNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(...SPECIALS, 1e38, -1e38, 1e-40, 2 ** -126),
  fc.integer({ min: -9, max: 9 }),
  fc.float({ noDefaultInfinity: true, noNaN: true, min: -1e6, max: 1e6 }).map(Math.fround),
);

/** Small finite integers, so products and sums are exact in float32. */
export const arbExact: fc.Arbitrary<number> = fc.integer({ min: -8, max: 8 });

export const arbTensorSpec = (shape: fc.Arbitrary<number[]> = arbShape(), disposed = 0.1, values = arbNumber): fc.Arbitrary<TensorSpec> =>
  fc.tuple(shape, fc.array(values, { minLength: 1, maxLength: 24 }), fc.double({ min: 0, max: 1, noNaN: true }))
    .map(([s, v, r]) => new TensorSpec(s, v, r < disposed));

const cyclic = (): object => {
  const o: Record<string, unknown> = { a: 1 };
  o.self = o;
  o.list = [o];
  return o;
};

/** Values that are not what an argument should be: numbers, strings, objects with `__proto__`, functions, nullish. */
export const arbJunk: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.constantFrom(null, undefined), weight: 3 },
  fc.constantFrom(true, false, '', 'a', '__proto__', 'constructor', '1', 'NaN', -1, 0.5, 1e9, 2 ** 31, 2 ** 53,
    NaN, Infinity, -Infinity, -0, 10n, Symbol('x')),
  fc.string({ maxLength: 8 }),
  fc.constant(JSON.parse('{"__proto__": {"polluted": 1}, "units": 2}')),
  fc.constant(Object.create(null)),
  fc.constant(cyclic()),
  fc.constant(() => 1),
  fc.constant(async () => 1),
  fc.constant(Tensor),
  fc.constant(new Float32Array(3)),
  fc.constant(new BigInt64Array(2)),
  fc.constant(new Map([['a', 1]])),
  fc.constant(new Date(0)),
  fc.array(fc.oneof(fc.integer({ min: -3, max: 5 }), fc.constant(NaN), fc.string({ maxLength: 2 })), { maxLength: 5 }),
  fc.array(fc.array(fc.integer({ min: -3, max: 3 }), { maxLength: 3 }), { maxLength: 3 }),
  fc.object({ maxDepth: 2, maxKeys: 3 }),
);

/** Any argument: junk, a number, a shape-like array, or a tensor spec (sometimes disposed). */
export const arbAny: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: arbJunk, weight: 3 },
  { arbitrary: arbNumber, weight: 2 },
  { arbitrary: arbShape(5), weight: 2 },
  { arbitrary: arbTensorSpec(), weight: 4 },
);

// ---- The call check. ----

const DOCUMENTED = [TypeError, RangeError, ShapeError, DisposedError, DivergedError, SyntaxError];

export type Outcome<T> = { ok: true; value: T; error?: undefined } | { ok: false; value?: undefined; error: Error };

function snapshot(): [number, number] {
  const m = memory();
  return [m.numTensors, m.numBytes];
}

function judge(error: unknown, ops: readonly string[], before: [number, number], what: string): Error {
  expect(error, `${what}: a wasm trap`).not.toBeInstanceOf(WebAssembly.RuntimeError);
  const documented = DOCUMENTED.some((type) => error instanceof type);
  if (!documented) throw new Error(`${what}: threw an undocumented ${String((error as Error)?.name ?? error)}: ${String((error as Error)?.message ?? '')}`);
  const message = (error as Error).message;
  if (!ops.some((op) => message.startsWith(`${op}: `) || message.startsWith(`${op} `))) {
    throw new Error(`${what}: message does not start with ${ops.join(' or ')}: ${JSON.stringify(message)}`);
  }
  expect(snapshot(), `${what}: live tensors and bytes after ${(error as Error).name}: ${message}`).toEqual(before);
  return error as Error;
}

/** Calls fn: it returns, or throws a documented error whose message starts with one of `ops`, leaking nothing. */
export function call<T>(ops: string | readonly string[], fn: () => T, what = String(ops), leakFree = true): Outcome<T> {
  const names = typeof ops === 'string' ? [ops] : ops;
  const before = snapshot();
  try {
    return { ok: true, value: fn() };
  } catch (error) {
    return { ok: false, error: judge(error, names, leakFree ? before : snapshot(), what) };
  }
}

/** As `call`, for functions that return a Promise (rejections are judged the same way). */
export async function callAsync<T>(ops: string | readonly string[], fn: () => Promise<T>, what = String(ops), leakFree = true): Promise<Outcome<T>> {
  const names = typeof ops === 'string' ? [ops] : ops;
  const before = snapshot();
  try {
    return { ok: true, value: await fn() };
  } catch (error) {
    return { ok: false, error: judge(error, names, leakFree ? before : snapshot(), what) };
  }
}

// ---- The canary: a fixed product and sum whose bits must never change. ----

const canaryA = tensor(seededValues(5 * 7, 11), [5, 7]);
const canaryB = tensor(seededValues(7 * 9, 12), [7, 9]);
const canaryRun = (): Float32Array => {
  const p = matmul(canaryA, canaryB);
  const s = p.sum();
  const out = Float32Array.from([...p.dataSync(), s.item(), ...canaryA.dataSync(), ...canaryB.dataSync()]);
  p.dispose();
  s.dispose();
  return out;
};
const canaryBits = new Uint32Array(canaryRun().buffer);
const baseline = snapshot();

/** Checks the canary gives the same bits and no tensor outlived the case (call after cleanup). */
export function canary(context = ''): void {
  const bits = new Uint32Array(canaryRun().buffer);
  const at = bits.findIndex((b, i) => b !== canaryBits[i]);
  if (at >= 0) throw new Error(`canary changed at element ${at} after ${context}`);
  expect(snapshot(), `live tensors and bytes after ${context}`).toEqual(baseline);
}

/** Materializes args, calls fn, then cleans up and checks the canary: the shape of most fuzz cases. */
export function fuzzCall(ops: string | readonly string[], args: unknown[], fn: (...args: unknown[]) => unknown,
  verify?: (value: unknown, args: unknown[]) => void): void {
  const live = args.map((a) => materialize(a));
  let result: Outcome<unknown> | undefined;
  try {
    result = call(ops, () => fn(...live), `${String(ops)}(${args.map((a) => fc.stringify(a)).join(', ')})`);
    if (result.ok && verify) verify(result.value, live);
  } finally {
    cleanup(result?.ok ? result.value : undefined);
  }
  canary(String(ops));
}
