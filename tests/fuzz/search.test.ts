// Fuzz: the distributions (uniform, logUniform, int, choice) with random bounds, and randomSearch/gridSearch with
// bad spaces, settings and objectives (throwing, NaN, junk scores). Valid searches give one trial per job with
// parameters inside their distributions.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import * as sd from '../../src/index';
import { arbAny, arbJunk, arbNumber, callAsync, canary, check, countCases, fuzzCall } from './harness';

countCases('search');

const bound = fc.oneof(arbNumber, fc.integer({ min: -5, max: 5 }), arbJunk);
const arbDistribution = fc.oneof(
  fc.tuple(fc.constantFrom('uniform', 'logUniform', 'int'), bound, bound),
  fc.tuple(fc.constant('choice'), fc.oneof(fc.array(fc.oneof(arbNumber, fc.string({ maxLength: 2 }), fc.constant(null)), { maxLength: 4 }), arbJunk), fc.constant(undefined)),
);
const make = ([name, a, b]: [string, unknown, unknown]): unknown => (sd as unknown as Record<string, (x: unknown, y: unknown) => unknown>)[name](a, b);

/** A space entry: a distribution (if its bounds are valid), a constant, a list (grid), or junk. */
const arbEntry = fc.oneof({ arbitrary: arbDistribution, weight: 3 }, fc.constant(['const', 1, undefined] as [string, unknown, unknown]),
  fc.constant(['list', [1, 2], undefined] as [string, unknown, unknown]), arbJunk.map((j) => ['junk', j, undefined] as [string, unknown, unknown]));
const build = (entry: [string, unknown, unknown]): unknown => {
  if (entry[0] === 'const' || entry[0] === 'list' || entry[0] === 'junk') return entry[1];
  try {
    return make(entry);
  } catch {
    return entry; // invalid bounds: the array itself is the (bad) space entry
  }
};

const arbObjective = fc.constantFrom('number', 'nan', 'throw', 'string', 'async', 'junk', 'module');
const objectives: Record<string, unknown> = {
  number: (p: Record<string, unknown>) => Object.keys(p).length,
  nan: () => NaN,
  throw: () => { throw new Error('objective failed'); },
  string: () => 'low',
  async: async (_p: unknown, { seed }: sd.TrialContext) => seed % 7,
  junk: 42,
  module: { module: '/nonexistent/objective.mjs', export: 'score' },
};

describe('fuzz: search', () => {
  test('distributions with random bounds: a distribution, or a documented error', () => check(fc.property(arbDistribution, (entry) =>
    fuzzCall(entry[0], [], () => make(entry), (d) => expect(typeof (d as sd.Distribution).sample).toBe('function')))));

  test('randomSearch and gridSearch with random spaces, settings and objectives', () => check(fc.asyncProperty(
    fc.constantFrom('randomSearch', 'gridSearch'), fc.oneof({ arbitrary: fc.dictionary(fc.constantFrom('a', 'b', '__proto__', 'constructor', ''), arbEntry, { maxKeys: 3 }), weight: 4 }, arbJunk),
    fc.oneof(fc.integer({ min: -1, max: 4 }), arbJunk), arbObjective, fc.oneof(fc.nat(9), arbJunk), fc.oneof(fc.constantFrom(undefined, false, 'minimize', 'maximize'), arbJunk),
    fc.oneof(fc.constantFrom(undefined, false), arbAny),
    async (name, rawSpace, trials, objective, seed, direction, parallel) => {
      const space = rawSpace && typeof rawSpace === 'object' && !Array.isArray(rawSpace)
        ? Object.fromEntries(Object.entries(rawSpace).map(([k, v]) => [k, Array.isArray(v) ? build(v as [string, unknown, unknown]) : v])) : rawSpace;
      const options = { space, trials, objective: objectives[objective], seed, direction: direction === false ? undefined : direction, parallel: parallel === false ? undefined : parallel };
      const run = (sd as unknown as Record<string, (o: unknown) => Promise<sd.SearchResult<Record<string, unknown>>>>)[name];
      const out = await callAsync(name, () => run(options), name);
      if (out.ok) {
        for (const trial of out.value.trials) expect(typeof trial.params).toBe('object');
        if (name === 'randomSearch') expect(out.value.trials).toHaveLength(trials as number);
      }
      canary(name);
    }), 2));
});
