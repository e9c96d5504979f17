// Values passed where a tensor belongs, shared by the op suites: each op must reject them with a TypeError that
// names the op and the argument, before any work and without leaking.
import { memory } from '../../src/index';
import { expectThrowsClean } from '../reference';

/** Arrays nested 100,000 deep: describing them must not overflow the stack. */
function deepArray(): unknown {
  let deep: unknown = [1];
  for (let i = 0; i < 100_000; i++) deep = [deep];
  return deep;
}

/** A Tensor of another copy of the library, as its instances look from here (not instanceof this Tensor). */
class Tensor {
  readonly shape = [2, 2];
  readonly disposed = false;
}

/** [what, value, a fragment of the error that describes it]. */
export const FOREIGN: readonly [string, unknown, string][] = [
  ['a plain object', { a: 1 }, 'got an Object'],
  ['a TF.js-like tensor', { shape: [2, 2], dtype: 'float32', dataSync: () => new Float32Array(4) },
    'got a tensor of another library of shape [2,2] (copy its values with tensor(x.dataSync(), x.shape))'],
  ['a Tensor of another copy', new Tensor(), 'got a Tensor of shape [2,2] from another copy of simdeep'],
  ['arrays nested 100,000 deep', deepArray(), 'got [[[an array of length 1]]]'],
];

/** Checks that `call(value)` rejects every foreign value with `op: arg must be a Tensor…, got <description>`. */
export function expectForeignRejected(call: (value: never) => unknown, op: string, arg: string): void {
  for (const [, value, got] of FOREIGN) {
    expectThrowsClean(() => call(value as never), TypeError, [`${op}: ${arg} must be a Tensor`, got], memory);
  }
}
