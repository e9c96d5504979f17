// Long runs, shared by Node (longrun.test.ts) and Chromium: 1,000 epochs of fit, 100,000 tensor ops inside and
// outside tidy, and 1,000 models trained, saved, loaded and disposed. After the first epoch (or a warm-up) the live
// tensors, their bytes, the mapped wasm bytes, the allocator's live blocks and the end of its highest block stay
// flat: a leak shows in the counts, and free space that fragments shows as blocks placed ever higher.
import { expect } from 'vitest';
import { adam, dense, dispose, initializers, loadModel, matmul, memory, sequential, tensor, tidy, type Model, type Sequential, type Tensor } from '../../src/index';
import { heapStats } from '../../src/runtime/heap';

/** Everything a leak or fragmentation would change. */
export interface Snapshot {
  numTensors: number;
  numBytes: number;
  wasmBytes: number;
  blocks: number;
  end: number;
}

export const snapshot = (): Snapshot => ({ ...memory(), ...heapStats() });

/** What a run measured: its size, the snapshot before it and after its first step, and the last one. */
export interface Figures {
  steps: number;
  before: Snapshot;
  first: Snapshot;
  after: Snapshot;
}

/** Expects every snapshot after the first step to equal it; reports the first step that differs. */
function expectFlat(series: Snapshot[], what: string): void {
  const changed = series.findIndex((s) => JSON.stringify(s) !== JSON.stringify(series[0]));
  expect(changed < 0 ? null : { step: changed + 1, first: series[0], then: series[changed] }, `${what}: memory after step 1`).toBeNull();
}

const sameCounts = (a: Snapshot, b: Snapshot): boolean => a.numTensors === b.numTensors && a.numBytes === b.numBytes && a.blocks === b.blocks;

/** Expects the live tensors, bytes and blocks of `base` (the memory may have grown and blocks gone higher). */
function expectBaseline(base: Snapshot, what: string): void {
  const now = snapshot();
  expect({ ...now, wasmBytes: 0, end: 0 }, what).toEqual({ ...base, wasmBytes: 0, end: 0 });
}

const xorX = [[0, 0], [0, 1], [1, 0], [1, 1]], xorY = [[0], [1], [1], [0]];

function tinyModel(seed: number): Sequential {
  const kernelInitializer = initializers.glorotUniform({ seed });
  const model = sequential([dense({ units: 4, activation: 'tanh', inputShape: [2], kernelInitializer }),
    dense({ units: 1, activation: 'sigmoid', kernelInitializer })]);
  model.compile({ optimizer: adam({ learningRate: 0.05 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  return model;
}

/** 1,000 epochs of fit on a 2-4-1 network, a snapshot after each. */
export async function fitEpochs(epochs = 1000): Promise<Figures> {
  const base = snapshot();
  const x = tensor(xorX), y = tensor(xorY), model = tinyModel(1);
  const before = snapshot(), series: Snapshot[] = [];
  try {
    const history = await model.fit(x, y, { epochs, batchSize: 2, seed: 1, callbacks: { onEpochEnd: () => { series.push(snapshot()); } } });
    expect(history.epoch).toHaveLength(epochs);
    expect(history.history.loss.at(-1)).toBeLessThan(history.history.loss[0]);
  } finally {
    dispose([x, y]);
    model.dispose();
  }
  expect(series).toHaveLength(epochs);
  expectFlat(series, 'fit epochs');
  expectBaseline(base, 'after fit and dispose');
  return { steps: epochs, before, first: series[0], after: series.at(-1)! };
}

/** One step of ops: elementwise, broadcasting, matmul, reductions, activations, views and copies (10 ops). */
function step(a: Tensor, b: Tensor): Tensor {
  const p = matmul(a, b);
  const q = p.add(1).mul(a.sum(1, true)).relu();
  const r = q.transpose().reshape([-1]).slice([1], [6]);
  return r.sigmoid().mean();
}

/** `steps` steps of 10 ops each (100,000 ops by default), half in tidy and half disposed by hand. */
export function tensorOps(steps = 10_000): Figures {
  const base = snapshot();
  const a = tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]]), b = tensor([[0.5, -1, 2], [1, 0, -0.5], [0.25, 2, 1]]);
  const before = snapshot(), series: Snapshot[] = [];
  let last = NaN;
  try {
    for (let i = 0; i < steps; i++) {
      if (i % 2 === 0) {
        const out = tidy(() => step(a, b));
        last = out.item();
        out.dispose();
      } else {
        const made: Tensor[] = [];
        const p = matmul(a, b), s = a.sum(1, true), p1 = p.add(1), m = p1.mul(s), q = m.relu();
        const t = q.transpose(), f = t.reshape([-1]), r = f.slice([1], [6]), g = r.sigmoid(), out = g.mean();
        made.push(p, s, p1, m, q, t, f, r, g, out);
        expect(out.item()).toBe(last);
        dispose(made);
      }
      series.push(snapshot());
    }
  } finally {
    dispose([a, b]);
  }
  expectFlat(series, 'tensor ops');
  expectBaseline(base, 'after the ops');
  return { steps: steps * 10, before, first: series[0], after: series.at(-1)! };
}

/** `rounds` models trained, saved, loaded, checked and disposed; memory back at its baseline after each round. */
export async function saveLoadRounds(rounds = 1000): Promise<Figures> {
  const base = snapshot();
  const x = tensor(xorX), y = tensor(xorY);
  const before = snapshot(), series: Snapshot[] = [];
  try {
    for (let i = 0; i < rounds; i++) {
      const model = tinyModel(i);
      let loaded: Model | undefined;
      try {
        await model.fit(x, y, { epochs: 3, batchSize: 4, seed: i });
        loaded = await loadModel(await model.save());
        const [want, got] = [model.predict(x), loaded.predict(x) as Tensor];
        expect(got.dataSync()).toEqual(want.dataSync());
        dispose([want, got]);
      } finally {
        model.dispose();
        loaded?.dispose();
      }
      series.push(snapshot());
    }
  } finally {
    dispose([x, y]);
  }
  expectFlat(series, 'save and load rounds');
  expect(sameCounts(series[0], before), 'after the first round: the counts from before it').toBe(true);
  expectBaseline(base, 'after the rounds');
  return { steps: rounds, before, first: series[0], after: series.at(-1)! };
}

/** Runs one of each workload once, so that the runtime's own lasting blocks (scratch, workspaces) exist. */
export async function warmUp(): Promise<void> {
  const x = tensor(xorX), y = tensor(xorY), model = tinyModel(0);
  await model.fit(x, y, { epochs: 2, batchSize: 2, seed: 1 });
  const loaded = await loadModel(await model.save());
  const a = tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]]);
  dispose([x, y, a, tidy(() => step(a, a))]);
  model.dispose();
  loaded.dispose();
}
