// Reading one Keras layer config (snake_case, as TF.js and Keras write it) key by key: every value checked and named
// in errors with the layer, its class and the key; keys nobody took are errors, so a setting simdeep would silently
// drop (a frozen layer, a regularizer of a weight the layer has not) is refused instead. Also the initializer,
// regularizer, constraint and activation names of both sides.
import type { ActivationName } from '../nn/layers/dense';
import { isRecord, show } from '../nn/parse';

// parse.ts's, for the io modules that import them from here.
export { isRecord, show };

/** Keras activation names → simdeep's (TF.js and Keras 2 names, and Keras 3's silu and leaky_relu, whose slope is 0.2). */
const ACTIVATIONS_IN: Record<string, ActivationName> = {
  linear: 'linear', relu: 'relu', sigmoid: 'sigmoid', tanh: 'tanh', elu: 'elu', selu: 'selu', relu6: 'relu6', hard_sigmoid: 'hardSigmoid',
  softplus: 'softplus', gelu: 'gelu', swish: 'swish', silu: 'swish', softmax: 'softmax', leaky_relu: 'leakyRelu',
};
/** simdeep's activation names → TF.js's (leakyRelu has none: the topology writes a LeakyReLU layer). */
export const ACTIVATIONS_OUT: Record<Exclude<ActivationName, 'leakyRelu'>, string> = {
  linear: 'linear', relu: 'relu', sigmoid: 'sigmoid', tanh: 'tanh', elu: 'elu', selu: 'selu', relu6: 'relu6', hardSigmoid: 'hard_sigmoid',
  softplus: 'softplus', gelu: 'gelu', swish: 'swish', softmax: 'softmax',
};

/** simdeep initializer names → Keras class names. */
const INITIALIZERS_OUT: Record<string, string> = {
  glorotUniform: 'GlorotUniform', glorotNormal: 'GlorotNormal', heUniform: 'HeUniform', heNormal: 'HeNormal', zeros: 'Zeros', ones: 'Ones',
  randomNormal: 'RandomNormal', randomUniform: 'RandomUniform',
};
const INITIALIZERS_IN: Record<string, string> = Object.fromEntries(Object.entries(INITIALIZERS_OUT).flatMap(([simdeep, keras]) =>
  [[keras, simdeep], [keras.replace(/(.)([A-Z])/g, '$1_$2').toLowerCase(), simdeep]]));

/** A simdeep initializer config ({ name, seed, ... }) as Keras's { class_name, config }. */
export function initializerToKeras(config: unknown): { class_name: string; config: Record<string, unknown> } {
  const { name, seed, min, max, mean, stddev } = config as Record<string, number | string | undefined>;
  const className = INITIALIZERS_OUT[name as string];
  const out: Record<string, unknown> = name === 'randomUniform' ? { minval: min, maxval: max } : name === 'randomNormal' ? { mean, stddev } : {};
  if (name !== 'zeros' && name !== 'ones') out.seed = seed ?? null;
  return { class_name: className, config: out };
}

/** The regularizer classes simdeep reads (Keras's L1 and L2 hold one factor each; TF.js writes L1L2 alone). */
const REGULARIZERS_IN: Record<string, readonly string[]> = { L1L2: ['l1', 'l2'], L1: ['l1'], L2: ['l2'] };
/** Keras's regularizer names as strings ('l2' in a config), with Keras's default factor. */
const REGULARIZER_NAMES: Record<string, { l1: number; l2: number }> = {
  l1: { l1: 0.01, l2: 0 }, l2: { l1: 0, l2: 0.01 }, l1_l2: { l1: 0.01, l2: 0.01 }, l1l2: { l1: 0.01, l2: 0.01 },
};
/** The constraint classes simdeep reads, with their config keys (snake_case). */
const CONSTRAINTS_IN: Record<string, readonly string[]> = { MaxNorm: ['max_value', 'axis'], NonNeg: [], UnitNorm: ['axis'] };
const CONSTRAINT_NAMES: Record<string, string> = { max_norm: 'MaxNorm', maxNorm: 'MaxNorm', non_neg: 'NonNeg', nonNeg: 'NonNeg', unit_norm: 'UnitNorm', unitNorm: 'UnitNorm' };

/** A simdeep regularizer config ({ className, config: { l1, l2 } }) as TF.js's { class_name: 'L1L2', config }, or null. */
export function regularizerToKeras(value: unknown): { class_name: string; config: Record<string, unknown> } | null {
  if (!isRecord(value) || !isRecord(value.config)) return null;
  return { class_name: 'L1L2', config: { l1: value.config.l1, l2: value.config.l2 } };
}

