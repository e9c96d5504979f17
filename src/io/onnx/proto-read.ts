// Reading the ONNX messages of proto.ts: a checked walk of its own rather than pbf's reader, because a hostile file
// must give a clear error (a varint running past the end, a length beyond its message) where pbf would read garbage.
// Fields simdeep does not use are skipped by wire type; only known message fields are descended into, so nesting is
// bounded.
import {
  ATTRIBUTE, DIMENSION, GRAPH, MODEL, NODE, OPSET, SHAPE, STRING_ENTRY, TENSOR, TENSOR_TYPE, TYPE, VALUE_INFO,
  type OnnxAttribute, type OnnxGraph, type OnnxModel, type OnnxNode, type OnnxTensor, type OnnxValueInfo,
} from './proto';

/** A checked protobuf cursor over bytes [pos, end) of one message; `fail` throws the caller's error. */
class Reader {
  constructor(readonly bytes: Uint8Array, public pos: number, readonly end: number, readonly fail: (message: string) => never, readonly where: string) {}

  /** An unsigned varint as a number (int64 fields: two's complement, checked to be a safe integer). */
  varint(): number {
    let value = 0n;
    for (let shift = 0n, i = 0; ; shift += 7n, i++) {
      if (this.pos >= this.end) this.fail(`${this.where}: a varint runs past the end of its message at byte ${this.pos}`);
      if (i === 10) this.fail(`${this.where}: a varint at byte ${this.pos} is longer than 10 bytes`);
      const b = this.bytes[this.pos++];
      value |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) break;
    }
    const signed = BigInt.asIntN(64, value);
    if (signed > BigInt(Number.MAX_SAFE_INTEGER) || signed < BigInt(Number.MIN_SAFE_INTEGER)) this.fail(`${this.where}: the integer ${signed} is too large`);
    return Number(signed);
  }

  /** The reader of a length-delimited field's contents, `where` naming it in errors. */
  sub(where: string): Reader {
    const length = this.varint();
    if (length < 0 || length > this.end - this.pos) this.fail(`${where}: a length of ${length} bytes runs past the end of its message (${this.end - this.pos} left)`);
    const r = new Reader(this.bytes, this.pos, this.pos + length, this.fail, where);
    this.pos += length;
    return r;
  }

  string(where: string): string {
    const r = this.sub(where);
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(this.bytes.subarray(r.pos, r.end));
    } catch {
      return this.fail(`${where} is not UTF-8`);
    }
  }

  fixed32(): DataView {
    if (this.end - this.pos < 4) this.fail(`${this.where}: a 4-byte field runs past the end of its message`);
    this.pos += 4;
    return new DataView(this.bytes.buffer, this.bytes.byteOffset + this.pos - 4, 4);
  }

  /** Each field of the message: `read(field, wireType)` returns false for a field it does not take, which is skipped. */
  fields(read: (field: number, wire: number) => boolean): void {
    while (this.pos < this.end) {
      const key = this.varint(), field = Math.floor(key / 8), wire = key % 8;
      if (field < 1) this.fail(`${this.where}: field number ${field} at byte ${this.pos}`);
      if (read(field, wire)) continue;
      if (wire === 0) this.varint();
      else if (wire === 2) this.sub(this.where);
      else if (wire === 5) this.fixed32();
      else if (wire === 1) { this.fixed32(); this.fixed32(); }
      else this.fail(`${this.where}: wire type ${wire} of field ${field} (groups are not ONNX)`);
    }
  }

  /** Repeated varints, packed (wire 2) or one (wire 0). */
  varints(wire: number, into: number[], where: string): void {
    if (wire === 0) { into.push(this.varint()); return; }
    const r = this.sub(where);
    while (r.pos < r.end) into.push(r.varint());
  }

  /** Repeated floats, packed (wire 2) or one (wire 5). */
  floats(wire: number, into: number[], where: string): void {
    if (wire === 5) { into.push(this.fixed32().getFloat32(0, true)); return; }
    const r = this.sub(where);
    if ((r.end - r.pos) % 4 !== 0) this.fail(`${where}: packed floats of ${r.end - r.pos} bytes, not a multiple of 4`);
    while (r.pos < r.end) into.push(r.fixed32().getFloat32(0, true));
  }
}

