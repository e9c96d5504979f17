// Batch and layer normalization over the last axis of [n, C] data (n rows: samples times spatial positions; C
// channels, contiguous), each backward beside its forward, and the moments (mean, variance) they share.
//
// Statistics are summed in f64, in two passes (the mean, then the squared deviations from the f64 mean), and rounded
// to f32 once. A sum of n f32 values (exact in f64) has error ≤ (n − 1)·2^-53·Σ|x|; the variance adds two roundings
// per term and the square of the mean's error, (δμ)² with δμ ≤ n·2^-53·max|x|: relative error ≤ (n + 3)·2^-53 +
// (δμ/σ)² (any order of additions keeps these bounds). For n < 2^21 that is below 2^-32, far under the final rounding
// to f32 (2^-24). Sums over rows are kept per channel in a caller's f64 work array (the passes run row by row, four rows
// summed in registers before each update of it: on [100352, 8] data the training forward takes 0.34 of the time of one
// update per row, 0.86 on [12544, 64]); sums along a row in four f64 chains.
// Element-wise work is f32, SIMD over channels: x̂ = (x − μ)·(1/σ) with μ and 1/σ = 1/√(σ² + ε) each rounded to f32
// once (1/√ in f64), then y = x̂·γ + β, rounded at each step. Loop tails run the same f32 operations as the lanes, so
// every channel gets the same bits whatever its position. A backward recomputes x̂ from x, μ and 1/σ (the same bits
// as its forward's) instead of keeping an [n, C] copy.

// @ts-ignore: decorator
@inline function low64(v: v128): v128 { return f64x2.promote_low_f32x4(v); }
// @ts-ignore: decorator
@inline function high64(v: v128): v128 { return f64x2.promote_low_f32x4(f32x4.shuffle(v, v, 2, 3, 2, 3)); }
// @ts-ignore: decorator
@inline function f32At(p: usize, i: i32): f32 { return load<f32>(p + (<usize>i << 2)); }
// @ts-ignore: decorator
@inline function f64At(p: usize, i: i32): f64 { return load<f64>(p + (<usize>i << 3)); }

// (a + b) + (c + d) in f64 lanes.
// @ts-ignore: decorator
@inline function quad(a: v128, b: v128, c: v128, d: v128): v128 { return f64x2.add(f64x2.add(a, b), f64x2.add(c, d)); }

// NOTE: what a pass sums, as a type parameter (as activation.ts does), so that each pass has its own loop.
// @ts-ignore: decorator
@final @unmanaged class Value {
  // @ts-ignore: decorator
  @inline v(x: v128, _mean: v128): v128 { return x; }
  // @ts-ignore: decorator
  @inline s(x: f64, _mean: f64): f64 { return x; }
}
// @ts-ignore: decorator
@final @unmanaged class SquaredDeviation {
  // @ts-ignore: decorator
  @inline v(x: v128, mean: v128): v128 { const d = f64x2.sub(x, mean); return f64x2.mul(d, d); }
  // @ts-ignore: decorator
  @inline s(x: f64, mean: f64): f64 { const d = x - mean; return d * d; }
}

