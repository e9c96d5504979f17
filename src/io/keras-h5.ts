/// <reference path="./jsfive.d.ts" />
// The HDF5 side of Keras files, read with jsfive (pure JavaScript, no eval, no wasm: it runs in Node, browsers and
// edge runtimes alike), imported only when a Keras file is read. Everything jsfive hands back is checked here (paths
// walked one name at a time, attributes decoded, datasets' dtype and shape) before any value is read, and whatever
// it throws on a damaged file (errors or bare strings) becomes the caller's RangeError naming the part.
import { MAX_PARAMETERS } from '../nn/parse';

type Fail = (message: string) => never;

/** What jsfive's groups and datasets offer (its package has no types). */
interface H5Node {
  keys?: string[];
  attrs: Record<string, unknown>;
  get?(name: string): H5Node;
  dtype?: unknown;
  shape?: unknown;
  value?: unknown;
}

/** An opened HDF5 file: nodes found by path, attributes and float datasets, each access checked. */
export class H5Reader {
  private constructor(private readonly root: H5Node, private readonly part: string, private readonly fail: Fail) {}

  /** Opens the HDF5 bytes of `part` (a file or an archive entry, for errors). */
  static async open(bytes: Uint8Array, part: string, fail: Fail): Promise<H5Reader> {
    if (bytes.length < 8 || bytes[0] !== 0x89 || bytes[1] !== 0x48 || bytes[2] !== 0x44 || bytes[3] !== 0x46) {
      fail(`${part} is not an HDF5 file (its first bytes are not \\x89HDF)`);
    }
    const end = declaredEnd(bytes);
    if (end === undefined) fail(`${part} has an HDF5 superblock of a version or size this reader does not know`);
    if (end > bytes.length) fail(`${part} is truncated: its superblock declares ${end} bytes and it has ${bytes.length}`);
    const { File } = await import('jsfive');
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    return new H5Reader(guarded(part, fail, 'its superblock and root group', () => new File(buffer, part) as unknown as H5Node), part, fail);
  }

  private guard<T>(what: string, run: () => T): T {
    return guarded(this.part, this.fail, what, run);
  }

  /** The node at `path` ('a/b/c'), or undefined when some name on the way is missing. */
  node(path: string): H5Node | undefined {
    let node = this.root;
    for (const name of path.split('/').filter((n) => n)) {
      const keys = this.guard(`the names in the group above ${path}`, () => node.keys);
      if (!Array.isArray(keys) || !keys.includes(name)) return undefined;
      node = this.guard(path, () => node.get!(name));
      if (!node || typeof node !== 'object') this.fail(`${this.part}: ${path} could not be read`);
    }
    return node;
  }

  /** The names in the group at `path` (empty when it is missing or a dataset). */
  keys(path: string): string[] {
    const node = this.node(path);
    const keys = node && this.guard(path, () => node.keys);
    return Array.isArray(keys) ? keys.filter((k): k is string => typeof k === 'string') : [];
  }

  /** A string attribute (bytes or text, as h5py writes either), or undefined. */
  text(path: string, name: string): string | undefined {
    const value = this.attribute(path, name);
    if (value === undefined) return undefined;
    if (typeof value !== 'string') this.fail(`${this.part}: the attribute ${name} of ${path || '/'} is not a string`);
    return value.replace(/\0+$/, '');
  }

  /**
   * A list-of-strings attribute (fixed-length byte strings padded with NULs, as h5py writes them); a list Keras
   * split over `name0`, `name1`, ... (attributes beyond 64 KB, load_attributes_from_hdf5_group) is joined again.
   */
  strings(path: string, name: string): string[] | undefined {
    const whole = this.attribute(path, name);
    if (whole !== undefined || this.attribute(path, `${name}0`) === undefined) return whole === undefined ? undefined : this.stringList(path, name, whole);
    const parts: string[] = [];
    for (let i = 0, part = this.attribute(path, `${name}0`); part !== undefined; part = this.attribute(path, `${name}${++i}`)) {
      parts.push(...this.stringList(path, `${name}${i}`, part));
    }
    return parts;
  }

