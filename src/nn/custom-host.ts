// The host side of custom losses and custom layers: the training loop (assembly/train.ts) calls lossHost for an output
// whose loss is a function, and assembly/layers/custom.ts calls layerHost for a node of a Layer subclass written in
// ops. Both run synchronously inside the wasm call: they copy the rows they need into tensors, run the user's ops
// (under a gradient tape for gradients), write the results into the plan's buffers and free every tensor they made.
// Plans register their custom outputs and nodes here by record address when built, and drop them when freed. An
// error the user's code throws passes out through the wasm call to the Plan method that made it (plan.ts settles).
import {
  EDGE_ADD, EDGE_NODE, EDGE_WORDS, NODE_ADD_GRADS, NODE_DELTA, NODE_EDGE_COUNT, NODE_EDGES, NODE_OUT, NODE_PARAMS, NODE_WORDS,
  PARAM_CURRENT, PARAM_GRAD, PARAM_HOME, PARAM_SIZE, PARAM_SPARE, PARAM_WORDS,
} from '../../assembly/layout';
import { grads, valueAndGrad } from '../autograd/gradients';
import { f32View, i32View } from '../runtime/heap';
import { setHostCustom } from '../runtime/wasm';
import { ShapeError, showShape, showValue } from '../tensor/errors';
import { runScoped } from '../tensor/storage';
import { withoutTapes } from '../tensor/tape';
import { copyOf, Tensor } from '../tensor/tensor';
import type { Layer } from './layers/layer';
import type { LossFunction } from './losses';

/** An output whose loss is a function: the function, the output's name and sample shape, the op of its plan. */
interface HostedLoss {
  readonly fn: LossFunction;
  readonly output: string;
  readonly dims: readonly number[];
  readonly op: string;
}

/** A node of a custom layer: the layer, its arguments' and output's sample shapes, the op of its plan. */
interface HostedLayer {
  readonly layer: Layer;
  readonly argDims: readonly (readonly number[])[];
  readonly dims: readonly number[];
  readonly op: string;
}

const hostedLosses = new Map<number, HostedLoss>();
const hostedLayers = new Map<number, HostedLayer>();

/** Registers output record `R` (an address) as a custom loss's. */
export function hostLoss(R: number, entry: HostedLoss): void {
  hostedLosses.set(R, entry);
}

/** Registers node record `N` (an address) as a custom layer's. */
export function hostLayer(N: number, entry: HostedLayer): void {
  hostedLayers.set(N, entry);
}

/** Drops the registrations of these record addresses (a plan being freed). */
export function unhost(records: readonly number[]): void {
  for (const at of records) {
    hostedLosses.delete(at);
    hostedLayers.delete(at);
  }
}

/** Writes (or with `add`, adds) the values of `t` to the floats at `ptr`. */
function putOrAdd(ptr: number, t: Tensor, add: boolean): void {
  const dst = f32View(ptr, t.size), src = f32View(t.ptr, t.size);
  if (!add) dst.set(src);
  else for (let i = 0; i < src.length; i++) dst[i] += src[i];
}

/** `error` with its message prefixed by `where` (the same object, so its class is kept). */
function named(error: unknown, where: string): unknown {
  if (error instanceof Error && !error.message.startsWith(where)) {
    try {
      error.message = `${where}: ${error.message}`;
    } catch {
      // a frozen error keeps its message
    }
  }
  return error;
}

/**
 * The mean loss of the custom loss of output record R on `rows` rows of outputs `out` and targets `target`; with
 * grad != 0, dLoss/dOutputs written there (train.ts then takes it through the output's activation). With row
 * `weights` (f32 per row; 0: none), as Keras weighs a loss function's values: a result of one value per sample
 * (or more) has each row's values times its weight before the mean; a scalar result is times the mean weight. The
 * weighting is inside the differentiated function, so each row's gradient is scaled by its weight.
 */
