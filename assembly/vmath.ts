// f32x4 approximations of exp, log, tanh, sigmoid, softplus and gelu. Only IEEE f32x4 add/sub/mul/div/min/max/nearest,
// integer bit operations and bitselect (no fma, no relaxed SIMD), so every engine and both builds give the same bits.
// A scalar x goes through the same code as lane 0 of f32x4.splat(x) (see lane0), so a result does not depend on
// where an element falls in its array. Errors are in ULP of the float32 result against the float64 function rounded
// to float32, measured over the whole float32 range (tests/assembly/vmath.test.ts). The polynomial and rational
// coefficients are minimax fits of the relative error, rounded to float32.

// @ts-ignore: decorator
@inline const SIGN = 0x80000000;

// @ts-ignore: decorator
@inline function splat(c: f32): v128 { return f32x4.splat(c); }

// 2^k for integer lanes k in [-126, 127].
// @ts-ignore: decorator
@inline function pow2(k: v128): v128 { return i32x4.shl(i32x4.add(k, i32x4.splat(127)), 23); }

// Lane 0 of f(splat(x)): the scalar form of a vector function, for loop tails.
// @ts-ignore: decorator
@inline export function lane0(v: v128): f32 { return f32x4.extract_lane(v, 0); }

// e^(hi + lo) for hi in [−104, 89] and |lo| ≤ 0.25 (or NaN), reduced as below with lo added to the exact hi − n·LN2_HI.
// @ts-ignore: decorator
@inline function expSumV(hi: v128, lo: v128): v128 {
  const nf = f32x4.nearest(f32x4.mul(f32x4.add(hi, lo), splat(1.4426950216293335)));
  let r = f32x4.sub(hi, f32x4.mul(nf, splat(0.693359375)));
  r = f32x4.sub(f32x4.add(r, lo), f32x4.mul(nf, splat(-0.00021219444170128554)));
  // e^r = 1 + r + r²·q(r), |r| ≤ ln2/2 (+ rounding).
  let q = f32x4.add(splat(0.008368715643882751), f32x4.mul(r, splat(0.0013814599951729178)));
  q = f32x4.add(splat(0.04166838899254799), f32x4.mul(r, q));
  q = f32x4.add(splat(0.1666652113199234), f32x4.mul(r, q));
  q = f32x4.add(splat(0.4999999403953552), f32x4.mul(r, q));
  const p = f32x4.add(splat(1), f32x4.add(r, f32x4.mul(f32x4.mul(r, r), q)));
  const n = i32x4.trunc_sat_f32x4_s(nf), n1 = i32x4.shr_s(n, 1);
  return f32x4.mul(f32x4.mul(p, pow2(n1)), pow2(i32x4.sub(n, n1)));
}

// exp(x); max error 1 ULP (denormal results included); +Inf above 88.72284, 0 below -103.97208, NaN stays NaN.
// NOTE: n = round(x/ln2) in [-150, 128] is applied as 2^(n>>1)·2^(n−(n>>1)), both factors normal, so results in the
// denormal range are rounded once. ln2 = LN2_HI + LN2_LO with LN2_HI of 9 bits: n·LN2_HI and x − n·LN2_HI are exact.
// @ts-ignore: decorator
@inline export function expV(x: v128): v128 {
  return expSumV(f32x4.max(f32x4.min(x, splat(89)), splat(-104)), splat(0));
}

