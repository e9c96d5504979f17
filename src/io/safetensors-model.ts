// A model's weights in a safetensors file, named and laid out as PyTorch's modules keep them (pytorch-names.ts) or as
// simdeep's own; a file simdeep writes also holds the architecture in its metadata, so it rebuilds the whole model.
// Every weight is found, checked and converted in JavaScript memory before the first wasm allocation.
import { DisposedError, showShape } from '../tensor/errors';
import { tensor } from '../tensor/create';
import { checkOptionKeys } from '../tensor/options';
import type { Tensor } from '../tensor/tensor';
import type { Layer } from '../nn/layers/layer';
import { modelOf } from '../nn/load';
import { Model } from '../nn/model';
import { parseArchitecture, show } from '../nn/parse';
import { entryValues, writeSafetensors, type SafetensorsValue } from './safetensors';
import { bytesOf, inspectSafetensors } from './safetensors-header';
import { permuteAxes, weightSlots, type FlattenOrder, type WeightNames, type WeightSlot } from './pytorch-names';

/**
 * Options of modelToSafetensors.
 * @example
 * const options: SafetensorsSaveOptions = { names: { dense_1: 'fc1' }, metadata: { trainedOn: 'iris' } };
 */
export interface SafetensorsSaveOptions {
  /** How weights are named and laid out (default 'pytorch': an nn.Sequential's names; see WeightNames). */
  names?: WeightNames;
  /** The feature order of a Dense layer after a Flatten of images, in the file (default 'channelsFirst', PyTorch's). */
  flatten?: FlattenOrder;
  /** More `__metadata__` strings (`format` and keys starting with `simdeep.` are the library's own). */
  metadata?: Record<string, string>;
}

/**
 * Options of loadSafetensors.
 * @example
 * const options: SafetensorsLoadOptions = { names: (layer, i) => `layers.${i}`, strict: false };
 */
export interface SafetensorsLoadOptions {
  /** How the file names and lays out the weights (default 'pytorch'; see WeightNames). */
  names?: WeightNames;
  /** The feature order of a Dense layer after a Flatten of images, in the file (default 'channelsFirst', PyTorch's). */
  flatten?: FlattenOrder;
  /** Whether tensors the model has no weight for are an error (default true, as PyTorch's load_state_dict). */
  strict?: boolean;
}

const describe = (slot: WeightSlot): string => `${slot.layer.label}/${slot.weight} ${showShape(slot.shape)} (${slot.layer.className})`;

/** The layers a model is made of, or a TypeError naming `op`. */
function layersOf(model: Model, op: string): Layer[] {
  if (!(model instanceof Model)) throw new TypeError(`${op}: model must be a Model, got ${show(model)}`);
  return model.layers;
}

/** The model's weights, one per slot, or a DisposedError naming `op` (a disposed model keeps its layers, not their weights). */
function liveWeights(model: Model, slots: readonly WeightSlot[], op: string): Tensor[] {
  const weights = slots.map((s) => s.layer.weights[s.index]);
  if (weights.some((w) => w === undefined || w.disposed)) throw new DisposedError(`${op}: the model was disposed`);
  return weights;
}

/**
 * The model's weights as a safetensors file, named and laid out as `names` says: by default as PyTorch's
 * `state_dict` of an `nn.Sequential` of the same layers (Dense is `nn.Linear`, weight [out, in]; Conv1D/Conv2D are
 * `nn.Conv1d/2d`, [out, in, k...]; DepthwiseConv2D a Conv2d with groups, [C·multiplier, 1, kh, kw]; SeparableConv2D a
 * module with `depthwise` and `pointwise` Conv2d; Conv2DTranspose `nn.ConvTranspose2d`, [in, out, kh, kw]; Embedding
 * `nn.Embedding`; BatchNormalization `nn.BatchNorm1d/2d` with `running_mean`, `running_var` and an I64
 * `num_batches_tracked` of 0; LayerNormalization `nn.LayerNorm`). The metadata also holds the architecture
 * (`simdeep.model`, the JSON of `model.toJSON()`) so that `modelFromSafetensors` rebuilds the whole model, and
 * `format: 'pt'` (PyTorch layouts) or 'simdeep' (with names 'keras'). A Dense layer after a Flatten of images [h, w,
 * c] (through dropout or activations) writes its weight's columns in PyTorch's (c, h, w) order, as `nn.Flatten`
 * after a Conv2d reads them, unless `flatten` is 'channelsLast'. PyTorch's activations are modules of their own:
 * give the simdeep model Activation layers where the PyTorch model has nn.ReLU, so that the indices agree. An
 * epsilon is a config, not a weight: PyTorch's normalizations default to 1e-5, Keras's batch normalization to 1e-3.
 * @throws RangeError starting with 'modelToSafetensors' for a bad `names` or a layer whose layout is unknown;
 * TypeError for a model that is not a Model; DisposedError once the model is disposed.
 * @example
 * const model = sequential([dense({ units: 2, inputShape: [3] }), layers.activation({ activation: 'relu' }), dense({ units: 1 })]);
 * const file = modelToSafetensors(model);
 * Object.keys(inspectSafetensors(file).tensors); // ['0.weight', '0.bias', '2.weight', '2.bias']
 * inspectSafetensors(file).tensors['0.weight'].shape; // [2, 3]
 */
