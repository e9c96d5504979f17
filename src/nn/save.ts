// Model files: one binary blob holding the architecture as JSON and then every weight as float32, so a saved model
// loads anywhere (Node file, browser ArrayBuffer or Blob) and predicts bit-identically.
// Layout: "SDPM" | u32 JSON byte length | JSON (UTF-8) | zero padding to 4 bytes | float32 weights in order.
// Version 2 holds the graph (layers by class and config, nodes, inputs, outputs); version 1 (dense stacks, before
// graphs) is still read (parse.ts), as the Sequential it describes. This file writes them; parse.ts checks them.
import { f32View } from '../runtime/heap';
import type { Tensor } from '../tensor/tensor';
import type { OptimizerConfig } from '../optim/optimizers';
import type { Graph } from './graph';
import type { Layer } from './layers/layer';
import type { ActivationName } from './layers/dense';
import type { Initializer } from './initializers';
import type { LossName } from './losses';
import type { MetricClass, MetricConfig, MetricName } from './metrics';

/** A metric in a model file: its name, or Keras's { className, config }. */
type MetricJSON = MetricName | { className: MetricClass; config: MetricConfig };

/** The first 4 bytes of a model file, "SDPM" read as a little-endian u32. */
export const MAGIC = 0x4d504453;
/** The version this library writes. */
export const FORMAT_VERSION = 2;

/**
 * The architecture, compile settings and metadata a model file holds (its JSON header), as `model.toJSON()` gives
 * them.
 * @example
 * const model = sequential([dense({ units: 2, activation: 'relu', inputShape: [3] })]);
 * const json: ModelJSON = model.toJSON();
 * json.layers[1].config.units; // 2
 */
export interface ModelJSON {
  /** Always 'simdeep-model'. */
  format: 'simdeep-model';
  /** The file format version (2). */
  version: number;
  /** 'Sequential' for a sequential model (loaded as one), else 'Model'. */
  className: 'Sequential' | 'Model';
  /**
   * Each layer once (inputs included): its class and the config that rebuilds it; a custom layer (a registered class)
   * also the shapes of its weights, which only its build knows.
   */
  layers: { className: string; config: Record<string, unknown>; weightShapes?: number[][] }[];
  /** The layer calls in topological order: the layer (index into layers) and its arguments (indices into nodes). */
  nodes: { layer: number; args: number[] }[];
  /** The input nodes, in order. */
  inputs: number[];
  /** The output nodes, in order. */
  outputs: number[];
  /** The compile settings, if the model was compiled. */
  compile?: {
    /** The loss (of every output), or one per output in order. */
    loss: LossName | LossName[];
    /** The weight of each output's loss, when not all 1. */
    lossWeights?: number[];
    /** The optimizer's settings. */
    optimizer: OptimizerConfig;
    /**
     * The metrics besides the loss: names, or Keras's { className, config } of metrics made with options; one list, or
     * lists by output name.
     */
    metrics: MetricJSON[] | Record<string, MetricJSON[]>;
  };
  /** The model's `metadata` (JSON), such as the preprocessing of its inputs. */
  metadata?: Record<string, unknown>;
}

/** A dense layer as version 1 files hold it. */
export interface LegacyLayer {
  className: 'Dense';
  units: number;
  activation: ActivationName;
  useBias: boolean;
  inputDim: number;
  dropout?: number;
  kernelInitializer: Initializer['config'];
  biasInitializer: Initializer['config'];
}

/** The architecture of a model as JSON. */
export function modelToJSON(graph: Graph, compile: ModelJSON['compile'], metadata: Record<string, unknown> | undefined, sequential: boolean): ModelJSON {
  const layers = [...new Set(graph.nodes.map((n) => n.layer))];
  return {
    format: 'simdeep-model',
    version: FORMAT_VERSION,
    className: sequential ? 'Sequential' : 'Model',
    layers: layers.map((layer) => ({ className: layer.className, config: configOf(layer),
      ...(layer.isCustom ? { weightShapes: layer.weights.map((w) => [...w.shape]) } : {}) })),
    nodes: graph.nodes.map((n) => ({ layer: layers.indexOf(n.layer), args: [...n.args] })),
    inputs: [...graph.inputs],
    outputs: [...graph.outputs],
    compile,
    metadata,
  };
}

/** A layer's config as JSON; a custom first layer's input shape kept even when its getConfig leaves it out. */
function configOf(layer: Layer): Record<string, unknown> {
  const config = JSON.parse(JSON.stringify(layer.getConfig())) as Record<string, unknown>;
  if (layer.isCustom && layer.inputShape && config.inputShape === undefined) config.inputShape = [...layer.inputShape];
  return config;
}

/** The model file of `json` and the weights `params` (in layer order) as bytes. */
export function serialize(json: ModelJSON, params: readonly Tensor[]): ArrayBuffer {
  const text = new TextEncoder().encode(JSON.stringify(json));
  const head = 8 + text.length + ((4 - (text.length % 4)) % 4);
  const floats = params.reduce((sum, p) => sum + p.size, 0);
  const bytes = new ArrayBuffer(head + 4 * floats);
  const view = new DataView(bytes);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, text.length, true);
  new Uint8Array(bytes, 8, text.length).set(text);
  let at = head / 4;
  const out = new Float32Array(bytes);
  for (const p of params) {
    out.set(f32View(p.ptr, p.size), at);
    at += p.size;
  }
  return bytes;
}