// acc[c] += Σ_r Op(x[r, c], mean[c]) over the rows of [n, C] data, in f64; acc and mean hold C f64 (Value reads
// mean but ignores it: pass any C f64). Four rows at a time are summed in registers, (r0 + r1) + (r2 + r3), before
// acc: a quarter of the loads and stores of acc, whose chain through memory bounds narrow data (small C).
function addColumns<Op>(x: usize, n: i32, C: i32, mean: usize, acc: usize): void {
  const op = changetype<Op>(0);
  const rowBytes = <usize>C << 2;
  let r = 0;
  for (; r + 4 <= n; r += 4) {
    const p = x + <usize>r * rowBytes;
    let c = 0;
    for (; c + 4 <= C; c += 4) {
      const o = <usize>c << 2, a = acc + (<usize>c << 3), m = mean + (<usize>c << 3), ml = v128.load(m), mh = v128.load(m, 16);
      const v0 = v128.load(p + o), v1 = v128.load(p + rowBytes + o), v2 = v128.load(p + 2 * rowBytes + o), v3 = v128.load(p + 3 * rowBytes + o);
      v128.store(a, f64x2.add(v128.load(a), quad(op.v(low64(v0), ml), op.v(low64(v1), ml), op.v(low64(v2), ml), op.v(low64(v3), ml))));
      v128.store(a, f64x2.add(v128.load(a, 16), quad(op.v(high64(v0), mh), op.v(high64(v1), mh), op.v(high64(v2), mh), op.v(high64(v3), mh))), 16);
    }
    for (; c < C; c++) {
      const a = acc + (<usize>c << 3), m = f64At(mean, c), q = p + (<usize>c << 2);
      const sum = (op.s(<f64>load<f32>(q), m) + op.s(<f64>load<f32>(q + rowBytes), m)) +
        (op.s(<f64>load<f32>(q + 2 * rowBytes), m) + op.s(<f64>load<f32>(q + 3 * rowBytes), m));
      store<f64>(a, load<f64>(a) + sum);
    }
  }
  for (; r < n; r++) {
    const p = x + <usize>r * rowBytes;
    let c = 0;
    for (; c + 4 <= C; c += 4) {
      const v = v128.load(p + (<usize>c << 2)), a = acc + (<usize>c << 3), m = mean + (<usize>c << 3);
      v128.store(a, f64x2.add(v128.load(a), op.v(low64(v), v128.load(m))));
      v128.store(a, f64x2.add(v128.load(a, 16), op.v(high64(v), v128.load(m, 16))), 16);
    }
    for (; c < C; c++) {
      const a = acc + (<usize>c << 3);
      store<f64>(a, load<f64>(a) + op.s(<f64>f32At(p, c), f64At(mean, c)));
    }
  }
}

// Σ_j Op(x[j], mean) over the contiguous row x[0..r), in f64 (four chains).
// @ts-ignore: decorator
@inline function sumRow<Op>(x: usize, r: i32, mean: f64): f64 {
  const op = changetype<Op>(0);
  const m = f64x2.splat(mean);
  let s0 = f64x2.splat(0), s1 = s0, s2 = s0, s3 = s0;
  let j = 0;
  for (; j + 8 <= r; j += 8) {
    const p = x + (<usize>j << 2), v = v128.load(p), w = v128.load(p, 16);
    s0 = f64x2.add(s0, op.v(low64(v), m));
    s1 = f64x2.add(s1, op.v(high64(v), m));
    s2 = f64x2.add(s2, op.v(low64(w), m));
    s3 = f64x2.add(s3, op.v(high64(w), m));
  }
  const s = f64x2.add(f64x2.add(s0, s1), f64x2.add(s2, s3));
  let sum = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
  for (; j < r; j++) sum += op.s(<f64>f32At(x, j), mean);
  return sum;
}

// work[0..C) = the f64 mean of each column of [n, C] data, work[C..2C) its f64 (biased) variance; n = 0 gives NaN.
function columnMoments(x: usize, n: i32, C: i32, work: usize): void {
  const variance = work + (<usize>C << 3);
  memory.fill(work, 0, <usize>C << 4);
  addColumns<Value>(x, n, C, work, work);
  for (let c = 0; c < C; c++) store<f64>(work + (<usize>c << 3), f64At(work, c) / <f64>n);
  addColumns<SquaredDeviation>(x, n, C, work, variance);
  for (let c = 0; c < C; c++) store<f64>(variance + (<usize>c << 3), f64At(variance, c) / <f64>n);
}

// mean[o, i] and variance[o, i] (biased: Σ(x − μ)²/r) of x[o, j, i] over j, for an [outer, r, inner] layout (both
// outputs [outer, inner]), f64 sums rounded once; r = 0 gives NaN; work: 2·inner f64 (unused when inner = 1).
export function moments(x: usize, mean: usize, variance: usize, outer: i32, r: i32, inner: i32, work: usize): void {
  for (let o = 0; o < outer; o++) {
    const src = x + <usize>o * <usize>r * (<usize>inner << 2);
    if (inner == 1) {
      const m = sumRow<Value>(src, r, 0) / <f64>r;
      store<f32>(mean + (<usize>o << 2), <f32>m);
      store<f32>(variance + (<usize>o << 2), <f32>(sumRow<SquaredDeviation>(src, r, m) / <f64>r));
      continue;
    }
    columnMoments(src, r, inner, work);
    for (let i = 0; i < inner; i++) {
      const at = <usize>(o * inner + i) << 2;
      store<f32>(mean + at, <f32>f64At(work, i));
      store<f32>(variance + at, <f32>f64At(work, inner + i));
    }
  }
}

