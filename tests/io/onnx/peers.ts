// The peers ONNX files are checked against: onnxruntime-web (its wasm build, one thread, in Node) and, where Debian's
// python3-onnx is installed, onnx.checker.check_model.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import type { Tensor } from '../../../src/index';

ort.env.wasm.numThreads = 1;

/** The outputs of the ONNX model `bytes` run in onnxruntime on the tensors `xs` (given to its inputs in order). */
export async function runOnnx(bytes: Uint8Array, xs: readonly Tensor[]): Promise<{ data: Float32Array; dims: readonly number[] }[]> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const feeds: Record<string, ort.Tensor> = {};
    session.inputNames.forEach((name, i) => { feeds[name] = new ort.Tensor('float32', xs[i].dataSync(), xs[i].shape); });
    const results = await session.run(feeds);
    return session.outputNames.map((name) => ({ data: results[name].data as Float32Array, dims: results[name].dims }));
  } finally {
    await session.release();
  }
}

const PYTHON = '/usr/bin/python3';

/** Whether `import onnx` works in Debian's python (python3-onnx), and if not why. */
export const onnxChecker: { available: boolean; why: string } = (() => {
  try {
    execFileSync(PYTHON, ['-c', 'import onnx'], { stdio: 'pipe' });
    return { available: true, why: '' };
  } catch (error) {
    return { available: false, why: `python3-onnx is missing (${PYTHON} -c "import onnx" failed: ${String(error).split('\n')[0]})` };
  }
})();

/** onnx.checker.check_model(full_check=True) on each file; throws its message for one it refuses. */
export function checkModels(files: readonly Uint8Array[]): void {
  const dir = mkdtempSync(join(tmpdir(), 'simdeep-onnx-'));
  try {
    const paths = files.map((bytes, i) => { const path = join(dir, `${i}.onnx`); writeFileSync(path, bytes); return path; });
    execFileSync(PYTHON, ['-c', 'import onnx, sys\nfor p in sys.argv[1:]:\n    onnx.checker.check_model(onnx.load(p), full_check=True)', ...paths], { stdio: 'pipe' });
  } catch (error) {
    throw new Error(`onnx.checker refused a file: ${(error as { stderr?: Buffer }).stderr?.toString() ?? String(error)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Largest |a − b| / max(1, |b|) over the values. */
export function maxError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  return worst;
}
