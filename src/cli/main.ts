// The `simdeep` command: train, predict and demo. Errors print one line and exit with status 1.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { existsSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { readTable } from '../data/read';
import { setThreads } from '../runtime/threads';
import { train, type TrainOptions } from './train';
import { predict } from './predict';

const list = (value: string): string[] => value.split(',').map((s) => s.trim()).filter(Boolean);
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

type TrainFlags = Omit<TrainOptions, 'drop' | 'hidden' | 'learningRate'> & { drop: string[]; features?: string[]; hidden: number[]; lr: number; threads: number };

function withTrainOptions(command: Command): Command {
  return command
    .option('--drop <columns>', 'columns to leave out, comma-separated', list, [])
    .option('--features <columns>', 'use only these columns as inputs, comma-separated', list)
    .option('--hidden <units>', 'hidden layer sizes, comma-separated', (v) => list(v).map(integer('--hidden', 1)), [16, 8])
    .option('--activation <name>', 'hidden activation: relu, tanh, sigmoid, leakyRelu', 'relu')
    .option('--epochs <n>', 'training epochs (early stopping may end sooner)', integer('--epochs', 1), 200)
    .option('--batch-size <n>', 'samples per step', integer('--batch-size', 1), 32)
    .option('--lr <rate>', 'Adam learning rate', positive('--lr'), 0.003)
    .option('--search <trials>', 'random-search this many settings first, then train the best', integer('--search', 0), 0)
    .option('--seed <n>', 'seed of the split, the initial weights and the search', integer('--seed', 0), 1)
    .option('--validation <fraction>', 'fraction of rows held out for validation', positive('--validation'), 0.2)
    .option('--task <task>', 'regression or classification (default: from the target column)')
    .option('--threads <n>', 'threads for matrix products', integer('--threads', 1), 1)
    .option('--report <file.html>', 'also write an HTML report with the loss curves');
}

async function runTrain(file: string, flags: TrainFlags): Promise<void> {
  if (!['relu', 'tanh', 'sigmoid', 'leakyRelu'].includes(flags.activation)) throw new Error(`--activation must be relu, tanh, sigmoid or leakyRelu, got ${flags.activation}`);
  if (flags.task !== undefined && flags.task !== 'regression' && flags.task !== 'classification') throw new Error(`--task must be regression or classification, got ${flags.task}`);
  await setThreads(flags.threads);
  let drop = flags.drop;
  if (flags.features) {
    const columns = (await readTable(file, { encoding: flags.encoding })).columns;
    const unknown = flags.features.filter((c) => !columns.includes(c));
    if (unknown.length) throw new Error(`--features names columns not in the data: ${unknown.join(', ')}`);
    drop = columns.filter((c) => c !== flags.target && !flags.features!.includes(c));
  }
  const progress = process.stderr.isTTY === true && !process.env.CI;
  await train(file, { ...flags, drop, learningRate: flags.lr }, { log: (line) => console.log(line), progress });
}

const ENCODING_HELP = "the data file's text encoding, e.g. latin1, windows-1252, utf-16le (default: utf-8)";

/** The command-line program. */
export function program(): Command {
  // Subcommands inherit these settings when created: errors throw to main() instead of exiting the process, and
  // print as one line.
  const cli = new Command('simdeep').description('Train and run dense neural networks on CSV and JSON data (SIMD WebAssembly)')
    .exitOverride().configureOutput({ outputError: (text, write) => write(`simdeep: ${text.replace(/^error: /, '')}`) });
  withTrainOptions(cli.command('train <file>').description('clean, encode, normalize and train on a .csv, .json or .geojson file; save the model')
    .requiredOption('--target <column>', 'the column to predict')
    .option('--out <file>', 'where to save the model (.json, or binary otherwise)', 'model.json')
    .option('--encoding <label>', ENCODING_HELP))
    .action((file: string, flags: TrainFlags) => runTrain(file, flags));
  cli.command('predict <model> <file>').description('predict the target for each row of a file; CSV on stdout (or --out)')
    .option('--out <file.csv>', 'write the CSV here instead of stdout')
    .option('--encoding <label>', ENCODING_HELP)
    .action(async (model: string, file: string, flags: { out?: string; encoding?: string }) => {
      const csv = await predict(model, file, flags.out, flags.encoding);
      if (!flags.out) process.stdout.write(csv);
    });
  withTrainOptions(cli.command('demo').description('the earthquake example: predict magnitudes of one week of USGS earthquakes, with a random search')
    .option('--out <file>', 'where to save the model', 'earthquake-model.json'))
    .action((flags: TrainFlags) => runTrain(earthquakesFile(), { ...flags, target: 'mag', features: flags.features ?? EARTHQUAKE_FEATURES, search: flags.search || 12 }));
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
