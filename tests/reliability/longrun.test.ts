// The long runs of longrun.ts in Node: memory flat after the first epoch or step, and back at its baseline.
// The same file runs in Chromium once listed in vitest.browser.config.ts's include.
import { beforeAll, describe, expect, test } from 'vitest';
import { failOnLeaks } from '../reference';
import { fitEpochs, saveLoadRounds, tensorOps, warmUp, type Figures } from './longrun';

failOnLeaks();

const report = (what: string, figures: Figures, ms: number): void => {
  const { steps, before, first, after } = figures;
  console.log(`${what}: ${steps} in ${ms.toFixed(0)} ms; before ${JSON.stringify(before)}; first ${JSON.stringify(first)}; last ${JSON.stringify(after)}`);
};

const timed = async (what: string, run: () => Figures | Promise<Figures>): Promise<Figures> => {
  const started = performance.now();
  const figures = await run();
  report(what, figures, performance.now() - started);
  return figures;
};

beforeAll(warmUp, 30_000);

describe('long runs keep memory flat', () => {
  test('1,000 epochs of fit on a 2-4-1 network', async () => {
    expect((await timed('fit epochs', () => fitEpochs(1000))).steps).toBe(1000);
  }, 20_000);

  test('100,000 tensor ops, half in tidy and half disposed by hand', async () => {
    expect((await timed('tensor ops', () => tensorOps(10_000))).steps).toBe(100_000);
  }, 20_000);

  test('1,000 models trained, saved, loaded and disposed', async () => {
    expect((await timed('save/load rounds', () => saveLoadRounds(1000))).steps).toBe(1000);
  }, 30_000);
});
