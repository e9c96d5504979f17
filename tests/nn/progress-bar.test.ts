// fit's verbose output (src/nn/progress-bar.ts): Keras's live bar on a pseudo-terminal (`script` from util-linux),
// one line per epoch in a pipe and with verbose 2; the drawing itself on a scripted clock.
import { describe, expect, it, vi } from 'vitest';
import { formatValue, parseSpec } from '../../src/nn/callbacks/python-format';
import { progressDisplay } from '../../src/nn/progress-bar';
import { childSetup, runCommand, writeProgram } from './callbacks/child';

const { dir, library } = childSetup();
const ANSI = /\x1b\[[0-9;]*m/g;
const f4 = (v: number): string => formatValue(v, Math.abs(v) > 1e-3 ? parseSpec('.4f')! : parseSpec('.4e')!);

/** Captures what the display writes to stdout, as a terminal (`tty`) or not. */
function capture(tty: boolean): { text: () => string; restore: () => void } {
  const chunks: string[] = [];
  const was = process.stdout.isTTY;
  process.stdout.isTTY = tty;
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (chunks.push(String(chunk)), true));
  return { text: () => chunks.join(''), restore: () => { spy.mockRestore(); process.stdout.isTTY = was; } };
}

describe('the drawing, on a scripted clock', () => {
  it("draws Keras's line: padded counter, bar, ETA then elapsed time, time per step, sorted logs; at most every 50 ms", () => {
    const out = capture(true);
    let t = 0;
    const bar = progressDisplay(1, 10, 469, () => t)!;
    bar.epochBegin(2);
    t = 10;
    bar.update(1, () => ({ loss: 1 }));  // drawn: the first update (step time from the epoch's start: 10 ms)
    t = 40;
    bar.update(4, () => ({ loss: 1 }));  // not drawn: 30 ms after the last
    t = 1010;
    bar.update(128, () => ({ loss: 0.31234, accuracy: 0.91, mae: 0.00012345 })); // (1010 - 10) / 127 ms per step
    t = 4000;
    bar.epochEnd({ loss: 0.3, accuracy: 0.9, val_loss: 0.35, val_accuracy: 0.88 });
    out.restore();
    const lines = out.text().replace(ANSI, '').split('\r');
    expect(lines[0]).toBe('Epoch 3/10\n');
    expect(lines[1]).toBe('  1/469 ━━━━━━━━━━━━━━━━━━━━ 4s 10ms/step - loss: 1.0000'); // ETA 468 × 10 ms
    expect(lines[2]).toBe('128/469 ━━━━━━━━━━━━━━━━━━━━ 2s 8ms/step - accuracy: 0.9100 - loss: 0.3123 - mae: 1.2345e-04'); // 341 × 7.87 ms
    expect(lines[3]).toBe('469/469 ━━━━━━━━━━━━━━━━━━━━ 4s 9ms/step - accuracy: 0.9000 - loss: 0.3000 - val_accuracy: 0.8800 - val_loss: 0.3500\n');
    expect(lines).toHaveLength(4);
    expect(out.text()).toContain('\x1b[32m━━━━━\x1b[0m\x1b[37m━━━━━━━━━━━━━━━\x1b[0m'); // 128/469 of 20: 5 done
  });

  it('ETA in minutes and hours, per step in s and us, as Keras', () => {
    const out = capture(true);
    let t = 0;
    const bar = progressDisplay(1, 1, 100000, () => t)!;
    bar.epochBegin(0);
    t = 2000;
    bar.update(1, () => ({}));   // 2 s per step: 99,999 × 2 s
    t = 2100;
    bar.update(1001, () => ({})); // 100 ms per 1000 steps: 100 us per step, 98,999 × 100 us ≈ 9.9 s
    t = 2200;
    bar.update(1002, () => ({}));
    out.restore();
    const lines = out.text().replace(ANSI, '').split('\r').map((l) => l.trimEnd());
    expect(lines).toEqual(['', '     1/100000 ━━━━━━━━━━━━━━━━━━━━ 55:33:18 2s/step', '  1001/100000 ━━━━━━━━━━━━━━━━━━━━ 9s 100us/step',
      '  1002/100000 ━━━━━━━━━━━━━━━━━━━━ 19s 200us/step']);
    const minutes = capture(true);
    const other = progressDisplay(1, 1, 200, () => t)!;
    t = 0;
    other.epochBegin(0);
    t = 650;
    other.update(1, () => ({}));
    minutes.restore();
    expect(minutes.text().replace(ANSI, '')).toBe('\r  1/200 ━━━━━━━━━━━━━━━━━━━━ 2:09 650ms/step');
  });

  it('off a terminal, and with verbose 2: one line per epoch; verbose 0: nothing', () => {
    for (const [tty, verbose] of [[false, 1], [true, 2]] as const) {
      const out = capture(tty);
      let t = 0;
      const bar = progressDisplay(verbose, 2, 3, () => t)!;
      bar.epochBegin(0);
      t = 30;
      bar.update(1, () => ({ loss: 9 }));
      t = 1600;
      bar.epochEnd({ loss: 0.5, val_loss: 0.25 });
      out.restore();
      expect(out.text()).toBe('Epoch 1/2 - 3/3 - 2s - 785ms/step - loss: 0.5000 - val_loss: 0.2500\n');
    }
    expect(progressDisplay(0, 2, 3)).toBeUndefined();
  });
});

