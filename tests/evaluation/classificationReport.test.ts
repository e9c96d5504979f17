// classificationReport (src/evaluation/classificationReport.ts): the text of scikit-learn's classification_report
// character for character (its documented examples; hand cases for string labels, ties at the rounding digit,
// zero division, weights and wide names, worked out from the definitions), and the data against a float64
// reference over random labels, with and without weights. Errors name the argument and the value.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { memory, ShapeError, tensor } from '../../src/index';
import { classificationReport } from '../../src/evaluation/classificationReport';
import { pythonFixed, pythonRepr } from '../../src/evaluation/pythonText';
import { expectThrowsClean, failOnLeaks } from '../reference';

failOnLeaks();

/** Lines of a report, as written in a Python docstring (each ends with a newline). */
const text = (...lines: string[]): string => `${lines.join('\n')}\n`;

describe("classificationReport's text", () => {
  it("prints scikit-learn's documented examples exactly", () => {
    expect(classificationReport([0, 1, 2, 2, 2], [0, 0, 2, 2, 1], { targetNames: ['class 0', 'class 1', 'class 2'] }).toString()).toBe(text(
      '              precision    recall  f1-score   support',
      '',
      '     class 0       0.50      1.00      0.67         1',
      '     class 1       0.00      0.00      0.00         1',
      '     class 2       1.00      0.67      0.80         3',
      '',
      '    accuracy                           0.60         5',
      '   macro avg       0.50      0.56      0.49         5',
      'weighted avg       0.70      0.60      0.61         5',
    ));
    // labels that leave out none of the data's classes but add two: "micro avg" in place of accuracy.
    expect(classificationReport([1, 1, 1], [1, 1, 0], { labels: [1, 2, 3] }).toString()).toBe(text(
      '              precision    recall  f1-score   support',
      '',
      '           1       1.00      0.67      0.80         3',
      '           2       0.00      0.00      0.00         0',
      '           3       0.00      0.00      0.00         0',
      '',
      '   micro avg       1.00      0.67      0.80         3',
      '   macro avg       0.33      0.22      0.27         3',
      'weighted avg       1.00      0.67      0.80         3',
    ));
  });

  it('rounds exact ties half to even, as Python does (0.125 → 0.12, 0.625 → 0.62, 0.375 → 0.38)', () => {
    // class 0: tp 1 of 8 predicted, 4 true; class 1: tp 5 of 8 predicted, 12 true; 6 of 16 right.
    const yTrue = [0, ...Array<number>(12).fill(1), 0, 0, 0], yPred = [0, ...Array<number>(7).fill(0), ...Array<number>(5).fill(1), 1, 1, 1];
    expect(classificationReport(yTrue, yPred).toString()).toBe(text(
      '              precision    recall  f1-score   support',
      '',
      '           0       0.12      0.25      0.17         4',
      '           1       0.62      0.42      0.50        12',
      '',
      '    accuracy                           0.38        16',
      '   macro avg       0.38      0.33      0.33        16',
      'weighted avg       0.50      0.38      0.42        16',
    ));
    expect([0.125, 0.375, 2.5, 0.5, 1.005].map((v) => pythonFixed(v, v > 2 || v === 0.5 ? 0 : 2))).toEqual(['0.12', '0.38', '2', '0', '1.00']);
    expect([3.0, 0.5, 1e-5, 1e16, 123456789012345.6, 0.0001].map(pythonRepr)).toEqual(['3.0', '0.5', '1e-05', '1e+16', '123456789012345.6', '0.0001']);
  });

  it('prints string labels sorted, and scores from argmax of probabilities', () => {
    const expected = text(
      '              precision    recall  f1-score   support',
      '',
      '         cat       0.67      1.00      0.80         2',
      '         dog       0.00      0.00      0.00         2',
      '         pig       0.00      0.00      0.00         2',
      '',
      '    accuracy                           0.33         6',
      '   macro avg       0.22      0.33      0.27         6',
      'weighted avg       0.22      0.33      0.27         6',
    );
    expect(classificationReport(['cat', 'dog', 'pig', 'cat', 'dog', 'pig'], ['cat', 'pig', 'dog', 'cat', 'cat', 'dog']).toString()).toBe(expected);
    const scores = tensor([[0.8, 0.1, 0.1], [0.1, 0.2, 0.7], [0.2, 0.5, 0.3], [0.6, 0.3, 0.1], [0.5, 0.4, 0.1], [0.3, 0.4, 0.3]]);
    expect(classificationReport([0, 1, 2, 0, 1, 2], scores, { targetNames: ['cat', 'dog', 'pig'] }).toString()).toBe(expected);
    scores.dispose();
  });

  it('widens the name column, prints nan for zeroDivision NaN (left out of the averages) and 3 digits', () => {
    const report = classificationReport(['a', 'b', 'b'], ['a', 'a', 'a'], { labels: ['a', 'b', 'c'], zeroDivision: NaN, digits: 3, targetNames: ['alpha', 'a very long class name indeed', 'γ'] });
    expect(report.toString()).toBe(text(
      '                               precision    recall  f1-score   support',
      '',
      '                        alpha      0.333     1.000     0.500         1',
      'a very long class name indeed        nan     0.000     0.000         2',
      '                            γ        nan       nan       nan         0',
      '',
      '                     accuracy                          0.333         3',
      '                    macro avg      0.333     0.500     0.250         3',
      '                 weighted avg      0.333     0.333     0.167         3',
    ));
  });

  it('prints weighted supports as Python floats, with zeroDivision 1', () => {
    const report = classificationReport([0, 1, 1, 2], [0, 1, 0, 2], { sampleWeight: [0.5, 2, 1.25, 1e-5], zeroDivision: 1 });
    expect(report.toString()).toBe(text(
      '              precision    recall  f1-score   support',
      '',
      '           0       0.29      1.00      0.44       0.5',
      '           1       1.00      0.62      0.76      3.25',
      '           2       1.00      1.00      1.00     1e-05',
      '',
      '    accuracy                           0.67   3.75001',
      '   macro avg       0.76      0.87      0.74   3.75001',
      'weighted avg       0.90      0.67      0.72   3.75001',
    ));
    // By hand: class 0 has tp 0.5 of 1.75 predicted; class 1 tp 2 of 3.25 true; f1 = 2·tp / (true + predicted).
    expect(report.classes[0].precision).toBe(0.5 / 1.75);
    expect(report.classes[1].recall).toBe(2 / 3.25);
    expect(report.classes[1].f1).toBe(4 / 5.25);
    expect(report.accuracy).toBe(2.50001 / 3.75001);
  });
});

