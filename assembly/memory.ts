// Heap over the one shared memory (TLSF, runtime "minimal"). Only one agent may call these:
// allocator state lives in this instance's globals.

// Returns a 16-byte aligned block of at least `bytes` bytes, growing the memory if needed; traps when it cannot.
export function alloc(bytes: usize): usize {
  return heap.alloc(bytes);
}

// Returns a block from alloc to the heap.
export function free(ptr: usize): void {
  heap.free(ptr);
}
