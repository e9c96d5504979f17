// The Keras / TF.js config of each layer class, both ways: `out` turns a simdeep layer's getConfig (camelCase) into
// the snake_case config tfjs-layers 4.22 writes; `in` reads a Keras 2, Keras 3 or TF.js config (through KerasConfig,
// which refuses keys simdeep cannot honour) into a simdeep class and its options. One entry per Keras class; TF.js's
// standalone activation layers (ReLU, LeakyReLU, ELU, Softmax) read as simdeep Activation layers.
import { KerasConfig, ACTIVATIONS_OUT, constraintToKeras, initializerToKeras, regularizerToKeras } from './keras-config';
import { LEAKY_ALPHA, type ActivationName } from '../nn/layers/dense';

type Config = Record<string, unknown>;

/** How one Keras class maps: out (absent for classes simdeep only reads) and in. */
interface Mapping {
  out?: (c: Config) => Config;
  in: (r: KerasConfig) => [className: string, options: Config];
}

/**
 * The regularizers and constraints of the weights named by these option prefixes (`kernel`, `bias`, …), and with
 * `activity` the activity regularizer, in Keras's keys (null where none: TF.js writes them so).
 */
const rulesOut = (c: Config, prefixes: readonly string[], activity = false): Config => Object.fromEntries([
  ...prefixes.flatMap((p) => [[`${toSnakeCase(p)}_regularizer`, regularizerToKeras(c[`${p}Regularizer`])], [`${toSnakeCase(p)}_constraint`, constraintToKeras(c[`${p}Constraint`])]]),
  ...(activity ? [['activity_regularizer', regularizerToKeras(c.activityRegularizer)]] : [])]);
/** The options rulesOut's keys give back, read from a Keras config. */
const rulesIn = (r: KerasConfig, prefixes: readonly string[], activity = false): Config => Object.fromEntries([
  ...prefixes.flatMap((p) => [[`${p}Regularizer`, r.regularizer(`${toSnakeCase(p)}_regularizer`)], [`${p}Constraint`, r.constraint(`${toSnakeCase(p)}_constraint`)]]),
  ...(activity ? [['activityRegularizer', r.regularizer('activity_regularizer')]] : [])].filter(([, v]) => v !== undefined));
const act = (name: unknown): string => ACTIVATIONS_OUT[name as Exclude<ActivationName, 'leakyRelu'>];
const init = initializerToKeras;
/** A size option as a list of `rank` sizes (simdeep keeps a number when one was given). */
const list = (value: unknown, rank: number): unknown => (typeof value === 'number' ? new Array<number>(rank).fill(value) : value);
const CHANNELS_LAST = 'simdeep layers are channels-last';

/** What every convolution writes: window, padding, activation and bias. */
function convOut(c: Config): Config {
  const rank = (c.kernelSize as number[]).length;
  return { kernel_size: c.kernelSize, strides: list(c.strides, rank), padding: c.padding, data_format: 'channels_last',
    ...(c.dilationRate !== undefined ? { dilation_rate: list(c.dilationRate, rank) } : {}), activation: act(c.activation), use_bias: c.useBias,
    bias_initializer: init(c.biasInitializer), ...rulesOut(c, ['bias'], true) };
}

/** What every convolution reads (the dilation only where the class has one). */
function convIn(r: KerasConfig, dilation = true): Config {
  r.only('data_format', ['channels_last', null], CHANNELS_LAST);
  r.only('groups', [1], 'simdeep has no grouped convolutions');
  if (!dilation) {
    r.only('dilation_rate', [1, [1, 1]], 'simdeep has no dilated transposed convolutions');
    r.only('output_padding', [null], 'simdeep has no output padding');
  }
  return { kernelSize: r.raw('kernel_size'), strides: r.raw('strides'), padding: r.raw('padding'), activation: r.activation(),
    useBias: r.flag('use_bias'), biasInitializer: r.initializer('bias_initializer'), ...(dilation ? { dilationRate: r.raw('dilation_rate') } : {}),
    ...rulesIn(r, ['bias'], true) };
}

