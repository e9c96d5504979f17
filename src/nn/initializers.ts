import { checkNumber } from '../tensor/shape';
import { full } from '../tensor/create';
import { randn, randomUniform as uniformTensor } from '../tensor/random';
import type { Tensor } from '../tensor/tensor';

/** Creates a layer's initial weights of a shape, given its fan-in and fan-out. */
export interface Initializer {
  /** Name and options, for saving the model. */
  readonly config: { name: string; [option: string]: number | string | undefined };
  init(shape: readonly number[], fanIn: number, fanOut: number): Tensor;
}

/** Options every random initializer takes. */
export interface SeedOption {
  /** Seed of this initializer alone (else the global generator, see `seed`). */
  seed?: number;
}

/**
 * Normal values with a mean and a (small) standard deviation.
 * @example
 * dense({ units: 4, kernelInitializer: randomNormal({ stddev: 0.05, seed: 1 }) });
 */
export function randomNormal({ mean = 0, stddev = 0.05, seed }: { mean?: number; stddev?: number } & SeedOption = {}): Initializer {
  checkNumber(mean, 'randomNormal', 'mean', false);
  checkNumber(stddev, 'randomNormal', 'stddev', false);
  return { config: { name: 'randomNormal', mean, stddev, seed }, init: (shape) => randn(shape, { mean, std: stddev, seed }) };
}

/**
 * Uniform values in [min, max) (the classic -1..1 by default).
 * @example
 * dense({ units: 4, kernelInitializer: randomUniform({ min: -1, max: 1, seed: 1 }) });
 */
export function randomUniform({ min = -1, max = 1, seed }: { min?: number; max?: number } & SeedOption = {}): Initializer {
  return { config: { name: 'randomUniform', min, max, seed }, init: (shape) => uniformTensor(shape, min, max, { seed }) };
}

/**
 * Glorot (Xavier) uniform: U(-l, l) with l = sqrt(6 / (fanIn + fanOut)). Keras' default for dense kernels.
 * @example
 * dense({ units: 4, kernelInitializer: glorotUniform({ seed: 1 }) });
 */
export function glorotUniform({ seed }: SeedOption = {}): Initializer {
  return {
    config: { name: 'glorotUniform', seed },
    init: (shape, fanIn, fanOut) => { const l = Math.sqrt(6 / Math.max(1, fanIn + fanOut)); return uniformTensor(shape, -l, l, { seed }); },
  };
}

/**
 * Glorot normal: N(0, 2 / (fanIn + fanOut)).
 * @example
 * dense({ units: 4, kernelInitializer: glorotNormal({ seed: 1 }) });
 */
export function glorotNormal({ seed }: SeedOption = {}): Initializer {
  return { config: { name: 'glorotNormal', seed }, init: (shape, fanIn, fanOut) => randn(shape, { std: Math.sqrt(2 / Math.max(1, fanIn + fanOut)), seed }) };
}

/**
 * He uniform: U(-l, l) with l = sqrt(6 / fanIn), for ReLU layers.
 * @example
 * dense({ units: 4, activation: 'relu', kernelInitializer: heUniform({ seed: 1 }) });
 */
export function heUniform({ seed }: SeedOption = {}): Initializer {
  return {
    config: { name: 'heUniform', seed },
    init: (shape, fanIn) => { const l = Math.sqrt(6 / Math.max(1, fanIn)); return uniformTensor(shape, -l, l, { seed }); },
  };
}

/**
 * He normal: N(0, 2 / fanIn), for ReLU layers.
 * @example
 * dense({ units: 4, activation: 'relu', kernelInitializer: heNormal({ seed: 1 }) });
 */
export function heNormal({ seed }: SeedOption = {}): Initializer {
  return { config: { name: 'heNormal', seed }, init: (shape, fanIn) => randn(shape, { std: Math.sqrt(2 / Math.max(1, fanIn)), seed }) };
}

/**
 * All zeros (the default for biases).
 * @example
 * dense({ units: 4, biasInitializer: zeros() });
 */
export function zeros(): Initializer {
  return { config: { name: 'zeros' }, init: (shape) => full(shape, 0) };
}

/**
 * All ones.
 * @example
 * dense({ units: 4, biasInitializer: ones() });
 */
export function ones(): Initializer {
  return { config: { name: 'ones' }, init: (shape) => full(shape, 1) };
}

const byName: Record<string, (options: Record<string, number | undefined>) => Initializer> = {
  randomNormal, randomUniform, glorotUniform, glorotNormal, heUniform, heNormal, zeros, ones,
};

/** An initializer from a name, a saved config or an Initializer. */
export function toInitializer(value: string | Initializer | Initializer['config'], op: string, arg: string): Initializer {
  if (typeof value === 'object' && value !== null && 'init' in value) return value as Initializer;
  const config = (typeof value === 'string' ? { name: value } : value) as Initializer['config'] | null;
  const make = config && Object.hasOwn(byName, config.name) ? byName[config.name] : undefined;
  if (!make) throw new RangeError(`${op}: ${arg} must be one of ${Object.keys(byName).join(', ')}, got ${JSON.stringify(config?.name ?? value)}`);
  const options = Object.fromEntries(Object.entries(config ?? {}).filter(([key, v]) => key !== 'name' && typeof v === 'number')) as Record<string, number>;
  return make(options);
}