describe("classificationReport's data", () => {
  it('matches a float64 reference over random labels and weights (property)', () => {
    const cases = fc.record({
      n: fc.integer({ min: 1, max: 40 }), k: fc.integer({ min: 1, max: 12 }), seed: fc.integer({ min: 0, max: 1e6 }), weighted: fc.boolean(),
    });
    fc.assert(fc.property(cases, ({ n, k, seed, weighted }) => {
      const rand = (i: number): number => ((seed + 1) * 2654435761 * (i + 1)) % 4294967296 / 4294967296;
      const yTrue = Array.from({ length: n }, (_, i) => Math.floor(rand(i) * k));
      const yPred = Array.from({ length: n }, (_, i) => (rand(i + n) < 0.5 ? yTrue[i] : Math.floor(rand(i + 2 * n) * k)));
      const w = Array.from({ length: n }, (_, i) => (weighted ? Math.round(rand(i + 3 * n) * 40) / 8 : 1));
      const report = classificationReport(yTrue, yPred, weighted ? { sampleWeight: w } : {});
      const labels = [...new Set([...yTrue, ...yPred])].sort((a, b) => a - b);
      const rows = labels.map((c) => {
        let tp = 0, pred = 0, truth = 0;
        for (let i = 0; i < n; i++) {
          if (yTrue[i] === c) truth += w[i];
          if (yPred[i] === c) pred += w[i];
          if (yTrue[i] === c && yPred[i] === c) tp += w[i];
        }
        return { label: c, precision: pred ? tp / pred : 0, recall: truth ? tp / truth : 0, f1: truth + pred ? (2 * tp) / (truth + pred) : 0, support: truth };
      });
      const close = (a: number, b: number): void => expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(b)));
      expect(report.classes.map((c) => c.label)).toEqual(labels);
      report.classes.forEach((c, i) => (['precision', 'recall', 'f1', 'support'] as const).forEach((key) => close(c[key], rows[i][key])));
      const total = w.reduce((a, b) => a + b, 0), right = w.reduce((s, wi, i) => s + (yTrue[i] === yPred[i] ? wi : 0), 0);
      if (total > 0) close(report.accuracy!, right / total);
      for (const key of ['precision', 'recall', 'f1'] as const) {
        close(report.macroAvg[key], rows.reduce((s, r) => s + r[key], 0) / rows.length);
        if (total > 0) close(report.weightedAvg[key], rows.reduce((s, r) => s + r[key] * r.support, 0) / total);
      }
    }), { numRuns: 200 });
  });

  it('names bad arguments and values', () => {
    expectThrowsClean(() => classificationReport([0, 1], [0]), ShapeError, ['classificationReport: yTrue has 2 rows but yPred has 1'], memory);
    expectThrowsClean(() => classificationReport(['a', 'b'], [0, 1] as never), TypeError, ['yTrue and yPred mix strings and numbers'], memory);
    expectThrowsClean(() => classificationReport([0, 1], [0, 1], { targetNames: ['a'] }), RangeError, ['targetNames has 1 names but there are 2 labels (0, 1)'], memory);
    expectThrowsClean(() => classificationReport([0, 1], [0, 1], { labels: ['a'] }), TypeError, ['labels[0] is "a", but the data\'s labels are numbers'], memory);
    expectThrowsClean(() => classificationReport([0, 1], [0, 1], { labels: [1, 1] }), RangeError, ['labels lists 1 twice'], memory);
    expectThrowsClean(() => classificationReport([0, 1], [0, 1], { digits: 1.5 }), RangeError, ['digits must be an integer from 0 to 20, got 1.5'], memory);
    expectThrowsClean(() => classificationReport([0, 1], [0, 1], { zeroDivision: 2 }), RangeError, ["zeroDivision must be 'warn', 0, 1 or NaN, got 2"], memory);
    expectThrowsClean(() => classificationReport([0, 1], [0, 1], { sampleWeight: [1, -1] }), RangeError, ['sampleWeight[1] is -1; weights must be finite and not negative'], memory);
    expectThrowsClean(() => classificationReport([0, 1], [0, 1], { average: 'macro' } as never), RangeError, ['unknown option "average"'], memory);
    expectThrowsClean(() => classificationReport([], []), RangeError, ['yTrue and yPred are empty; pass labels'], memory);
    expectThrowsClean(() => classificationReport([0, Infinity], [0, 1]), RangeError, ['yTrue[1] is Infinity, not a label'], memory);
    expectThrowsClean(() => classificationReport([[0.5, NaN]], [0]), RangeError, ['yTrue[0][1] is NaN'], memory);
    expect(classificationReport([], [], { labels: [0, 1] }).classes.map((c) => c.support)).toEqual([0, 0]);
  });
});