function lossHost(R: number, out: number, target: number, grad: number, rows: number, weights: number): number {
  const entry = hostedLosses.get(R)!;
  const where = `${entry.op}: the loss function of output ${entry.output}`;
  const shape = [rows, ...entry.dims];
  return runScoped(() => {
    const yPred = copyOf(out, shape, entry.op), yTrue = copyOf(target, shape, entry.op);
    const w = weights === 0 ? null : copyOf(weights, [rows], entry.op);
    const weigh = (r: Tensor): Tensor => {
      if (!w) return r;
      if (r.rank === 0) return r.mul(w.mean());
      return r.mul(w.reshape([rows, ...new Array<number>(r.rank - 1).fill(1)]));
    };
    const mean = (p: Tensor): Tensor => {
      let r: unknown;
      try {
        r = entry.fn(yTrue, p);
      } catch (error) {
        throw named(error, where);
      }
      if (!(r instanceof Tensor) || r.disposed) throw new TypeError(`${where} must return a Tensor, got ${r instanceof Tensor ? 'a disposed tensor' : showValue(r)}`);
      if (r.rank !== 0 && r.shape[0] !== rows) {
        throw new ShapeError(`${where} returned shape ${showShape(r.shape)}; it must return a scalar or one value per sample (shape [${rows}, …])`);
      }
      const weighted = weigh(r);
      return weighted.rank === 0 ? weighted : weighted.sum().div(weighted.size);
    };
    if (grad === 0) return withoutTapes(() => mean(yPred)).dataSync()[0];
    const { value, grad: g } = valueAndGrad(mean)(yPred);
    putOrAdd(grad, g, false);
    return value.dataSync()[0];
  });
}

/** The words of record `at` (an address), `words` long. */
const recordAt = (at: number, words: number): Int32Array => i32View(at, words);

/**
 * Node N of a custom layer for `rows` rows: pass 0 or 1 (training) its forward into NODE_OUT, pass 2 its backward
 * from NODE_DELTA into its arguments' NODE_DELTA (EDGE_ADD: add) and its trainable weights' PARAM_GRAD
 * (NODE_ADD_GRADS: add).
 */
function layerHost(N: number, rows: number, pass: number): void {
  const entry = hostedLayers.get(N)!, layer = entry.layer, op = entry.op;
  const node = recordAt(N, NODE_WORDS);
  const edges = Array.from({ length: node[NODE_EDGE_COUNT] }, (_, k) => recordAt(node[NODE_EDGES] + 4 * k * EDGE_WORDS, EDGE_WORDS));
  const params = Array.from(i32View(node[NODE_PARAMS], layer.weights.length), (P) => recordAt(P, PARAM_WORDS));
  // With the finite check, a step's weights may be in the spares: the layer's variables get the current ones.
  for (const P of params) if (P[PARAM_CURRENT] !== 0) f32View(P[PARAM_HOME], P[PARAM_SIZE]).set(f32View(P[PARAM_SPARE], P[PARAM_SIZE]));
  const where = `${op}: layer ${layer.label}`;
  runScoped(() => {
    const args = edges.map((E, k) => copyOf(recordAt(E[EDGE_NODE], NODE_WORDS)[NODE_OUT], [rows, ...entry.argDims[k]], op));
    const inputs = args.length === 1 ? args[0] : args;
    const forward = (training: boolean): Tensor => {
      let y: unknown;
      try {
        y = layer.call!(inputs, { training });
      } catch (error) {
        throw named(error, where);
      }
      const want = [rows, ...entry.dims];
      if (!(y instanceof Tensor) || y.disposed) throw new TypeError(`${where}: call must return a Tensor, got ${y instanceof Tensor ? 'a disposed tensor' : showValue(y)}`);
      if (y.shape.join() !== want.join()) {
        throw new ShapeError(`${where}: call returned shape ${showShape(y.shape)}; its output shape is ${showShape(want)} (see computeOutputShape)`);
      }
      return y;
    };
    if (pass !== 2) {
      const y = withoutTapes(() => forward(pass === 1));
      f32View(node[NODE_OUT], y.size).set(f32View(y.ptr, y.size));
      return;
    }
    // Gradients of the arguments that take one and of the trainable weights (those with a gradient buffer).
    const wantArgs = edges.flatMap((E, k) => (recordAt(E[EDGE_NODE], NODE_WORDS)[NODE_DELTA] !== 0 ? [k] : []));
    const wantWeights = params.flatMap((P, j) => (P[PARAM_GRAD] !== 0 ? [j] : []));
    if (wantArgs.length + wantWeights.length === 0) return;
    const dy = copyOf(node[NODE_DELTA], [rows, ...entry.dims], op);
    const xs = [...wantArgs.map((k) => args[k]), ...wantWeights.map((j) => layer.weights[j])];
    const gs = grads(() => forward(true))(xs, dy);
    wantArgs.forEach((k, i) => putOrAdd(recordAt(edges[k][EDGE_NODE], NODE_WORDS)[NODE_DELTA], gs[i], edges[k][EDGE_ADD] !== 0));
    wantWeights.forEach((j, i) => putOrAdd(params[j][PARAM_GRAD], gs[wantArgs.length + i], node[NODE_ADD_GRADS] !== 0));
  });
}

setHostCustom(lossHost, layerHost);