// 1/√(variance + ε), computed in f64 and rounded to f32 once.
// @ts-ignore: decorator
@inline function invStdOf(variance: f64, epsilon: f64): f32 { return <f32>(1 / Math.sqrt(variance + epsilon)); }

// y = x̂·γ + β for x̂ = (x − μ)·(1/σ) on four lanes; gamma and beta are 0 when absent (γ = 1, β = 0).
// @ts-ignore: decorator
@inline function affineV(xh: v128, gamma: usize, beta: usize, c: i32): v128 {
  let y = xh;
  if (gamma != 0) y = f32x4.mul(y, v128.load(gamma + (<usize>c << 2)));
  if (beta != 0) y = f32x4.add(y, v128.load(beta + (<usize>c << 2)));
  return y;
}
// @ts-ignore: decorator
@inline function affine(xh: f32, gamma: usize, beta: usize, c: i32): f32 {
  let y = xh;
  if (gamma != 0) y *= f32At(gamma, c);
  if (beta != 0) y += f32At(beta, c);
  return y;
}

// y[r, c] = (x[r, c] − mean[c])·invStd[c]·gamma[c] + beta[c] over [n, C] (gamma, beta 0: absent); y may be x.
function normalizeColumns(x: usize, y: usize, mean: usize, invStd: usize, gamma: usize, beta: usize, n: i32, C: i32): void {
  for (let r = 0; r < n; r++) {
    const row = <usize>r * (<usize>C << 2), px = x + row, py = y + row;
    let c = 0;
    for (; c + 4 <= C; c += 4) {
      const o = <usize>c << 2;
      const xh = f32x4.mul(f32x4.sub(v128.load(px + o), v128.load(mean + o)), v128.load(invStd + o));
      v128.store(py + o, affineV(xh, gamma, beta, c));
    }
    for (; c < C; c++) store<f32>(py + (<usize>c << 2), affine((f32At(px, c) - f32At(mean, c)) * f32At(invStd, c), gamma, beta, c));
  }
}

// Batch normalization in training, over [n, C] (n >= 1): mean[c] and invStd[c] = 1/√(σ²[c] + ε) of the batch (saved
// for the backward), y = (x − mean)·invStd·gamma + beta (gamma, beta 0: absent; y may be x), and, unless movingMean
// is 0, the moving statistics m ← m − (m − s)·decay (decay = 1 − momentum) with s the batch mean and the biased batch
// variance (as TF.js's BatchNormalization), in f64 from the f64 statistics, rounded once; work: 2C f64.
export function batchNormTrain(x: usize, y: usize, gamma: usize, beta: usize, mean: usize, invStd: usize,
  movingMean: usize, movingVariance: usize, n: i32, C: i32, epsilon: f64, decay: f64, work: usize): void {
  columnMoments(x, n, C, work);
  for (let c = 0; c < C; c++) {
    const m = f64At(work, c), v = f64At(work, C + c), at = <usize>c << 2;
    store<f32>(mean + at, <f32>m);
    store<f32>(invStd + at, invStdOf(v, epsilon));
    if (movingMean == 0) continue;
    const mm = <f64>load<f32>(movingMean + at), mv = <f64>load<f32>(movingVariance + at);
    store<f32>(movingMean + at, <f32>(mm - (mm - m) * decay));
    store<f32>(movingVariance + at, <f32>(mv - (mv - v) * decay));
  }
  normalizeColumns(x, y, mean, invStd, gamma, beta, n, C);
}

