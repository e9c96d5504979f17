import { describe, expect, it } from 'vitest';
import { checkOptionKeys, nearestKey } from '../../src/tensor/options';

describe('checkOptionKeys', () => {
  const keys = ['epochs', 'batchSize', 'testSize', 'optimizer', 'activation', 'patience'];

  it('passes undefined, empty objects, null-prototype objects and known keys', () => {
    expect(() => checkOptionKeys('op', undefined, keys)).not.toThrow();
    expect(() => checkOptionKeys('op', {}, keys)).not.toThrow();
    expect(() => checkOptionKeys('op', Object.assign(Object.create(null), { epochs: 1 }), keys)).not.toThrow();
    expect(() => checkOptionKeys('op', { epochs: 1, batchSize: 2 }, keys)).not.toThrow();
  });

  it('rejects non-objects naming the argument and the type', () => {
    expect(() => checkOptionKeys('fit', 5, keys)).toThrow(new TypeError('fit: options must be an object, got 5'));
    expect(() => checkOptionKeys('fit', null, keys, 'args')).toThrow(new TypeError('fit: args must be an object, got null'));
    expect(() => checkOptionKeys('fit', [1], keys)).toThrow(TypeError);
  });

  it('names an unknown key with the nearest valid one and the full list', () => {
    expect(() => checkOptionKeys('fit', { epoch: 50 }, keys)).toThrow(
      new RangeError('fit: unknown option "epoch" in options; did you mean "epochs"? (expected epochs, batchSize, testSize, optimizer, activation, patience)'));
    expect(() => checkOptionKeys('x', { zzzzzz: 1 }, ['a'])).toThrow(new RangeError('x: unknown option "zzzzzz" in options (expected a)'));
    expect(() => checkOptionKeys('x', { a: 1 }, [])).toThrow(new RangeError('x: unknown option "a" in options (expected none)'));
  });

  it('suggests across case, underscores, British spellings, swaps and missing letters', () => {
    expect(nearestKey('test_size', keys)).toBe('testSize');
    expect(nearestKey('BATCHSIZE', keys)).toBe('batchSize');
    expect(nearestKey('optimiser', keys)).toBe('optimizer');
    expect(nearestKey('activaton', keys)).toBe('activation');
    expect(nearestKey('patiance', keys)).toBe('patience');
    expect(nearestKey('epcohs', keys)).toBe('epochs');
    expect(nearestKey('learningRate', keys)).toBeUndefined();
    expect(nearestKey('', keys)).toBeUndefined();
  });
});
