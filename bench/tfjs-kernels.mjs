// The two training kernels that TensorFlow.js's wasm backend 4.22.0 lacks, so that it can train convolution and
// embedding models at all: Conv2DBackpropFilter (the filter gradient of conv2d) and UnsortedSegmentSum (the gradient
// of gather, which embedding uses). Both are built here from what the backend has; checkKernels compares them with
// the cpu backend's own kernels.
import * as tf from '@tensorflow/tfjs-core';

/** Whether the wasm backend has each kernel now. */
export const missingKernels = () => ['Conv2DBackpropFilter', 'UnsortedSegmentSum'].filter((name) => !tf.getKernel(name, 'wasm'));

// dW[kh, kw, ci, co] = Σ over n, oh, ow of x[n, oh + kh − top, ow + kw − left, ci] · dy[n, oh, ow, co] (stride 1):
// a stride-1 convolution of x with dy as the filter once the batch and channel axes swap places. With x as
// [ci, h, w, n] (ci images of n channels) and dy as the filter [oh, ow, n, co], Conv2D padded as the forward was
// gives [ci, kh, kw, co]; one more Transpose makes it [kh, kw, ci, co].
function conv2dBackpropFilter({ inputs: { x, dy }, backend, attrs }) {
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs;
  const info = tf.backend_util.computeConv2DInfo(x.shape, filterShape, strides, 1, pad, dimRoundingMode, false,
    tf.backend_util.convertConv2DDataFormat(dataFormat));
  if (info.strideHeight !== 1 || info.strideWidth !== 1 || info.dataFormat !== 'channelsLast') {
    throw new Error('Conv2DBackpropFilter (bench): only stride 1 and NHWC are filled in');
  }
  const transpose = tf.getKernel('Transpose', 'wasm').kernelFunc, conv2d = tf.getKernel('Conv2D', 'wasm').kernelFunc;
  const { top, bottom, left, right } = info.padInfo;
  const xT = transpose({ inputs: { x }, backend, attrs: { perm: [3, 1, 2, 0] } });
  const dyT = transpose({ inputs: { x: dy }, backend, attrs: { perm: [1, 2, 0, 3] } });
  const dwT = conv2d({ inputs: { x: xT, filter: dyT }, backend,
    attrs: { strides: 1, dilations: 1, pad: [[0, 0], [top, bottom], [left, right], [0, 0]], dataFormat: 'NHWC' } });
  const dw = transpose({ inputs: { x: dwT }, backend, attrs: { perm: [1, 2, 0, 3] } });
  for (const t of [xT, dyT, dwT]) backend.disposeData(t.dataId);
  return dw;
}

// out[s, …] = Σ over the rows r with segmentIds[r] = s of x[r, …]; ids outside [0, numSegments) are dropped, as TF does.
function unsortedSegmentSum({ inputs: { x, segmentIds }, backend, attrs: { numSegments } }) {
  const ids = backend.readSync(segmentIds.dataId), values = backend.readSync(x.dataId);
  const inner = values.length / ids.length;
  const sums = x.dtype === 'int32' ? new Int32Array(numSegments * inner) : new Float32Array(numSegments * inner);
  for (let r = 0; r < ids.length; r++) {
    const s = ids[r];
    if (s < 0 || s >= numSegments) continue;
    for (let j = 0, to = s * inner, from = r * inner; j < inner; j++) sums[to + j] += values[from + j];
  }
  return backend.makeOutput([numSegments, ...x.shape.slice(segmentIds.shape.length)], x.dtype, undefined, sums);
}

/** Registers both kernels for the wasm backend (once). */
export function registerMissingKernels() {
  const kernels = { Conv2DBackpropFilter: conv2dBackpropFilter, UnsortedSegmentSum: unsortedSegmentSum };
  for (const name of missingKernels()) tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc: kernels[name] });
}

/**
 * The largest difference between the wasm kernels filled in here and the cpu backend's, relative to the largest
 * value, over a few shapes ('valid' and 'same', one and several channels).
 */
export async function checkKernels() {
  const random = (shape, seed) => Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(seed * 1000 + i * 1.7));
  const cases = [
    ['Conv2DBackpropFilter', [[3, 9, 8, 1], [3, 3, 1, 5], 'valid'], [[2, 7, 6, 3], [3, 3, 3, 4], 'same'], [[2, 6, 6, 2], [2, 4, 2, 3], 'same']],
    ['UnsortedSegmentSum', [[50, 7], 11]],
  ];
  const run = async (backend) => {
    await tf.setBackend(backend);
    const out = [];
    for (const [xShape, wShape, pad] of cases[0].slice(1)) {
      const x = tf.tensor4d(random(xShape, 1), xShape), w = tf.tensor4d(random(wShape, 2), wShape);
      const y = tf.conv2d(x, w, 1, pad), dy = tf.tensor4d(random(y.shape, 3), y.shape);
      const dw = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad, dataFormat: 'NHWC', filterShape: wShape });
      out.push(dw.dataSync().slice());
      tf.dispose([x, w, y, dy, dw]);
    }
    const [[rows, width], segments] = cases[1][1];
    const x = tf.tensor2d(random([rows, width], 4), [rows, width]);
    const ids = tf.tensor1d(Int32Array.from({ length: rows }, (_, i) => (i * 7) % segments), 'int32');
    const sums = tf.unsortedSegmentSum(x, ids, segments);
    out.push(sums.dataSync().slice());
    tf.dispose([x, ids, sums]);
    return out;
  };
  const cpu = await run('cpu'), wasm = await run('wasm');
  let worst = 0;
  cpu.forEach((ref, k) => {
    const scale = Math.max(...ref.map(Math.abs));
    ref.forEach((v, i) => { worst = Math.max(worst, Math.abs(wasm[k][i] - v) / scale); });
  });
  return worst;
}
