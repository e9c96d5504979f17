// The vector approximations of assembly/vmath.ts through their ops (exp, log, tanh, sigmoid, softplus, gelu) over
// the whole float32 range: every STEP-th bit pattern (both signs, denormals, all exponents), every float32 around each
// threshold and range-reduction boundary, and the special values; each result against the float64 function rounded to
// float32, in ULP (distance between the two float32 bit patterns), at most the bound its contract states. Then the
// edge semantics, and that a value gives the same bits in the SIMD body and in the scalar tail at any offset.
import { describe, expect, it } from 'vitest';
import { exp, gelu, log, sigmoid, softplus, tanh, tensor, tidy, type Tensor } from '../../src/index';
import { kernels } from '../../src/runtime/wasm';
import { ACT_GELU, ACT_SOFTPLUS } from '../../assembly/layout';
import { erfc } from '../reference';

// A prime near 2^32 / 2^22: about four million patterns per function, every mantissa residue visited.
const STEP = 1031;
const CHUNK = 1 << 20;

interface MathOp {
  name: string;
  fn: (x: Tensor) => Tensor;
  ref: (x: number) => number;
  ulp: number; // the contract's bound
  edges: number[]; // thresholds and boundaries: every float32 within RADIUS patterns of each is checked
}

const OPS: MathOp[] = [
  { name: 'exp', fn: exp, ref: Math.exp, ulp: 1, edges: [0, 88.72283935546875, -87.33654022216797, -103.97207641601562, 0.34657359] },
  { name: 'log', fn: log, ref: Math.log, ulp: 1, edges: [1, 2 ** -126, Math.SQRT1_2, Math.SQRT2, 3.4028234663852886e38] },
  { name: 'tanh', fn: tanh, ref: Math.tanh, ulp: 1, edges: [0, 0.625, -0.625, 9.010913, 2 ** -12] },
  { name: 'sigmoid', fn: sigmoid, ref: (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))), ulp: 2,
    edges: [0, 16.635532, -87.33654, -103.27893, 1] },
  { name: 'softplus', fn: softplus, ref: (x) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))), ulp: 2,
    edges: [0, 16.635532, -16.635532, -87.33654, -103.27893] },
  { name: 'gelu', fn: gelu, ref: (x) => (x === -Infinity ? -0 : 0.5 * x * erfc(-x / Math.SQRT2)), ulp: 4, edges: [0, 0.75, 5.5, -5.5, -13.2, -14.5, 15, -15, 1] },
];
const RADIUS = 1 << 14;

const bits = new Uint32Array(1), float = new Float32Array(bits.buffer);
/** The float32 pattern as an integer ordered like the values (−0 and +0 both 0). */
function ordered(v: number): number {
  float[0] = v;
  return bits[0] >= 0x80000000 ? 0x80000000 - bits[0] : bits[0];
}
function patternOf(v: number): number {
  float[0] = v;
  return bits[0];
}

interface Worst { ulp: number; x: number; got: number; want: number }

/** Runs op over the float32 patterns start, start + step, … (count of them) and folds the worst ULP error into worst. */
function sweep(op: MathOp, patterns: Uint32Array, worst: Worst): void {
  const xs = new Float32Array(patterns.buffer, patterns.byteOffset, patterns.length);
  const got = tidy(() => op.fn(tensor(xs)).dataSync());
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i], want = Math.fround(op.ref(x)), y = got[i];
    if (Number.isNaN(want) || Number.isNaN(y)) {
      if (Number.isNaN(want) !== Number.isNaN(y)) worst.ulp = Infinity, worst.x = x, worst.got = y, worst.want = want;
      continue;
    }
    const d = Math.abs(ordered(y) - ordered(want));
    if (d > worst.ulp) Object.assign(worst, { ulp: d, x, got: y, want });
  }
}

function* strided(): Generator<Uint32Array> {
  for (let start = 0; start < 2 ** 32; start += CHUNK * STEP) {
    const n = Math.min(CHUNK, Math.ceil((2 ** 32 - start) / STEP));
    yield Uint32Array.from({ length: n }, (_, i) => start + i * STEP);
  }
}

/** Every float32 within RADIUS patterns of v (both sides, crossing zero to the other sign where it must). */
function around(v: number): Uint32Array {
  const center = ordered(Math.fround(v));
  return Uint32Array.from({ length: 2 * RADIUS + 1 }, (_, i) => {
    const o = center - RADIUS + i;
    return o < 0 ? 0x80000000 - o : o;
  }).filter((p) => (p & 0x7f800000) !== 0x7f800000 || p === patternOf(Infinity) || p === patternOf(-Infinity));
}

const SPECIALS = [0, -0, 2 ** -149, -(2 ** -149), 2 ** -126, -(2 ** -126), 2 ** -126 - 2 ** -149, 1, -1, Infinity, -Infinity, NaN,
  3.4028234663852886e38, -3.4028234663852886e38, 88, 89, -104, -88, 1e-30, -1e-30];

describe('vmath: max ULP error over the float32 range', () => {
  for (const op of OPS) {
    it(`${op.name}: at most ${op.ulp} ULP`, () => {
      const worst: Worst = { ulp: 0, x: 0, got: 0, want: 0 };
      for (const patterns of strided()) sweep(op, patterns, worst);
      for (const edge of op.edges) for (const e of [edge, -edge]) sweep(op, around(e), worst);
      sweep(op, Uint32Array.from(SPECIALS, patternOf), worst);
      expect(worst.ulp, `${op.name}(${worst.x}) = ${worst.got}, float64 rounded ${worst.want}`).toBeLessThanOrEqual(op.ulp);
    }, 60_000);
  }
});

