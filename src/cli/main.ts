// The `simdeep` command: train, predict, export, demo, and worker (trials of searches on a queue). Errors print one
// line and exit with status 1.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError, Option } from 'commander';
import { setThreads } from '../runtime/threads';
import { train, TASK_METRICS, type TrainOptions } from './train';
import { SEARCH_STRATEGIES } from './searchStrategy';
import { parseClassWeight, type ClassWeightSetting } from './classWeights';
import { predict, type PredictOptions } from './predict';
import { exportModel } from './export';
import { worker, type WorkerFlags } from './worker';

const list = (value: string): string[] => value.split(',').map((s) => s.trim()).filter(Boolean);
/** Comma-separated values add to those of earlier uses of the flag (--keep id --keep name, or --keep id,name). */
const repeatable = (value: string, previous: string[] = []): string[] => [...previous, ...list(value)];
const integer = (name: string, min: number) => (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer >= ${min}, got ${value}`);
  return n;
};
const positive = (name: string) => (value: string): number => {
  const n = Number(value);
  if (!(n > 0) || !Number.isFinite(n)) throw new InvalidArgumentError(`${name} must be a positive number, got ${value}`);
  return n;
};
const fraction = (name: string) => (value: string): number => {
  const n = Number(value);
  if (!(n > 0 && n < 1)) throw new InvalidArgumentError(`${name} must be a fraction between 0 and 1 (exclusive), got ${value}`);
  return n;
};
const classWeight = (value: string): ClassWeightSetting => {
  try {
    return parseClassWeight(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
};
/** Hidden layer sizes: integers >= 1, comma-separated, none empty. */
const layerSizes = (value: string): number[] => {
  const sizes = value.split(',').map((s) => s.trim());
  if (sizes.some((s) => !/^[0-9]+$/.test(s) || Number(s) < 1)) throw new InvalidArgumentError(`--hidden must be layer sizes (integers >= 1) separated by commas, got ${value}`);
  return sizes.map(Number);
};

/** The version in the package.json of simdeep above this module (dist/cli.js, or src/cli/main.ts in the tests). */
function packageVersion(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    const found = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown }) : undefined;
    if (found?.name === 'simdeep' && typeof found.version === 'string') return found.version;
    if (dirname(dir) === dir) return 'unknown';
  }
}

/** The earthquakes of one week (USGS GeoJSON) from the vega-datasets package. */
export function earthquakesFile(): string {
  let root: string;
  try {
    root = dirname(dirname(createRequire(import.meta.url).resolve('vega-datasets')));
  } catch {
    throw new Error('simdeep demo reads the USGS earthquakes of the vega-datasets package: npm install vega-datasets');
  }
  const file = join(root, 'data', 'earthquakes.json');
  if (!existsSync(file)) throw new Error(`vega-datasets has no ${file}`);
  return file;
}

/** The features the earthquake demo uses: where, how deep, how well recorded, by which network and method. */
export const EARTHQUAKE_FEATURES = ['depth', 'latitude', 'longitude', 'nst', 'gap', 'dmin', 'rms', 'net', 'magType'];

type TrainFlags = Omit<TrainOptions, 'learningRate' | 'target'> & { target?: string; lr: number; threads: number };

/** The options train and demo share, with the command's defaults (demo: a search, and the earthquake features). */
function withTrainOptions(command: Command, defaults: { search: number; features?: string[] } = { search: 0 }): Command {
  return command
    .option('--drop <columns>', 'columns to leave out, comma-separated', list, [])
    .addOption(new Option('--features <columns>', 'use only these columns as inputs, comma-separated').argParser(list)
      .default(defaults.features, defaults.features?.join(',')))
    .addOption(new Option('--hidden <units>', 'hidden layer sizes, comma-separated').argParser(layerSizes).default([16, 8], '16,8'))
    .option('--activation <name>', 'hidden activation: relu, tanh, sigmoid, leakyRelu', 'relu')
    .option('--epochs <n>', 'training epochs (early stopping may end sooner)', integer('--epochs', 1), 200)
    .option('--batch-size <n>', 'samples per step', integer('--batch-size', 1), 32)
    .option('--lr <rate>', 'Adam learning rate', positive('--lr'), 0.003)
    .option('--search <trials>', 'random-search this many settings first (chosen on the validation rows), then train the best', integer('--search', 0), defaults.search)
    .addOption(new Option('--search-strategy <name>', 'random: every search trial trains in full; asha or hyperband: each trains up to --epochs, and the worse ones on the validation loss stop early').choices(SEARCH_STRATEGIES).default('random'))
    .option('--seed <n>', 'seed of the splits, the initial weights and the search', integer('--seed', 0), 1)
    .option('--test <fraction>', 'fraction of rows held out for the final test score, seen by nothing else', fraction('--test'), 0.2)
    .option('--validation <fraction>', 'fraction of the other rows held out for early stopping and the search', fraction('--validation'), 0.2)
    .option('--task <task>', 'regression or classification (default: from the target column)')
    .option('--threads <n>', 'threads for matrix products', integer('--threads', 1), 1)
    .option('--report <file.html>', 'also write an HTML report with the loss curves')
    .option('--metrics <names>', `more metrics to log, comma-separated (Keras's names): ${TASK_METRICS.classification.join(', ')} (classification); ${TASK_METRICS.regression.join(', ')} (regression)`, list)
    .option('--class-weight <weights>', "weigh the classes in the loss: balanced (n_samples / (n_classes · count), from the training rows), or a JSON object such as '{\"yes\": 5}' (other classes weigh 1)", classWeight)
    .option('--checkpoint <file>', 'also save the model of the best epoch (lowest validation loss) here as training goes')
    .option('--workers <redis-url>', 'run the search trials on the queue of this Redis server, for `simdeep worker` processes (which need the data file at the same path)', redisUrl);
}

async function runTrain(file: string, flags: TrainFlags): Promise<void> {
  const target = flags.target;
  if (target === undefined) throw new Error('train: --target <column> is missing: name the column to predict');
  if (!['relu', 'tanh', 'sigmoid', 'leakyRelu'].includes(flags.activation)) throw new Error(`--activation must be relu, tanh, sigmoid or leakyRelu, got ${flags.activation}`);
  if (flags.task !== undefined && flags.task !== 'regression' && flags.task !== 'classification') throw new Error(`--task must be regression or classification, got ${flags.task}`);
  await setThreads(flags.threads);
  const progress = process.stderr.isTTY === true && !process.env.CI;
  await train(file, { ...flags, target, learningRate: flags.lr }, { log: (line) => console.log(line), progress });
}

function redisUrl(value: string): string {
  if (!/^rediss?:\/\/./.test(value)) throw new InvalidArgumentError(`must be a redis:// URL, got ${value}`);
  return value;
}

const ENCODING_HELP = "the data file's text encoding, e.g. latin1, windows-1252, utf-16le (default: utf-8)";

/** The command-line program. */
export function program(): Command {
  // Subcommands inherit these settings when created: errors throw to main() instead of exiting the process, and
  // print as one line.
  const cli = new Command('simdeep').description('Train and run dense neural networks on CSV and JSON data (SIMD WebAssembly)')
    .version(packageVersion(), '-V, --version', 'print the version')
    .exitOverride().configureOutput({ outputError: (text, write) => write(`simdeep: ${text.replace(/^error: /, '')}`) });
  withTrainOptions(cli.command('train <file>').description('clean, encode, normalize and train on a .csv, .json or .geojson file; save the model')
    .option('--target <column>', 'the column to predict (required)')
    .option('--out <file>', 'where to save the model (.json, or binary otherwise)', 'model.json')
    .option('--encoding <label>', ENCODING_HELP))
    .action((file: string, flags: TrainFlags) => runTrain(file, flags));
  cli.command('predict <model> <file>').description('predict the target for each row of a file; CSV on stdout (or --out)')
    .option('--out <file.csv>', 'write the CSV here instead of stdout')
    .option('--keep <columns>', 'copy these columns of the file before the prediction (such as an id); comma-separated or repeated', repeatable)
    .option('--proba', 'also write the probability of each class (classification models)')
    .option('--encoding <label>', ENCODING_HELP)
    .action(async (model: string, file: string, flags: PredictOptions) => {
      const csv = await predict(model, file, flags);
      if (!flags.out) process.stdout.write(csv);
    });
  cli.command('export <model> <out>').description('write a model (any format predict reads) in another format: tfjs (a directory or …/model.json), keras (.keras), onnx, safetensors')
    .requiredOption('--to <format>', 'tfjs, keras, onnx or safetensors')
    .action(async (model: string, out: string, flags: { to: string }) => {
      console.log(await exportModel(model, out, flags.to));
    });
  withTrainOptions(cli.command('demo').description('the earthquake example: predict magnitudes of one week of USGS earthquakes, with a random search')
    .option('--out <file>', 'where to save the model', 'earthquake-model.json'), { search: 12, features: EARTHQUAKE_FEATURES })
    .action((flags: TrainFlags) => runTrain(earthquakesFile(), { ...flags, target: 'mag' }));
  cli.command('worker').description('run the trials of searches on a Redis queue (train --workers <url>) until SIGINT or SIGTERM')
    .requiredOption('--redis <url>', 'the Redis server, e.g. redis://127.0.0.1:6379', redisUrl)
    .option('--concurrency <n>', 'trials run at once, each on a thread of its own', integer('--concurrency', 1), 1)
    .option('--queue <name>', 'the queue to take trials from', 'simdeep-search')
    .action((flags: WorkerFlags) => worker(flags, (line) => console.log(line)));
  return cli;
}

/** Runs the program on argv; resolves to the exit status. */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    await program().parseAsync(argv as string[], { from: 'user' });
    return 0;
  } catch (error) {
    const e = error as { code?: string; exitCode?: number; message?: string };
    if (e.code?.startsWith('commander.')) return e.exitCode ?? 1; // commander already printed help or the error
    process.stderr.write(`simdeep: ${e.message ?? String(error)}\n`);
    return 1;
  }
}
