// fit's `verbose` output, as Keras 3's ProgbarLogger and Progbar print it. In a terminal (verbose 1) a live line:
//   Epoch 3/10
//   128/469 ━━━━━━━━━━━━━━━━━━━━ 1s 4ms/step - accuracy: 0.9100 - loss: 0.3100
// rewritten in place with `\r` (the ETA while the epoch runs; at its end the time it took and the val_ logs). Output
// that is not a terminal (a pipe, a log file; or verbose 2) and browsers get one line per epoch:
//   Epoch 3/10 - 469/469 - 2s - 4ms/step - accuracy: 0.9100 - loss: 0.3100 - val_accuracy: 0.9000 - val_loss: 0.3300
// NOTE: written by hand rather than with cli-progress: Keras's line (a padded step counter, a two-colour bar of ━, an
// ETA from the mean step time after the first update, per-step time, sorted logs in .4f or .4e) is not one of
// cli-progress's formats, and fit draws only between its kernel calls, which cli-progress's own timer cannot know.
import { formatValue, parseSpec } from './callbacks/python-format';

/** What fit tells the display: epochs beginning and ending, and progress after each kernel call. */
export interface ProgressDisplay {
  epochBegin(epoch: number): void;
  /** `done` steps of the epoch ran; `running` gives the epoch-so-far logs (called only when the line is drawn). */
  update(done: number, running: () => Record<string, number>): void;
  epochEnd(logs: Record<string, number>): void;
  /** Ends an epoch's live line that training left unfinished (an error, a stop on a non-finite loss). */
  close(): void;
}

/** Keras's minimum time between two drawings of the live line. */
const INTERVAL_MS = 50;
const BAR_WIDTH = 20;
const [SPEC_4F, SPEC_4E] = [parseSpec('.4f')!, parseSpec('.4e')!];

/** Where the lines go: Node's stdout (and whether it is a terminal), else console.log. */
interface Sink { write(text: string): void; live: boolean }

function sink(): Sink {
  const out = typeof process !== 'undefined' ? process.stdout : undefined;
  if (out && typeof out.write === 'function') return { write: (text) => void out.write(text), live: out.isTTY === true };
  return { write: (text) => console.log(text.replace(/\n$/, '')), live: false };
}

/** A log value as Keras's progress bar shows it: 4 decimals, or 4 significant digits in scientific notation for small values. */
function showLog(value: number): string {
  return formatValue(value, Math.abs(value) > 1e-3 ? SPEC_4F : SPEC_4E);
}

/** ` - name: value` for each log, sorted by name as Keras 3 sorts its logs. */
function showLogs(logs: Record<string, number>): string {
  return Object.keys(logs).sort().map((k) => ` - ${k}: ${showLog(logs[k])}`).join('');
}

/** A time per step as Keras formats it: s, ms or us, rounded. */
function perStep(seconds: number): string {
  if (seconds >= 1 || seconds === 0) return `${seconds.toFixed(0)}s/step`;
  return seconds >= 1e-3 ? `${(seconds * 1e3).toFixed(0)}ms/step` : `${(seconds * 1e6).toFixed(0)}us/step`;
}

/** The ETA as Keras writes it: `7s`, `1:05`, `1:01:05` (seconds truncated). */
function eta(seconds: number): string {
  const s = Math.floor(seconds), two = (n: number): string => String(n).padStart(2, '0');
  if (seconds > 3600) return `${Math.floor(s / 3600)}:${two(Math.floor((s % 3600) / 60))}:${two(s % 60)}`;
  return seconds > 60 ? `${Math.floor(s / 60)}:${two(s % 60)}` : `${s}s`;
}

/**
 * The display for fit's `verbose` (0: none) over `epochs` epochs of `steps` steps, or undefined. `now` gives
 * milliseconds (a parameter for tests).
 */
export function progressDisplay(verbose: 0 | 1 | 2, epochs: number, steps: number, now: () => number = () => performance.now()): ProgressDisplay | undefined {
  if (verbose === 0) return undefined;
  const out = sink(), live = out.live && verbose === 1;
  const digits = String(steps).length;
  let epoch = 0, start = 0, lastDraw = -Infinity, open = false, width = 0;
  let first: [number, number] | undefined; // time and steps of the first update, which Keras leaves out of the step time
  const stepSeconds = (done: number, t: number): number => {
    if (done === 0) return 0;
    return first && done > first[1] ? (t - first[0]) / 1e3 / (done - first[1]) : (t - start) / 1e3 / done;
  };
  const counter = (done: number): string => `${String(done).padStart(digits, ' ')}/${steps}`;
  const draw = (done: number, logs: Record<string, number>, final: boolean, t: number): void => {
    const filled = Math.floor((BAR_WIDTH * done) / steps);
    const time = final ? `${((t - start) / 1e3).toFixed(0)}s` : eta(stepSeconds(done, t) * (steps - done));
    const plain = `${counter(done)} ${'━'.repeat(BAR_WIDTH)} ${time} ${perStep(stepSeconds(done, t))}${showLogs(logs)}`;
    const line = `\x1b[1m${counter(done)}\x1b[0m ${filled > 0 ? `\x1b[32m${'━'.repeat(filled)}\x1b[0m` : ''}\x1b[37m${'━'.repeat(BAR_WIDTH - filled)}\x1b[0m ` +
      `\x1b[1m${time}\x1b[0m ${perStep(stepSeconds(done, t))}${showLogs(logs)}`;
    out.write(`\r${line}${' '.repeat(Math.max(0, width - plain.length))}${final ? '\n' : ''}`);
    width = final ? 0 : plain.length;
    open = !final;
  };
  return {
    epochBegin(e) {
      epoch = e;
      start = now();
      lastDraw = -Infinity;
      first = undefined;
      if (live && epochs > 1) out.write(`Epoch ${e + 1}/${epochs}\n`);
    },
    update(done, running) {
      const t = now();
      if (!first && done > 0) first = [t, done];
      if (!live || t - lastDraw < INTERVAL_MS) return;
      lastDraw = t;
      draw(done, running(), false, t);
    },
    epochEnd(logs) {
      const t = now();
      if (live) return draw(steps, logs, true, t);
      out.write(`Epoch ${epoch + 1}/${epochs} - ${counter(steps)} - ${((t - start) / 1e3).toFixed(0)}s - ${perStep(stepSeconds(steps, t))}${showLogs(logs)}\n`);
    },
    close() {
      if (open) out.write('\n');
      open = false;
    },
  };
}
