// Zip archives as Keras writes them (Python's zipfile: stored entries by default, deflated when asked): reading named
// entries checked against the central directory before anything is inflated, and writing stored entries. Only
// deflate needs a library (fflate, imported when an entry is compressed), so stored archives cost nothing to read.

/** An entry to read: its name and the most bytes it may hold once inflated. */
export interface ZipWant {
  name: string;
  maxBytes: number;
  optional?: boolean;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
/** The most a deflate stream can expand: 258 bytes from each 2 bits at best (zlib's technical details). */
const DEFLATE_MAX_RATIO = 1032;

let table: Uint32Array | undefined;

/** CRC-32 (the zip polynomial, 0xEDB88320 reflected), as the archive stores it for each entry. */
export function crc32(bytes: Uint8Array): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = table[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

interface CentralEntry {
  method: number;
  crc: number;
  compressed: number;
  size: number;
  local: number;
}

/**
 * The wanted entries of a zip archive, by name. The end record, the central directory and each wanted entry's
 * local header are checked to lie inside the bytes; an entry's declared size must be within its `maxBytes` and
 * within what its compressed bytes could inflate to, before it is inflated into a buffer of exactly that size;
 * its CRC-32 is checked after. `fail` throws the caller's error (named `what`).
 */
export async function readZip(bytes: Uint8Array, wants: ZipWant[], fail: (message: string) => never): Promise<Map<string, Uint8Array>> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = findEnd(view, fail);
  const count = view.getUint16(end + 10, true);
  const dirSize = view.getUint32(end + 12, true);
  const dirAt = view.getUint32(end + 16, true);
  if (dirAt + dirSize > end) fail(`the zip's central directory (${dirSize} bytes at ${dirAt}) runs past its end record at ${end}`);
  const found = new Map<string, CentralEntry>();
  const decoder = new TextDecoder('utf-8', { fatal: false });
  for (let i = 0, at = dirAt; i < count; i++) {
    if (at + 46 > dirAt + dirSize || view.getUint32(at, true) !== CENTRAL) fail(`the zip's central directory entry ${i} at byte ${at} is damaged`);
    const nameLength = view.getUint16(at + 28, true);
    const next = at + 46 + nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
    if (next > dirAt + dirSize) fail(`the zip's central directory entry ${i} runs past the directory`);
    const name = decoder.decode(bytes.subarray(at + 46, at + 46 + nameLength));
    const entry = { method: view.getUint16(at + 10, true), crc: view.getUint32(at + 16, true), compressed: view.getUint32(at + 20, true),
      size: view.getUint32(at + 24, true), local: view.getUint32(at + 42, true) };
    if (found.has(name) && wants.some((w) => w.name === name)) fail(`the zip holds ${JSON.stringify(name)} twice`);
    found.set(name, entry);
    at = next;
  }
  const out = new Map<string, Uint8Array>();
  for (const want of wants) {
    const entry = found.get(want.name);
    if (!entry) {
      if (want.optional) continue;
      fail(`the zip has no ${want.name} (it holds ${[...found.keys()].slice(0, 8).map((n) => JSON.stringify(n)).join(', ') || 'nothing'})`);
    }
    out.set(want.name, await readEntry(bytes, view, want, entry, fail));
  }
  return out;
}

/** The end-of-central-directory record: the last 22 bytes, or earlier by the length of an archive comment. */
function findEnd(view: DataView, fail: (message: string) => never): number {
  const last = view.byteLength - 22;
  if (last < 0) fail(`the zip has ${view.byteLength} bytes, fewer than its end record's 22`);
  for (let at = last; at >= Math.max(0, last - 0xffff); at--) {
    if (view.getUint32(at, true) === EOCD && at + 22 + view.getUint16(at + 20, true) === view.byteLength) return at;
  }
  return fail('the zip has no end-of-central-directory record (a truncated or damaged archive)');
}

async function readEntry(bytes: Uint8Array, view: DataView, want: ZipWant, entry: CentralEntry, fail: (message: string) => never): Promise<Uint8Array> {
  const what = want.name;
  if (entry.size === 0xffffffff || entry.compressed === 0xffffffff) fail(`${what} is a zip64 entry (over 4 GB); refused`);
  if (entry.size > want.maxBytes) fail(`${what} declares ${entry.size} bytes; at most ${want.maxBytes} are read`);
  if (entry.method !== 0 && entry.method !== 8) fail(`${what} uses zip compression method ${entry.method}; only stored (0) and deflate (8) are read`);
  if (entry.method === 0 && entry.compressed !== entry.size) fail(`${what} is stored with ${entry.compressed} bytes but declares ${entry.size}`);
  if (entry.method === 8 && entry.size > entry.compressed * DEFLATE_MAX_RATIO + 64) {
    fail(`${what} declares ${entry.size} bytes from ${entry.compressed} compressed, more than deflate can expand (a zip bomb)`);
  }
  const at = entry.local;
  if (at + 30 > view.byteLength || view.getUint32(at, true) !== LOCAL) fail(`${what}'s local header at byte ${at} is outside the zip or damaged`);
  const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
  if (start + entry.compressed > view.byteLength) fail(`${what}'s ${entry.compressed} bytes at ${start} run past the zip's end (${view.byteLength})`);
  const raw = bytes.subarray(start, start + entry.compressed);
  let data: Uint8Array = raw;
  if (entry.method === 8) {
    const { inflateSync } = await import('fflate');
    data = new Uint8Array(entry.size);
    try {
      // A fixed output buffer: a stream that would write past the declared size is cut there (and fails the CRC).
      const made = inflateSync(raw, { out: data });
      if (made.length !== entry.size) fail(`${what} inflates to ${made.length} bytes, not the ${entry.size} it declares`);
    } catch (error) {
      if (error instanceof RangeError) throw error;
      fail(`${what} does not inflate (${(error as Error).message})`);
    }
  }
  if (crc32(data) !== entry.crc) fail(`${what}'s CRC-32 does not match its bytes (a damaged archive)`);
  return data;
}

/** A zip archive of stored entries (no compression, as Keras writes `.keras` files), in the order given. */
export function writeZip(entries: [name: string, bytes: Uint8Array][]): Uint8Array {
  const encoder = new TextEncoder();
  const names = entries.map(([name]) => encoder.encode(name));
  const size = entries.reduce((n, [, b], i) => n + 30 + names[i].length + b.length + 46 + names[i].length, 22);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  const central: number[] = [];
  let at = 0;
  entries.forEach(([, data], i) => {
    central.push(at);
    header(view, at, LOCAL, data, names[i].length, crc32(data));
    out.set(names[i], at + 30);
    out.set(data, at + 30 + names[i].length);
    at += 30 + names[i].length + data.length;
  });
  const dirAt = at;
  entries.forEach(([, data], i) => {
    view.setUint32(at, CENTRAL, true);
    view.setUint16(at + 4, 20, true); // made by: version 2.0
    header(view, at + 2, 0, data, names[i].length, crc32(data)); // the same fields, 2 bytes further on
    view.setUint32(at + 42, central[i], true);
    out.set(names[i], at + 46);
    at += 46 + names[i].length;
  });
  view.setUint32(at, EOCD, true);
  view.setUint16(at + 8, entries.length, true);
  view.setUint16(at + 10, entries.length, true);
  view.setUint32(at + 12, at - dirAt, true);
  view.setUint32(at + 16, dirAt, true);
  return out;
}

/** The fields a local header and a central entry share, from `at` (the local layout). */
function header(view: DataView, at: number, signature: number, data: Uint8Array, nameLength: number, crc: number): void {
  if (signature) view.setUint32(at, signature, true);
  view.setUint16(at + 4, 20, true); // version needed: 2.0
  view.setUint16(at + 6, 0x0800, true); // names are UTF-8
  view.setUint16(at + 8, 0, true); // stored
  view.setUint16(at + 10, 0, true); // time
  view.setUint16(at + 12, 0x21, true); // date: 1980-01-01
  view.setUint32(at + 14, crc, true);
  view.setUint32(at + 18, data.length, true);
  view.setUint32(at + 22, data.length, true);
  view.setUint16(at + 26, nameLength, true);
}
