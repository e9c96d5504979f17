// The ONNX graph being written: nodes, initializers and attribute helpers, with names kept unique. export.ts walks the
// model; export-layers.ts writes each layer through this.
import { ATTR_FLOAT, ATTR_FLOATS, ATTR_INT, ATTR_INTS, ATTR_STRING, FLOAT, INT64, type OnnxAttribute, type OnnxNode, type OnnxTensor } from './proto';

const base = (): OnnxAttribute => ({ name: '', type: 0, f: 0, i: 0, s: '', t: null, floats: [], ints: [] });
/** An INT attribute. */
export const int = (name: string, i: number): OnnxAttribute => ({ ...base(), name, type: ATTR_INT, i });
/** A FLOAT attribute. */
export const float = (name: string, f: number): OnnxAttribute => ({ ...base(), name, type: ATTR_FLOAT, f });
/** An INTS attribute. */
export const ints = (name: string, values: readonly number[]): OnnxAttribute => ({ ...base(), name, type: ATTR_INTS, ints: [...values] });
/** A FLOATS attribute. */
export const floats = (name: string, values: readonly number[]): OnnxAttribute => ({ ...base(), name, type: ATTR_FLOATS, floats: [...values] });
/** A STRING attribute. */
export const string = (name: string, s: string): OnnxAttribute => ({ ...base(), name, type: ATTR_STRING, s });

/** Nodes and initializers of one graph; every value name is unique. */
export class GraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];
  private readonly used = new Set<string>();
  /** Names kept for a later node (the graph's outputs), given to the first `fresh` call that asks for them. */
  private readonly kept = new Set<string>();

  /** Keeps `name` (made unique) for the node that will compute it; returns it. */
  keep(name: string): string {
    const unique = this.fresh(name);
    this.kept.add(unique);
    return unique;
  }

  /** `name`, or `name_2`, `name_3`, … if taken; reserved from now on. */
  fresh(name: string): string {
    if (this.kept.delete(name)) return name;
    let unique = name;
    for (let i = 2; this.used.has(unique); i++) unique = `${name}_${i}`;
    this.used.add(unique);
    return unique;
  }

  /** A node of `opType` on `inputs` whose one output is named `output` (made fresh); returns that name. */
  node(opType: string, inputs: readonly string[], output: string, attributes: OnnxAttribute[] = []): string {
    const out = this.fresh(output);
    this.nodes.push({ name: out, opType, domain: '', inputs: [...inputs], outputs: [out], attributes });
    return out;
  }

  /** A FLOAT initializer of `dims` holding `values`; returns its (fresh) name. */
  floats(name: string, dims: readonly number[], values: Float32Array): string {
    const bytes = new Uint8Array(values.length * 4), view = new DataView(bytes.buffer);
    values.forEach((v, i) => view.setFloat32(4 * i, v, true));
    const unique = this.fresh(name);
    this.initializers.push({ name: unique, dims: [...dims], dataType: FLOAT, raw: bytes, numbers: [], external: false });
    return unique;
  }

  /** A scalar FLOAT initializer. */
  scalar(name: string, value: number): string {
    return this.floats(name, [], Float32Array.of(value));
  }

  /** A 1-D INT64 initializer (shapes, axes, pads); returns its name. */
  int64s(name: string, values: readonly number[]): string {
    const bytes = new Uint8Array(values.length * 8), view = new DataView(bytes.buffer);
    values.forEach((v, i) => view.setBigInt64(8 * i, BigInt(v), true));
    const unique = this.fresh(name);
    this.initializers.push({ name: unique, dims: [values.length], dataType: INT64, raw: bytes, numbers: [], external: false });
    return unique;
  }
}

/** The values of a weight [..., a, b] with its axes reordered by `perm` (row-major), and the new dims. */
export function transposed(values: Float32Array, dims: readonly number[], perm: readonly number[]): [Float32Array, number[]] {
  const out = new Float32Array(values.length), outDims = perm.map((p) => dims[p]);
  const strides = dims.map((_, i) => dims.slice(i + 1).reduce((a, b) => a * b, 1));
  const index = new Array<number>(dims.length).fill(0);
  for (let o = 0; o < out.length; o++) {
    let from = 0;
    for (let k = 0; k < perm.length; k++) from += index[k] * strides[perm[k]];
    out[o] = values[from];
    for (let k = perm.length - 1; k >= 0 && ++index[k] === outDims[k]; k--) index[k] = 0;
  }
  return [out, outDims];
}
