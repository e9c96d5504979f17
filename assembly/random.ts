// xoshiro128** over a 4 x u32 state in memory; the same state gives the same numbers on every engine.

// @ts-ignore: decorator
@inline export function next(state: usize): u32 {
  const s0 = load<u32>(state), s1 = load<u32>(state, 4), s2 = load<u32>(state, 8), s3 = load<u32>(state, 12);
  const result = rotl<u32>(s1 * 5, 7) * 9;
  const t = s1 << 9;
  const n2 = s2 ^ s0, n3 = s3 ^ s1;
  store<u32>(state, s0 ^ n3);
  store<u32>(state, s1 ^ n2, 4);
  store<u32>(state, n2 ^ t, 8);
  store<u32>(state, rotl<u32>(n3, 11), 12);
  return result;
}

// out[i] uniform in [lo, hi) for i < n (24 random bits each; a value rounding up to hi is drawn again); lo < hi.
export function randomUniform(state: usize, out: usize, n: i32, lo: f32, hi: f32): void {
  const span = <f64>hi - <f64>lo;
  for (let i = 0; i < n; i++) {
    let v: f32;
    do v = <f32>(<f64>lo + span * (<f64>(next(state) >>> 8) * 5.9604644775390625e-8)); while (v >= hi);
    store<f32>(out + (<usize>i << 2), v);
  }
}

// out[i] = mean + std·z, z standard normal by Box–Muller in f64 (AssemblyScript's own log/cos/sin, so
// identical on every engine), for i < n.
export function randomNormal(state: usize, out: usize, n: i32, mean: f32, std: f32): void {
  for (let i = 0; i < n; i += 2) {
    const u1 = (<f64>next(state) + 1) * 2.3283064365386963e-10; // (0, 1]
    const u2 = <f64>next(state) * 2.3283064365386963e-10;       // [0, 1)
    const r = Math.sqrt(-2 * Math.log(u1));
    const t = 2 * Math.PI * u2;
    store<f32>(out + (<usize>i << 2), <f32>(<f64>mean + <f64>std * r * Math.cos(t)));
    if (i + 1 < n) store<f32>(out + (<usize>(i + 1) << 2), <f32>(<f64>mean + <f64>std * r * Math.sin(t)));
  }
}
