// ONNX model bytes for the benchmarks' peers: a chain of dense layers written as a ModelProto (IR version 8, opset
// 13) with protobufjs's minimal Writer (no generated code, no eval). Only what the benchmarks need; simdeep's own
// exporter is separate work. Field numbers are those of onnx.proto.
import os from 'node:os';
import protobuf from 'protobufjs/minimal.js';

const { Writer } = protobuf;
const VARINT = 0, BYTES = 2; // protobuf wire types
const FLOAT = 1; // TensorProto.DataType
const ATTRIBUTE_INT = 2; // AttributeProto.AttributeType
const ACTIVATIONS = { relu: 'Relu', softmax: 'Softmax' };
const fail = (activation) => {
  throw new Error(`denseOnnx: no activation ${activation}`);
};

const tag = (w, field, wire) => w.uint32((field << 3) | wire);
const string = (w, field, s) => tag(w, field, BYTES).string(s);
const int = (w, field, n) => tag(w, field, VARINT).int64(n);
/** A nested message: `body(w)` writes its fields. */
const message = (w, field, body) => {
  tag(w, field, BYTES).fork();
  body(w);
  w.ldelim();
};

// ValueInfoProto of a float tensor; a dimension is a size or a symbolic name ('N').
const valueInfo = (w, field, name, dims) => message(w, field, (v) => {
  string(v, 1, name);
  message(v, 2, (type) => message(type, 1, (tensor) => { // TypeProto.tensor_type
    int(tensor, 1, FLOAT);
    message(tensor, 2, (shape) => {
      for (const d of dims) message(shape, 1, (dim) => (typeof d === 'number' ? int(dim, 1, d) : string(dim, 2, d)));
    });
  }));
});

// A float TensorProto initializer holding `values` (little-endian raw_data).
const initializer = (w, name, dims, values) => message(w, 5, (t) => {
  for (const d of dims) int(t, 1, d);
  int(t, 2, FLOAT);
  string(t, 8, name);
  tag(t, 9, BYTES).bytes(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
});

const node = (w, opType, inputs, outputs, attributes = {}) => message(w, 1, (n) => {
  for (const name of inputs) string(n, 1, name);
  for (const name of outputs) string(n, 2, name);
  string(n, 3, `${opType}_${outputs[0]}`);
  string(n, 4, opType);
  for (const [name, value] of Object.entries(attributes)) {
    message(n, 5, (a) => {
      string(a, 1, name);
      int(a, 3, value);
      int(a, 20, ATTRIBUTE_INT);
    });
  }
});

/**
 * The bytes of an ONNX model `X: float[N, inputs] → Y: float[N, units of the last layer]` computing, for each layer,
 * Gemm(h, W, b) (W is [inputs, units], row-major, as simdeep's and TF.js's Dense kernels), then its activation
 * ('relu', 'softmax' over the last axis, or 'linear').
 */
export function denseOnnx(inputs, layers) {
  if (os.endianness() !== 'LE') throw new Error('denseOnnx: raw_data is little-endian; this machine is not');
  const w = Writer.create();
  int(w, 1, 8); // ir_version
  string(w, 2, 'simdeep bench');
  message(w, 7, (graph) => {
    // The ops in order, [opType, extra inputs, attributes]; each takes the previous output, the last one gives Y.
    const ops = layers.flatMap(({ activation }, i) => [['Gemm', [`W${i}`, `B${i}`]],
      ...(activation === 'linear' ? [] : [[ACTIVATIONS[activation] ?? fail(activation), [], activation === 'softmax' ? { axis: -1 } : {}]])]);
    ops.forEach(([opType, weights, attributes], i) => node(graph, opType, [i ? `t${i - 1}` : 'X', ...weights], [i === ops.length - 1 ? 'Y' : `t${i}`], attributes));
    layers.forEach(({ kernel, bias }, i) => {
      initializer(graph, `W${i}`, [kernel.length / bias.length, bias.length], kernel);
      initializer(graph, `B${i}`, [bias.length], bias);
    });
    string(graph, 2, 'dense');
    valueInfo(graph, 11, 'X', ['N', inputs]);
    valueInfo(graph, 12, 'Y', ['N', layers.at(-1).bias.length]);
  });
  message(w, 8, (opset) => int(opset, 2, 13)); // the default domain, opset 13
  return w.finish();
}