/** A simdeep constraint config ({ className, config: { maxValue, axis } }) as Keras's { class_name, config }, or null. */
export function constraintToKeras(value: unknown): { class_name: string; config: Record<string, unknown> } | null {
  if (!isRecord(value) || typeof value.className !== 'string' || !isRecord(value.config)) return null;
  const { maxValue, axis } = value.config;
  return { class_name: value.className, config: { ...(maxValue !== undefined ? { max_value: maxValue } : {}), ...(axis !== undefined ? { axis } : {}) } };
}

/** VarianceScaling settings (scale, mode, uniform) of the initializers simdeep has. */
const SCALINGS: [number, string, boolean, string][] = [[1, 'fan_avg', true, 'glorotUniform'], [1, 'fan_avg', false, 'glorotNormal'],
  [2, 'fan_in', true, 'heUniform'], [2, 'fan_in', false, 'heNormal']];

/** One Keras layer config being read: `take` each key it maps, then `finish` refuses whatever is left. */
export class KerasConfig {
  private readonly taken = new Set<string>(['name']);

  /**
   * `where` names the layer in errors (`op: layer "dense_1" (Dense)`); `dims` is the sample shape of its (first)
   * argument; `keras3` says the file came from Keras 3 (whose hard_sigmoid differs from TF.js's).
   */
  constructor(readonly config: Record<string, unknown>, readonly where: string, readonly dims: readonly number[], readonly keras3: boolean) {}

  /** Throws the RangeError for `key`: its value and what was expected. */
  fail(key: string, expected: string): never {
    throw new RangeError(`${this.where}: ${key} is ${show(this.config[key])}; ${expected}`);
  }

  /** The value of `key` (undefined when absent), marked as read. */
  take(key: string): unknown {
    this.taken.add(key);
    return Object.hasOwn(this.config, key) ? this.config[key] : undefined;
  }

  /** Accepts `key` when absent or equal to one of `allowed` (compared as JSON); else an error saying what simdeep does. */
  only(key: string, allowed: readonly unknown[], why: string): void {
    const value = this.take(key);
    if (value === undefined || allowed.some((a) => JSON.stringify(a) === JSON.stringify(value))) return;
    this.fail(key, why);
  }

