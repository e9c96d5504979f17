// Checks the preparation a model file carries in its metadata before `simdeep predict` uses it, as loadModel checks
// the weights: a tampered or hand-edited file gives one line naming the file and the field, never NaN predictions
// or a TypeError from deep inside.
import { MinMaxScaler } from '../data/minMaxScaler';
import type { Model } from '../nn/model';
import { featureNames, type Feature, type Preparation } from './prepare';

type Fields = Record<string, unknown>;

const isRecord = (value: unknown): value is Fields => typeof value === 'object' && value !== null && !Array.isArray(value);
const show = (value: unknown): string => {
  if (typeof value === 'number') return String(value);
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
};

class Invalid extends Error {}
const fail = (message: string): never => {
  throw new Invalid(message);
};

function text(value: unknown, where: string): string {
  if (typeof value !== 'string' || value === '') fail(`${where} is ${show(value)}, not a non-empty string`);
  return value as string;
}

function finite(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(`${where} is ${show(value)}, not a finite number`);
  return value as number;
}

/** An array of distinct strings, at least `min` of them. */
function labels(value: unknown, where: string, min: number): string[] {
  if (!Array.isArray(value)) fail(`${where} is ${show(value)}, not an array`);
  const list = value as unknown[];
  if (list.length < min) fail(`${where} has ${list.length} entries; at least ${min} are needed`);
  list.forEach((label, i) => {
    if (typeof label !== 'string') fail(`${where}[${i}] is ${show(label)}, not a string`);
  });
  if (new Set(list).size !== list.length) fail(`${where} repeats a value`);
  return list as string[];
}

function feature(value: unknown, where: string): Feature {
  if (!isRecord(value)) fail(`${where} is ${show(value)}, not an object`);
  const f = value as Fields, name = text(f.name, `${where}.name`);
  if (f.kind === 'numeric') return { name, kind: 'numeric', fill: finite(f.fill, `${where}.fill`) };
  if (f.kind === 'categorical') return { name, kind: 'categorical', categories: labels(f.categories, `${where}.categories`, 1) };
  return fail(`${where}.kind is ${show(f.kind)}, not "numeric" or "categorical"`);
}

function preparationOf(value: unknown, model: Model): Preparation {
  if (!isRecord(value)) fail(`is ${show(value)}, not an object`);
  const p = value as Fields;
  const target = text(p.target, 'target');
  if (p.task !== 'regression' && p.task !== 'classification') fail(`task is ${show(p.task)}, not "regression" or "classification"`);
  const task = p.task as Preparation['task'];
  if (!Array.isArray(p.features) || p.features.length === 0) fail(`features is ${show(p.features)}, not a non-empty array`);
  const features = (p.features as unknown[]).map((f, i) => feature(f, `features[${i}]`));
  const names = new Set<string>();
  for (const { name } of features) {
    if (names.has(name) || name === target) fail(`the feature "${name}" appears twice or is the target`);
    names.add(name);
  }
  const dropped = p.dropped ?? {};
  if (!isRecord(dropped) || Object.values(dropped).some((why) => typeof why !== 'string')) fail(`dropped is ${show(p.dropped)}, not an object of strings`);
  const preparation: Preparation = { target, task, features, dropped: dropped as Record<string, string>, scaler: p.scaler as Preparation['scaler'] };
  const outputs = task === 'classification' ? (preparation.classes = labels(p.classes, 'classes', 2)).length : 1;
  if (task === 'regression') {
    const range = p.targetRange;
    if (!Array.isArray(range) || range.length !== 2) fail(`targetRange is ${show(range)}, not [low, high]`);
    const [lo, hi] = [finite((range as unknown[])[0], 'targetRange[0]'), finite((range as unknown[])[1], 'targetRange[1]')];
    if (lo > hi) fail(`targetRange is [${lo}, ${hi}]: its low end is above its high end`);
    preparation.targetRange = [lo, hi];
  }
  const inputs = featureNames(preparation).length;
  checkScaler(p.scaler, inputs);
  if (model.inputs.length !== 1 || model.outputs.length !== 1) fail(`the network has ${model.inputs.length} inputs and ${model.outputs.length} outputs; the command takes one of each`);
  if (model.inputDim !== inputs) fail(`its features encode to ${inputs} inputs, but the network takes ${model.inputDim}`);
  if (model.outputDim !== outputs) fail(`the ${task} needs ${outputs} network output${outputs > 1 ? 's' : ''}, but the network has ${model.outputDim}`);
  return preparation;
}

function checkScaler(value: unknown, inputs: number): void {
  if (!isRecord(value) || value.type !== 'MinMaxScaler') fail(`scaler is ${show(value)}, not a MinMaxScaler's JSON`);
  let scaler: MinMaxScaler;
  try {
    scaler = MinMaxScaler.fromJSON(value as unknown as ReturnType<MinMaxScaler['toJSON']>);
  } catch (error) {
    return fail(`scaler: ${(error as Error).message.replace(/^MinMaxScaler\.fromJSON: /, '')}`);
  }
  const min = scaler.dataMin;
  if (!min) fail('scaler was never fitted');
  if (min!.length !== inputs) fail(`scaler has ${min!.length} features, but the features encode to ${inputs} inputs`);
}

/** The model's preparation, checked against itself and the network; throws one line naming `path` if it is invalid. */
export function checkPreparation(model: Model, path: string): Preparation {
  const value = model.metadata?.preparation;
  if (value === undefined) throw new Error(`${path} has no preparation in its metadata: train it with \`simdeep train\``);
  try {
    return preparationOf(value, model);
  } catch (error) {
    if (!(error instanceof Invalid)) throw error;
    throw new Error(`${path}: the preparation in its metadata is invalid: ${error.message}`);
  }
}