// log(x); max error 1 ULP; log(±0) = −Inf, log(x < 0) = NaN, log(+Inf) = +Inf, NaN stays NaN.
// NOTE: x = 2^e·m with m in [√½, √2) (denormals scaled by 2^23 first); f = m − 1 is exact, and
// log x = e·LN2_HI + (f − f²/2 + f³·q(f) + e·LN2_LO) with e·LN2_HI exact.
// @ts-ignore: decorator
@inline export function logV(x: v128): v128 {
  const tiny = f32x4.lt(x, splat(1.1754943508222875e-38));
  const xs = v128.bitselect(f32x4.mul(x, splat(8388608)), x, tiny);
  const ix = i32x4.sub(xs, i32x4.splat(0x3f3504f3));
  const e = f32x4.convert_i32x4_s(i32x4.sub(i32x4.shr_s(ix, 23), v128.and(tiny, i32x4.splat(23))));
  const f = f32x4.sub(i32x4.add(v128.and(ix, i32x4.splat(0x007fffff)), i32x4.splat(0x3f3504f3)), splat(1));
  let q = f32x4.add(splat(0.12761549651622772), f32x4.mul(f, splat(-0.07634429633617401)));
  q = f32x4.add(splat(-0.131601944565773), f32x4.mul(f, q));
  q = f32x4.add(splat(0.14201761782169342), f32x4.mul(f, q));
  q = f32x4.add(splat(-0.16623356938362122), f32x4.mul(f, q));
  q = f32x4.add(splat(0.20001226663589478), f32x4.mul(f, q));
  q = f32x4.add(splat(-0.250008225440979), f32x4.mul(f, q));
  q = f32x4.add(splat(0.3333333134651184), f32x4.mul(f, q));
  const z = f32x4.mul(f, f);
  let y = f32x4.add(f32x4.mul(f32x4.mul(f, z), q), f32x4.mul(e, splat(-0.00021219444170128554)));
  y = f32x4.sub(y, f32x4.mul(z, splat(0.5)));
  const r = f32x4.add(f32x4.add(f, y), f32x4.mul(e, splat(0.693359375)));
  // Outside (0, +Inf): ±0 → −Inf, negatives → NaN, +Inf and NaN → x.
  let special = v128.bitselect(splat(-Infinity), x, f32x4.eq(x, splat(0)));
  special = v128.bitselect(splat(NaN), special, f32x4.lt(x, splat(0)));
  return v128.bitselect(r, special, v128.and(f32x4.gt(x, splat(0)), f32x4.lt(x, splat(Infinity))));
}

// log(1 + u) for u in [0, 1] (NaN stays NaN): log of w = 1 + u rounded, plus the rounding error of w over w.
// @ts-ignore: decorator
@inline function log1pUnitV(u: v128): v128 {
  const w = f32x4.add(splat(1), u);
  return f32x4.add(logV(w), f32x4.div(f32x4.sub(u, f32x4.sub(w, splat(1))), w));
}

// tanh(x); max error 1 ULP; exactly ±1 for |x| ≥ 9.011, odd (tanh(−0) = −0), NaN stays NaN.
// NOTE: |x| < 0.625: |x| + |x|³·q(x²); above: 1 − 2/(e^{2|x|} + 1); the sign is copied last.
// @ts-ignore: decorator
@inline export function tanhV(x: v128): v128 {
  const a = f32x4.abs(x), s = f32x4.mul(a, a);
  let q = f32x4.add(splat(0.02063908986747265), f32x4.mul(s, splat(-0.005704990588128567)));
  q = f32x4.add(splat(-0.05373971536755562), f32x4.mul(s, q));
  q = f32x4.add(splat(0.13331441581249237), f32x4.mul(s, q));
  q = f32x4.add(splat(-0.3333328068256378), f32x4.mul(s, q));
  const small = f32x4.add(a, f32x4.mul(f32x4.mul(a, s), q));
  const large = f32x4.sub(splat(1), f32x4.div(splat(2), f32x4.add(expV(f32x4.add(a, a)), splat(1))));
  const t = v128.bitselect(small, large, f32x4.lt(a, splat(0.625)));
  return v128.or(t, v128.and(x, i32x4.splat(SIGN)));
}

// sigmoid(x) = 1/(1 + e^−x); max error 2 ULP; in [0, 1], 1 from x ≥ 16.64, 0 at −Inf, NaN stays NaN.
// NOTE: e = e^−|x| never overflows: 1/(1 + e) for x ≥ 0, e/(1 + e) below, which keeps denormal results.
// @ts-ignore: decorator
@inline export function sigmoidV(x: v128): v128 {
  const e = expV(v128.or(x, i32x4.splat(SIGN)));
  const d = f32x4.add(splat(1), e);
  return v128.bitselect(f32x4.div(e, d), f32x4.div(splat(1), d), f32x4.lt(x, splat(0)));
}

// softplus(x) = log(1 + e^x) = max(x, 0) + log1p(e^−|x|); max error 2 ULP; x for x ≥ 16.64, +Inf at +Inf, 0 at −Inf,
// NaN stays NaN. Its derivative is sigmoid(x).
// @ts-ignore: decorator
@inline export function softplusV(x: v128): v128 {
  return f32x4.add(f32x4.max(x, splat(0)), log1pUnitV(expV(v128.or(x, i32x4.splat(SIGN)))));
}

