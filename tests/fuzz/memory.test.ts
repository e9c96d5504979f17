// Fuzz: tidy, keep, dispose and memory with random bodies (creating, keeping, disposing and returning tensors,
// throwing, returning Promises) and junk arguments. Afterwards nothing leaks and the canary holds.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import * as sd from '../../src/index';
import { arbAny, arbJunk, call, canary, check, cleanup, countCases, fuzzCall, materialize } from './harness';

countCases('memory');

type Step = 'make' | 'keep' | 'dispose' | 'nest' | 'throw' | 'use';
const arbSteps = fc.array(fc.constantFrom<Step>('make', 'keep', 'dispose', 'nest', 'throw', 'use'), { maxLength: 8 });
const returns = fc.constantFrom('last', 'all', 'object', 'map', 'nothing', 'promise', 'disposed');

/** Runs steps on a list of tensors, as a tidy body would; tensors passed to keep() are recorded in `kept`. */
function body(steps: readonly Step[], ret: string, kept: sd.Tensor[], depth = 0): () => unknown {
  return () => {
    const made: sd.Tensor[] = [];
    for (const step of steps) {
      if (step === 'make') made.push(sd.ones([made.length % 3, 2]));
      if (step === 'keep' && made.length) kept.push(sd.keep(made[made.length - 1]));
      if (step === 'dispose' && made.length) made[0].dispose();
      if (step === 'nest' && depth < 2) made.push(...[sd.tidy(body(steps.slice(1), 'last', kept, depth + 1))].filter((t): t is sd.Tensor => t instanceof sd.Tensor));
      if (step === 'throw' && depth > 0) throw new RangeError('tidy: stop');
      if (step === 'use' && made.length && !made[0].disposed) made.push(made[0].add(1));
    }
    const last = made[made.length - 1];
    return { last, all: made, object: { a: { b: made } }, map: new Map([['t', last]]), nothing: undefined, promise: Promise.resolve(last),
      disposed: made.filter((t) => t.disposed) }[ret];
  };
}

const tensorsIn = (v: unknown, into: sd.Tensor[] = []): sd.Tensor[] => {
  if (v instanceof sd.Tensor) into.push(v);
  else if (v instanceof Map) [...v.values()].forEach((x) => tensorsIn(x, into));
  else if (v && typeof v === 'object') Object.values(v).forEach((x) => tensorsIn(x, into));
  return into;
};

describe('fuzz: memory', () => {
  test('tidy bodies: what is returned or kept lives and works, the rest is freed, also on errors', () => check(fc.property(arbSteps, returns, (steps, ret) => {
    const before = sd.memory();
    const kept: sd.Tensor[] = [];
    let returned: sd.Tensor[] = [];
    try {
      returned = tensorsIn(call(['tidy', 'keep'], () => sd.tidy(body(steps, ret, kept)), 'tidy', false).value); // kept tensors outlive errors
      for (const t of returned) if (!t.disposed) t.sum().dispose(); // still usable
      const live = new Set([...kept, ...returned].filter((t) => !t.disposed));
      expect(sd.memory().numTensors - before.numTensors).toBe(live.size);
    } finally {
      cleanup(kept, returned);
    }
    canary('tidy');
  }), 3));

  test('tidy, keep, dispose and memory with junk arguments', () => check(fc.property(fc.constantFrom('tidy', 'keep', 'dispose', 'memory'),
    fc.array(fc.oneof(arbAny, fc.array(arbAny, { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 3 }), arbAny, { maxKeys: 3 })), { maxLength: 2 }),
    (name, args) => {
      if (name === 'tidy' && args[0] === sd.Tensor) return; // a class as the body throws its own TypeError, which tidy passes on
      fuzzCall(name, args, (sd as unknown as Record<string, (...a: unknown[]) => unknown>)[name]);
    })));

  test('dispose of a random structure frees every tensor in it', () => check(fc.property(fc.array(fc.oneof(arbAny, arbJunk), { maxLength: 5 }), (values) => {
    const live = materialize(values) as unknown[];
    const outcome = call('dispose', () => sd.dispose([live, { nested: live }] as never));
    expect(outcome.ok).toBe(true);
    cleanup();
    canary('dispose');
  })));
});