// Batch normalization from given statistics over [n, C] (inference, and the batchNorm op): invStd[c] =
// 1/√(variance[c] + ε), then y = (x − mean)·invStd·scale + offset (scale, offset 0: absent; y may be x).
export function batchNorm(x: usize, y: usize, mean: usize, variance: usize, offset: usize, scale: usize, invStd: usize,
  n: i32, C: i32, epsilon: f64): void {
  for (let c = 0; c < C; c++) store<f32>(invStd + (<usize>c << 2), invStdOf(<f64>f32At(variance, c), epsilon));
  normalizeColumns(x, y, mean, invStd, scale, offset, n, C);
}

// (x − μ)·(1/σ) on four lanes and in one lane: x̂ as the forwards compute it.
// @ts-ignore: decorator
@inline function normalizedV(x: v128, mean: v128, invStd: v128): v128 { return f32x4.mul(f32x4.sub(x, mean), invStd); }

// Stores v into dst[c], or adds it with `add`.
// @ts-ignore: decorator
@inline function putOrAddAt(dst: usize, c: i32, v: f32, add: bool): void {
  const p = dst + (<usize>c << 2);
  store<f32>(p, add ? load<f32>(p) + v : v);
}

// The column sums of a batch normalization's backward over [n, C], in f64 into work (2C f64): Σ_r dy at work[c],
// Σ_r dy·x̂ at work[C + c], with x̂ = (x − mean)·invStd.
function columnSums(x: usize, dy: usize, mean: usize, invStd: usize, n: i32, C: i32, work: usize): void {
  const sumDy = work, sumDyXh = work + (<usize>C << 3), rowBytes = <usize>C << 2;
  memory.fill(work, 0, <usize>C << 4);
  // Four rows at a time in registers, then one row at a time (as addColumns).
  let r = 0;
  for (; r + 4 <= n; r += 4) {
    const px = x + <usize>r * rowBytes, pd = dy + <usize>r * rowBytes;
    let c = 0;
    for (; c + 4 <= C; c += 4) {
      const o = <usize>c << 2, a = sumDy + (<usize>c << 3), b = sumDyXh + (<usize>c << 3), m = v128.load(mean + o), iv = v128.load(invStd + o);
      const d0 = v128.load(pd + o), d1 = v128.load(pd + rowBytes + o), d2 = v128.load(pd + 2 * rowBytes + o), d3 = v128.load(pd + 3 * rowBytes + o);
      const h0 = normalizedV(v128.load(px + o), m, iv), h1 = normalizedV(v128.load(px + rowBytes + o), m, iv);
      const h2 = normalizedV(v128.load(px + 2 * rowBytes + o), m, iv), h3 = normalizedV(v128.load(px + 3 * rowBytes + o), m, iv);
      v128.store(a, f64x2.add(v128.load(a), quad(low64(d0), low64(d1), low64(d2), low64(d3))));
      v128.store(a, f64x2.add(v128.load(a, 16), quad(high64(d0), high64(d1), high64(d2), high64(d3))), 16);
      v128.store(b, f64x2.add(v128.load(b), quad(f64x2.mul(low64(d0), low64(h0)), f64x2.mul(low64(d1), low64(h1)),
        f64x2.mul(low64(d2), low64(h2)), f64x2.mul(low64(d3), low64(h3)))));
      v128.store(b, f64x2.add(v128.load(b, 16), quad(f64x2.mul(high64(d0), high64(h0)), f64x2.mul(high64(d1), high64(h1)),
        f64x2.mul(high64(d2), high64(h2)), f64x2.mul(high64(d3), high64(h3)))), 16);
    }
    for (; c < C; c++) {
      const m = f32At(mean, c), iv = f32At(invStd, c), o = <usize>c << 2;
      const d0 = load<f32>(pd + o), d1 = load<f32>(pd + rowBytes + o), d2 = load<f32>(pd + 2 * rowBytes + o), d3 = load<f32>(pd + 3 * rowBytes + o);
      const h0 = (load<f32>(px + o) - m) * iv, h1 = (load<f32>(px + rowBytes + o) - m) * iv;
      const h2 = (load<f32>(px + 2 * rowBytes + o) - m) * iv, h3 = (load<f32>(px + 3 * rowBytes + o) - m) * iv;
      store<f64>(sumDy + (<usize>c << 3), f64At(sumDy, c) + ((<f64>d0 + <f64>d1) + (<f64>d2 + <f64>d3)));
      store<f64>(sumDyXh + (<usize>c << 3), f64At(sumDyXh, c) +
        ((<f64>d0 * <f64>h0 + <f64>d1 * <f64>h1) + (<f64>d2 * <f64>h2 + <f64>d3 * <f64>h3)));
    }
  }
  for (; r < n; r++) {
    const px = x + <usize>r * rowBytes, pd = dy + <usize>r * rowBytes;
    let c = 0;
    for (; c + 4 <= C; c += 4) {
      const o = <usize>c << 2, a = sumDy + (<usize>c << 3), b = sumDyXh + (<usize>c << 3);
      const d = v128.load(pd + o), xh = normalizedV(v128.load(px + o), v128.load(mean + o), v128.load(invStd + o));
      const dLow = low64(d), dHigh = high64(d);
      v128.store(a, f64x2.add(v128.load(a), dLow));
      v128.store(a, f64x2.add(v128.load(a, 16), dHigh), 16);
      v128.store(b, f64x2.add(v128.load(b), f64x2.mul(dLow, low64(xh))));
      v128.store(b, f64x2.add(v128.load(b, 16), f64x2.mul(dHigh, high64(xh))), 16);
    }
    for (; c < C; c++) {
      const d = <f64>f32At(pd, c), xh = <f64>((f32At(px, c) - f32At(mean, c)) * f32At(invStd, c));
      store<f64>(sumDy + (<usize>c << 3), f64At(sumDy, c) + d);
      store<f64>(sumDyXh + (<usize>c << 3), f64At(sumDyXh, c) + d * xh);
    }
  }
}

