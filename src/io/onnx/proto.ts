// The few ONNX protobuf messages simdeep reads and writes (field numbers from onnx/onnx.proto3, written out by name
// here, so nothing is generated at run time: the edge build forbids eval), and writing them through pbf's writer.
// Reading is proto-read.ts.
import { PbfWriter } from 'pbf';

/** TensorProto.DataType values simdeep meets. */
export const FLOAT = 1;
export const INT32 = 6;
export const INT64 = 7;

/** AttributeProto.AttributeType values. */
export const ATTR_FLOAT = 1;
export const ATTR_INT = 2;
export const ATTR_STRING = 3;
export const ATTR_TENSOR = 4;
export const ATTR_FLOATS = 6;
export const ATTR_INTS = 7;

export const MODEL = { irVersion: 1, producerName: 2, producerVersion: 3, graph: 7, opsetImport: 8, metadataProps: 14 } as const;
export const STRING_ENTRY = { key: 1, value: 2 } as const;
/** The metadata_props key of a model's `metadata` (JSON), which the command line's preparation rides in. */
export const METADATA_KEY = 'simdeep.metadata';
export const OPSET = { domain: 1, version: 2 } as const;
export const GRAPH = { node: 1, name: 2, initializer: 5, input: 11, output: 12 } as const;
export const NODE = { input: 1, output: 2, name: 3, opType: 4, attribute: 5, domain: 7 } as const;
export const ATTRIBUTE = { name: 1, f: 2, i: 3, s: 4, t: 5, floats: 7, ints: 8, type: 20 } as const;
export const TENSOR = { dims: 1, dataType: 2, floatData: 4, int32Data: 5, int64Data: 7, name: 8, rawData: 9, externalData: 13, dataLocation: 14 } as const;
export const VALUE_INFO = { name: 1, type: 2 } as const;
export const TYPE = { tensorType: 1 } as const;
export const TENSOR_TYPE = { elemType: 1, shape: 2 } as const;
export const SHAPE = { dim: 1 } as const;
export const DIMENSION = { dimValue: 1, dimParam: 2 } as const;

/** A TensorProto: its values as raw little-endian bytes, or as the typed fields' numbers. */
export interface OnnxTensor { name: string; dims: number[]; dataType: number; raw: Uint8Array | null; numbers: number[]; external: boolean }
/** An AttributeProto of the kinds simdeep uses. */
export interface OnnxAttribute { name: string; type: number; f: number; i: number; s: string; t: OnnxTensor | null; floats: number[]; ints: number[] }
/** A NodeProto. */
export interface OnnxNode { name: string; opType: string; domain: string; inputs: string[]; outputs: string[]; attributes: OnnxAttribute[] }
/** A ValueInfoProto of a tensor type: each dimension a size or a symbolic name. */
export interface OnnxValueInfo { name: string; elemType: number; dims: (number | string)[] }
/** A GraphProto. */
export interface OnnxGraph { name: string; nodes: OnnxNode[]; initializers: OnnxTensor[]; inputs: OnnxValueInfo[]; outputs: OnnxValueInfo[] }
/** A ModelProto. */
export interface OnnxModel {
  irVersion: number; producerName: string; opsets: { domain: string; version: number }[]; graph: OnnxGraph;
  /** metadata_props: key → value (simdeep keeps a model's `metadata` as JSON under 'simdeep.metadata'). */
  metadata?: Map<string, string>;
}