const withKernel = (c: Config): Config => ({ filters: c.filters, kernel_initializer: init(c.kernelInitializer), ...rulesOut(c, ['kernel']), ...convOut(c) });
/** A convolution with a kernel, read. */
const kernelIn = (r: KerasConfig, className: string, dilation = true): [string, Config] =>
  [className, { ...convIn(r, dilation), filters: r.raw('filters'), kernelInitializer: r.initializer('kernel_initializer'), ...rulesIn(r, ['kernel']) }];
const depthwise = (c: Config): Config => ({ ...convOut(c), depth_multiplier: c.depthMultiplier, depthwise_initializer: init(c.depthwiseInitializer),
  ...rulesOut(c, ['depthwise']) });
const depthwiseIn = (r: KerasConfig): Config => {
  // NOTE: tfjs-layers 4.22 writes a depthwise layer's regularizer as its depthwise_constraint too (its getConfig
  // serializes depthwiseRegularizer there), and never the constraint: a regularizer's class there means none.
  const c = r.config.depthwise_constraint, copied = c !== null && typeof c === 'object' && JSON.stringify(c) === JSON.stringify(r.config.depthwise_regularizer);
  if (copied) r.take('depthwise_constraint');
  const rules = copied ? { depthwiseRegularizer: r.regularizer('depthwise_regularizer') } : rulesIn(r, ['depthwise']);
  return { ...convIn(r), depthMultiplier: r.raw('depth_multiplier'), depthwiseInitializer: r.initializer('depthwise_initializer'), ...rules };
};

const pooling = (className: string): [string, Mapping] => [className, {
  out: (c) => ({ pool_size: c.poolSize, padding: c.padding, strides: c.strides, data_format: 'channels_last' }),
  in: (r) => {
    r.only('data_format', ['channels_last', null], CHANNELS_LAST);
    return [className, { poolSize: r.raw('pool_size'), strides: r.raw('strides'), padding: r.raw('padding') }];
  },
}];
const globalPooling = (className: string): [string, Mapping] => [className, {
  out: (c) => ({ data_format: 'channels_last', ...(c.keepDims ? { keepdims: true } : {}) }),
  in: (r) => {
    r.only('data_format', ['channels_last', null], CHANNELS_LAST);
    return [className, { keepDims: r.flag('keepdims') }];
  },
}];
const merge = (className: string): [string, Mapping] => [className, {
  out: () => (className === 'Concatenate' ? { axis: -1 } : {}),
  in: (r) => {
    if (className === 'Concatenate') r.lastAxis('axis');
    return [className, {}];
  },
}];
const sides = (className: string, key: 'padding' | 'cropping'): [string, Mapping] => [className, {
  out: (c) => ({ [key]: c[key], data_format: 'channels_last' }),
  in: (r) => {
    r.only('data_format', ['channels_last', null], CHANNELS_LAST);
    return [className, { [key]: r.raw(key) }];
  },
}];
/** Keras 3's Dense and Embedding settings, at their defaults (no LoRA, not quantized). */
function keras3Extras(r: KerasConfig): void {
  for (const key of ['lora_rank', 'lora_alpha']) r.only(key, [null, 0], 'simdeep has no LoRA');
  r.only('quantization_config', [null], 'simdeep reads float32 layers (not Keras-quantized ones)');
}

/** A standalone activation layer of TF.js or Keras, read as simdeep's Activation layer. */
const activationLayer = (read: (r: KerasConfig) => ActivationName): Mapping => ({ in: (r) => ['Activation', { activation: read(r) }] });

const normalization = (r: KerasConfig): Config => {
  r.lastAxis('axis');
  return { epsilon: r.number('epsilon'), center: r.flag('center'), scale: r.flag('scale'), betaInitializer: r.initializer('beta_initializer'),
    gammaInitializer: r.initializer('gamma_initializer'), ...rulesIn(r, ['beta', 'gamma'], true) };
};
const normalizationOut = (c: Config): Config => ({ axis: -1, epsilon: c.epsilon, center: c.center, scale: c.scale, beta_initializer: init(c.betaInitializer),
  gamma_initializer: init(c.gammaInitializer), ...rulesOut(c, ['beta', 'gamma'], c.activityRegularizer !== undefined) });

