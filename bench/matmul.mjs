// GEMM throughput side by side in one process: simdeep (baseline and relaxed SIMD builds, 1 and 2 threads),
// TensorFlow.js (wasm and cpu backends) and ml-matrix, on square sizes and the products of one training step of a
// 784-128-10 MLP on a batch of 128 (forward X·W, weight gradient Xᵀ·dZ, input gradient dZ·Wᵀ).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { Matrix } from 'ml-matrix';
import { dispose, matmul, memory, preferRelaxedSimd, setThreads, tensor, threads } from 'simdeep';
import { PEAK_NOTE, measurePeaks, peakKernels } from './ceiling.mjs';
import { fmt, otherCpu, ratio, table, timeInterleaved } from './harness.mjs';

// [role, m, k, n, transposeA, transposeB, role of the A·B product a transposed one is compared with]
const PRODUCTS = [
  ...[64, 128, 256, 512, 1024].map((s) => ['', s, s, s, false, false]),
  ['X·W', 128, 784, 128, false, false],
  ['Xᵀ·dZ', 784, 128, 128, true, false, 'X·W'],
  ['dZ·Wᵀ', 128, 128, 784, false, true, 'X·W'],
  ['H·W', 128, 128, 10, false, false],
  ['Hᵀ·dZ', 128, 128, 10, true, false, 'H·W'],
  ['dZ·Wᵀ', 128, 10, 128, false, true, 'H·W'],
];

const random = (size) => Float32Array.from({ length: size }, () => Math.random() * 2 - 1);
const show = (shape, t) => (t ? `(${shape.join('×')})ᵀ` : shape.join('×'));

// Throws unless `got` matches tfjs-wasm's result to float32 accuracy (so every row computes the same product).
function check(what, got, want) {
  let err = 0, scale = 0;
  for (let i = 0; i < want.length; i++) {
    err = Math.max(err, Math.abs(got[i] - want[i]));
    scale = Math.max(scale, Math.abs(want[i]));
  }
  if (!(err <= 1e-4 * scale)) throw new Error(`${what} differs from tfjs-wasm by ${err} (max |value| ${scale})`);
}

/** Median seconds per call of every implementation on one product, by implementation name. */
async function measure([role, m, k, n, ta, tb], builds, peakCases) {
  const aShape = ta ? [k, m] : [m, k], bShape = tb ? [n, k] : [k, n];
  const aData = random(m * k), bData = random(k * n);
  const sa = tensor(aData, aShape), sb = tensor(bData, bShape);
  const onTf = async (backend) => {
    await tf.setBackend(backend);
    return [tf.tensor2d(aData, aShape), tf.tensor2d(bData, bShape)];
  };
  const [wa, wb] = await onTf('wasm'), [ca, cb] = await onTf('cpu');
  const ma = Matrix.from1DArray(...aShape, aData), mb = Matrix.from1DArray(...bShape, bData);

  const want = tf.tidy(() => tf.matMul(wa, wb, ta, tb).dataSync());
  for (const build of builds) {
    preferRelaxedSimd(build === 'relaxed');
    const c = matmul(sa, sb, { transposeA: ta, transposeB: tb });
    check(`simdeep ${build} ${role}`, c.dataSync(), want);
    c.dispose();
  }
  const simdeep = (build, t) => ({ name: `${build} ${t}T`, run() {
    preferRelaxedSimd(build === 'relaxed');
    matmul(sa, sb, { transposeA: ta, transposeB: tb }).dispose();
  } });
  const tfjs = (name, a, b) => ({ name, run: () => tf.tidy(() => { tf.matMul(a, b, ta, tb); }) });
  const seconds = await timeInterleaved([
    { setup: () => setThreads(1), cases: [...builds.map((b) => simdeep(b, 1)),
      { name: 'ml-matrix', run: () => (ta ? ma.transpose() : ma).mmul(tb ? mb.transpose() : mb) }, ...peakCases] },
    { setup: () => tf.setBackend('wasm'), cases: [tfjs('tfjs-wasm', wa, wb)] },
    { setup: () => tf.setBackend('cpu'), cases: [tfjs('tfjs-cpu', ca, cb)] },
    { setup: () => setThreads(2), rewarm: true, cases: builds.map((b) => simdeep(b, 2)) },
  ]);
  dispose([sa, sb]);
  tf.dispose([wa, wb, ca, cb]);
  const flops = new Map(peakCases.map((c) => [c.name, c.flops]));
  const gflops = (name) => (flops.get(name) ?? 2 * m * k * n) / seconds.get(name) / 1e9;
  return { label: `${show(aShape, ta)}·${show(bShape, tb)} ${role}`, gflops };
}