const writeTensor = (t: OnnxTensor, pbf: PbfWriter): void => {
  for (const d of t.dims) pbf.writeVarintField(TENSOR.dims, d);
  pbf.writeVarintField(TENSOR.dataType, t.dataType);
  pbf.writeStringField(TENSOR.name, t.name);
  if (t.raw) pbf.writeBytesField(TENSOR.rawData, t.raw);
  else if (t.dataType === FLOAT) pbf.writePackedFloat(TENSOR.floatData, t.numbers);
  else pbf.writePackedVarint(t.dataType === INT64 ? TENSOR.int64Data : TENSOR.int32Data, t.numbers);
  if (t.external) pbf.writeVarintField(TENSOR.dataLocation, 1);
};
const writeAttribute = (a: OnnxAttribute, pbf: PbfWriter): void => {
  pbf.writeStringField(ATTRIBUTE.name, a.name);
  pbf.writeVarintField(ATTRIBUTE.type, a.type);
  if (a.type === ATTR_FLOAT) pbf.writeFloatField(ATTRIBUTE.f, a.f);
  if (a.type === ATTR_INT) pbf.writeVarintField(ATTRIBUTE.i, a.i);
  if (a.type === ATTR_STRING) pbf.writeBytesField(ATTRIBUTE.s, new TextEncoder().encode(a.s));
  if (a.type === ATTR_TENSOR && a.t) pbf.writeMessage(ATTRIBUTE.t, writeTensor, a.t);
  if (a.type === ATTR_FLOATS) pbf.writePackedFloat(ATTRIBUTE.floats, a.floats);
  if (a.type === ATTR_INTS) pbf.writePackedVarint(ATTRIBUTE.ints, a.ints);
};
const writeNode = (n: OnnxNode, pbf: PbfWriter): void => {
  for (const name of n.inputs) pbf.writeStringField(NODE.input, name);
  for (const name of n.outputs) pbf.writeStringField(NODE.output, name);
  pbf.writeStringField(NODE.name, n.name);
  pbf.writeStringField(NODE.opType, n.opType);
  for (const a of n.attributes) pbf.writeMessage(NODE.attribute, writeAttribute, a);
  if (n.domain) pbf.writeStringField(NODE.domain, n.domain);
};
const writeDimension = (d: number | string, pbf: PbfWriter): void => {
  if (typeof d === 'number') pbf.writeVarintField(DIMENSION.dimValue, d);
  else pbf.writeStringField(DIMENSION.dimParam, d);
};
const writeShape = (dims: (number | string)[], pbf: PbfWriter): void => {
  for (const d of dims) pbf.writeMessage(SHAPE.dim, writeDimension, d);
};
const writeTensorType = (v: OnnxValueInfo, pbf: PbfWriter): void => {
  pbf.writeVarintField(TENSOR_TYPE.elemType, v.elemType);
  pbf.writeMessage(TENSOR_TYPE.shape, writeShape, v.dims);
};
const writeValueInfo = (v: OnnxValueInfo, pbf: PbfWriter): void => {
  pbf.writeStringField(VALUE_INFO.name, v.name);
  pbf.writeMessage(VALUE_INFO.type, (value: OnnxValueInfo, w: PbfWriter) => w.writeMessage(TYPE.tensorType, writeTensorType, value), v);
};
const writeGraph = (g: OnnxGraph, pbf: PbfWriter): void => {
  for (const n of g.nodes) pbf.writeMessage(GRAPH.node, writeNode, n);
  pbf.writeStringField(GRAPH.name, g.name);
  for (const t of g.initializers) pbf.writeMessage(GRAPH.initializer, writeTensor, t);
  for (const v of g.inputs) pbf.writeMessage(GRAPH.input, writeValueInfo, v);
  for (const v of g.outputs) pbf.writeMessage(GRAPH.output, writeValueInfo, v);
};

/** The bytes of a ModelProto. */
export function writeModel(model: OnnxModel): Uint8Array {
  const pbf = new PbfWriter();
  pbf.writeVarintField(MODEL.irVersion, model.irVersion);
  pbf.writeStringField(MODEL.producerName, model.producerName);
  pbf.writeMessage(MODEL.graph, writeGraph, model.graph);
  for (const o of model.opsets) {
    pbf.writeMessage(MODEL.opsetImport, (set: typeof o, w: PbfWriter) => {
      if (set.domain) w.writeStringField(OPSET.domain, set.domain);
      w.writeVarintField(OPSET.version, set.version);
    }, o);
  }
  for (const entry of model.metadata ?? []) {
    pbf.writeMessage(MODEL.metadataProps, ([key, value]: [string, string], w: PbfWriter) => {
      w.writeStringField(STRING_ENTRY.key, key);
      w.writeStringField(STRING_ENTRY.value, value);
    }, entry);
  }
  return pbf.finish();
}
