// The TF.js programs of examples/tfjs/ and their data, for running each under TensorFlow.js and under simdeep. The
// simdeep run is the drop-in users make: the program's source with its one import line changed to simdeep (here
// src/index.ts), written to a temporary file and imported as a module; nothing else in it changes.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

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

export { cars, penguins, mnistDigits, type Digits } from './data.mjs';
