// --class-weight: scikit-learn's 'balanced' weights from the training rows, or weights given by class label, as the
// class-index record fit's classWeight takes.

/** What --class-weight says: 'balanced', or weights by class label (classes left out weigh 1). */
export type ClassWeightSetting = 'balanced' | Readonly<Record<string, number>>;

/**
 * scikit-learn's `compute_class_weight('balanced')`: each class weighs n_samples / (n_classes · its count), so that
 * every class carries the same total weight. `y` holds the training rows' class indices; a class with no training
 * row is an error naming it.
 */
export function balancedClassWeights(y: ArrayLike<number>, classes: readonly string[]): Record<number, number> {
  const counts = new Float64Array(classes.length);
  for (let i = 0; i < y.length; i++) counts[y[i]]++;
  const weights: Record<number, number> = {};
  counts.forEach((count, c) => {
    if (count === 0) throw new RangeError(`--class-weight balanced: the class ${JSON.stringify(classes[c])} has no training rows; a balanced weight needs at least one`);
    weights[c] = y.length / (classes.length * count);
  });
  return weights;
}

/** The weights by class index that --class-weight sets; a label that is not a class is an error naming it. */
export function classWeightsOf(setting: ClassWeightSetting, classes: readonly string[] | undefined, y: ArrayLike<number>, target: string): Record<number, number> {
  if (!classes) throw new RangeError(`--class-weight needs a classification target; ${JSON.stringify(target)} is predicted by regression`);
  if (setting === 'balanced') return balancedClassWeights(y, classes);
  const weights: Record<number, number> = {};
  for (const [label, weight] of Object.entries(setting)) {
    const c = classes.indexOf(label);
    if (c < 0) throw new RangeError(`--class-weight names the class ${JSON.stringify(label)}, which the target ${JSON.stringify(target)} does not have (classes: ${classes.map((k) => JSON.stringify(k)).join(', ')})`);
    weights[c] = weight;
  }
  return weights;
}

/** Parses --class-weight: 'balanced', or a JSON object of class label → weight (finite, not negative). */
export function parseClassWeight(value: string): ClassWeightSetting {
  if (value === 'balanced') return value;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new RangeError(`--class-weight must be balanced or a JSON object of class → weight, such as '{"yes": 5}', got ${value}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new RangeError(`--class-weight must be balanced or a JSON object of class → weight, got ${value}`);
  }
  // NOTE: class labels are data ('__proto__' too): a record without a prototype.
  const weights: Record<string, number> = Object.create(null);
  for (const [label, weight] of Object.entries(parsed)) {
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0) {
      throw new RangeError(`--class-weight gives the class ${JSON.stringify(label)} the weight ${JSON.stringify(weight)}; weights must be finite numbers from 0`);
    }
    weights[label] = weight;
  }
  return weights;
}

