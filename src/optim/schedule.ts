// A learning-rate schedule: its kind and settings, written as a schedule record (SCHEDULE_ words of
// assembly/layout.ts) that assembly/schedule.ts's learningRateAt reads: in the training loop once per step, and here
// for `rate(step)` and optimizer.applyGradients, so every path takes the same rate. The factories are in
// schedules.ts.
import {
  SCHEDULE_COUNT, SCHEDULE_FLAG, SCHEDULE_INITIAL, SCHEDULE_KIND, SCHEDULE_P1, SCHEDULE_P2, SCHEDULE_P3, SCHEDULE_STEPS,
  SCHEDULE_TABLE, SCHEDULE_WORDS,
} from '../../assembly/layout';
import { allocBytes, freeBytes } from '../runtime/heap';
import { kernels, wasmMemory } from '../runtime/wasm';
import { showValue } from '../tensor/errors';

/**
 * A schedule's settings as JSON, as Keras serializes one: the class name Keras gives it and its options (every one
 * filled in; `warmupTarget` null when there is no warm-up). An optimizer's config holds one as its `learningRate`;
 * `compile` and model files take it there.
 * @example
 * const config: ScheduleConfig = { className: 'ExponentialDecay', config: { initialLearningRate: 0.1, decaySteps: 100, decayRate: 0.5, staircase: false } };
 * const model = sequential([dense({ units: 1, inputShape: [1] })]);
 * model.compile({ optimizer: { name: 'sgd', learningRate: config }, loss: 'meanSquaredError' });
 * model.optimizer?.schedule?.rate(100); // 0.05
 */
export interface ScheduleConfig {
  /** The schedule's Keras class: ExponentialDecay, PiecewiseConstantDecay, PolynomialDecay, InverseTimeDecay, CosineDecay or CosineDecayRestarts. */
  className: string;
  /** Its options, as its factory takes them. */
  config: Record<string, number | boolean | null | number[]>;
}

/** What the record of a kind holds: its DECAY_ code, the flag word, the f64 words by name, a piecewise table. */
export interface ScheduleRecord {
  kind: number;
  flag: boolean;
  initial: number;
  steps: number;
  p1?: number;
  p2?: number;
  p3?: number;
  /** Piecewise constant: the boundaries, then the values. */
  table?: { boundaries: readonly number[]; values: readonly number[] };
}

/**
 * A learning rate that changes with the optimizer's step count, as Keras's LearningRateSchedule: pass one as an
 * optimizer's `learningRate`. Make one with `exponentialDecay`, `piecewiseConstantDecay`, `polynomialDecay`,
 * `inverseTimeDecay`, `cosineDecay` or `cosineDecayRestarts`. The training loop computes the rate of each step
 * in wasm from the same record `rate` reads.
 * @example
 * const schedule: LearningRateSchedule = cosineDecay({ initialLearningRate: 0.1, decaySteps: 100 });
 * schedule.rate(50); // ≈ 0.05
 */
export class LearningRateSchedule {
  /**
   * The schedule's Keras class name and options, as JSON (an optimizer's config holds it as its learningRate).
   * @example
   * polynomialDecay({ initialLearningRate: 0.1, decaySteps: 10 }).config.config.power; // 1
   */
  readonly config: ScheduleConfig;

  /** @internal */
  constructor(config: ScheduleConfig, private readonly record: ScheduleRecord) {
    this.config = config;
    Object.freeze(config.config);
  }

  /**
   * The learning rate (a float32 value) after `step` optimizer steps: the rate of the step the optimizer takes when
   * its `iterations` is `step` (0 for the first).
   * @throws RangeError unless step is a finite number >= 0.
   * @example
   * exponentialDecay({ initialLearningRate: 1, decaySteps: 10, decayRate: 0.5 }).rate(20); // 0.25
   */
  rate(step: number): number {
    if (typeof step !== 'number' || !Number.isFinite(step) || step < 0) {
      throw new RangeError(`rate: step must be a finite number >= 0, got ${showValue(step)}`);
    }
    const ptr = allocBytes(this.recordBytes, 'rate');
    try {
      this.writeRecord(ptr);
      return kernels().learningRateAt(ptr, step);
    } finally {
      freeBytes(ptr);
    }
  }

  /**
   * Bytes of the schedule record (with a piecewise schedule's table).
   * @internal
   */
  get recordBytes(): number {
    const table = this.record.table;
    return 4 * SCHEDULE_WORDS + (table ? 8 * (table.boundaries.length + table.values.length) : 0);
  }

  /**
   * Writes the schedule record at `ptr` (recordBytes bytes, 8-byte aligned).
   * @internal
   */
  writeRecord(ptr: number): void {
    const view = new DataView(wasmMemory().buffer, ptr, this.recordBytes), r = this.record;
    const real = (word: number, value: number): void => view.setFloat64(4 * word, value, true);
    view.setInt32(4 * SCHEDULE_KIND, r.kind, true);
    view.setInt32(4 * SCHEDULE_FLAG, r.flag ? 1 : 0, true);
    real(SCHEDULE_INITIAL, r.initial);
    real(SCHEDULE_STEPS, r.steps);
    real(SCHEDULE_P1, r.p1 ?? 0);
    real(SCHEDULE_P2, r.p2 ?? 0);
    real(SCHEDULE_P3, r.p3 ?? 0);
    view.setInt32(4 * SCHEDULE_COUNT, 0, true);
    view.setInt32(4 * SCHEDULE_TABLE, 0, true);
    if (!r.table) return;
    const at = 4 * SCHEDULE_WORDS, { boundaries, values } = r.table;
    view.setInt32(4 * SCHEDULE_COUNT, boundaries.length, true);
    view.setInt32(4 * SCHEDULE_TABLE, ptr + at, true);
    [...boundaries, ...values].forEach((v, i) => view.setFloat64(at + 8 * i, v, true));
  }
}
