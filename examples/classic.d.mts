// Types of examples/classic.mjs, for the tests that run it.
/** What memory() reports. */
interface MemoryInfo { numTensors: number; numBytes: number; wasmBytes: number }

export interface ClassicOptions {
  /** Full-batch gradient-descent steps of each training (default 60,000). */
  steps?: number;
  /** Where the lines go (default console.log). */
  log?: (line: string) => void;
}

export interface ClassicResult {
  /** (a) sequential + fit: the network's output for each of the 4 samples. */
  fit: { predictions: number[]; seconds: number };
  /** (b) the NumPy listing on tensor ops, with the live tensors and bytes before and after its loop. */
  tensorOps: { predictions: number[]; seconds: number; memoryBefore: MemoryInfo; memoryAfter: MemoryInfo };
}

export function trainWithFit(steps: number): Promise<number[]>;
export function trainWithTensorOps(steps: number): { predictions: number[]; before: MemoryInfo; after: MemoryInfo };
export function main(options?: ClassicOptions): Promise<ClassicResult>;
