// The settings form: reads it into Settings, keeps one units/activation pair of controls per hidden layer, keeps
// the loss consistent with the output layer, and fills the target list from a dropped CSV file.
import type { HiddenActivation, Settings } from './protocol';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

/** The hidden layers' controls, one row per layer, keeping earlier choices when the count changes. */
export function renderHiddenLayers(count: number): void {
  const box = $('hidden-layers');
  const old = [...box.querySelectorAll<HTMLElement>('.layer-row')].map((row) => ({
    units: (row.querySelector('input') as HTMLInputElement).value,
    activation: (row.querySelector('select') as HTMLSelectElement).value,
  }));
  box.replaceChildren();
  for (let i = 0; i < count; i++) {
    const row = document.createElement('div');
    row.className = 'layer-row';
    const units = old[i]?.units ?? '8';
    const activation = old[i]?.activation ?? 'tanh';
    row.innerHTML = `<label>Layer ${i + 1} units <input type="number" min="1" max="16" value="${units}" id="units-${i}"></label>
      <label>activation <select id="activation-${i}">${['tanh', 'relu', 'sigmoid'].map((a) =>
        `<option${a === activation ? ' selected' : ''}>${a}</option>`).join('')}</select></label>`;
    box.append(row);
  }
}

/** Only the losses that fit the output layer: sigmoid takes binary cross-entropy or squared error, softmax takes
 * categorical cross-entropy (simdeep fuses it with the softmax). */
export function syncLoss(): void {
  const output = $<HTMLSelectElement>('output').value, loss = $<HTMLSelectElement>('loss');
  for (const option of loss.options) {
    option.disabled = output === 'softmax' ? option.value !== 'categoricalCrossentropy' : option.value === 'categoricalCrossentropy';
  }
  if (loss.selectedOptions[0]?.disabled) loss.value = output === 'sigmoid' ? 'binaryCrossentropy' : 'categoricalCrossentropy';
}

let csvText = '';

/** Reads a CSV file's numeric columns into the target list (the last one chosen); throws a readable message. */
export async function loadCsv(file: File): Promise<void> {
  const text = await file.text();
  // Loaded on the first file: the page itself needs no simdeep until then (training runs in the worker).
  const { numericColumns } = await import('./datasets');
  const columns = await numericColumns(text);
  if (columns.length < 2) throw new Error(`${file.name}: needs at least 2 numeric columns, found ${columns.length}`);
  csvText = text;
  const target = $<HTMLSelectElement>('csv-target');
  target.replaceChildren(...columns.map((c) => new Option(c, c)));
  target.value = columns[columns.length - 1];
  $('drop').firstChild!.textContent = `${file.name}: ${columns.length} numeric columns. Drop another, or choose one `;
}

const int = (id: string, low: number, high: number, fallback: number): number => {
  const v = Math.round(Number($<HTMLInputElement>(id).value));
  return Number.isFinite(v) ? Math.min(high, Math.max(low, v)) : fallback;
};

export function readSettings(): Settings {
  const layers = int('layers', 0, 4, 2);
  const dataset = $<HTMLSelectElement>('dataset').value as Settings['dataset'];
  return {
    dataset,
    samples: int('samples', 20, 2000, 200),
    noise: Number($<HTMLInputElement>('noise').value),
    trainRatio: Number($<HTMLInputElement>('ratio').value),
    csv: dataset === 'csv' && csvText ? { text: csvText, target: $<HTMLSelectElement>('csv-target').value } : undefined,
    hidden: Array.from({ length: layers }, (_, i) => ({
      units: int(`units-${i}`, 1, 16, 8),
      activation: $<HTMLSelectElement>(`activation-${i}`).value as HiddenActivation,
    })),
    output: $<HTMLSelectElement>('output').value as Settings['output'],
    loss: $<HTMLSelectElement>('loss').value as Settings['loss'],
    optimizer: $<HTMLSelectElement>('optimizer').value as Settings['optimizer'],
    learningRate: Number($<HTMLSelectElement>('lr').value),
    batchSize: int('batch', 1, 1000, 10),
    seed: int('seed', 0, 1_000_000, 1),
    stopAt: int('stop-at', 0, 1e9, 0),
  };
}