  private stringList(path: string, name: string, value: unknown): string[] {
    const list = typeof value === 'string' ? [value] : value;
    if (!Array.isArray(list) || !list.every((v) => typeof v === 'string')) this.fail(`${this.part}: the attribute ${name} of ${path || '/'} is not a list of strings`);
    return (list as string[]).map((s) => s.replace(/\0+$/, ''));
  }

  private attribute(path: string, name: string): unknown {
    const node = this.node(path);
    if (!node) return undefined;
    const attrs = this.guard(`the attributes of ${path || '/'}`, () => node.attrs);
    return attrs && typeof attrs === 'object' && Object.hasOwn(attrs, name) ? attrs[name] : undefined;
  }

  /**
   * The dataset at `path` (`what` names it in errors): float32 or float64 of either byte order, its shape of at
   * most `budget.left` values (what is left of MAX_PARAMETERS, then reduced), checked before its values are read
   * (as float32, finite).
   */
  dataset(path: string, what: string, budget: { left: number }): Dataset {
    const node = this.node(path);
    if (!node) return this.fail(`${what}: ${this.part} has no dataset ${path}`);
    if (this.guard(path, () => Array.isArray(node.keys))) this.fail(`${what}: ${path} in ${this.part} is a group, not a dataset`);
    const dtype = this.guard(`${path}'s datatype`, () => node.dtype);
    const shape = this.guard(`${path}'s shape`, () => node.shape);
    if (typeof dtype !== 'string' || !/^[<>]f[48]$/.test(dtype)) {
      this.fail(`${what}: ${path} has the datatype ${(JSON.stringify(dtype) ?? String(dtype)).slice(0, 60)}; float32 or float64 weights are read`);
    }
    if (!Array.isArray(shape) || shape.length > 8 || !shape.every((d) => Number.isInteger(d) && d >= 0)) this.fail(`${what}: ${path} has no valid shape`);
    const size = (shape as number[]).reduce((n, d) => n * d, 1);
    if (size > budget.left) this.fail(`${what}: ${path} has shape ${show(shape)}, beyond the ${MAX_PARAMETERS} parameters a model may have`);
    budget.left -= size;
    const value = this.guard(`the values of ${path}`, () => node.value);
    if (!isNumbers(value) || value.length !== size) this.fail(`${what}: ${path} holds ${isNumbers(value) ? value.length : 'no'} values, not the ${size} of its shape`);
    const values = Float32Array.from(value);
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) this.fail(`${what}: ${path} holds ${values[bad]} at index ${bad}; finite weights only`);
    return { shape: shape as number[], values };
  }
}

/** A weight read from the file: its shape and float32 values. */
export interface Dataset {
  shape: number[];
  values: Float32Array;
}

/**
 * The end-of-file address the superblock declares (HDF5 File Format Specification II.A: versions 0 and 1 with
 * 8-byte offsets, 2 and 3), which a complete file reaches; undefined for any other layout.
 */
function declaredEnd(bytes: Uint8Array): number | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = bytes[8];
  const at = version === 0 ? 40 : version === 1 ? 44 : version === 2 || version === 3 ? 28 : -1;
  const offsets = version <= 1 ? bytes[13] : bytes[9];
  if (at < 0 || offsets !== 8 || bytes.length < at + 8) return undefined;
  const end = view.getBigUint64(at, true);
  return end > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(end);
}

/** Runs a jsfive call, turning anything it throws (errors or bare strings) into a RangeError naming the part and `what`. */
function guarded<T>(part: string, fail: Fail, what: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return fail(`${part} is a damaged HDF5 file: reading ${what} failed (${why.slice(0, 120)})`);
  }
}

const isNumbers = (value: unknown): value is ArrayLike<number> =>
  (Array.isArray(value) || ArrayBuffer.isView(value)) && (value as ArrayLike<unknown>).length >= 0;

/** A shape for messages: [3, 4]. */
export const show = (shape: unknown): string => `[${Array.isArray(shape) ? shape.join(', ') : String(shape)}]`;
