import { showValue } from '../tensor/errors';
import { checkOptionKeys } from '../tensor/options';
import { checkInteger, checkNumber } from '../tensor/shape';
import { full, tensor } from '../tensor/create';
import { randn, randomUniform as uniformTensor } from '../tensor/random';
import type { Tensor } from '../tensor/tensor';

/**
 * Creates a layer's initial weights of a shape, given its fan-in and fan-out: what `initializers.heNormal()` and
 * the others return, and what `dense`'s kernelInitializer and biasInitializer take. Layers loaded from a file are
 * rebuilt with zeros and then given the saved weights.
 * @example
 * const init: initializers.Initializer = initializers.glorotUniform({ seed: 1 });
 * init.init([3, 2], 3, 2).shape; // [3, 2]
 */
export interface Initializer {
  /** Name and options, for saving the model. */
  readonly config: {
    /** The initializer's name, e.g. 'heNormal'. */
    name: string;
    /** Its options, e.g. seed. */
    [option: string]: number | string | undefined;
  };
  /**
   * A new tensor of `shape` with initial values for a layer of `fanIn` inputs and `fanOut` outputs. A random
   * initializer without a seed of its own draws from `seed` if given (a model passes one derived from its own seed),
   * else from the global generator.
   */
  init(shape: readonly number[], fanIn: number, fanOut: number, seed?: number): Tensor;
}

/**
 * Options every random initializer takes. A seed makes the layer's initial weights repeatable.
 * @example
 * const option: initializers.SeedOption = { seed: 7 };
 * const a = initializers.heNormal(option).init([2, 2], 2, 2), b = initializers.heNormal(option).init([2, 2], 2, 2);
 * equal(a, b).sum().item(); // 4
 */
export interface SeedOption {
  /**
   * Seed of this initializer alone; without it, the seed of the model the layer is in (see `sequential`), else the
   * global generator (see `seed`).
   */
  seed?: number;
}

/**
 * Checks an initializer's options: an object of the `allowed` keys (and seed) whose seed, if given, is an integer
 * in [0, 2^53).
 */
function checkOptions<T extends SeedOption>(options: T, op: string, allowed: readonly string[] = []): T {
  checkOptionKeys(op, options, [...allowed, 'seed']);
  if (options.seed !== undefined) checkInteger(options.seed, op, 'seed', 0, Number.MAX_SAFE_INTEGER);
  return options;
}

/**
 * Normal values of mean `mean` (default 0) and standard deviation `stddev` (default 0.05). Throws a TypeError for a
 * mean or stddev that is not a number, a RangeError for an infinite one, a negative stddev or a seed outside [0, 2^53).
 * @example
 * const layer = dense({ units: 4, inputShape: [3], kernelInitializer: initializers.randomNormal({ stddev: 0.05, seed: 1 }) });
 * const [kernel] = sequential([layer]).getWeights();
 * kernel.abs().max().item() < 0.5; // true
 */
export function randomNormal(options: { mean?: number; stddev?: number } & SeedOption = {}): Initializer {
  const { mean = 0, stddev = 0.05, seed } = checkOptions(options, 'randomNormal', ['mean', 'stddev']);
  checkNumber(mean, 'randomNormal', 'mean', false);
  checkNumber(stddev, 'randomNormal', 'stddev', false);
  if (!Number.isFinite(Math.fround(mean)) || !Number.isFinite(Math.fround(stddev)) || stddev < 0) {
    throw new RangeError(`randomNormal: need a finite mean and stddev >= 0, got mean ${mean} and stddev ${stddev}`);
  }
  return { config: { name: 'randomNormal', mean, stddev, seed }, init: (shape, _in, _out, given) => randn(shape, { mean, std: stddev, seed: seed ?? given }) };
}

/**
 * Uniform values in [min, max) (the classic -1..1 by default). Throws a TypeError for a bound that is not a number, a
 * RangeError unless min < max, both finite as float32, and for a seed outside [0, 2^53).
 * @example
 * const layer = dense({ units: 4, inputShape: [3], kernelInitializer: initializers.randomUniform({ min: -0.1, max: 0.1, seed: 1 }) });
 * const [kernel] = sequential([layer]).getWeights();
 * kernel.abs().max().item() < 0.1; // true
 */