  /** A finite number (default when absent or null). */
  number(key: string, fallback?: number): number | undefined {
    const value = this.take(key);
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'number' || !Number.isFinite(value)) this.fail(key, 'expected a number');
    return value;
  }

  /** A boolean (default when absent or null). */
  flag(key: string, fallback?: boolean): boolean | undefined {
    const value = this.take(key);
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'boolean') this.fail(key, 'expected true or false');
    return value;
  }

  /** The value as it is (simdeep's own options check it and name the option). */
  raw(key: string): unknown {
    const value = this.take(key);
    return value === null ? undefined : value;
  }

  /** An activation name, as simdeep's. */
  activation(key = 'activation'): ActivationName | undefined {
    const value = this.take(key);
    if (value === undefined || value === null) return undefined;
    if (this.keras3 && value === 'hard_sigmoid') this.fail(key, "Keras 3's hard_sigmoid is relu6(x + 3) / 6, and simdeep's is TF.js's (0.2·x + 0.5 clipped)");
    if (typeof value !== 'string' || !Object.hasOwn(ACTIVATIONS_IN, value)) this.fail(key, `simdeep has the activations ${Object.keys(ACTIVATIONS_IN).join(', ')}`);
    return ACTIVATIONS_IN[value];
  }

  /** An initializer ({ class_name, config } or a name) as simdeep's config. */
  initializer(key: string): Record<string, unknown> | undefined {
    const value = this.take(key);
    if (value === undefined || value === null) return undefined;
    const className = typeof value === 'string' ? value : isRecord(value) ? value.class_name : undefined;
    const c = isRecord(value) && isRecord(value.config) ? value.config : {};
    const seed = c.seed ?? undefined;
    if (className === 'VarianceScaling') {
      const uniform = c.distribution === 'uniform';
      const found = SCALINGS.find(([scale, mode, u]) => c.scale === scale && c.mode === mode && u === uniform);
      if (!found) this.fail(key, 'simdeep has VarianceScaling only as GlorotUniform, GlorotNormal, HeUniform and HeNormal');
      return { name: found[3], seed };
    }
    if (className === 'Constant' && (c.value === 0 || c.value === 1)) return { name: c.value === 0 ? 'zeros' : 'ones' };
    if (typeof className !== 'string' || !Object.hasOwn(INITIALIZERS_IN, className)) {
      this.fail(key, `simdeep has the initializers ${Object.values(INITIALIZERS_OUT).join(', ')} (and VarianceScaling as those)`);
    }
    const name = INITIALIZERS_IN[className];
    if (name === 'randomUniform') return { name, min: c.minval ?? -0.05, max: c.maxval ?? 0.05, seed };
    if (name === 'randomNormal') return { name, mean: c.mean ?? 0, stddev: c.stddev ?? 0.05, seed };
    return name === 'zeros' || name === 'ones' ? { name } : { name, seed };
  }

  /**
   * A regularizer ({ class_name, config } of Keras 2, 3 or TF.js, or Keras's name) as simdeep's config, which the
   * layer's options check (undefined when absent or null).
   */
  regularizer(key: string): Record<string, unknown> | undefined {
    const value = this.take(key);
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string' && Object.hasOwn(REGULARIZER_NAMES, value)) return { className: 'L1L2', config: { ...REGULARIZER_NAMES[value] } };
    const className = isRecord(value) ? value.class_name : undefined;
    if (typeof className !== 'string' || !Object.hasOwn(REGULARIZERS_IN, className) || !isRecord(value) || !(value.config === undefined || isRecord(value.config))) {
      this.fail(key, `simdeep has the regularizers ${Object.keys(REGULARIZERS_IN).join(', ')} (and the names ${Object.keys(REGULARIZER_NAMES).join(', ')}), not ${show(className ?? value)}`);
    }
    const c = (value.config ?? {}) as Record<string, unknown>;
    const extra = Object.keys(c).find((k) => !REGULARIZERS_IN[className].includes(k));
    if (extra !== undefined) this.fail(key, `a ${className} regularizer has no setting ${show(extra)}`);
    return { className: 'L1L2', config: { l1: c.l1 ?? 0, l2: c.l2 ?? 0 } };
  }

  /** A constraint ({ class_name, config } or a name) as simdeep's config (undefined when absent or null). */
  constraint(key: string): Record<string, unknown> | undefined {
    const value = this.take(key);
    if (value === undefined || value === null) return undefined;
    const className = typeof value === 'string' ? CONSTRAINT_NAMES[value] : isRecord(value) ? value.class_name : undefined;
    const c = isRecord(value) && isRecord(value.config) ? value.config : {};
    if (typeof className !== 'string' || !Object.hasOwn(CONSTRAINTS_IN, className) || (isRecord(value) && !(value.config === undefined || isRecord(value.config)))) {
      this.fail(key, `simdeep has the constraints ${Object.keys(CONSTRAINTS_IN).join(', ')}, not ${show(className ?? value)}`);
    }
    const extra = Object.keys(c).find((k) => !CONSTRAINTS_IN[className].includes(k));
    if (extra !== undefined) this.fail(key, `a ${className} constraint has no setting ${show(extra)} (simdeep has no rate)`);
    return { className, config: { ...(c.max_value !== undefined ? { maxValue: c.max_value } : {}), ...(c.axis !== undefined ? { axis: c.axis } : {}) } };
  }

  /** An axis that must be the last one of the argument: -1, its index, or a list of that one. */
  lastAxis(key: string): void {
    const value = this.take(key);
    if (value === undefined || value === null) return;
    const axis = Array.isArray(value) && value.length === 1 ? value[0] : value;
    if (axis !== -1 && axis !== this.dims.length) this.fail(key, `simdeep's layer works on the last axis only (-1 or ${this.dims.length} here)`);
  }

  /**
   * Refuses every key not taken, except the ones any layer may carry: trainable (true), dtype (float32), the input
   * shape keys (the topology reads them), and null regularizers and constraints.
   */
  finish(): void {
    this.only('trainable', [true], 'simdeep trains every layer (frozen layers are not supported)');
    const checked = this.taken.has('dtype'); // an InputLayer's own check allows integer indices
    const dtype = this.take('dtype');
    const dtypeName = isRecord(dtype) && isRecord(dtype.config) ? dtype.config.name : dtype;
    if (!checked && dtype !== undefined && dtype !== null && dtypeName !== 'float32') this.fail('dtype', "simdeep's layers compute in float32");
    for (const key of ['batch_input_shape', 'batch_shape', 'input_shape', 'input_dim']) this.take(key);
    for (const key of Object.keys(this.config)) {
      if (this.taken.has(key)) continue;
      if (/_(regularizer|constraint)$/.test(key)) {
        if (this.config[key] !== null) this.fail(key, 'simdeep takes regularizers and constraints on the weights the layer has (kernel, bias, ...) and its activity only');
        continue;
      }
      throw new RangeError(`${this.where}: has the key ${show(key)}, a setting simdeep does not have`);
    }
  }
}