// A fit of three epochs slow enough for several drawings per epoch; prints its history at the end.
const PROGRAM = `
const [verbose] = process.argv.slice(2).map(Number);
let s = 3;
const rand = () => (s = (s * 16807) % 2147483647) / 2147483647;
const rows = Array.from({ length: 12000 }, () => Array.from({ length: 64 }, rand));
const x = lib.tensor(rows), y = lib.tensor(rows.map((r) => [r[0] + r[1] > 1 ? 1 : 0]));
const model = lib.sequential([lib.dense({ units: 512, activation: 'relu', inputShape: [64] }), lib.dense({ units: 1, activation: 'sigmoid' })], { seed: 1 });
model.compile({ optimizer: lib.adam(), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
const history = await model.fit(x, y, { epochs: 3, batchSize: 16, validationSplit: 0.2, seed: 1, verbose });
console.log('HISTORY ' + JSON.stringify(history.history));
`;

/** The history the program printed, and the rest of its output without colours. */
function parse(out: string): { history: Record<string, number[]>; text: string } {
  const at = out.indexOf('HISTORY ');
  return { history: JSON.parse(out.slice(at + 8).split(/\r?\n/)[0]) as Record<string, number[]>, text: out.slice(0, at).replace(ANSI, '') };
}

/** The end of an epoch's line: its logs sorted, as the history holds them. */
const logsOf = (history: Record<string, number[]>, e: number): string => Object.keys(history).sort().map((k) => ` - ${k}: ${f4(history[k][e])}`).join('');

describe('fit with verbose, in a process', () => {
  it('on a pseudo-terminal: the live bar, updated in place with a running count and ETA, each epoch ending with its logs', async () => {
    const program = writeProgram(dir(), library(), 'bar.mjs', PROGRAM);
    const { status, out } = await runCommand('script', ['-qfec', `${JSON.stringify(process.execPath)} ${JSON.stringify(program)} 1`, '/dev/null'], { COLUMNS: '200' });
    expect(status).toBe(0);
    expect(out).toContain('\x1b[32m━'); // coloured
    const { history, text } = parse(out);
    const epochs = text.split(/Epoch \d\/3\r?\n/).slice(1);
    expect(epochs).toHaveLength(3);
    for (const [e, epoch] of epochs.entries()) {
      const drawings = epoch.split('\r').filter((d) => d.trim() !== '');
      const running = drawings.slice(0, -1), final = drawings.at(-1)!.trimEnd();
      expect(running.length).toBeGreaterThan(0);
      let last = 0;
      for (const d of running) {
        const m = /^\s*(\d+)\/600 ━{20} (\d+s|\d+:\d\d) \d+(ms|us)\/step - accuracy: \d\.\d{4} - loss: \d\.\d{4}\s*$/.exec(d);
        expect(m, d).not.toBeNull();
        expect(Number(m![1])).toBeGreaterThan(last);
        expect(Number(m![1])).toBeLessThan(600);
        last = Number(m![1]);
      }
      expect(final).toMatch(new RegExp(`^600/600 ━{20} \\d+s \\d+(ms|us)/step${logsOf(history, e).replace(/[.]/g, '\\.')}$`));
    }
  }, 30_000);

  it.each([['a pipe, verbose 1', '1'], ['a pipe, verbose 2', '2']])('in %s: one line per epoch, its values those of the history', async (_name, verbose) => {
    const program = writeProgram(dir(), library(), `lines-${verbose}.mjs`, PROGRAM);
    const { status, out } = await runCommand(process.execPath, [program, verbose]);
    expect(status).toBe(0);
    const { history, text } = parse(out);
    expect(text).not.toMatch(/[\r\x1b]/);
    const lines = text.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(3);
    lines.forEach((line, e) => expect(line).toMatch(new RegExp(`^Epoch ${e + 1}/3 - 600/600 - \\d+s - \\d+(ms|us)/step${logsOf(history, e).replace(/[.]/g, '\\.')}$`)));
  }, 30_000);
});