export function randomUniform(options: { min?: number; max?: number } & SeedOption = {}): Initializer {
  const { min = -1, max = 1, seed } = checkOptions(options, 'randomUniform', ['min', 'max']);
  checkNumber(min, 'randomUniform', 'min', false);
  checkNumber(max, 'randomUniform', 'max', false);
  if (!(Math.fround(min) < Math.fround(max)) || !Number.isFinite(Math.fround(max) - Math.fround(min))) {
    throw new RangeError(`randomUniform: need finite min < max as float32, got min ${min} and max ${max}`);
  }
  return { config: { name: 'randomUniform', min, max, seed }, init: (shape, _in, _out, given) => uniformTensor(shape, min, max, { seed: seed ?? given }) };
}

/**
 * Glorot (Xavier) uniform: U(-l, l) with l = sqrt(6 / (fanIn + fanOut)). The default for dense kernels, as in Keras.
 * @example
 * dense({ units: 4, kernelInitializer: initializers.glorotUniform({ seed: 1 }) }).kernelInitializer.config; // { name: 'glorotUniform', seed: 1 }
 */
export function glorotUniform(options: SeedOption = {}): Initializer {
  const { seed } = checkOptions(options, 'glorotUniform');
  return {
    config: { name: 'glorotUniform', seed },
    init: (shape, fanIn, fanOut, given) => { const l = Math.sqrt(6 / Math.max(1, fanIn + fanOut)); return uniformTensor(shape, -l, l, { seed: seed ?? given }); },
  };
}

/**
 * Glorot normal: N(0, 2 / (fanIn + fanOut)), not truncated.
 * @example
 * const w = initializers.glorotNormal({ seed: 1 }).init([200, 200], 200, 200);
 * w.square().mean().item(); // ≈ 0.005 (the variance, 2 / 400)
 */
export function glorotNormal(options: SeedOption = {}): Initializer {
  const { seed } = checkOptions(options, 'glorotNormal');
  return { config: { name: 'glorotNormal', seed }, init: (shape, fanIn, fanOut, given) => randn(shape, { std: Math.sqrt(2 / Math.max(1, fanIn + fanOut)), seed: seed ?? given }) };
}

/**
 * He uniform: U(-l, l) with l = sqrt(6 / fanIn), for ReLU layers.
 * @example
 * const w = initializers.heUniform({ seed: 1 }).init([6, 4], 6, 4);
 * w.abs().max().item() < 1; // true
 * dense({ units: 4, activation: 'relu', kernelInitializer: initializers.heUniform({ seed: 1 }) });
 */
export function heUniform(options: SeedOption = {}): Initializer {
  const { seed } = checkOptions(options, 'heUniform');
  return {
    config: { name: 'heUniform', seed },
    init: (shape, fanIn, _out, given) => { const l = Math.sqrt(6 / Math.max(1, fanIn)); return uniformTensor(shape, -l, l, { seed: seed ?? given }); },
  };
}

/**
 * He normal: N(0, 2 / fanIn), not truncated, for ReLU layers.
 * @example
 * const w = initializers.heNormal({ seed: 1 }).init([200, 200], 200, 200);
 * w.square().mean().item(); // ≈ 0.01 (the variance, 2 / 200)
 */
export function heNormal(options: SeedOption = {}): Initializer {
  const { seed } = checkOptions(options, 'heNormal');
  return { config: { name: 'heNormal', seed }, init: (shape, fanIn, _out, given) => randn(shape, { std: Math.sqrt(2 / Math.max(1, fanIn)), seed: seed ?? given }) };
}

/**
 * Options of `varianceScaling`.
 * @example
 * const options: initializers.VarianceScalingOptions = { scale: 2, mode: 'fanIn', distribution: 'normal', seed: 1 };
 * initializers.varianceScaling(options).config.scale; // 2
 */
export interface VarianceScalingOptions extends SeedOption {
  /** The variance's scale (default 1). */
  scale?: number;
  /** The fan it divides by: 'fanIn' (default), 'fanOut' or 'fanAvg'. */
  mode?: 'fanIn' | 'fanOut' | 'fanAvg';
  /** 'normal' (default: a normal truncated at 2 standard deviations) or 'uniform'. */
  distribution?: 'normal' | 'uniform';
}

