// `simdeep predict`: prepares a file's rows as training did and writes one prediction per row as CSV.
import { writeFile } from 'node:fs/promises';
import Papa from 'papaparse';
import { readTable } from '../data/read';
import { loadCliModel } from './files';
import { decode, encodeFeatures, scale, type Preparation } from './prepare';

/** Runs `simdeep predict`; returns the CSV it wrote (to `out`, or for the caller to print). */
export async function predict(modelPath: string, file: string, out?: string, encoding?: string): Promise<string> {
  const model = await loadCliModel(modelPath);
  try {
    const preparation = model.metadata?.preparation as Preparation | undefined;
    if (!preparation) throw new Error(`${modelPath} has no preparation: train it with \`simdeep train\``);
    const table = await readTable(file, { encoding });
    const raw = encodeFeatures(table, preparation);
    const x = scale(preparation, raw);
    const y = model.predict(x);
    const values = decode(y, preparation);
    [raw, x, y].forEach((t) => t.dispose());
    // One line ending throughout: papaparse's default is \r\n between rows.
    const csv = `${Papa.unparse({ fields: [preparation.target], data: values.map((v) => [v]) }, { newline: '\n' })}\n`;
    if (out) await writeFile(out, csv);
    return csv;
  } finally {
    model.dispose();
  }
}