// 1/M(a) − a for a in [0, 15], M(a) = Φ(−a)/φ(a) the Mills ratio, as a rational P(a)/Q(a); then
// Φ(−a) = φ(a)/(a + P/Q), with relative error 2.9·2^-24 for the quotient 1/(a + P/Q) (P/Q is small next to a where a
// is large, so its own error weighs less there).
// @ts-ignore: decorator
@inline function millsInverseV(a: v128): v128 {
  let p = f32x4.add(splat(0.00973588228225708), f32x4.mul(a, splat(9.106919947043934e-07)));
  p = f32x4.add(splat(0.09226741641759872), f32x4.mul(a, p));
  p = f32x4.add(splat(0.3675850033760071), f32x4.mul(a, p));
  p = f32x4.add(splat(0.7978845238685608), f32x4.mul(a, p));
  let q = f32x4.add(splat(0.09144482761621475), f32x4.mul(a, splat(0.009777986444532871)));
  q = f32x4.add(splat(0.396263062953949), f32x4.mul(a, q));
  q = f32x4.add(splat(0.9161279201507568), f32x4.mul(a, q));
  q = f32x4.add(splat(1), f32x4.mul(a, q));
  return f32x4.add(a, f32x4.div(p, q));
}

// e^{−a²/2} for a in [0, 15]: with h the top 12 bits of a (h² exact) and l = a − h, the exponent is −h²/2 (exact)
// plus −l(a + h)/2, both fed to one reduction, so it is not rounded first.
// @ts-ignore: decorator
@inline function gaussV(a: v128): v128 {
  const h = v128.and(a, i32x4.splat(0xfffff000));
  const hi = f32x4.mul(f32x4.mul(h, h), splat(-0.5));
  const lo = f32x4.mul(f32x4.mul(f32x4.sub(a, h), f32x4.add(a, h)), splat(-0.5));
  return expSumV(hi, lo);
}

// gelu(x) = x·Φ(x) = x·(1 + erf(x/√2))/2 (the exact form, Keras approximate=False); max error 4 ULP; x for x ≥ 5.5,
// −0 for x ≤ −14.5 and at −Inf, NaN stays NaN.
// NOTE: with a = min(|x|, 15) and t = a·Φ(−a) = a·φ(a)/(a + P/Q): gelu = −t for x < 0 and |x| − t for x ≥ 0, neither cancelling.
// @ts-ignore: decorator
@inline const GELU_SMALL: f32 = 0.75;

// @ts-ignore: decorator
@inline export function geluV(x: v128): v128 {
  const a = f32x4.min(f32x4.abs(x), splat(15));
  const t = f32x4.mul(f32x4.div(f32x4.mul(a, splat(0.3989422917366028)), millsInverseV(a)), gaussV(a));
  const r = v128.bitselect(f32x4.neg(t), f32x4.sub(f32x4.abs(x), t), f32x4.lt(x, splat(0)));
  // |x| < GELU_SMALL: x·Φ(x) = x/2 + x²·S(x²), Φ(x) − 1/2 = x·S(x²) (relative error 2.4e-9).
  const s = f32x4.mul(x, x);
  let q = f32x4.add(splat(-0.0011812864104285836), f32x4.mul(s, splat(0.00010294164530932903)));
  q = f32x4.add(splat(0.009972349740564823), f32x4.mul(s, q));
  q = f32x4.add(splat(-0.0664902925491333), f32x4.mul(s, q));
  q = f32x4.add(splat(0.3989422917366028), f32x4.mul(s, q));
  const small = f32x4.add(f32x4.mul(x, splat(0.5)), f32x4.mul(s, q));
  return v128.bitselect(small, v128.bitselect(x, r, f32x4.ne(x, x)), f32x4.lt(f32x4.abs(x), splat(GELU_SMALL)));
}

// gelu'(x) = Φ(x) + x·φ(x); absolute error ≤ 2^-22 (a derivative for training: cancellation near x = −0.75 rules out
// a relative bound); 1 at +Inf, 0 at −Inf, NaN stays NaN.
// @ts-ignore: decorator
@inline export function geluGradV(x: v128): v128 {
  const a = f32x4.min(f32x4.abs(x), splat(15));
  const e = gaussV(a);
  const density = f32x4.mul(e, splat(0.3989422917366028)), tail = f32x4.div(density, millsInverseV(a));
  const cdf = v128.bitselect(tail, f32x4.sub(splat(1), tail), f32x4.lt(x, splat(0)));
  const r = f32x4.add(cdf, f32x4.mul(v128.or(a, v128.and(x, i32x4.splat(SIGN))), density));
  return v128.bitselect(x, r, f32x4.ne(x, x));
}
