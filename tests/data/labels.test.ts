// LabelEncoder (src/data/labels.ts): classes sorted as scikit-learn's (numbers ascending, strings by code point),
// transform and inverseTransform round trips over random labels (empty strings, any Unicode, '__proto__', numbers
// beside strings), scores read by their argmax, JSON checked on the way in, and the classes saved with a model in
// simdeep's format and TF.js's and read back. Errors name the row and the value, and leave no tensor behind.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { dense, loadModel, memory, sequential, ShapeError, tensor, type Tensor } from '../../src/index';
import { LabelEncoder, type Label, type LabelEncoderJSON } from '../../src/data/labels';
import { expectThrowsClean, failOnLeaks } from '../reference';

failOnLeaks();

const dir = mkdtempSync(join(tmpdir(), 'simdeep-labels-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The tensor's values as numbers, then disposes it. */
function take(t: Tensor): number[] {
  try {
    return Array.from(t.dataSync());
  } finally {
    t.dispose();
  }
}

/** Reference order: code point by code point (NumPy's order for str), numbers and booleans by value. */
function referenceCompare(a: Label, b: Label): number {
  if (typeof a === 'string' && typeof b === 'string') {
    const x = Array.from(a, (c) => c.codePointAt(0)!), y = Array.from(b, (c) => c.codePointAt(0)!);
    for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
    return x.length - y.length;
  }
  return Number(a) - Number(b);
}

const SPECIAL = ['', '__proto__', 'constructor', 'toString', 'hasOwnProperty', '😀', '\uFF01', 'é', 'e\u0301', '\u0000', ' '];
const strings = fc.oneof(fc.constantFrom(...SPECIAL), fc.string({ unit: 'binary', maxLength: 6 }), fc.string({ maxLength: 3 }));
const numbers = fc.double({ noNaN: true, noDefaultInfinity: true }).map((v) => (v === 0 ? 0 : v));

describe('LabelEncoder', () => {
  it('sorts classes as scikit-learn: numbers ascending, false before true, strings by code point', () => {
    expect(new LabelEncoder().fit(['dog', 'cat', 'dog', '']).classes).toEqual(['', 'cat', 'dog']);
    expect(new LabelEncoder().fit([10, 9, -1.5, 9]).classes).toEqual([-1.5, 9, 10]);
    expect(new LabelEncoder().fit([true, false]).classes).toEqual([false, true]);
    // U+FF01 < U+1F600 by code point, though its UTF-16 unit (0xFF01) is above the emoji's first (0xD83D).
    expect(new LabelEncoder().fit(['😀', '\uFF01', 'a']).classes).toEqual(['a', '\uFF01', '😀']);
    expect(['😀', '\uFF01'].sort()).toEqual(['😀', '\uFF01']); // what a plain sort would give
  });

  it('encodes labels as class indices [n], the targets of sparseCategoricalCrossentropy', () => {
    const encoder = new LabelEncoder().fit(['low', 'high', 'mid']);
    const y = encoder.transform(['mid', 'low', 'high', 'low']);
    expect(y.shape).toEqual([4]);
    expect(take(y)).toEqual([2, 1, 0, 1]);
    expect(take(encoder.transform([]))).toEqual([]);
    const column = tensor([[3], [1], [3]]);
    expect(take(new LabelEncoder().fitTransform(column))).toEqual([1, 0, 1]);
    column.dispose();
    expect(encoder.numClasses).toBe(3);
    expect(new LabelEncoder().numClasses).toBe(0);
  });

  it('decodes indices, tensors of indices and rows of scores (argmax, first of ties)', () => {
    const encoder = new LabelEncoder().fit(['a', 'b', 'c']);
    expect(encoder.inverseTransform([2, 0])).toEqual(['c', 'a']);
    const indices = tensor([[1], [2]]), scores = tensor([[0.2, 0.5, 0.3], [0.4, 0.1, 0.4], [0, 0, 1]]);
    expect(encoder.inverseTransform(indices)).toEqual(['b', 'c']);
    expect(encoder.inverseTransform(scores)).toEqual(['b', 'a', 'c']);
    [indices, scores].forEach((t) => t.dispose());
  });

  it('round-trips random labels of each kind (property)', () => {
    const kinds = [fc.array(strings, { minLength: 1, maxLength: 30 }), fc.array(numbers, { minLength: 1, maxLength: 30 }), fc.array(fc.boolean(), { minLength: 1, maxLength: 5 })];
    fc.assert(fc.property(fc.oneof(...kinds), (labels: Label[]) => {
      const encoder = new LabelEncoder(), indices = take(encoder.fitTransform(labels));
      const classes = encoder.classes!;
      expect(classes).toEqual([...new Set(labels)].sort(referenceCompare));
      expect(indices).toEqual(labels.map((l) => classes.indexOf(l)));
      expect(encoder.inverseTransform(indices)).toEqual(labels);
      const copy = LabelEncoder.fromJSON(JSON.parse(JSON.stringify(encoder)) as LabelEncoderJSON);
      expect(copy.classes).toEqual(classes);
      expect(take(copy.transform(labels))).toEqual(indices);
    }), { numRuns: 150 });
  });

  it('keeps 1 and "1" apart: a label of another kind is unseen', () => {
    const encoder = new LabelEncoder().fit(['1', '2']);
    expectThrowsClean(() => encoder.transform(['2', 1 as unknown as string]), RangeError, ['LabelEncoder.transform: row 1 is 1, a label the encoder was not fitted on (classes: "1", "2")'], memory);
    expectThrowsClean(() => new LabelEncoder().fit(['a', 1]), TypeError, ['LabelEncoder.fit: labels must all be strings, all numbers or all booleans; row 0 is "a" and row 1 is 1'], memory);
  });

  it('names the row and the value of bad labels, before anything is allocated', () => {
    const encoder = new LabelEncoder().fit(['cat', 'dog']);
    expectThrowsClean(() => encoder.transform(['cat', 'dog', 'emu']), RangeError, ['row 2 is "emu", a label the encoder was not fitted on'], memory);
    expectThrowsClean(() => new LabelEncoder().fit(['a', null as unknown as string]), TypeError, ['LabelEncoder.fit: row 1 is null, missing'], memory);
    expectThrowsClean(() => new LabelEncoder().fit([1, NaN]), TypeError, ['row 1 is NaN, not a string, a finite number or a boolean'], memory);
    expectThrowsClean(() => new LabelEncoder().fit([]), RangeError, ['LabelEncoder.fit: values is empty'], memory);
    expectThrowsClean(() => new LabelEncoder().transform(['a']), RangeError, ['LabelEncoder.transform: the encoder is not fitted'], memory);
    expectThrowsClean(() => encoder.inverseTransform([0, 2]), RangeError, ['LabelEncoder.inverseTransform: indices[1] is 2, not below the class count 2'], memory);
    expectThrowsClean(() => encoder.inverseTransform([0.5]), RangeError, ['indices[0] is 0.5, not a class index'], memory);
    const wide = tensor([[0.1, 0.2, 0.7]]);
    expectThrowsClean(() => encoder.inverseTransform(wide), ShapeError, ['indices holds scores of 3 classes per row, but the encoder has 2 classes'], memory);
    wide.dispose();
  });

  it('checks JSON: type, kinds, repeats', () => {
    const read = (json: unknown): LabelEncoder => LabelEncoder.fromJSON(json as LabelEncoderJSON);
    expect(read({ type: 'LabelEncoder', classes: null }).fitted).toBe(false);
    expect(read({ type: 'LabelEncoder', classes: ['z', 'a'] }).inverseTransform([0])).toEqual(['z']); // order kept
    expect(() => read({ type: 'StandardScaler', classes: [] })).toThrow(TypeError);
    expect(() => read({ type: 'LabelEncoder', classes: ['a'], extra: 1 })).toThrow(/unknown option "extra"/);
    expect(() => read({ type: 'LabelEncoder', classes: 'ab' })).toThrow(/json.classes must be an array of labels/);
    expect(() => read({ type: 'LabelEncoder', classes: ['a', 1] })).toThrow(/json.classes\[1\] is 1; classes must all be strings/);
    expect(() => read({ type: 'LabelEncoder', classes: ['a', 'b', 'a'] })).toThrow(/json.classes lists "a" twice \(at 0 and 2\)/);
    expect(() => read({ type: 'LabelEncoder', classes: [] })).toThrow(/json.classes is empty/);
  });
});

describe('LabelEncoder saved with a model', () => {
  const build = (units: number) => sequential([dense({ units, activation: 'softmax', inputShape: [2] })]);

  it.each(['model.sdpm', 'file://tfjs-labels'])('%s keeps the classes', async (file) => {
    const model = build(3);
    model.metadata = { note: 'kept' };
    new LabelEncoder().fit(['__proto__', 'é', '']).attachTo(model);
    const path = file.startsWith('file://') ? `file://${join(dir, file.slice(7))}` : join(dir, file);
    await model.save(path);
    const copy = await loadModel(path);
    expect(LabelEncoder.fromModel(copy).classes).toEqual(['', '__proto__', 'é']);
    expect(copy.metadata?.note).toBe('kept');
    [model, copy].forEach((m) => m.dispose());
  });

  it('keeps several encoders under their keys, and bytes round-trip', async () => {
    const model = build(2);
    new LabelEncoder().fit([0, 1]).attachTo(model, 'species');
    new LabelEncoder().fit(['no', 'yes']).attachTo(model);
    const copy = await loadModel(await model.save());
    expect(LabelEncoder.fromModel(copy, 'species').classes).toEqual([0, 1]);
    expect(LabelEncoder.fromModel(copy).classes).toEqual(['no', 'yes']);
    [model, copy].forEach((m) => m.dispose());
  });

  it('checks the model and the metadata', () => {
    const model = build(3);
    expect(() => new LabelEncoder().fit(['a', 'b']).attachTo(model)).toThrow(/LabelEncoder.attachTo: the encoder has 2 classes, but the model's output has 3 units/);
    expect(() => new LabelEncoder().attachTo(model)).toThrow(/attachTo: the encoder is not fitted/);
    expect(() => new LabelEncoder().fit(['a']).attachTo({} as never)).toThrow(/attachTo: model must be a Model/);
    expect(() => LabelEncoder.fromModel(model)).toThrow(/fromModel: the model's metadata has no "labelEncoder" entry \(its keys: none\)/);
    model.metadata = { labelEncoder: { type: 'LabelEncoder', classes: [1, 1] } };
    expect(() => LabelEncoder.fromModel(model)).toThrow(/fromModel: metadata\["labelEncoder"\].classes lists 1 twice/);
    const binary = sequential([dense({ units: 1, activation: 'sigmoid', inputShape: [2] })]);
    expect(LabelEncoder.fromModel(new LabelEncoder().fit(['n', 'y']).attachTo(binary)).classes).toEqual(['n', 'y']);
    [model, binary].forEach((m) => m.dispose());
  });
});