/**
 * Variance scaling, as Keras' and TensorFlow.js's VarianceScaling (the name 'varianceScaling' takes their defaults):
 * variance scale / n, n the fan-in, fan-out or their mean; a normal truncated at 2 standard deviations (redrawn beyond),
 * or uniform in ±sqrt(3·scale/n).
 * @throws RangeError for a scale that is not a positive number, an unknown mode or distribution, or a bad seed.
 * @example
 * const w = initializers.varianceScaling({ seed: 1 }).init([100, 100], 100, 100);
 * w.abs().max().item() <= 0.2; // true (within 2 standard deviations, 0.1 each)
 */
export function varianceScaling(options: VarianceScalingOptions = {}): Initializer {
  const op = 'varianceScaling';
  const { seed, scale = 1, mode = 'fanIn', distribution = 'normal' } = checkOptions(options, op, ['scale', 'mode', 'distribution']);
  if (!(checkNumber(scale, op, 'scale', false) > 0)) throw new RangeError(`${op}: scale must be a positive number, got ${showValue(scale)}`);
  if (!['fanIn', 'fanOut', 'fanAvg'].includes(mode)) throw new RangeError(`${op}: mode must be 'fanIn', 'fanOut' or 'fanAvg', got ${showValue(mode)}`);
  if (distribution !== 'normal' && distribution !== 'uniform') throw new RangeError(`${op}: distribution must be 'normal' or 'uniform', got ${showValue(distribution)}`);
  return {
    config: { name: op, scale, mode, distribution, seed },
    init: (shape, fanIn, fanOut, given) => {
      const n = Math.max(1, mode === 'fanIn' ? fanIn : mode === 'fanOut' ? fanOut : (fanIn + fanOut) / 2);
      const from = seed ?? given;
      if (distribution === 'uniform') { const l = Math.sqrt(3 * scale / n); return uniformTensor(shape, -l, l, { seed: from }); }
      return truncatedNormal(shape, Math.sqrt(scale / n), from);
    },
  };
}

/** Normal values of standard deviation `std`, those beyond 2·std redrawn (as TF.js's truncatedNormal). */
function truncatedNormal(shape: readonly number[], std: number, seed: number | undefined): Tensor {
  const first = randn(shape, { std, seed });
  const values = first.dataSync();
  first.dispose();
  for (let round = 1, bad = values.findIndex((v) => Math.abs(v) > 2 * std); bad >= 0; round++) {
    const more = randn([values.length], { std, seed: seed === undefined ? undefined : (seed + round) % Number.MAX_SAFE_INTEGER });
    const fresh = more.dataSync();
    more.dispose();
    for (let i = bad, j = 0; i < values.length; i++) if (Math.abs(values[i]) > 2 * std) values[i] = fresh[j++];
    bad = values.findIndex((v) => Math.abs(v) > 2 * std);
  }
  return tensor(values, shape);
}

/**
 * All zeros (the default for biases; also the name 'zeros').
 * @example
 * initializers.zeros().init([2], 3, 2).toArray(); // [0, 0]
 */
export function zeros(options: Record<string, never> = {}): Initializer {
  checkOptionKeys('zeros', options, []);
  return { config: { name: 'zeros' }, init: (shape) => full(shape, 0) };
}

/**
 * All ones (also the name 'ones').
 * @example
 * const model = sequential([dense({ units: 2, inputShape: [3], biasInitializer: initializers.ones() })]);
 * (model.layers[0] as Dense).bias?.toArray(); // [1, 1]
 */
export function ones(options: Record<string, never> = {}): Initializer {
  checkOptionKeys('ones', options, []);
  return { config: { name: 'ones' }, init: (shape) => full(shape, 1) };
}

const byName = {
  randomNormal, randomUniform, glorotUniform, glorotNormal, heUniform, heNormal, varianceScaling, zeros, ones,
} as Record<string, (options: never) => Initializer>;

/**
 * An initializer from a name, a saved config or an Initializer.
 * @internal
 */
export function toInitializer(value: string | Initializer | Initializer['config'], op: string, arg: string): Initializer {
  if (typeof value === 'object' && value !== null && 'init' in value) return value as Initializer;
  const config = (typeof value === 'string' ? { name: value } : value) as Initializer['config'] | null;
  const make = config && typeof config.name === 'string' && Object.hasOwn(byName, config.name) ? byName[config.name] : undefined;
  if (!make) throw new RangeError(`${op}: ${arg} must be one of ${Object.keys(byName).join(', ')}, got ${showValue(config?.name ?? value)}`);
  const options = Object.fromEntries(Object.entries(config ?? {}).filter(([key, v]) => key !== 'name' && v !== undefined)) as Record<string, number>;
  return make(options as never);
}
