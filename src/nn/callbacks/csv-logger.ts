import { showValue } from '../../tensor/errors';
import { checkOptionKeys } from '../../tensor/options';
import { nodeImport } from '../../runtime/node';
import type { Callbacks, Logs } from '../fit';
import { checkDirectory, checkDirectoryNow, requireNode } from './files';
import { pythonRepr } from './python-format';

/**
 * Options of `csvLogger`.
 * @example
 * const options: CsvLoggerOptions = { path: 'training.csv', separator: ';', append: true };
 */
export interface CsvLoggerOptions {
  /** The file to write (its directory must exist). */
  path: string;
  /** The character between fields (default ','). */
  separator?: string;
  /** Continue the file if it exists, writing the header only if it is empty (default false: overwrite it). */
  append?: boolean;
}

/**
 * A callback that writes each epoch's logs to a CSV file as Keras's CSVLogger does, in Node: a header `epoch` and
 * the log names sorted (with `val_` names added, empty as NA, when the fit does not validate), then a row per epoch
 * (epochs from 0) written to the file as the epoch ends. Numbers are written as Python writes floats, in full
 * precision (the shortest text that reads back to the same float64: `0.1`, `1e-05`, `nan`, `inf`); lines end in
 * `\r\n` as Python's csv module ends them; a field with the separator, a quote or a line break is quoted. Throws a
 * TypeError or RangeError for bad options (a separator must be one character other than a quote or a line break),
 * an Error outside Node or, naming the path, when its directory is missing or not writable (when made, else before
 * training starts).
 * @example
 * const model = sequential([dense({ units: 1, inputShape: [1] })]);
 * model.compile({ loss: 'meanSquaredError', metrics: ['mae'] });
 * await model.fit(tensor([[1], [2]]), tensor([[2], [4]]), { epochs: 2, callbacks: csvLogger({ path: 'log.csv' }) });
 * (await readCsv('log.csv')).columns; // ['epoch', 'loss', 'mae', 'val_loss', 'val_mae']
 */
export function csvLogger(options: CsvLoggerOptions): Callbacks {
  const op = 'csvLogger';
  if (typeof options !== 'object' || options === null) throw new TypeError(`${op}: options must be an object such as { path: 'log.csv' }, got ${showValue(options)}`);
  checkOptionKeys(op, options, ['path', 'separator', 'append']);
  const { path, separator = ',', append = false } = options;
  if (typeof path !== 'string' || path === '') throw new TypeError(`${op}: path must be a file path, got ${showValue(path)}`);
  if (typeof separator !== 'string' || [...separator].length !== 1 || /["\r\n]/.test(separator)) {
    throw new RangeError(`${op}: separator must be one character other than a quote or a line break, got ${showValue(separator)}`);
  }
  if (typeof append !== 'boolean') throw new TypeError(`${op}: append must be true or false, got ${showValue(append)}`);
  requireNode(op);
  checkDirectoryNow(op, 'path', path);
  const field = (text: string): string => (text.includes(separator) || /["\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
  const line = (fields: string[]): string => `${fields.map(field).join(separator)}\r\n`;
  let file: import('node:fs/promises').FileHandle | undefined;
  let keys: string[] | undefined, header = true;
  const close = async (): Promise<void> => {
    const open = file;
    file = undefined;
    await open?.close();
  };
  return {
    onTrainBegin: async () => {
      await close();
      await checkDirectory(op, 'path', path);
      const fs = await nodeImport<typeof import('node:fs/promises')>('node:fs/promises');
      file = await fs.open(path, append ? 'a+' : 'w').catch((error: Error) => {
        throw new Error(`${op}: cannot write ${JSON.stringify(path)}: ${error.message}`, { cause: error });
      });
      header = !append || (await file.stat()).size === 0;
      keys = undefined;
    },
    onEpochEnd: async (epoch: number, logs: Logs) => {
      if (!keys) {
        keys = Object.keys(logs).sort();
        if (!keys.some((k) => k.startsWith('val_'))) keys.push(...keys.map((k) => `val_${k}`));
      }
      const row = line([String(epoch), ...keys.map((k) => (k in logs ? pythonRepr(logs[k]) : 'NA'))]);
      await file?.write(header ? line(['epoch', ...keys]) + row : row);
      header = false;
    },
    onTrainEnd: close,
  };
}
