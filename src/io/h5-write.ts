// A minimal HDF5 writer for the weights of a `.keras` file: nested groups holding contiguous little-endian float32
// datasets, in the layout HDF5 1.8's default ("earliest") format gives them, which h5py (Keras) and jsfive read:
// superblock version 0, version-1 object headers, groups as symbol tables (a version-1 B-tree over symbol-table
// nodes, names in a local heap). Nothing else (no attributes, chunking or compression) is needed there. The layout
// follows the HDF5 File Format Specification version 2.0, sections II (superblock), III.A (B-trees), III.B
// (symbol table nodes), III.D (local heaps), IV.A.1 (object headers) and IV.A.2 (messages).

/** A group's members by name: subgroups, or datasets of a shape and float32 values. */
export interface H5Group {
  [name: string]: H5Group | { shape: readonly number[]; values: Float32Array };
}

const UNDEFINED = 0xffffffffffffffffn;
/** Entries per symbol-table node (2K with K = 4, HDF5's default leaf K). */
const LEAF_K = 4;

interface Member {
  name: string;
  header: number;
  group?: Written;
}
interface Written {
  header: number;
  btree: number;
  heap: number;
}

/** The bytes of an HDF5 file holding `root`. */
export function writeH5(root: H5Group): Uint8Array {
  // The B-tree's K bounds a group's symbol-table nodes to 2K children; one level, so K fits the largest group.
  const internalK = Math.max(16, Math.ceil(largestGroup(root) / (2 * LEAF_K) / 2));
  const out = new Writer();
  out.bytes(96); // the superblock, written last
  const top = group(out, root, internalK);
  const end = out.length;
  const at = new DataView(out.buffer.buffer);
  out.buffer.set([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a], 0);
  // versions 0 (superblock, free space, root symbol table, shared headers), offsets and lengths of 8 bytes
  out.buffer.set([0, 0, 0, 0, 0, 8, 8, 0], 8);
  at.setUint16(16, LEAF_K, true);
  at.setUint16(18, internalK, true);
  at.setBigUint64(24, 0n, true); // base address
  at.setBigUint64(32, UNDEFINED, true); // free-space info
  at.setBigUint64(40, BigInt(end), true); // end of file
  at.setBigUint64(48, UNDEFINED, true); // driver info
  entry(at, 56, 0, top); // the root group's symbol table entry
  return out.buffer.slice(0, end);
}

function largestGroup(g: H5Group): number {
  return Object.values(g).reduce((n, m) => ('values' in m ? n : Math.max(n, largestGroup(m as H5Group))), Object.keys(g).length);
}

/** Writes a group's members (depth first), its local heap, symbol-table nodes, B-tree and object header. */
function group(out: Writer, members: H5Group, internalK: number): Written {
  const list: Member[] = Object.keys(members).sort(byBytes).map((name) => {
    const m = members[name];
    if ('values' in m && m.values instanceof Float32Array) return { name, header: dataset(out, m.shape as number[], m.values) };
    const group1 = group(out, m as H5Group, internalK);
    return { name, header: group1.header, group: group1 };
  });
  // The local heap: "" at offset 0 (the B-tree's first key), then each name, NUL-terminated and padded to 8 bytes.
  const encoder = new TextEncoder();
  const names = list.map((m) => encoder.encode(m.name));
  const offsets: number[] = [];
  let size = 8;
  for (const n of names) {
    offsets.push(size);
    size += pad8(n.length + 1);
  }
  const heap = out.bytes(32);
  const data = out.bytes(size);
  names.forEach((n, i) => out.buffer.set(n, data + offsets[i]));
  const hv = out.view();
  hv.setUint32(heap, 0x50414548, true); // "HEAP", version 0
  hv.setBigUint64(heap + 8, BigInt(size), true);
  hv.setBigUint64(heap + 16, 1n, true); // no free block (H5HL_FREE_NULL)
  hv.setBigUint64(heap + 24, BigInt(data), true);
  // Symbol-table nodes of up to 2K entries each, in name order.
  const nodes: { at: number; last: number }[] = [];
  for (let first = 0; first < list.length || nodes.length === 0; first += 2 * LEAF_K) {
    const chunk = list.slice(first, first + 2 * LEAF_K);
    const at = out.bytes(8 + 2 * LEAF_K * 40);
    const v = out.view();
    v.setUint32(at, 0x444f4e53, true); // "SNOD"
    v.setUint8(at + 4, 1);
    v.setUint16(at + 6, chunk.length, true);
    chunk.forEach((m, i) => entry(v, at + 8 + 40 * i, offsets[first + i], m.group ?? { header: m.header, btree: -1, heap: -1 }));
    nodes.push({ at, last: chunk.length ? offsets[first + chunk.length - 1] : 0 });
  }
  // The B-tree (type 0: group nodes, level 0): keys are heap offsets bracketing each node's names.
  const btree = out.bytes(24 + (2 * internalK + 1) * 8 + 2 * internalK * 8);
  const bv = out.view();
  bv.setUint32(btree, 0x45455254, true); // "TREE", type 0, level 0
  bv.setUint16(btree + 6, nodes.length, true);
  bv.setBigUint64(btree + 8, UNDEFINED, true);
  bv.setBigUint64(btree + 16, UNDEFINED, true);
  let at = btree + 24;
  bv.setBigUint64(at, 0n, true);
  for (const node of nodes) {
    bv.setBigUint64(at + 8, BigInt(node.at), true);
    bv.setBigUint64(at + 16, BigInt(node.last), true);
    at += 16;
  }
  const header = objectHeader(out, [[0x11, symbolTable(btree, heap)]]);
  return { header, btree, heap };
}

