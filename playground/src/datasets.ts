// The data sets, generated from a seed: the 2-D toy sets (as TensorFlow Playground draws them, scaled to about
// [-1, 1]²), the classic 4-sample network, and a dropped CSV file (numeric columns, one of them the target).
import { MinMaxScaler, parseCsv, tensor, tidy } from 'simdeep';
import type { DataView, Settings } from './protocol';

/** A seeded generator of uniform numbers in [0, 1) (mulberry32). */
export function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** The indices 0..n-1 in an order drawn from `rand` (Fisher–Yates). */
export function permutation(n: number, rand: () => number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

type Points = { x: number[][]; y: number[] };

function toy(name: Settings['dataset'], n: number, noise: number, rand: () => number): Points {
  const x: number[][] = [], y: number[] = [];
  const push = (a: number, b: number, label: number): void => { x.push([a, b]); y.push(label); };
  for (let i = 0; i < n; i++) {
    if (name === 'xor') {
      const pad = 0.05, u = rand() * 2 - 1, v = rand() * 2 - 1;
      const a = u + (u > 0 ? pad : -pad), b = v + (v > 0 ? pad : -pad);
      push(a + (rand() * 2 - 1) * noise, b + (rand() * 2 - 1) * noise, a * b >= 0 ? 1 : 0);
    } else if (name === 'circles') {
      const inner = i < n / 2, r = inner ? rand() * 0.5 : 0.7 + rand() * 0.3, angle = rand() * 2 * Math.PI;
      push(r * Math.sin(angle) + (rand() * 2 - 1) * noise, r * Math.cos(angle) + (rand() * 2 - 1) * noise, inner ? 1 : 0);
    } else if (name === 'spiral') {
      const label = i % 2, t = (Math.floor(i / 2) / (n / 2)) * 1.75 * 2 * Math.PI, r = t / (3.5 * Math.PI) * 0.9;
      const angle = t + label * Math.PI;
      push(r * Math.sin(angle) + (rand() * 2 - 1) * noise, r * Math.cos(angle) + (rand() * 2 - 1) * noise, label);
    } else {
      const label = i % 2, c = label ? 0.4 : -0.4, sd = 0.1 + noise * 0.6;
      push(c + gaussian(rand) * sd, c + gaussian(rand) * sd, label);
    }
  }
  return { x, y };
}

/** Numeric columns of a CSV text: those whose every non-empty cell is a number. */
export async function numericColumns(text: string): Promise<string[]> {
  const table = await parseCsv(text);
  return table.columns.filter((c) => table.column(c).every((v) => v === null || typeof v === 'number'));
}

async function fromCsv(text: string, target: string, trainRatio: number, rand: () => number): Promise<DataView> {
  const table = await parseCsv(text);
  const numeric = new Set(await numericColumns(text));
  if (!numeric.has(target)) throw new Error(`the target column "${target}" is not numeric`);
  const features = table.columns.filter((c) => numeric.has(c) && c !== target);
  if (features.length === 0) throw new Error('the CSV needs a numeric column besides the target');
  const complete = table.dropMissing([...features, target]);
  const left = table.rowCount - complete.rowCount;
  if (complete.rowCount < 2) throw new Error('the CSV needs at least 2 complete rows');
  const rows = complete.select(features).toRecords().map((r) => features.map((f) => r[f] as number));
  const targets = complete.column(target) as number[];
  const distinct = [...new Set(targets)].sort((a, b) => a - b);
  const classify = distinct.length <= 10 && distinct.every(Number.isInteger);
  const [low, high] = [Math.min(...targets), Math.max(...targets)];
  const y = classify ? targets.map((v) => distinct.indexOf(v)) : targets.map((v) => (high > low ? (v - low) / (high - low) : 0));
  const order = permutation(rows.length, rand), cut = Math.max(1, Math.min(rows.length - 1, Math.round(rows.length * trainRatio)));
  const pick = (ids: number[]): Points => ({ x: ids.map((i) => rows[i]), y: ids.map((i) => y[i]) });
  const train = pick(order.slice(0, cut)), test = pick(order.slice(cut));
  // Inputs are min-max scaled with the training rows' ranges, so no test row informs the scaling.
  const [xTrain, xTest] = tidy(() => {
    const scaler = new MinMaxScaler().fit(tensor(train.x));
    return [train, test].map((p) => (p.x.length ? scaler.transform(tensor(p.x)).toArray() as number[][] : []));
  });
  const note = `${complete.rowCount} rows (${train.y.length} train, ${test.y.length} test)${left ? `, ${left} with empty cells left out` : ''}; `
    + `inputs min-max scaled to [0, 1] by the training rows; ${classify ? `${distinct.length} classes` : `target scaled to [0, 1] from [${low}, ${high}]`}`;
  return { features, classes: classify ? distinct.map(String) : [target], xTrain, yTrain: train.y, xTest, yTest: test.y, extent: 1.1, note };
}

/** The data of `settings`, split into training and test rows. */
export async function makeData(settings: Settings): Promise<DataView> {
  const rand = random(settings.seed);
  if (settings.dataset === 'classic') {
    // The seeds' network: 3 inputs (the third always 1), target = first XOR second. Too few rows to hold any out.
    const x = [[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]], y = [0, 1, 1, 0];
    return { features: ['x1', 'x2', 'x3'], classes: ['0', '1'], xTrain: x, yTrain: y, xTest: x, yTest: y, extent: 1,
      note: 'the 4 samples of the classic network; all 4 are both the training and the test rows' };
  }
  if (settings.dataset === 'csv') {
    if (!settings.csv) throw new Error('drop a CSV file first');
    return fromCsv(settings.csv.text, settings.csv.target, settings.trainRatio, rand);
  }
  const { x, y } = toy(settings.dataset, settings.samples, settings.noise, rand);
  const order = permutation(x.length, rand), cut = Math.round(x.length * settings.trainRatio);
  const extent = Math.max(1, ...x.flat().map(Math.abs)) * 1.05;
  return { features: ['x1', 'x2'], classes: ['0', '1'], extent,
    xTrain: order.slice(0, cut).map((i) => x[i]), yTrain: order.slice(0, cut).map((i) => y[i]),
    xTest: order.slice(cut).map((i) => x[i]), yTest: order.slice(cut).map((i) => y[i]),
    note: `${x.length} points (${cut} train, ${x.length - cut} test), noise ${settings.noise}` };
}
