// Types of examples/autograd.mjs, for the tests that run it.
/** What memory() reports. */
interface MemoryInfo { numTensors: number; numBytes: number; wasmBytes: number }

export interface AutogradOptions {
  /** Full-batch gradient-descent steps of each training (default 20,000). */
  steps?: number;
  /** Where the lines go (default console.log). */
  log?: (line: string) => void;
}

export interface AutogradResult {
  /** (a) sequential + fit: the network's output for each of the 4 samples. */
  fit: { predictions: number[]; seconds: number };
  /** (b) the loop with grads and assign, with the live tensors and bytes before and after it. */
  grad: { predictions: number[]; seconds: number; memoryBefore: MemoryInfo; memoryAfter: MemoryInfo };
}

export function trainWithFit(steps: number): Promise<number[]>;
export function trainWithGrad(steps: number): { predictions: number[]; before: MemoryInfo; after: MemoryInfo };
export function main(options?: AutogradOptions): Promise<AutogradResult>;
