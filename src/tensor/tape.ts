// The gradient tape: while a gradient function (src/autograd/gradients.ts) runs its f, every op whose inputs
// depend on a watched tensor records its output and the function that maps the output's gradient to its inputs'
// (`record`, called by each op beside its forward). Without an active tape, recording is one length check.
// Tapes nest: an op is recorded on every active tape that tracks one of its inputs, and a backward's ops record on
// the tapes outside the one being differentiated, so gradients of gradients work.
import type { Tensor } from './tensor';

/**
 * The gradients of an op's inputs from the gradient `dy` of its output (same shape as the output). `needs[i]` says
 * whether input i needs one; the others may be null. Inputs that are numbers never get one.
 */
export type Backward = (dy: Tensor, needs: readonly boolean[]) => readonly (Tensor | null | undefined)[];

/** One recorded op: its tensor inputs (numbers as null), its output, its backward. */
export interface Entry {
  readonly op: string;
  readonly inputs: readonly (Tensor | null)[];
  readonly output: Tensor;
  readonly backward: Backward;
}

/** The ops of one gradient call that depend on its watched tensors. */
export class Tape {
  /** Tensors whose gradient the tape can give: the watched ones and the outputs of recorded ops. */
  readonly tracked = new Set<Tensor>();
  readonly entries: Entry[] = [];
  constructor(watched: Iterable<Tensor>) {
    for (const t of watched) this.tracked.add(t);
  }
}

const tapes: Tape[] = [];

/** Whether a tape is recording (some gradient function is running its f). */
export function recording(): boolean {
  return tapes.length > 0;
}

/**
 * Records `output = op(inputs)` on every active tape that tracks one of the inputs, with the backward that maps
 * the output's gradient to the inputs'; returns output. Call it beside the forward, after the output is computed.
 */
export function record<T extends Tensor>(op: string, output: T, inputs: readonly unknown[], backward: Backward): T {
  if (tapes.length === 0) return output;
  let entry: Entry | undefined;
  for (const tape of tapes) {
    if (!inputs.some((x) => tape.tracked.has(x as Tensor))) continue;
    entry ??= { op, inputs: inputs.map((x) => (typeof x === 'number' ? null : (x as Tensor))), output, backward };
    tape.entries.push(entry);
    tape.tracked.add(output);
  }
  return output;
}

/** Runs fn with `tape` recording (innermost), and takes it off whatever happens. */
export function withTape<T>(tape: Tape, fn: () => T): T {
  tapes.push(tape);
  try {
    return fn();
  } finally {
    const at = tapes.lastIndexOf(tape);
    if (at >= 0) tapes.splice(at, 1);
  }
}

/** Runs fn with no tape recording (a custom gradient's forward, stopGradient). */
export function withoutTapes<T>(fn: () => T): T {
  const saved = tapes.splice(0, tapes.length);
  try {
    return fn();
  } finally {
    tapes.unshift(...saved);
  }
}