const readTensor = (r: Reader): OnnxTensor => {
  const t: OnnxTensor = { name: '', dims: [], dataType: 0, raw: null, numbers: [], external: false };
  r.fields((f, w) => {
    if (f === TENSOR.dims) r.varints(w, t.dims, `${r.where}.dims`);
    else if (f === TENSOR.dataType && w === 0) t.dataType = r.varint();
    else if (f === TENSOR.name && w === 2) t.name = r.string(`${r.where}.name`);
    else if (f === TENSOR.rawData && w === 2) { const s = r.sub(`${r.where}.raw_data`); t.raw = r.bytes.subarray(s.pos, s.end); }
    else if (f === TENSOR.floatData) r.floats(w, t.numbers, `${r.where}.float_data`);
    else if (f === TENSOR.int32Data || f === TENSOR.int64Data) r.varints(w, t.numbers, `${r.where}.int_data`);
    else if (f === TENSOR.externalData && w === 2) { r.sub(`${r.where}.external_data`); t.external = true; }
    else if (f === TENSOR.dataLocation && w === 0) t.external ||= r.varint() === 1;
    else return false;
    return true;
  });
  return t;
};

const readAttribute = (r: Reader): OnnxAttribute => {
  const a: OnnxAttribute = { name: '', type: 0, f: 0, i: 0, s: '', t: null, floats: [], ints: [] };
  r.fields((f, w) => {
    if (f === ATTRIBUTE.name && w === 2) a.name = r.string(`${r.where}.name`);
    else if (f === ATTRIBUTE.type && w === 0) a.type = r.varint();
    else if (f === ATTRIBUTE.f && w === 5) a.f = r.fixed32().getFloat32(0, true);
    else if (f === ATTRIBUTE.i && w === 0) a.i = r.varint();
    else if (f === ATTRIBUTE.s && w === 2) a.s = r.string(`${r.where}.s`);
    else if (f === ATTRIBUTE.t && w === 2) a.t = readTensor(r.sub(`${r.where}.t`));
    else if (f === ATTRIBUTE.floats) r.floats(w, a.floats, `${r.where}.floats`);
    else if (f === ATTRIBUTE.ints) r.varints(w, a.ints, `${r.where}.ints`);
    else return false;
    return true;
  });
  return a;
};

const readNode = (r: Reader): OnnxNode => {
  const n: OnnxNode = { name: '', opType: '', domain: '', inputs: [], outputs: [], attributes: [] };
  r.fields((f, w) => {
    if (w !== 2) return false;
    if (f === NODE.input) n.inputs.push(r.string(`${r.where}.input`));
    else if (f === NODE.output) n.outputs.push(r.string(`${r.where}.output`));
    else if (f === NODE.name) n.name = r.string(`${r.where}.name`);
    else if (f === NODE.opType) n.opType = r.string(`${r.where}.op_type`);
    else if (f === NODE.domain) n.domain = r.string(`${r.where}.domain`);
    else if (f === NODE.attribute) n.attributes.push(readAttribute(r.sub(`${r.where}.attribute[${n.attributes.length}]`)));
    else return false;
    return true;
  });
  return n;
};

/** TensorShapeProto: each dim a dim_value, a dim_param or '?' (neither). */
const readShape = (r: Reader, into: (number | string)[]): void => r.fields((f, w) => {
  if (f !== SHAPE.dim || w !== 2) return false;
  const dim = r.sub(`${r.where}.dim[${into.length}]`);
  let d: number | string = '?';
  dim.fields((df, dw) => {
    if (df === DIMENSION.dimValue && dw === 0) d = dim.varint();
    else if (df === DIMENSION.dimParam && dw === 2) d = dim.string(`${dim.where}.dim_param`);
    else return false;
    return true;
  });
  into.push(d);
  return true;
});