export async function run() {
  tf.enableProdMode(); // no debug checks, no "install tfjs-node" banner
  await tf.setBackend('wasm');
  await setThreads(2);
  const twoThreads = threads();
  const engineDefault = threads().relaxedSimd; // restored at the end: the benchmarks after this one run the default build
  const defaultGemm = threads().gemm;
  preferRelaxedSimd(true);
  const builds = threads().relaxedSimd ? ['baseline', 'relaxed'] : ['baseline'];
  const kernels = peakKernels();
  const peaks = await measurePeaks(kernels);

  console.log('## matmul: GFLOP/s = 2·m·k·n / median time; ratios of GFLOP/s\n');
  console.log(`simdeep builds: ${builds.join(', ')}; 2 threads: ${twoThreads.active} active${twoThreads.reason ? ` (${twoThreads.reason})` : ''}`);
  console.log(`tfjs-wasm: SIMD ${tf.env().getBool('WASM_HAS_SIMD_SUPPORT')}, ${getThreadsCount()} thread(s); tfjs-cpu and ml-matrix: plain JS, 1 thread`);
  for (const k of kernels) console.log(`micro-kernel ceiling, ${k.name} ${k.tile} (${PEAK_NOTE}): ${fmt(peaks.get(k.name))} GFLOP/s at start`);
  const chosen = peaks.get(engineDefault ? 'relaxed' : 'baseline'), fastest = Math.max(...peaks.values());
  console.log(`the engine's default: ${defaultGemm}; its ceiling is ${(chosen / fastest).toFixed(2)} of the faster build's`);
  console.log();

  const row = table([['product (A·B, transposes as ᵀ)', 29], ['simdeep', 8], ['sd 1T', 6], ['sd 2T', 6], ['tf-wasm', 7],
    ['tf-cpu', 6], ['ml-matrix', 9], ['sd/tf-wasm', 10], ['T/A·B', 6], ['2T/1T', 6], ['peak', 5], ['of peak', 7], ['other CPU', 9]]);
  const plain = new Map(); // simdeep 1T GFLOP/s of each A·B product, by build and role
  for (const product of PRODUCTS) {
    const load = otherCpu();
    // The ceiling is timed again among each product's cases, so that clock drift hits it alike.
    const peakCases = kernels.map((c) => ({ ...c, name: `peak ${c.name}` }));
    const { label, gflops } = await measure(product, builds, peakCases);
    const [role, , , , ta, tb, base] = product;
    builds.forEach((build, i) => {
      const one = gflops(`${build} 1T`), peak = gflops(`peak ${build}`), first = i === 0;
      if (!base) plain.set(`${build} ${role}`, one);
      row([first ? label : '', build, fmt(one), fmt(gflops(`${build} 2T`)), first ? fmt(gflops('tfjs-wasm')) : '',
        first ? fmt(gflops('tfjs-cpu')) : '', first ? fmt(gflops('ml-matrix')) : '', ratio(one, gflops('tfjs-wasm')),
        base ? ratio(one, plain.get(`${build} ${base}`)) : '', ratio(gflops(`${build} 2T`), one),
        fmt(peak), ta || tb ? '' : `${((100 * one) / peak).toFixed(0)}%`, first ? `${load().toFixed(2)} cores` : '']);
    });
  }

  console.log('\nsd/tf-wasm: simdeep 1 thread over tfjs-wasm; T/A·B: a transposed product over the A·B product of its layer;');
  console.log('peak: the build\'s micro-kernel ceiling timed among this product\'s cases; of peak: simdeep 1 thread over it;');
  console.log('other CPU: cores that other processes used meanwhile.');
  console.log(`live tensors after the run: simdeep ${memory().numTensors}, tfjs ${tf.memory().numTensors}`);
  preferRelaxedSimd(engineDefault);
}
