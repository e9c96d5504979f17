import { allocBytes, freeBytes } from '../runtime/heap';
import { recording } from './tape';

/** A block of wasm memory shared by the tensors that view it (reshape, squeeze, expandDims share storage). */
export class Storage {
  refs = 0;
  constructor(readonly ptr: number, readonly bytes: number) {}
}

/** Anything that holds a Storage and can be disposed: the Tensor. */
export interface Owner {
  readonly disposed: boolean;
  dispose(): void;
}

let liveTensors = 0;
let liveBytes = 0;
const scopes: Owner[][] = [];
// Frees what users forgot to dispose once the tensor is garbage collected.
const registry = new FinalizationRegistry<Storage>((storage) => release(storage));

/** Allocates storage for `size` floats; throws before allocating anything if it cannot. */
export function allocStorage(size: number, op: string): Storage {
  return new Storage(allocBytes(size * 4, op), size * 4);
}

/** Records a new tensor over `storage`: counted, tracked by the innermost tidy scope, and finalized if forgotten. */
export function retain(owner: Owner, storage: Storage): void {
  if (storage.refs++ === 0) liveBytes += storage.bytes;
  liveTensors++;
  registry.register(owner, storage, owner);
  scopes[scopes.length - 1]?.push(owner);
}

function release(storage: Storage): void {
  liveTensors--;
  if (--storage.refs === 0) {
    liveBytes -= storage.bytes;
    freeBytes(storage.ptr);
  }
}

/** Drops a tensor's hold on its storage (called once, by dispose). */
export function releaseOwner(owner: Owner, storage: Storage): void {
  registry.unregister(owner);
  release(storage);
}

/**
 * What `memory()` reports.
 * @example
 * const info: MemoryInfo = memory();
 * info.wasmBytes % 65536; // 0 (whole 64 KiB pages)
 */
export interface MemoryInfo {
  /** Tensors not yet disposed (or collected). */
  numTensors: number;
  /** Bytes of wasm memory held by those tensors. */
  numBytes: number;
  /** Bytes the shared wasm memory currently maps. */
  wasmBytes: number;
}

/** Live tensor and byte counts (the wasm size is added by memory() in the public API). */
export function liveCounts(): { numTensors: number; numBytes: number } {
  return { numTensors: liveTensors, numBytes: liveBytes };
}

// Every object reachable from a tidy result through arrays, Maps and plain objects (the kept tensors among them).
function collect(value: unknown, into: Set<unknown>): void {
  if (value === null || typeof value !== 'object' || into.has(value)) return;
  into.add(value);
  if (Array.isArray(value)) for (const item of value) collect(item, into);
  else if (value instanceof Map) for (const item of value.values()) collect(item, into);
  else if (Object.getPrototypeOf(value) === Object.prototype) for (const item of Object.values(value)) collect(item, into);
}

/**
 * Runs fn in a scope: every tensor created inside is disposed at the end except those it returns. While a gradient
 * tape records (tidy inside the f of grad, minimize, ...), the others pass to the enclosing scope instead, as TF.js
 * keeps what backpropagation needs: the tape may hold them, and the gradient call frees them when it returns.
 */
export function runScoped<T>(fn: () => T): T {
  const defer = recording();
  const scope: Owner[] = [];
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (error) {
    scopes.pop();
    for (const owner of scope) if (!owner.disposed) owner.dispose();
    throw error;
  }
  scopes.pop();
  const kept = new Set<unknown>();
  if (result instanceof Promise) {
    for (const owner of scope) if (!owner.disposed) owner.dispose();
    throw new TypeError('tidy: fn returned a Promise; tidy takes synchronous functions only');
  }
  collect(result, kept);
  const parent = scopes[scopes.length - 1];
  for (const owner of scope) {
    if (kept.has(owner) || (defer && parent && !owner.disposed)) parent?.push(owner);
    else if (!owner.disposed) owner.dispose();
  }
  return result;
}

/** Removes a tensor from every enclosing tidy scope, so it outlives them. */
export function keepOwner(owner: Owner): void {
  for (const scope of scopes) {
    const at = scope.indexOf(owner);
    if (at >= 0) scope.splice(at, 1);
  }
}