export function modelToSafetensors(model: Model, options: SafetensorsSaveOptions = {}): Uint8Array {
  const op = 'modelToSafetensors';
  checkOptionKeys(op, options, ['names', 'flatten', 'metadata']);
  const names = options.names ?? 'pytorch', flatten = options.flatten ?? 'channelsFirst';
  const layers = layersOf(model, op);
  const slots = weightSlots(layers, names, op, flatten);
  const weights = liveWeights(model, slots, op);
  const json = JSON.stringify(model.toJSON());
  const entries: Record<string, SafetensorsValue> = Object.create(null) as Record<string, SafetensorsValue>;
  for (const [i, slot] of slots.entries()) {
    const values = weights[i].dataSync();
    entries[slot.name] = { dtype: 'F32', shape: slot.fileShape, values: slot.perm ? permuteAxes(values, slot.view, slot.perm) : values };
    if (names !== 'keras' && slot.layer.className === 'BatchNormalization' && slot.name.endsWith('.running_var')) {
      entries[`${slot.path}.num_batches_tracked`] = { dtype: 'I64', shape: [], values: [0] };
    }
  }
  const paths = names === 'keras' ? 'keras' : JSON.stringify(Object.fromEntries(slots.map((s) => [s.layer.label, s.path])));
  const own = { format: names === 'keras' ? 'simdeep' : 'pt', 'simdeep.model': json, 'simdeep.names': paths, 'simdeep.flatten': flatten };
  return writeSafetensors(entries, { ...options.metadata, ...own });
}

/**
 * Each weight of `layers` from the file, in simdeep's layout, checked (present, of the right shape, a dtype that is
 * read, finite) before anything is allocated; with `strict`, a tensor that is no weight is an error too.
 */
function weightsFromFile(layers: readonly Layer[], data: Uint8Array, options: SafetensorsLoadOptions, op: string): { slots: WeightSlot[]; values: Float32Array[] } {
  const { tensors } = inspectSafetensors(data, op);
  const slots = weightSlots(layers, options.names ?? 'pytorch', op, options.flatten);
  const missing = slots.filter((s) => !Object.hasOwn(tensors, s.name));
  if (missing.length > 0) {
    const list = missing.slice(0, 5).map((s) => `${JSON.stringify(s.name)} ${showShape(s.fileShape)} (${describe(s)})`).join(', ');
    throw new RangeError(`${op}: the file has no tensor ${list}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}; it holds ${show(Object.keys(tensors))}`);
  }
  const wanted = new Set(slots.map((s) => s.name));
  for (const s of slots) if (s.layer.className === 'BatchNormalization') wanted.add(`${s.path}.num_batches_tracked`); // ignored
  const extra = Object.keys(tensors).filter((name) => !wanted.has(name));
  if (options.strict !== false && extra.length > 0) {
    throw new RangeError(`${op}: the file has tensors the model has no weight for: ${show(extra)} (pass strict: false to ignore them)`);
  }
  const values = slots.map((slot) => {
    const entry = tensors[slot.name];
    if (entry.shape.join() !== slot.fileShape.join()) {
      throw new RangeError(`${op}: tensor ${JSON.stringify(slot.name)} has shape ${showShape(entry.shape)} in the file but ${describe(slot)} needs ${showShape(slot.fileShape)}`);
    }
    const values = entryValues(data, slot.name, entry, op);
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new RangeError(`${op}: tensor ${JSON.stringify(slot.name)} holds ${values[bad]} at ${bad}; weights must be finite`);
    return slot.perm ? permuteAxes(values, slot.view, slot.perm, true) : values;
  });
  return { slots, values };
}

/** Writes the checked values of these slots into the model's weights. */
function assign(model: Model, slots: readonly WeightSlot[], values: readonly Float32Array[], op: string): void {
  liveWeights(model, slots, op);
  const tensors: Tensor[] = [];
  try {
    slots.forEach((slot, i) => tensors.push(tensor(values[i], slot.shape)));
    model.setWeights(tensors); // the slots are the model's weights, in order
  } finally {
    tensors.forEach((t) => t.dispose());
  }
}

