// ONNX import: a ModelProto read as a simdeep model. Everything is checked before any wasm memory is taken: the
// protobuf structure (proto.ts), every tensor's dims, type and byte count, the opset, each operator and its attributes
// (import-ops.ts, import-conv.ts), and the shapes of the layers they become; only then is the model built and given
// its weights.
import { model as makeModel, type Model } from '../../nn/model';
import { checkTree, MAX_PARAMETERS } from '../../nn/parse';
import { tensor } from '../../tensor/create';
import { showValue } from '../../tensor/errors';
import { ATTR_FLOAT, ATTR_FLOATS, ATTR_INT, ATTR_INTS, ATTR_TENSOR, FLOAT, INT32, INT64, METADATA_KEY, type OnnxNode, type OnnxTensor } from './proto';
import { readModel } from './proto-read';
import { ImportContext, where, type Constant } from './import-context';
import { OPS } from './import-ops';
import { CONV_OPS } from './import-conv';

/** Nodes, initializers and inputs a file may declare. */
const MAX_NODES = 1 << 16;
const SUPPORTED_OPSETS = [7, 22];

/** A tensor's values, checked against its dims and data type. */
function constantOf(t: OnnxTensor, at: string, fail: (m: string) => never): Constant {
  const named = `${at} (${JSON.stringify(t.name)})`;
  if (t.external) fail(`${named} keeps its data in an external file, which simdeep does not read; save the model with its weights inside`);
  let n = 1;
  for (const d of t.dims) {
    if (!Number.isInteger(d) || d < 0) fail(`${named} has the dimension ${d}; dims are non-negative integers`);
    n *= d;
    if (n > MAX_PARAMETERS) fail(`${named} has dims [${t.dims.join(', ')}]: more than ${MAX_PARAMETERS} values`);
  }
  const size = t.dataType === FLOAT || t.dataType === INT32 ? 4 : t.dataType === INT64 ? 8 : 0;
  if (size === 0) fail(`${named} has data_type ${t.dataType}; simdeep reads FLOAT (1) weights and INT64 (7) or INT32 (6) shapes`);
  if (t.raw ? t.raw.length !== n * size : t.numbers.length !== n) {
    fail(`${named} holds ${t.raw ? `${t.raw.length} bytes of raw_data` : `${t.numbers.length} values`}; dims [${t.dims.join(', ')}] need ${t.raw ? `${n * size} bytes` : `${n} values`}`);
  }
  const view = t.raw ? new DataView(t.raw.buffer, t.raw.byteOffset, t.raw.length) : undefined;
  if (t.dataType === FLOAT) {
    const data = view ? Float32Array.from({ length: n }, (_, i) => view.getFloat32(4 * i, true)) : Float32Array.from(t.numbers);
    return { kind: 'const', dims: [...t.dims], data, float: true };
  }
  const data = view ? Array.from({ length: n }, (_, i) => (size === 8 ? view.getBigInt64(8 * i, true) : view.getInt32(4 * i, true))) : t.numbers;
  const safe = data.map((v) => (typeof v === 'bigint' ? (v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : v < -BigInt(Number.MAX_SAFE_INTEGER) ? -Number.MAX_SAFE_INTEGER : Number(v)) : v));
  return { kind: 'const', dims: [...t.dims], data: safe, float: false };
}

/** A Constant node's value. */
function constantNode(node: OnnxNode, fail: (m: string) => never): Constant {
  const a = node.attributes[0];
  if (node.attributes.length !== 1) fail(`${where(node)} must have exactly one value attribute`);
  if (a.name === 'value' && a.type === ATTR_TENSOR && a.t) return constantOf(a.t, where(node), fail);
  if (a.name === 'value_float' && a.type === ATTR_FLOAT) return { kind: 'const', dims: [], data: Float32Array.of(a.f), float: true };
  if (a.name === 'value_floats' && a.type === ATTR_FLOATS) return { kind: 'const', dims: [a.floats.length], data: Float32Array.from(a.floats), float: true };
  if (a.name === 'value_int' && a.type === ATTR_INT) return { kind: 'const', dims: [], data: [a.i], float: false };
  if (a.name === 'value_ints' && a.type === ATTR_INTS) return { kind: 'const', dims: [a.ints.length], data: [...a.ints], float: false };
  return fail(`${where(node)}: the attribute ${JSON.stringify(a.name)} (type ${a.type}) is not a value simdeep reads`);
}

/**
 * A simdeep model from ONNX bytes: what `modelToOnnx` writes (its Transposes around channels-first operators and
 * MatMul + Add are read back as the layers they came from), and common PyTorch exports (Gemm with transB 1 for
 * `nn.Linear`; NCHW convolutions become channels-last layers after a Permute of the input, with their weights
 * transposed). The operators read are those modelToOnnx writes, plus Flatten, Constant, Sum and Dropout; anything
 * else is an error naming the operator and the node. Inputs of the model are float tensors (an integer input becomes
 * a float input of indices for an Embedding).
 * @throws TypeError unless bytes is a Uint8Array or ArrayBuffer. RangeError (starting 'modelFromOnnx:') for bytes
 * that are not a well-formed ModelProto (a truncated varint, a length past the end), tensors whose dims, data_type or
 * byte count are wrong or exceed 2^27 values, external data, unknown operators or attributes, or shapes the layers
 * cannot take; nothing is allocated before these checks.
 * @example
 * const net = sequential([dense({ units: 3, activation: 'tanh', inputShape: [2] }), dense({ units: 1 })]);
 * const copy = modelFromOnnx(modelToOnnx(net));
 * copy.layers.map((layer) => layer.className); // ['Dense', 'Dense']
 * copy.outputs[0].shape; // [null, 1]
 */
