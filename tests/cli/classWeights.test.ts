// --class-weight (src/cli/classWeights.ts): scikit-learn's balanced weights against its formula on hand counts (each
// class's weights then sum to n / k), weights by label mapped to class indices, and errors naming the class or value.
import { describe, expect, it } from 'vitest';
import { balancedClassWeights, classWeightsOf, parseClassWeight } from '../../src/cli/classWeights';

describe('--class-weight', () => {
  it("gives scikit-learn's balanced weights: n_samples / (n_classes · count)", () => {
    // 6 rows: class 0 ×1, class 1 ×2, class 2 ×3 → 6/3 = 2, 6/6 = 1, 6/9.
    const y = [2, 1, 2, 0, 1, 2];
    expect(balancedClassWeights(y, ['a', 'b', 'c'])).toEqual({ 0: 2, 1: 1, 2: 6 / 9 });
    // Every class then carries n / k of the total weight.
    const w = balancedClassWeights(y, ['a', 'b', 'c']);
    for (const c of [0, 1, 2]) expect(y.filter((v) => v === c).length * w[c]).toBeCloseTo(2, 12);
    expect(() => balancedClassWeights([0, 0], ['a', 'b'])).toThrow('--class-weight balanced: the class "b" has no training rows');
  });

  it('maps weights by label to class indices; other classes are left out (weigh 1)', () => {
    const setting = parseClassWeight('{"yes": 5, "__proto__": 0.5}');
    expect(classWeightsOf(setting, ['__proto__', 'no', 'yes'], [], 'buys')).toEqual({ 0: 0.5, 2: 5 });
    expect(classWeightsOf('balanced', ['no', 'yes'], [0, 0, 0, 1], 'buys')).toEqual({ 0: 4 / 6, 1: 2 });
  });

  it('names what cannot work', () => {
    expect(() => parseClassWeight('{"yes": -1}')).toThrow('--class-weight gives the class "yes" the weight -1; weights must be finite numbers from 0');
    expect(() => parseClassWeight('{"yes": "5"}')).toThrow('the weight "5"');
    expect(() => parseClassWeight('[1, 2]')).toThrow('--class-weight must be balanced or a JSON object of class → weight, got [1, 2]');
    expect(() => parseClassWeight('balance')).toThrow(`--class-weight must be balanced or a JSON object of class → weight, such as '{"yes": 5}', got balance`);
    expect(() => classWeightsOf({ maybe: 2 }, ['no', 'yes'], [], 'buys')).toThrow('--class-weight names the class "maybe", which the target "buys" does not have (classes: "no", "yes")');
    expect(() => classWeightsOf('balanced', undefined, [], 'price')).toThrow('--class-weight needs a classification target; "price" is predicted by regression');
  });
});