const readValueInfo = (r: Reader): OnnxValueInfo => {
  const v: OnnxValueInfo = { name: '', elemType: 0, dims: [] };
  r.fields((f, w) => {
    if (f === VALUE_INFO.name && w === 2) v.name = r.string(`${r.where}.name`);
    else if (f === VALUE_INFO.type && w === 2) {
      const type = r.sub(`${r.where}.type`);
      type.fields((tf, tw) => {
        if (tf !== TYPE.tensorType || tw !== 2) return false;
        const tensor = type.sub(`${r.where}.type.tensor_type`);
        tensor.fields((ef, ew) => {
          if (ef === TENSOR_TYPE.elemType && ew === 0) v.elemType = tensor.varint();
          else if (ef === TENSOR_TYPE.shape && ew === 2) readShape(tensor.sub(`${r.where}.shape`), v.dims);
          else return false;
          return true;
        });
        return true;
      });
    } else return false;
    return true;
  });
  return v;
};

const readGraph = (r: Reader): OnnxGraph => {
  const g: OnnxGraph = { name: '', nodes: [], initializers: [], inputs: [], outputs: [] };
  r.fields((f, w) => {
    if (w !== 2) return false;
    if (f === GRAPH.node) g.nodes.push(readNode(r.sub(`graph.node[${g.nodes.length}]`)));
    else if (f === GRAPH.name) g.name = r.string('graph.name');
    else if (f === GRAPH.initializer) g.initializers.push(readTensor(r.sub(`graph.initializer[${g.initializers.length}]`)));
    else if (f === GRAPH.input) g.inputs.push(readValueInfo(r.sub(`graph.input[${g.inputs.length}]`)));
    else if (f === GRAPH.output) g.outputs.push(readValueInfo(r.sub(`graph.output[${g.outputs.length}]`)));
    else return false;
    return true;
  });
  return g;
};

/**
 * The ModelProto in `bytes`, every length and varint checked against the message it is in; `fail` throws (with the
 * caller's name) for bytes that are not one. Only the fields simdeep uses are kept.
 */
export function readModel(bytes: Uint8Array, fail: (message: string) => never): OnnxModel {
  const r = new Reader(bytes, 0, bytes.length, fail, 'model');
  const model: OnnxModel = { irVersion: 0, producerName: '', opsets: [], graph: { name: '', nodes: [], initializers: [], inputs: [], outputs: [] } };
  let graphs = 0;
  r.fields((f, w) => {
    if (f === MODEL.irVersion && w === 0) model.irVersion = r.varint();
    else if (f === MODEL.producerName && w === 2) model.producerName = r.string('model.producer_name');
    else if (f === MODEL.graph && w === 2) { model.graph = readGraph(r.sub('model.graph')); graphs++; }
    else if (f === MODEL.opsetImport && w === 2) {
      const o = r.sub(`model.opset_import[${model.opsets.length}]`), set = { domain: '', version: 0 };
      o.fields((of, ow) => {
        if (of === OPSET.domain && ow === 2) set.domain = o.string(`${o.where}.domain`);
        else if (of === OPSET.version && ow === 0) set.version = o.varint();
        else return false;
        return true;
      });
      model.opsets.push(set);
    } else if (f === MODEL.metadataProps && w === 2) {
      const e = r.sub(`model.metadata_props[${model.metadata?.size ?? 0}]`), entry = { key: '', value: '' };
      e.fields((ef, ew) => {
        if (ef === STRING_ENTRY.key && ew === 2) entry.key = e.string(`${e.where}.key`);
        else if (ef === STRING_ENTRY.value && ew === 2) entry.value = e.string(`${e.where}.value`);
        else return false;
        return true;
      });
      (model.metadata ??= new Map()).set(entry.key, entry.value);
    } else return false;
    return true;
  });
  if (graphs !== 1) fail(`the bytes hold ${graphs} graphs; an ONNX model holds one (model.graph, field ${MODEL.graph})`);
  return model;
}
