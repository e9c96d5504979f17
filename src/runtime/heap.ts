import { kernels, wasmMemory, MAXIMUM_PAGES } from './wasm';

/** Bytes the shared memory can grow to. */
export const MAXIMUM_BYTES = MAXIMUM_PAGES * 65536;

// Blocks allocated and not freed, and the end of the highest block allocated (heapStats).
let blocks = 0;
let end = 0;

/**
 * Allocates `bytes` bytes (16-byte aligned) in wasm memory; 0 bytes gives pointer 0 and allocates nothing.
 * Throws a RangeError naming the request and the limit when the memory cannot grow that far.
 */
export function allocBytes(bytes: number, op: string): number {
  if (bytes === 0) return 0;
  const limit = `the wasm memory is limited to ${MAXIMUM_BYTES} bytes`;
  if (bytes > MAXIMUM_BYTES - 65536) throw new RangeError(`${op}: cannot allocate ${bytes} bytes; ${limit}`);
  try {
    const ptr = kernels().alloc(bytes) >>> 0;
    blocks++;
    end = Math.max(end, ptr + bytes);
    return ptr;
  } catch (error) {
    if (!(error instanceof WebAssembly.RuntimeError)) throw error;
    const used = wasmMemory().buffer.byteLength;
    throw new RangeError(`${op}: cannot allocate ${bytes} bytes; ${limit} and ${used} are mapped`);
  }
}

/** Frees what allocBytes returned (pointer 0 is ignored). */
export function freeBytes(ptr: number): void {
  if (ptr === 0) return;
  kernels().free(ptr);
  blocks--;
}

/**
 * Blocks allocated and not yet freed (tensors, training plans, optimizer state, workspaces), and the end of the
 * highest block ever allocated: a heap whose free space fragments places new blocks ever higher, long before the
 * memory has to grow. For leak tests.
 */
export function heapStats(): { blocks: number; end: number } {
  return { blocks, end };
}

/** A fresh Float32Array view of `length` floats at `ptr`; never keep it across calls that may allocate. */
export function f32View(ptr: number, length: number): Float32Array {
  return new Float32Array(wasmMemory().buffer, ptr, length);
}

/** A fresh Int32Array view of `length` ints at `ptr`. */
export function i32View(ptr: number, length: number): Int32Array {
  return new Int32Array(wasmMemory().buffer, ptr, length);
}

/** Largest rank a strided kernel call takes after dimensions are merged. */
export const MAX_RANK = 32;

// Scratch block for kernel call arguments (one agent calls these): meta for strided kernels (5·MAX_RANK i32),
// two scalar operand slots, and two random-generator states.
const META = 0;
const SCALARS = META + 5 * MAX_RANK * 4;
const RNG = SCALARS + 16;
const SCRATCH_BYTES = RNG + 32;
let scratch = 0;

function scratchBase(): number {
  scratch ||= allocBytes(SCRATCH_BYTES, 'runtime');
  return scratch;
}

/** Pointer to the meta block for strided kernels. */
export function metaPtr(): number {
  return scratchBase() + META;
}

/** Pointer to scalar slot `slot` (0 or 1) holding `value` as f32. */
export function scalarPtr(slot: 0 | 1, value: number): number {
  const ptr = scratchBase() + SCALARS + slot * 4;
  f32View(ptr, 1)[0] = value;
  return ptr;
}

/** Pointer to random-generator state `slot` (0: the global generator, 1: a per-call seeded one). */
export function rngPtr(slot: 0 | 1): number {
  return scratchBase() + RNG + slot * 16;
}
