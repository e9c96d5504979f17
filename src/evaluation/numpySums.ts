// Sums and means in the order NumPy adds them, so that averages match scikit-learn's to the last bit.

/**
 * `np.sum` of float64 values: NumPy's pairwise summation (a plain loop below 8 values, 8 interleaved partial sums up
 * to 128, halves beyond), whose rounding differs from a left-to-right loop.
 */
export function numpySum(values: ArrayLike<number>, start = 0, n = values.length - start): number {
  if (n < 8) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += values[start + i];
    return sum;
  }
  if (n <= 128) {
    const r = Array.from({ length: 8 }, (_, j) => values[start + j]);
    let i = 8;
    for (; i < n - (n % 8); i += 8) for (let j = 0; j < 8; j++) r[j] += values[start + i + j];
    let sum = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; i++) sum += values[start + i];
    return sum;
  }
  let half = Math.floor(n / 2);
  half -= half % 8;
  return numpySum(values, start, half) + numpySum(values, start + half, n - half);
}

/**
 * scikit-learn's `_nanaverage`: the mean of the values that are not NaN (NaN if none), weighted by `weights` when
 * given (unweighted if those weights sum to 0), as `np.nanmean` and `np.average` compute it.
 */
export function numpyAverage(values: readonly number[], weights: ArrayLike<number> | null): number {
  const kept = values.flatMap((v, i) => (Number.isNaN(v) ? [] : [i]));
  if (kept.length === 0) return NaN;
  const a = kept.map((i) => values[i]);
  // np.nanmean sums every value with NaN as 0, then divides by the count of the others.
  if (weights === null) return numpySum(values.map((v) => (Number.isNaN(v) ? 0 : v))) / a.length;
  const w = kept.map((i) => weights[i]), scale = numpySum(w);
  if (scale === 0) return numpySum(a) / a.length;
  return numpySum(a.map((v, i) => v * w[i])) / scale;
}