/** A symbol table entry: name offset, object header, and for a group its B-tree and heap in the scratch pad. */
function entry(v: DataView, at: number, nameOffset: number, target: Written): void {
  v.setBigUint64(at, BigInt(nameOffset), true);
  v.setBigUint64(at + 8, BigInt(target.header), true);
  v.setUint32(at + 16, target.btree < 0 ? 0 : 1, true);
  if (target.btree >= 0) {
    v.setBigUint64(at + 24, BigInt(target.btree), true);
    v.setBigUint64(at + 32, BigInt(target.heap), true);
  }
}

function symbolTable(btree: number, heap: number): Uint8Array {
  const m = new Uint8Array(16);
  const v = new DataView(m.buffer);
  v.setBigUint64(0, BigInt(btree), true);
  v.setBigUint64(8, BigInt(heap), true);
  return m;
}

/** A float32 dataset: its raw data, then its header (dataspace, datatype, fill value, contiguous layout). */
function dataset(out: Writer, shape: number[], values: Float32Array): number {
  const raw = out.bytes(pad8(values.length * 4));
  new Uint8Array(out.buffer.buffer, raw, values.length * 4).set(new Uint8Array(values.buffer, values.byteOffset, values.length * 4));
  const space = new Uint8Array(8 + 8 * shape.length);
  const sv = new DataView(space.buffer);
  space.set([1, shape.length]); // version 1, rank; no maximum dimensions
  shape.forEach((d, i) => sv.setBigUint64(8 + 8 * i, BigInt(d), true));
  // IEEE float32, little-endian: class 1 version 1; implied mantissa bit, sign at bit 31; size 4; offset 0, precision
  // 32, exponent at 23 of 8 bits, mantissa at 0 of 23 bits, bias 127.
  const type = new Uint8Array([0x11, 0x20, 31, 0, 4, 0, 0, 0, 0, 0, 32, 0, 23, 8, 0, 23, 127, 0, 0, 0]);
  const fill = new Uint8Array([2, 2, 2, 0]); // version 2, allocated late, never written, no fill value defined
  const layout = new Uint8Array(18);
  const lv = new DataView(layout.buffer);
  layout.set([3, 1]); // version 3, contiguous
  lv.setBigUint64(2, values.length ? BigInt(raw) : UNDEFINED, true); // no storage for an empty dataset
  lv.setBigUint64(10, BigInt(values.length * 4), true);
  return objectHeader(out, [[0x01, space], [0x03, type], [0x05, fill], [0x08, layout]]);
}

/** A version-1 object header of `messages` ([type, data]), each padded to 8 bytes. */
function objectHeader(out: Writer, messages: [number, Uint8Array][]): number {
  const size = messages.reduce((n, [, d]) => n + 8 + pad8(d.length), 0);
  const at = out.bytes(16 + size);
  const v = out.view();
  v.setUint8(at, 1);
  v.setUint16(at + 2, messages.length, true);
  v.setUint32(at + 4, 1, true); // reference count
  v.setUint32(at + 8, size, true);
  let m = at + 16;
  for (const [type, data] of messages) {
    v.setUint16(m, type, true);
    v.setUint16(m + 2, pad8(data.length), true);
    v.setUint8(m + 4, type === 0x03 ? 1 : 0); // the datatype is constant
    out.buffer.set(data, m + 8);
    m += 8 + pad8(data.length);
  }
  return at;
}

const pad8 = (n: number): number => Math.ceil(n / 8) * 8;
/** HDF5 orders a group's names by their bytes (strcmp). */
const byBytes = (a: string, b: string): number => {
  const x = new TextEncoder().encode(a), y = new TextEncoder().encode(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
};

/** A growing byte buffer handing out 8-aligned, zeroed blocks. */
class Writer {
  buffer = new Uint8Array(4096);
  length = 0;

  bytes(n: number): number {
    const at = this.length;
    const need = at + pad8(n);
    if (need > this.buffer.length) {
      const grown = new Uint8Array(Math.max(need, this.buffer.length * 2));
      grown.set(this.buffer.subarray(0, at));
      this.buffer = grown;
    }
    this.length = need;
    return at;
  }

  view(): DataView {
    return new DataView(this.buffer.buffer);
  }
}