// Backward of batchNormTrain over [n, C] (n >= 1). Saved by the forward: its input x, mean and invStd. From dy:
// dBeta[c] = Σ_r dy, dGamma[c] = Σ_r dy·x̂ (f64 sums; written, or added with `accumulate`; 0: not wanted) and
// dx = (dy − Σdy/n − x̂·Σdy·x̂/n)·invStd·gamma (gamma 0: 1; dx may be dy; 0: not wanted); work: 2C f64.
export function batchNormBackward(x: usize, dy: usize, dx: usize, gamma: usize, mean: usize, invStd: usize,
  dGamma: usize, dBeta: usize, n: i32, C: i32, accumulate: bool, work: usize): void {
  const sumDy = work, sumDyXh = work + (<usize>C << 3), rowBytes = <usize>C << 2;
  columnSums(x, dy, mean, invStd, n, C, work);
  // The sums become f32 means in place: Σdy/n at work[c] (f32), Σdy·x̂/n at sumDyXh[c] (f32). NOTE: each f32 store
  // lands on f64 slots already read (index ≤ c of its own array).
  const perRow = 1 / <f64>n;
  for (let c = 0; c < C; c++) {
    const a = f64At(sumDy, c), b = f64At(sumDyXh, c);
    if (dBeta != 0) putOrAddAt(dBeta, c, <f32>a, accumulate);
    if (dGamma != 0) putOrAddAt(dGamma, c, <f32>b, accumulate);
    store<f32>(sumDy + (<usize>c << 2), <f32>(a * perRow));
    store<f32>(sumDyXh + (<usize>c << 2), <f32>(b * perRow));
  }
  if (dx == 0) return;
  for (let r = 0; r < n; r++) {
    const px = x + <usize>r * rowBytes, pd = dy + <usize>r * rowBytes, pdx = dx + <usize>r * rowBytes;
    let c = 0;
    for (; c + 4 <= C; c += 4) {
      const o = <usize>c << 2, inv = v128.load(invStd + o);
      const xh = normalizedV(v128.load(px + o), v128.load(mean + o), inv);
      const t = f32x4.sub(f32x4.sub(v128.load(pd + o), v128.load(sumDy + o)), f32x4.mul(xh, v128.load(sumDyXh + o)));
      v128.store(pdx + o, f32x4.mul(t, gamma != 0 ? f32x4.mul(inv, v128.load(gamma + o)) : inv));
    }
    for (; c < C; c++) {
      const inv = f32At(invStd, c), xh = (f32At(px, c) - f32At(mean, c)) * inv;
      const t = (f32At(pd, c) - f32At(sumDy, c)) - xh * f32At(sumDyXh, c);
      store<f32>(pdx + (<usize>c << 2), t * (gamma != 0 ? inv * f32At(gamma, c) : inv));
    }
  }
}

