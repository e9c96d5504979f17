// Predicting the magnitude of an earthquake from how it was recorded: one week of real USGS events (GeoJSON from the
// vega-datasets package), cleaned, encoded and min-max normalized; hyperparameters tuned by random search; scored on
// held-out events against the mean predictor and a least-squares linear regression. `npm run demo` runs it.
import { readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  Table, MinMaxScaler, trainTestSplit, randomSearch, logUniform, int, choice, sequential, dense, adam,
  earlyStopping, initializers, dispose, setThreads,
} from 'simdeep';

/** Where, how deep, how well the network recorded it (stations, gap, distance, residual), by whom and how. */
export const FEATURES = ['depth', 'latitude', 'longitude', 'nst', 'gap', 'dmin', 'rms', 'net', 'magType'];
const NUMERIC = ['depth', 'latitude', 'longitude', 'nst', 'gap', 'dmin', 'rms'];
const CATEGORICAL = ['net', 'magType'];

/** The earthquakes file inside the vega-datasets package (its exports map does not list data/). */
export function earthquakesPath() {
  return join(dirname(dirname(createRequire(import.meta.url).resolve('vega-datasets'))), 'data', 'earthquakes.json');
}

// A seeded permutation of 0..n-1 (mulberry32), for the held-out test rows.
function permutation(n, seed) {
  let s = seed >>> 0;
  const random = () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/** Least squares with an intercept (a tiny ridge keeps one-hot columns solvable), in float64. */
export function linearRegression(x, y) {
  const rows = x.length, cols = x[0].length + 1;
  const a = Array.from({ length: cols }, () => new Float64Array(cols + 1));
  for (let r = 0; r < rows; r++) {
    const v = [1, ...x[r]];
    for (let i = 0; i < cols; i++) {
      for (let j = 0; j < cols; j++) a[i][j] += v[i] * v[j];
      a[i][cols] += v[i] * y[r];
    }
  }
  for (let i = 0; i < cols; i++) a[i][i] += 1e-6;
  for (let c = 0; c < cols; c++) { // Gauss–Jordan with partial pivoting
    let p = c;
    for (let r = c + 1; r < cols; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
    [a[c], a[p]] = [a[p], a[c]];
    for (let r = 0; r < cols; r++) {
      if (r === c) continue;
      const f = a[r][c] / a[c][c];
      for (let k = c; k <= cols; k++) a[r][k] -= f * a[c][k];
    }
  }
  const w = a.map((row, i) => row[cols] / row[i]);
  return (row) => w[0] + row.reduce((s, v, i) => s + v * w[i + 1], 0);
}

/** Test MAE and R² of predictions. */
export function scores(predicted, truth) {
  const mean = truth.reduce((a, b) => a + b, 0) / truth.length;
  const sse = truth.reduce((s, t, i) => s + (t - predicted[i]) ** 2, 0), sst = truth.reduce((s, t) => s + (t - mean) ** 2, 0);
  return { mae: truth.reduce((s, t, i) => s + Math.abs(t - predicted[i]), 0) / truth.length, r2: 1 - sse / sst };
}

/** Trains the network of `params` on the prepared data, with early stopping and any further fit callbacks. */
export async function trainNetwork(params, data, seed, callbacks = []) {
  const hidden = Array.from({ length: params.layers }, (_, i) => dense({
    units: params.units, activation: params.activation, ...(i === 0 ? { inputShape: [data.xTrain.shape[1]] } : {}),
    kernelInitializer: initializers.glorotUniform({ seed: seed + i }),
  }));
  const model = sequential([...hidden, dense({ units: 1, kernelInitializer: initializers.glorotUniform({ seed: seed + 9 }) })]);
  model.compile({ optimizer: adam({ learningRate: params.learningRate }), loss: 'meanSquaredError' });
  await model.fit(data.xTrain, data.yTrain, { epochs: params.epochs, batchSize: params.batchSize, seed,
    validationData: [data.xVal, data.yVal], callbacks: [earlyStopping({ patience: 15, restoreBestWeights: true }), ...callbacks] });
  return model;
}

/**
 * The events, cleaned, encoded and scaled with training statistics only: 80 % for training (split again into fit and
 * validation parts) and 20 % held out for the test. The caller disposes the tensors (`dispose(prepared.tensors)`).
 */
export function prepareEarthquakes({ seed = 7, log = console.log } = {}) {
  const events = Table.fromGeoJSON(JSON.parse(readFileSync(earthquakesPath(), 'utf8')));
  const missing = events.missingCounts();
  log(`${events.rowCount} earthquakes; empty values: ${NUMERIC.filter((c) => missing[c]).map((c) => `${c} ${missing[c]}`).join(', ')}`);
  log(`target mag; features ${FEATURES.join(', ')} (sig, ids, urls, titles and text left out)\n`);

  // Hold out 20% of the events for the final test, then fill, encode and scale with training statistics only.
  const table = events.select([...FEATURES, 'mag']).dropMissing(['mag']);
  const order = permutation(table.rowCount, seed), cut = Math.floor(table.rowCount * 0.8);
  const trainRows = table.take(order.slice(0, cut)), testRows = table.take(order.slice(cut));
  const fill = (t) => NUMERIC.reduce((acc, c) => acc.fillMissing({ strategy: 'constant', value: median(trainRows.column(c)), columns: [c] }), t);
  const encode = (t) => CATEGORICAL.reduce((acc, c) => acc.oneHot(c, { categories: trainRows.categories(c), unknown: 'ignore' }), fill(t));
  const train = encode(trainRows), test = encode(testRows);
  const columns = train.columns.filter((c) => c !== 'mag');
  const xScaler = new MinMaxScaler(), yScaler = new MinMaxScaler();
  const [xTrainRaw, yTrainRaw, xTestRaw, yTestRaw] = [train.toTensor(columns), train.toTensor(['mag']), test.toTensor(columns), test.toTensor(['mag'])];
  const xAll = xScaler.fitTransform(xTrainRaw), yAll = yScaler.fitTransform(yTrainRaw), xTest = xScaler.transform(xTestRaw);
  // Early stopping and the search score on a validation part of the training events.
  const split = trainTestSplit(xAll, yAll, { testSize: 0.2, seed });
  const data = { xTrain: split.xTrain, yTrain: split.yTrain, xVal: split.xTest, yVal: split.yTest };
  log(`${train.rowCount} training events (${data.xTrain.shape[0]} fit, ${data.xVal.shape[0]} validation), ${test.rowCount} test; ${columns.length} inputs after one-hot encoding`);
  const tensors = [xTrainRaw, yTrainRaw, xTestRaw, yTestRaw, xAll, yAll, xTest, split.xTrain, split.xTest, split.yTrain, split.yTest];
  return { data, xAll, xTest, yTrainRaw, yTestRaw, yScaler, tensors };
}

/** The hyperparameters the search tries. */
export function searchSpace() {
  return {
    layers: int(1, 3), units: choice([8, 16, 32, 64]), activation: choice(['relu', 'tanh']),
    learningRate: logUniform(3e-4, 3e-2), batchSize: choice([16, 32, 64]), epochs: int(50, 300),
  };
}

/** Runs the example; returns the test scores of each predictor and the best hyperparameters. */
export async function main({ trials = 16, seed = 7, log = console.log } = {}) {
  await setThreads(1);
  const { data, xAll, xTest, yTrainRaw, yTestRaw, yScaler, tensors } = prepareEarthquakes({ seed, log });

  const space = searchSpace();
  const started = performance.now();
  const search = await randomSearch({ space, trials, seed, objective: async (params, context) => {
    const model = await trainNetwork(params, data, context.seed);
    const { loss } = model.evaluate(data.xVal, data.yVal);
    model.dispose();
    return loss;
  } });
  const best = search.best.params;
  log(`random search: ${trials} trials in ${((performance.now() - started) / 1000).toFixed(1)} s; best ${JSON.stringify(best)}`);

  const model = await trainNetwork(best, data, seed);
  const scaled = model.predict(xTest), predictedT = yScaler.inverseTransform(scaled);
  const truth = Array.from(yTestRaw.dataSync()), network = Array.from(predictedT.dataSync());
  const meanMag = Array.from(yTrainRaw.dataSync()).reduce((a, b) => a + b, 0) / yTrainRaw.size;
  const xTrainRows = xAll.toArray(), yTrainValues = Array.from(yTrainRaw.dataSync());
  const linear = linearRegression(xTrainRows, yTrainValues);
  const results = {
    network: scores(network, truth),
    linear: scores(xTest.toArray().map(linear), truth),
    mean: scores(truth.map(() => meanMag), truth),
  };
  const row = (name, { mae, r2 }) => log(`${name.padEnd(36)}${mae.toFixed(3).padStart(7)}${r2.toFixed(3).padStart(8)}`);
  log(`\n${'predictor, on the test events'.padEnd(36)}${'MAE'.padStart(7)}${'R²'.padStart(8)}`);
  row(`mean magnitude (${meanMag.toFixed(2)})`, results.mean);
  row('linear regression (least squares)', results.linear);
  row('simdeep network (searched)', results.network);
  dispose([...tensors, scaled, predictedT]);
  model.dispose();
  return { ...results, best, trials: search.trials.length };
}

function median(values) {
  const sorted = values.filter((v) => typeof v === 'number').sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

if (process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))) await main();
