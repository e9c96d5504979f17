// randomUniform and randomNormal (assembly/random.ts): against a scalar xoshiro128** written from the reference
// C code (prng.di.unimi.it/xoshiro128starstar.c), determinism per state, ranges and sample moments.
import { randomUniform, randomNormal } from '../../assembly/random';
import { SIZES, allocF32, allocF64, getF32, setF64, expectClose, expectGuard } from './reference';

// A 4 × u32 generator state.
function allocState(s0: u32, s1: u32, s2: u32, s3: u32): usize {
  const p = heap.alloc(16);
  store<u32>(p, s0); store<u32>(p, s1, 4); store<u32>(p, s2, 8); store<u32>(p, s3, 12);
  return p;
}

function copyState(src: usize): usize {
  const p = heap.alloc(16);
  memory.copy(p, src, 16);
  return p;
}

function rotl32(x: u32, k: u32): u32 {
  return (x << k) | (x >>> (32 - k));
}

// xoshiro128** next(), as in the reference C code, on a state in memory.
function refNext(s: usize): u32 {
  const s0 = load<u32>(s), s1 = load<u32>(s, 4), s2 = load<u32>(s, 8), s3 = load<u32>(s, 12);
  const result = rotl32(s1 * 5, 7) * 9;
  const t = s1 << 9;
  let n2 = s2 ^ s0;
  let n3 = s3 ^ s1;
  const n1 = s1 ^ n2;
  const n0 = s0 ^ n3;
  n2 ^= t;
  n3 = rotl32(n3, 11);
  store<u32>(s, n0); store<u32>(s, n1, 4); store<u32>(s, n2, 8); store<u32>(s, n3, 12);
  return result;
}

function expectSameState(a: usize, b: usize, what: string): void {
  for (let w = 0; w < 4; w++) {
    const x = load<u32>(a + (<usize>w << 2)), y = load<u32>(b + (<usize>w << 2));
    expect<u32>(x).toBe(y, `${what}: state word ${w}`);
  }
}

// Bit equality of two f32 outputs.
function expectSameBits(x: usize, y: usize, n: i32, what: string): void {
  let bad = -1;
  for (let i = 0; i < n; i++) {
    if (load<u32>(x + (<usize>i << 2)) != load<u32>(y + (<usize>i << 2))) { bad = i; break; }
  }
  if (bad >= 0) expect<i32>(bad).toBe(-1, `${what}: index ${bad} of ${n} differs: ${getF32(x, bad)} vs ${getF32(y, bad)}`);
}

describe('randomUniform', () => {
  it('draws lo + (hi - lo)·(next >>> 8)·2^-24 from xoshiro128** for each size', () => {
    const lo: f32 = -1.5, hi: f32 = 2.25;
    for (let s = 0; s < SIZES.length; s++) {
      const n = SIZES[s];
      const state = allocState(1, 2, 3, 4), ref = copyState(state);
      const out = allocF32(n), want = allocF64(n);
      for (let i = 0; i < n; i++) {
        let v: f32;
        do v = <f32>(<f64>lo + (<f64>hi - <f64>lo) * <f64>(refNext(ref) >>> 8) / 16777216.0); while (v >= hi);
        setF64(want, i, v);
      }
      randomUniform(state, out, n, lo, hi);
      expectClose(out, want, n, 0, 0, `randomUniform n=${n}`);
      expectSameState(state, ref, `randomUniform n=${n}`);
      heap.free(state); heap.free(ref); heap.free(out); heap.free(want);
    }
  });

  it('gives the same numbers for the same state, and values in [lo, hi)', () => {
    const n = 10000;
    const ranges: StaticArray<f32> = [0, 1, -3, -2, 5, 1e6, 1, 1.00000012]; // the last: hi is the next f32 after lo
    for (let r = 0; r < ranges.length; r += 2) {
      const lo = ranges[r], hi = ranges[r + 1];
      const state = allocState(0xdeadbeef, 0x12345678, 0x0badf00d, 0xcafebabe), again = copyState(state);
      const x = allocF32(n), y = allocF32(n);
      randomUniform(state, x, n, lo, hi);
      randomUniform(again, y, n, lo, hi);
      const what = `randomUniform lo=${lo} hi=${hi} n=${n}`;
      expectSameBits(x, y, n, what);
      expectSameState(state, again, what);
      let bad = -1;
      for (let i = 0; i < n; i++) {
        const v = getF32(x, i);
        if (!(v >= lo && v < hi)) { bad = i; break; }
      }
      if (bad >= 0) expect<i32>(bad).toBe(-1, `${what}: index ${bad} is ${getF32(x, bad)}, outside [lo, hi)`);
      expectGuard(x, n, what);
      heap.free(state); heap.free(again); heap.free(x); heap.free(y);
    }
  });
});

describe('randomNormal', () => {
  it('draws Box–Muller pairs from xoshiro128** for each size (odd n keeps only the cosine value)', () => {
    const mean: f32 = 0.5, std: f32 = 2;
    for (let s = 0; s < SIZES.length; s++) {
      const n = SIZES[s];
      const state = allocState(5, 6, 7, 8), ref = copyState(state);
      const out = allocF32(n), want = allocF64(n);
      for (let i = 0; i < n; i += 2) {
        const u1 = (<f64>refNext(ref) + 1) / 4294967296.0;
        const u2 = <f64>refNext(ref) / 4294967296.0;
        const radius = Math.sqrt(-2 * Math.log(u1)), angle = 2 * Math.PI * u2;
        setF64(want, i, <f64>mean + <f64>std * radius * Math.cos(angle));
        if (i + 1 < n) setF64(want, i + 1, <f64>mean + <f64>std * radius * Math.sin(angle));
      }
      randomNormal(state, out, n, mean, std);
      // Tolerance abs 1e-6, rel 1e-6: the same f64 arithmetic, rounded once to f32.
      expectClose(out, want, n, 1e-6, 1e-6, `randomNormal n=${n}`);
      expectSameState(state, ref, `randomNormal n=${n}`);
      heap.free(state); heap.free(ref); heap.free(out); heap.free(want);
    }
  });

  it('gives the same numbers for the same state, and sample mean and std near mean and std at n = 10000', () => {
    const n = 10000;
    const params: StaticArray<f32> = [0, 1, 3, 0.5, -2, 10];
    for (let q = 0; q < params.length; q += 2) {
      const mean = params[q], std = params[q + 1];
      const state = allocState(42, 43, 44, 45), again = copyState(state);
      const x = allocF32(n), y = allocF32(n);
      randomNormal(state, x, n, mean, std);
      randomNormal(again, y, n, mean, std);
      const what = `randomNormal mean=${mean} std=${std} n=${n}`;
      expectSameBits(x, y, n, what);
      expectSameState(state, again, what);
      let s = 0.0;
      for (let i = 0; i < n; i++) s += getF32(x, i);
      const m = s / n;
      let v = 0.0;
      for (let i = 0; i < n; i++) v += (getF32(x, i) - m) * (getF32(x, i) - m);
      const sd = Math.sqrt(v / (n - 1));
      // 4 standard errors: std/√n for the mean, about std/√(2n) for the standard deviation.
      expect<f64>(Math.abs(m - mean)).toBeLessThanOrEqual(4 * std / Math.sqrt(n), `${what}: sample mean ${m}`);
      expect<f64>(Math.abs(sd - std)).toBeLessThanOrEqual(4 * std / Math.sqrt(2 * n), `${what}: sample std ${sd}`);
      expectGuard(x, n, what);
      heap.free(state); heap.free(again); heap.free(x); heap.free(y);
    }
  });
});