/**
 * Loads a safetensors file's weights into `model`, named and laid out as `names` says (default 'pytorch': a PyTorch
 * `state_dict` of an `nn.Sequential` of the same layers; an object or function for named modules such as
 * `fc1.weight`; 'keras' for simdeep's names; see modelToSafetensors for each layer's layout, and `flatten` for a Dense
 * layer after a Flatten of images). Every weight is checked before any is written: a missing one, one of another
 * shape (naming the tensor, the layer's weight and both shapes), a dtype that is not read, a value that is not
 * finite, and with `strict` (the default) a tensor the model has no weight for, are RangeErrors and leave the model
 * as it was. A batch normalization's `num_batches_tracked` is ignored. Returns the model.
 * @throws RangeError starting with 'loadSafetensors' as above, or for a corrupt or hostile file (see
 * inspectSafetensors); TypeError for a model that is not a Model or bytes that are not bytes; DisposedError once
 * the model is disposed.
 * @example
 * const source = sequential([dense({ units: 2, inputShape: [3], kernelInitializer: 'ones' })]);
 * const target = sequential([dense({ units: 2, inputShape: [3] })]);
 * loadSafetensors(target, modelToSafetensors(source));
 * target.predict(tensor([[1, 1, 1]])).toArray(); // [[3, 3]]
 */
export function loadSafetensors(model: Model, bytes: Uint8Array | ArrayBuffer, options: SafetensorsLoadOptions = {}): Model {
  const op = 'loadSafetensors';
  checkOptionKeys(op, options, ['names', 'flatten', 'strict']);
  const strict = options.strict ?? true;
  if (typeof strict !== 'boolean') throw new TypeError(`${op}: strict must be a boolean, got ${show(strict)}`);
  const { slots, values } = weightsFromFile(layersOf(model, op), bytesOf(bytes, op), options, op);
  assign(model, slots, values, op);
  return model;
}

/**
 * The whole model a safetensors file written by `modelToSafetensors` holds: its architecture (`simdeep.model` in
 * the metadata, checked as a model file's header is), its compile settings and metadata, and its weights (checked
 * as loadSafetensors checks them, all before the model is built). A file of weights only (such as one PyTorch
 * wrote) has no architecture: build the model and pass it to loadSafetensors.
 * @throws RangeError starting with 'modelFromSafetensors' for a file without an architecture, an invalid
 * architecture, missing, extra or wrong-shape weights, or a corrupt or hostile file.
 * @example
 * const model = sequential([dense({ units: 2, activation: 'tanh', inputShape: [3] })]);
 * const copy = modelFromSafetensors(modelToSafetensors(model));
 * const x = tensor([[1, 2, 3]]);
 * equal(copy.predict(x) as Tensor, model.predict(x)).toArray(); // [[1, 1]]
 */
export function modelFromSafetensors(bytes: Uint8Array | ArrayBuffer): Model {
  const op = 'modelFromSafetensors';
  const data = bytesOf(bytes, op);
  const { metadata } = inspectSafetensors(data, op);
  const text = metadata['simdeep.model'];
  if (text === undefined) throw new RangeError(`${op}: the file holds weights only (no simdeep.model in its __metadata__); build the model and pass it to loadSafetensors`);
  let json: unknown, names: unknown;
  try {
    json = JSON.parse(text);
    names = metadata['simdeep.names'] === 'keras' ? 'keras' : JSON.parse(metadata['simdeep.names'] ?? 'null');
  } catch (error) {
    throw new RangeError(`${op}: the architecture in __metadata__ is corrupt: ${String(error)}`);
  }
  const plain = typeof names === 'object' && names !== null && !Array.isArray(names) && Object.values(names).every((v) => typeof v === 'string');
  if (names !== 'keras' && !plain) throw new RangeError(`${op}: __metadata__ simdeep.names is ${show(metadata['simdeep.names'])}, not 'keras' or module paths by layer`);
  let parsed: ReturnType<typeof parseArchitecture>;
  try {
    parsed = parseArchitecture(json);
  } catch (error) {
    throw new RangeError(`${op}: the architecture in __metadata__ is invalid: ${(error as Error).message.replace(/^loadModel: /, '')}`);
  }
  const flatten = (metadata['simdeep.flatten'] ?? 'channelsFirst') as FlattenOrder;
  const { values } = weightsFromFile(parsed.layers, data, { names: names as WeightNames, flatten, strict: true }, op);
  const model = modelOf(parsed);
  try {
    // The built layers have the parsed ones' configs and shapes (a file holds built-in layers only), so their slots.
    assign(model, weightSlots(model.layers, names as WeightNames, op, flatten), values, op);
  } catch (error) {
    model.dispose();
    throw error;
  }
  return model;
}