// Backward of batchNorm (inference: the statistics are constants) over [n, C]. Saved by the forward: its input x and
// invStd. From dy: dBeta[c] = Σ_r dy, dGamma[c] = Σ_r dy·x̂ (f64 sums, as batchNormBackward's; written, or added with
// `accumulate`; 0: not wanted) and dx = dy·invStd·gamma (gamma 0: 1; dx may be dy; 0: not wanted); work: 2C f64.
export function batchNormInferenceBackward(x: usize, dy: usize, dx: usize, gamma: usize, mean: usize, invStd: usize,
  dGamma: usize, dBeta: usize, n: i32, C: i32, accumulate: bool, work: usize): void {
  columnSums(x, dy, mean, invStd, n, C, work);
  for (let c = 0; c < C; c++) {
    if (dBeta != 0) putOrAddAt(dBeta, c, <f32>f64At(work, c), accumulate);
    if (dGamma != 0) putOrAddAt(dGamma, c, <f32>f64At(work, C + c), accumulate);
  }
  if (dx == 0) return;
  for (let r = 0; r < n; r++) {
    const at = <usize>(r * C) << 2;
    for (let c = 0; c < C; c++) {
      const o = at + (<usize>c << 2), scale = gamma != 0 ? f32At(invStd, c) * f32At(gamma, c) : f32At(invStd, c);
      store<f32>(dx + o, load<f32>(dy + o) * scale);
    }
  }
}

// Layer normalization over each row of [n, C] data: mean[r] and invStd[r] = 1/√(σ²[r] + ε) of the row (saved for the
// backward; 0: not kept), y = (x − mean[r])·invStd[r]·gamma + beta (gamma, beta [C]; 0: absent; y may be x); C = 0
// gives NaN statistics.
export function layerNorm(x: usize, y: usize, gamma: usize, beta: usize, mean: usize, invStd: usize, n: i32, C: i32, epsilon: f64): void {
  const perChannel = 1 / <f64>C; // NOTE: a product, not a quotient, in each row's chain of f64 latencies
  for (let r = 0; r < n; r++) {
    const row = <usize>r * (<usize>C << 2), px = x + row, py = y + row;
    const m64 = sumRow<Value>(px, C, 0) * perChannel;
    const m = <f32>m64, inv = invStdOf(sumRow<SquaredDeviation>(px, C, m64) * perChannel, epsilon);
    if (mean != 0) {
      store<f32>(mean + (<usize>r << 2), m);
      store<f32>(invStd + (<usize>r << 2), inv);
    }
    const mv = f32x4.splat(m), iv = f32x4.splat(inv);
    let c = 0;
    for (; c + 4 <= C; c += 4) {
      const o = <usize>c << 2;
      v128.store(py + o, affineV(normalizedV(v128.load(px + o), mv, iv), gamma, beta, c));
    }
    for (; c < C; c++) store<f32>(py + (<usize>c << 2), affine((f32At(px, c) - m) * inv, gamma, beta, c));
  }
}

// dy·γ on four lanes (gamma 0: dy).
// @ts-ignore: decorator
@inline function scaledV(d: v128, gamma: usize, o: usize): v128 { return gamma != 0 ? f32x4.mul(d, v128.load(gamma + o)) : d; }

