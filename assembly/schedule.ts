// Learning-rate schedules: the rate of a schedule record (SCHEDULE_ words in layout.ts) at an optimizer step, as
// Keras 3's keras/src/optimizers/schedules/learning_rate_schedule.py computes it, in f64 and rounded once to f32.
// The training loop's update (train.ts) calls it once per step; the host calls it for optimizer.applyGradients and
// a schedule's rate(step), so every step of every path takes the same rate.
import {
  DECAY_EXPONENTIAL, DECAY_PIECEWISE_CONSTANT, DECAY_POLYNOMIAL, DECAY_INVERSE_TIME, DECAY_COSINE,
  SCHEDULE_KIND, SCHEDULE_FLAG, SCHEDULE_COUNT, SCHEDULE_TABLE, SCHEDULE_INITIAL, SCHEDULE_STEPS, SCHEDULE_P1, SCHEDULE_P2,
  SCHEDULE_P3,
} from './layout';

// @ts-ignore: decorator
@inline function int(s: usize, i: i32): i32 { return load<i32>(s + (<usize>i << 2)); }
// @ts-ignore: decorator
@inline function f64At(s: usize, i: i32): f64 { return load<f64>(s + (<usize>i << 2)); }

// Keras's piecewise constant: values[k], k the number of boundaries below step (values[0] while step <= boundaries[0]).
function piecewise(s: usize, step: f64): f64 {
  const count = int(s, SCHEDULE_COUNT), table = <usize>int(s, SCHEDULE_TABLE);
  let k = 0;
  while (k < count && step > load<f64>(table + (<usize>k << 3))) k++;
  return load<f64>(table + (<usize>(count + k) << 3));
}

// Keras's cosine decay of `from` over `steps`, at `step` (already capped at steps): from·((1−α)·½(1 + cos(π·step/steps)) + α).
// @ts-ignore: decorator
@inline function cosineDecay(step: f64, steps: f64, from: f64, alpha: f64): f64 {
  return from * ((1 - alpha) * (0.5 * (1 + Math.cos(Math.PI * (step / steps)))) + alpha);
}

// Keras's CosineDecayRestarts (SGDR): period i runs steps·t_mul^i steps from m_mul^i times the initial rate.
function cosineRestarts(s: usize, step: f64): f64 {
  const alpha = f64At(s, SCHEDULE_P1), tMul = f64At(s, SCHEDULE_P2), mMul = f64At(s, SCHEDULE_P3);
  let fraction = step / f64At(s, SCHEDULE_STEPS), restart: f64;
  if (tMul == 1) {
    restart = Math.floor(fraction);
    fraction -= restart;
  } else {
    restart = Math.floor(Math.log(1 - fraction * (1 - tMul)) / Math.log(tMul));
    const before = (1 - Math.pow(tMul, restart)) / (1 - tMul);
    fraction = (fraction - before) / Math.pow(tMul, restart);
  }
  const decayed = 0.5 * Math.pow(mMul, restart) * (1 + Math.cos(Math.PI * fraction));
  return f64At(s, SCHEDULE_INITIAL) * ((1 - alpha) * decayed + alpha);
}

// The learning rate of the schedule record at `schedule` after `step` optimizer steps (Keras's optimizer.iterations
// before the update: 0 at the first).
export function learningRateAt(schedule: usize, step: f64): f32 {
  const initial = f64At(schedule, SCHEDULE_INITIAL), steps = f64At(schedule, SCHEDULE_STEPS);
  const flag = int(schedule, SCHEDULE_FLAG) != 0, p1 = f64At(schedule, SCHEDULE_P1), p2 = f64At(schedule, SCHEDULE_P2);
  switch (int(schedule, SCHEDULE_KIND)) {
    case DECAY_EXPONENTIAL: {
      const p = flag ? Math.floor(step / steps) : step / steps;
      return <f32>(initial * Math.pow(p1, p));
    }
    case DECAY_PIECEWISE_CONSTANT: return <f32>piecewise(schedule, step);
    case DECAY_POLYNOMIAL: {
      // cycle: over the first multiple of the decay steps at or past step (1 at step 0); else step capped at them.
      const span = flag ? steps * (step == 0 ? 1 : Math.ceil(step / steps)) : steps;
      const p = (flag ? step : Math.min(step, steps)) / span;
      return <f32>((initial - p1) * Math.pow(1 - p, p2) + p1);
    }
    case DECAY_INVERSE_TIME: {
      const p = flag ? Math.floor(step / steps) : step / steps;
      return <f32>(initial / (1 + p1 * p));
    }
    case DECAY_COSINE: {
      if (!flag) return <f32>cosineDecay(Math.min(step, steps), steps, initial, p1);
      // Warm-up: linear from the initial rate to the target over P3 steps, then the decay from the target.
      const warmup = f64At(schedule, SCHEDULE_P3), capped = Math.min(step, steps + warmup);
      if (capped < warmup) return <f32>((p2 - initial) * (capped / warmup) + initial);
      return <f32>cosineDecay(capped - warmup, steps, p2, p1);
    }
    default: return <f32>cosineRestarts(schedule, step);
  }
}
