// Timing helpers shared by the benchmarks: interleaved medians, other processes' CPU use, fixed-width tables.
import os from 'node:os';
import { pathToFileURL } from 'node:url';

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b), h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

/**
 * Median seconds per call of each case, by case name. `groups` are `{ setup?, rewarm?, cases: [{ name, run }] }`;
 * a group's cases share its setup (a thread count, a backend). Each round takes one sample of every unfinished
 * case, rotating the cases and alternating the group order so that clock drift hits all alike and each setup runs
 * about once per round (a group with `rewarm` makes one untimed call per case after its setup). A sample repeats
 * the call until it lasts about `sampleMs`. A case is done after `maxSamples`, or after `minSamples` once its time
 * (warm-up included) exceeds `budgetMs`. A `run` may return a promise (a training epoch): it is awaited inside the
 * timing, while a synchronous `run` pays no await.
 */
export async function timeInterleaved(groups, { budgetMs = 1000, minSamples = 3, maxSamples = 31, sampleMs = 5, warmMs = 40 } = {}) {
  const state = new Map();
  let current = null;
  const enter = async (group, cases) => {
    if (current === group) return;
    current = group;
    await group.setup?.();
    if (group.rewarm) for (const c of cases) await call(c);
  };
  for (const group of groups) {
    await enter(group, []);
    for (const c of group.cases) {
      // Warm-up (JIT tiers, caches) doubles as calibration: a slow case runs once.
      let calls = 0;
      const t0 = performance.now();
      do { await call(c); calls++; } while (performance.now() - t0 < warmMs);
      const spent = performance.now() - t0;
      state.set(c, { inner: Math.max(1, Math.round(sampleMs / (spent / calls))), samples: [], spent });
    }
  }
  const needs = (s) => s.samples.length < minSamples || (s.samples.length < maxSamples && s.spent < budgetMs);
  for (let round = 0; ; round++) {
    let sampled = false;
    for (const group of round % 2 ? [...groups].reverse() : groups) {
      const pending = group.cases.filter((c) => needs(state.get(c)));
      if (pending.length === 0) continue;
      sampled = true;
      await enter(group, pending);
      for (let i = 0; i < pending.length; i++) {
        const c = pending[(i + round) % pending.length], s = state.get(c);
        const t0 = performance.now();
        for (let j = 0; j < s.inner; j++) {
          const result = c.run();
          if (typeof result?.then === 'function') await result;
        }
        const dt = performance.now() - t0;
        s.samples.push(dt / s.inner / 1e3);
        s.spent += dt;
      }
    }
    if (!sampled) break;
  }
  return new Map([...state].map(([c, s]) => [c.name, median(s.samples)]));
}

// One call of a case, awaited if it returned a promise (outside the timed loop, where an await costs nothing that counts).
async function call(c) {
  const result = c.run();
  if (typeof result?.then === 'function') await result;
}

/** Starts a meter; calling the result gives the cores other processes kept busy since (this process's workers excluded). */
export function otherCpu() {
  const busy = () => os.cpus().reduce((sum, { times: t }) => sum + t.user + t.nice + t.sys + t.irq, 0);
  const b0 = busy(), own0 = process.cpuUsage(), t0 = performance.now();
  return () => {
    const own = process.cpuUsage(own0);
    return Math.max(0, busy() - b0 - (own.user + own.system) / 1e3) / (performance.now() - t0);
  };
}

/** A fixed-width table printed row by row: `columns` are `[title, width]`; the first column is left-aligned. */
export function table(columns) {
  const line = (cells) => cells.map((c, i) => (i ? String(c).padStart(columns[i][1]) : String(c).padEnd(columns[i][1]))).join(' ');
  console.log(line(columns.map(([title]) => title)));
  console.log(line(columns.map(([, w]) => '-'.repeat(w))));
  return (cells) => console.log(line(cells));
}

/** A rate with 3 significant digits at most (0.412, 12.3, 45.6). */
export const fmt = (x) => (x === undefined || !Number.isFinite(x) ? '' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toFixed(3));

/** A ratio such as 1.23×, or '' when either side is missing. */
export const ratio = (a, b) => (a && b ? `${(a / b).toFixed(2)}×` : '');

/**
 * The builds a benchmark times, each set to one thread: `current` under `label`, and with SIMDEEP_BASELINE (the path
 * of another build's dist/index.js) that build too, as 'before', loaded into this same process.
 */
export async function buildsToTime(current, label) {
  const path = process.env.SIMDEEP_BASELINE;
  const before = path ? await import(pathToFileURL(path).href) : undefined;
  const libs = [[label, current], ...(before ? [['before', before]] : [])];
  for (const [, lib] of libs) await lib.setThreads(1);
  return { libs, before, path };
}