// Backward of layerNorm over [n, C]. Saved by the forward: its input x, mean and invStd per row. From dy, with
// g = dy·gamma (gamma 0: dy): dx = (g − Σ_c g/C − x̂·Σ_c g·x̂/C)·invStd (row sums in f64; dx may be dy; 0: not
// wanted, when only the column sums are), and the
// column sums dBeta[c] = Σ_r dy, dGamma[c] = Σ_r dy·x̂ (f64; written, or added with `accumulate`; 0: not wanted);
// work: 2C f64.
export function layerNormBackward(x: usize, dy: usize, dx: usize, gamma: usize, mean: usize, invStd: usize,
  dGamma: usize, dBeta: usize, n: i32, C: i32, accumulate: bool, work: usize): void {
  const sumDy = work, sumDyXh = work + (<usize>C << 3);
  memory.fill(work, 0, <usize>C << 4);
  const perChannel = 1 / <f64>C;
  for (let r = 0; r < n; r++) {
    const row = <usize>r * (<usize>C << 2), px = x + row, pd = dy + row, pdx = dx + row;
    const m = f32At(mean, r), inv = f32At(invStd, r), mv = f32x4.splat(m), iv = f32x4.splat(inv);
    let g0 = f64x2.splat(0), g1 = g0, h0 = g0, h1 = g0;
    let c = 0;
    for (; c + 4 <= C; c += 4) {
      const o = <usize>c << 2, a = sumDy + (<usize>c << 3), b = sumDyXh + (<usize>c << 3);
      const d = v128.load(pd + o), xh = normalizedV(v128.load(px + o), mv, iv), g = scaledV(d, gamma, o);
      const xLow = low64(xh), xHigh = high64(xh), dLow = low64(d), dHigh = high64(d);
      g0 = f64x2.add(g0, low64(g));
      g1 = f64x2.add(g1, high64(g));
      h0 = f64x2.add(h0, f64x2.mul(low64(g), xLow));
      h1 = f64x2.add(h1, f64x2.mul(high64(g), xHigh));
      v128.store(a, f64x2.add(v128.load(a), dLow));
      v128.store(a, f64x2.add(v128.load(a, 16), dHigh), 16);
      v128.store(b, f64x2.add(v128.load(b), f64x2.mul(dLow, xLow)));
      v128.store(b, f64x2.add(v128.load(b, 16), f64x2.mul(dHigh, xHigh)), 16);
    }
    const gs = f64x2.add(g0, g1), hs = f64x2.add(h0, h1);
    let sumG = f64x2.extract_lane(gs, 0) + f64x2.extract_lane(gs, 1), sumGXh = f64x2.extract_lane(hs, 0) + f64x2.extract_lane(hs, 1);
    for (let j = c; j < C; j++) {
      const d = f32At(pd, j), xh = (f32At(px, j) - m) * inv, g = gamma != 0 ? d * f32At(gamma, j) : d;
      sumG += <f64>g;
      sumGXh += <f64>g * <f64>xh;
      store<f64>(sumDy + (<usize>j << 3), f64At(sumDy, j) + <f64>d);
      store<f64>(sumDyXh + (<usize>j << 3), f64At(sumDyXh, j) + <f64>d * <f64>xh);
    }
    if (dx == 0) continue; // the column sums only
    const u = <f32>(sumG * perChannel), v = <f32>(sumGXh * perChannel), uv = f32x4.splat(u), vv = f32x4.splat(v);
    c = 0;
    for (; c + 4 <= C; c += 4) {
      const o = <usize>c << 2;
      const xh = normalizedV(v128.load(px + o), mv, iv), g = scaledV(v128.load(pd + o), gamma, o);
      v128.store(pdx + o, f32x4.mul(f32x4.sub(f32x4.sub(g, uv), f32x4.mul(xh, vv)), iv));
    }
    for (; c < C; c++) {
      const d = f32At(pd, c), xh = (f32At(px, c) - m) * inv, g = gamma != 0 ? d * f32At(gamma, c) : d;
      store<f32>(pdx + (<usize>c << 2), ((g - u) - xh * v) * inv);
    }
  }
  for (let c = 0; c < C; c++) {
    if (dBeta != 0) putOrAddAt(dBeta, c, <f32>f64At(sumDy, c), accumulate);
    if (dGamma != 0) putOrAddAt(dGamma, c, <f32>f64At(sumDyXh, c), accumulate);
  }
}