/** Every Keras class simdeep writes or reads, by class name. */
export const KERAS_LAYERS: ReadonlyMap<string, Mapping> = new Map<string, Mapping>([
  ['Dense', {
    out: (c) => ({ units: c.units, activation: act(c.activation), use_bias: c.useBias, kernel_initializer: init(c.kernelInitializer),
      bias_initializer: init(c.biasInitializer), ...rulesOut(c, ['kernel', 'bias'], true) }),
    in: (r) => {
      keras3Extras(r);
      return ['Dense', { units: r.raw('units'), activation: r.activation(), useBias: r.flag('use_bias'), kernelInitializer: r.initializer('kernel_initializer'),
        biasInitializer: r.initializer('bias_initializer'), ...rulesIn(r, ['kernel', 'bias'], true) }];
    },
  }],
  ['Dropout', {
    out: (c) => ({ rate: c.rate, noise_shape: null, seed: null }),
    in: (r) => {
      r.only('noise_shape', [null], 'simdeep drops each value on its own');
      r.take('seed'); // fit's seed decides the masks
      return ['Dropout', { rate: r.number('rate') }];
    },
  }],
  ['Activation', { out: (c) => ({ activation: act(c.activation) }), in: (r) => ['Activation', { activation: r.activation() }] }],
  ['ReLU', activationLayer((r) => {
    r.only('negative_slope', [0], 'simdeep reads ReLU layers without a negative slope (use LeakyReLU with alpha 0.2)');
    r.only('threshold', [0], 'simdeep reads ReLU layers with threshold 0');
    const max = r.take('max_value');
    if (max !== null && max !== undefined && max !== 6) r.fail('max_value', 'simdeep has ReLU without a maximum and relu6');
    return max === 6 ? 'relu6' : 'relu';
  })],
  ['LeakyReLU', activationLayer((r) => {
    const key = r.config.negative_slope !== undefined ? 'negative_slope' : 'alpha';
    if (Math.fround(r.take(key) as number) !== Math.fround(LEAKY_ALPHA)) r.fail(key, `simdeep's leaky ReLU has slope ${LEAKY_ALPHA} (TF.js and Keras default to 0.3)`);
    return 'leakyRelu';
  })],
  ['ELU', activationLayer((r) => {
    r.only('alpha', [1], "simdeep's elu has alpha 1");
    return 'elu';
  })],
  ['Softmax', activationLayer((r) => {
    r.lastAxis('axis');
    return 'softmax';
  })],
  ...['Add', 'Multiply', 'Average', 'Concatenate'].map(merge),
  ['Flatten', { out: () => ({}), in: (r) => {
    r.only('data_format', ['channels_last', null], CHANNELS_LAST);
    return ['Flatten', {}];
  } }],
  ['Reshape', { out: (c) => ({ target_shape: c.targetShape }), in: (r) => ['Reshape', { targetShape: r.raw('target_shape') }] }],
  ['Permute', { out: (c) => ({ dims: c.dims }), in: (r) => ['Permute', { dims: r.raw('dims') }] }],
  ['RepeatVector', { out: (c) => ({ n: c.n }), in: (r) => ['RepeatVector', { n: r.raw('n') }] }],
  ['Conv1D', { out: withKernel, in: (r) => kernelIn(r, 'Conv1D') }],
  ['Conv2D', { out: withKernel, in: (r) => kernelIn(r, 'Conv2D') }],
  ['Conv2DTranspose', { out: withKernel, in: (r) => kernelIn(r, 'Conv2DTranspose', false) }],
  ['DepthwiseConv2D', { out: depthwise, in: (r) => ['DepthwiseConv2D', depthwiseIn(r)] }],
  ['SeparableConv2D', {
    out: (c) => ({ ...depthwise(c), filters: c.filters, pointwise_initializer: init(c.pointwiseInitializer), ...rulesOut(c, ['pointwise']) }),
    in: (r) => ['SeparableConv2D', { ...depthwiseIn(r), filters: r.raw('filters'), pointwiseInitializer: r.initializer('pointwise_initializer'), ...rulesIn(r, ['pointwise']) }],
  }],
  ['Embedding', {
    out: (c) => ({ input_dim: c.inputDim, output_dim: c.outputDim, embeddings_initializer: init(c.embeddingsInitializer), mask_zero: c.maskZero, input_length: null,
      ...rulesOut(c, ['embeddings'], true) }),
    in: (r) => {
      r.take('input_length'); // the input's shape says it
      keras3Extras(r);
      r.only('sparse', [false], 'simdeep has no sparse gradients');
      return ['Embedding', { inputDim: r.raw('input_dim'), outputDim: r.raw('output_dim'), embeddingsInitializer: r.initializer('embeddings_initializer'),
        maskZero: r.flag('mask_zero'), ...rulesIn(r, ['embeddings'], true) }];
    },
  }],
  ...['MaxPooling1D', 'MaxPooling2D', 'AveragePooling1D', 'AveragePooling2D'].map(pooling),
  ...['GlobalMaxPooling1D', 'GlobalMaxPooling2D', 'GlobalAveragePooling1D', 'GlobalAveragePooling2D'].map(globalPooling),
  sides('ZeroPadding2D', 'padding'),
  sides('Cropping2D', 'cropping'),
  ['UpSampling2D', {
    out: (c) => ({ size: c.size, interpolation: c.interpolation, data_format: 'channels_last' }),
    in: (r) => {
      r.only('data_format', ['channels_last', null], CHANNELS_LAST);
      return ['UpSampling2D', { size: r.raw('size'), interpolation: r.raw('interpolation') }];
    },
  }],
  ['BatchNormalization', {
    out: (c) => ({ ...normalizationOut(c), momentum: c.momentum, moving_mean_initializer: init(c.movingMeanInitializer),
      moving_variance_initializer: init(c.movingVarianceInitializer) }),
    in: (r) => {
      for (const key of ['renorm', 'synchronized']) r.only(key, [false], 'simdeep has plain batch normalization');
      for (const key of ['renorm_clipping', 'virtual_batch_size', 'adjustment']) r.only(key, [null], 'simdeep has plain batch normalization');
      r.take('renorm_momentum');
      r.take('fused'); // how TensorFlow runs it
      return ['BatchNormalization', { ...normalization(r), momentum: r.number('momentum'), movingMeanInitializer: r.initializer('moving_mean_initializer'),
        movingVarianceInitializer: r.initializer('moving_variance_initializer') }];
    },
  }],
  ['LayerNormalization', {
    out: normalizationOut,
    in: (r) => {
      r.only('rms_scaling', [false], 'simdeep has no RMS normalization');
      return ['LayerNormalization', normalization(r)];
    },
  }],
]);

/** A camelCase name in snake_case, as TF.js's toSnakeCase. */
export const toSnakeCase = (name: string): string => name.replace(/(.)([A-Z][a-z0-9]+)/g, '$1_$2').replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
/** A snake_case name in camelCase, as TF.js's toCamelCase. */
export const toCamelCase = (name: string): string => (name.length <= 1 || !name.includes('_') ? name : name.replace(/_+(\w|$)/g, (_m, c: string) => c.toUpperCase()));

/**
 * A custom layer's config in TF.js's Python form (convertTsToPythonic: keys, and string values other than names,
 * in snake_case), or back (`camel`): what TF.js does to a registered class's getConfig, so the same class loads in both.
 */
export function convertCase(value: unknown, camel: boolean): unknown {
  const word = camel ? toCamelCase : toSnakeCase;
  if (typeof value === 'string') return word(value);
  if (Array.isArray(value)) return value.map((v) => convertCase(v, camel));
  if (typeof value !== 'object' || value === null) return value ?? null;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([key, v]) =>
    (key === 'name' || key === 'className') && typeof v === 'string' ? [key, v] : [word(key), convertCase(v, camel)]));
}
