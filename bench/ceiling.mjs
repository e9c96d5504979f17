// The in-process micro-kernel ceiling: each build's gemmPeak (the GEMM micro-kernel alone on L1-resident panels),
// instantiated directly on a shared memory of its own, apart from the library's instance.
import { readFileSync } from 'node:fs';
import { timeInterleaved } from './harness.mjs';

const KC = 256; // panel depth
const REPS = 2000; // micro-kernel calls per gemmPeak call (≈ 1 ms)

/** Instantiates build/<file>, on `memory` (alloc comes from the baseline build; relaxed.wasm exports only the GEMM). */
function load(name, file, memory, alloc) {
  const bytes = readFileSync(new URL(`../build/${file}`, import.meta.url));
  if (!WebAssembly.validate(bytes)) return null;
  const k = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory, abort() {}, gemmHost() {}, lossHost() { return 0; }, layerHost() {} } }).exports;
  const work = (alloc ?? k.alloc)(k.gemmWorkBytes()) >>> 0;
  const tile = k.gemmTile(), mr = tile & 0xffff, nr = tile >>> 16;
  return { name, tile: `${mr}×${nr}`, flops: 2 * mr * nr * KC * REPS, alloc: k.alloc, run: () => k.gemmPeak(KC, REPS, work) };
}

/** The builds this engine runs: baseline (build/kernels.wasm) and, where it validates, relaxed (build/relaxed.wasm). */
export function peakKernels() {
  const memory = new WebAssembly.Memory({ initial: 64, maximum: 16384, shared: true });
  const baseline = load('baseline', 'kernels.wasm', memory);
  return [baseline, load('relaxed', 'relaxed.wasm', memory, baseline.alloc)].filter(Boolean);
}

/** GFLOP/s of each build's micro-kernel, by build name. */
export async function measurePeaks(kernels) {
  const seconds = await timeInterleaved([{ cases: kernels }], { budgetMs: 400, maxSamples: 21 });
  return new Map(kernels.map((k) => [k.name, k.flops / seconds.get(k.name) / 1e9]));
}

export const PEAK_NOTE = `gemmPeak, kc=${KC}, L1-resident panels`;