const run = (fn: (x: Tensor) => Tensor, values: number[]): number[] => tidy(() => Array.from(fn(tensor(values)).dataSync()));

describe('vmath: edge semantics', () => {
  it('exp', () => {
    expect(run(exp, [-Infinity, Infinity, 89, 88.72284, -104, NaN, 0, -0])).toEqual([0, Infinity, Infinity, Infinity, 0, NaN, 1, 1]);
    expect(run(exp, [-103.9]).map((v) => v > 0 && v < 2 ** -126)).toEqual([true]); // denormal results are kept
  });
  it('log', () => {
    expect(run(log, [0, -0, -1, -Infinity, Infinity, NaN, 1, 2 ** -149])).toEqual([-Infinity, -Infinity, NaN, NaN, Infinity, NaN, 0, Math.fround(-149 * Math.LN2)]);
  });
  it('tanh saturates to ±1 exactly and keeps −0', () => {
    expect(run(tanh, [10, -10, Infinity, -Infinity, NaN, 9.02, 1e30])).toEqual([1, -1, 1, -1, NaN, 1, 1]);
    expect(Object.is(run(tanh, [-0])[0], -0)).toBe(true);
    expect(run(tanh, [1e-30, 2 ** -149])).toEqual([Math.fround(1e-30), 2 ** -149]);
  });
  it('sigmoid lies in [0, 1]', () => {
    expect(run(sigmoid, [Infinity, -Infinity, NaN, 0, 17, -200])).toEqual([1, 0, NaN, 0.5, 1, 0]);
    const values = run(sigmoid, Array.from({ length: 2001 }, (_, i) => (i - 1000) / 10));
    expect(values.every((v) => v >= 0 && v <= 1)).toBe(true);
  });
  it('softplus is x for large x and 0 at −Infinity', () => {
    expect(run(softplus, [Infinity, -Infinity, NaN, 17, 1e30, 100])).toEqual([Infinity, 0, NaN, 17, Math.fround(1e30), 100]);
    expect(run(softplus, [-100])[0]).toBe(Math.fround(Math.exp(-100)));
  });
  it('gelu is x for large x and −0 far below', () => {
    expect(run(gelu, [Infinity, NaN, 6, 1e30, 0])).toEqual([Infinity, NaN, 6, Math.fround(1e30), 0]);
    for (const v of run(gelu, [-Infinity, -20, -1e30])) expect(Object.is(v, -0)).toBe(true);
  });
});

describe('vmath: the scalar tail gives the bits of the vector lanes', () => {
  const values = [0.3, -0.7, 1.5, -2.25, 9, -9, 0.6249, 0.6251, 20, -20, 88.7, -103.5, 1e-20, 3e-39, 0.5, 2, 15.5, -15.5, 5.5, 0];
  for (const op of OPS) {
    it(op.name, () => {
      const xs = op.name === 'log' ? values.map(Math.abs) : values;
      const whole = run(op.fn, xs);
      // Each offset shifts every value to another lane or into the tail; lengths 1..7 put them all in the tail.
      for (let offset = 1; offset < 4; offset++) expect(run(op.fn, xs.slice(offset))).toEqual(whole.slice(offset));
      for (let i = 0; i + 7 <= xs.length; i += 7) {
        for (let n = 1; n <= 7; n++) expect(run(op.fn, xs.slice(i, i + n))).toEqual(whole.slice(i, i + n));
      }
    });
  }
});

/** dx = dy·op'(x) from kernels().activationBackwardFromInput, the backward from the input kept beside softplus and gelu. */
function backward(op: number, x: number[], dy: number[]): number[] {
  return tidy(() => {
    const tx = tensor(x), tdy = tensor(dy), dx = tensor(new Float32Array(x.length));
    kernels().activationBackwardFromInput(op, tx.ptr, tdy.ptr, dx.ptr, x.length);
    return Array.from(dx.dataSync());
  });
}

describe('vmath: derivatives against central differences in float64', () => {
  const xs = Array.from({ length: 61 }, (_, i) => Math.fround(-7.5 + i * 0.25 + 0.01));
  const dy = xs.map((_, i) => Math.fround(1 + (i % 3) / 4));
  const h = 1e-5;
  const softplus64 = (x: number): number => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
  const gelu64 = (x: number): number => 0.5 * x * erfc(-x / Math.SQRT2);
  for (const [name, op, f, tol] of [['softplus', ACT_SOFTPLUS, softplus64, 2 ** -23], ['gelu', ACT_GELU, gelu64, 2 ** -21]] as const) {
    it(`${name}: dy·op'(x) within ${tol} of dy·(f(x+h) − f(x−h))/2h`, () => {
      const got = backward(op, xs, dy);
      xs.forEach((x, i) => {
        const want = dy[i] * ((f(x + h) - f(x - h)) / (2 * h));
        expect(Math.abs(got[i] - want), `${name}'(${x})`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(want)));
      });
      expect(backward(op, [NaN, Infinity, -Infinity], [1, 1, 1])).toEqual([NaN, 1, 0]);
    });
  }
});