export function modelFromOnnx(bytes: Uint8Array | ArrayBuffer): Model {
  const op = 'modelFromOnnx';
  const fail = (message: string): never => { throw new RangeError(`${op}: ${message}`); };
  if (!(bytes instanceof Uint8Array) && !(bytes instanceof ArrayBuffer)) throw new TypeError(`${op}: bytes must be a Uint8Array or an ArrayBuffer, got ${showValue(bytes)}`);
  const data = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  if (data.length === 0) fail('the bytes are empty; an ONNX model is a ModelProto');
  const { graph, opsets, metadata: props } = readModel(data, fail);
  const metadata = metadataOf(props?.get(METADATA_KEY), fail);
  const opset = opsets.find((o) => o.domain === '' || o.domain === 'ai.onnx');
  if (!opset || opset.version < SUPPORTED_OPSETS[0] || opset.version > SUPPORTED_OPSETS[1]) {
    fail(`the model imports opset ${opset?.version ?? 'none'} of the default domain; simdeep reads opsets ${SUPPORTED_OPSETS.join(' to ')}`);
  }
  if (graph.nodes.length > MAX_NODES || graph.initializers.length > MAX_NODES || graph.inputs.length > MAX_NODES) fail(`the graph has more than ${MAX_NODES} nodes, initializers or inputs`);
  const ctx = new ImportContext(fail);
  graph.initializers.forEach((t, i) => {
    if (ctx.values.has(t.name)) fail(`graph.initializer[${i}] repeats the name ${JSON.stringify(t.name)}`);
    ctx.values.set(t.name, constantOf(t, `graph.initializer[${i}]`, fail));
  });
  const inputs = graph.inputs.filter((v) => !ctx.values.has(v.name)).map((v, i) => {
    if (v.elemType !== FLOAT && v.elemType !== INT64 && v.elemType !== INT32) fail(`graph.input[${i}] (${JSON.stringify(v.name)}) has elem_type ${v.elemType}; simdeep takes FLOAT inputs (INT64 or INT32 for indices)`);
    const t = ctx.input(v.name, v.dims, `graph.input[${i}] (${JSON.stringify(v.name)})`);
    ctx.values.set(v.name, { kind: 'tensor', t, channelsFirst: false, indices: v.elemType !== FLOAT });
    return t;
  });
  if (inputs.length === 0) fail('the graph has no inputs besides its initializers');
  graph.outputs.forEach((v) => ctx.graphOutputs.add(v.name));
  for (const node of graph.nodes) {
    for (const name of node.inputs) {
      const list = ctx.consumers.get(name);
      if (list) list.push(node);
      else ctx.consumers.set(name, [node]);
    }
  }
  // Constants first: a pattern read at its first node (gelu's Div) looks at constants that later nodes make.
  for (const node of graph.nodes) {
    if (node.opType !== 'Constant') continue;
    if (node.outputs.length !== 1 || ctx.values.has(node.outputs[0])) fail(`${where(node)} must write one new value`);
    ctx.values.set(node.outputs[0], constantNode(node, fail));
  }
  for (const node of graph.nodes) {
    if (ctx.taken.has(node) || node.opType === 'Constant') continue;
    if (node.domain !== '' && node.domain !== 'ai.onnx') fail(`${where(node)} is in the domain ${JSON.stringify(node.domain)}; simdeep reads the default ONNX domain only`);
    if (node.outputs.length === 0 || node.outputs[0] === '') fail(`${where(node)} has no output`);
    if (ctx.values.has(node.outputs[0])) fail(`${where(node)} writes ${JSON.stringify(node.outputs[0])}, which an earlier node or initializer already made`);
    const reader = OPS.get(node.opType) ?? CONV_OPS.get(node.opType);
    if (!reader) return fail(`${where(node)}: the operator ${node.opType} is not supported (simdeep reads ${[...OPS.keys(), ...CONV_OPS.keys(), 'Constant'].join(', ')})`);
    reader(ctx, node);
  }
  if (graph.outputs.length === 0) fail('the graph has no outputs');
  const outputs = graph.outputs.map((v, i) => {
    const out: OnnxNode = { name: v.name, opType: 'graph output', domain: '', inputs: [v.name], outputs: [], attributes: [] };
    const value = ctx.values.get(v.name);
    if (value?.kind !== 'tensor' || value.indices) fail(`graph.output[${i}] (${JSON.stringify(v.name)}) is not a float tensor the nodes compute`);
    return ctx.tensor(out, 0);
  });
  let net: Model;
  try {
    net = makeModel({ inputs, outputs });
  } catch (error) {
    return fail(`the graph is not a model simdeep can build: ${(error as Error).message}`);
  }
  const weights = net.layers.flatMap((layer) => ctx.weights.get(layer) ?? []);
  const values = weights.map((w) => tensor(w.values, w.dims));
  try {
    net.setWeights(values);
    net.metadata = metadata;
  } catch (error) {
    net.dispose();
    throw error;
  } finally {
    values.forEach((v) => v.dispose());
  }
  return net;
}

/** A model's metadata kept in metadata_props (JSON of a plain object), checked as model files check theirs. */
function metadataOf(text: string | undefined, fail: (message: string) => never): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return fail(`metadata_props ${JSON.stringify(METADATA_KEY)} is not JSON (${(error as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return fail(`metadata_props ${JSON.stringify(METADATA_KEY)} is not a JSON object`);
  checkTree(json, (message) => fail(`metadata_props ${JSON.stringify(METADATA_KEY)}: ${message}`));
  return json as Record<string, unknown>;
}
