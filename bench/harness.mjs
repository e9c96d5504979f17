// Timing helpers shared by the benchmarks: interleaved medians, other processes' CPU use, fixed-width tables.
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { pathToFileURL } from 'node:url';

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b), h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

/** The q-quantile of xs (0.25: the first quartile), linear between the nearest two. */
export function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b), p = (s.length - 1) * q, lo = Math.floor(p);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (p - lo);
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
export async function timeInterleaved(groups, options) {
  return new Map([...(await sampleInterleaved(groups, options))].map(([name, samples]) => [name, median(samples)]));
}

/** As timeInterleaved, but every sample (seconds per call) of each case, by case name, in the order taken. */
export async function sampleInterleaved(groups, { budgetMs = 1000, minSamples = 3, maxSamples = 31, sampleMs = 5, warmMs = 40 } = {}) {
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
  return new Map([...state].map(([c, s]) => [c.name, s.samples]));
}

// One call of a case, awaited if it returned a promise (outside the timed loop, where an await costs nothing that counts).
async function call(c) {
  const result = c.run();
  if (typeof result?.then === 'function') await result;
}

/**
 * Starts a meter; calling the result gives the cores other processes kept busy since: this process, its workers and
 * its child processes (a browser it drives, the runs it spawns) excluded.
 */
export function otherCpu() {
  const busy = () => os.cpus().reduce((sum, { times: t }) => sum + t.user + t.nice + t.sys + t.irq, 0);
  const b0 = busy(), own0 = process.cpuUsage(), children0 = childrenCpuMs(), t0 = performance.now();
  return () => {
    const own = process.cpuUsage(own0), children = childrenCpuMs() - children0;
    return Math.max(0, busy() - b0 - (own.user + own.system) / 1e3 - children) / (performance.now() - t0);
  };
}

// CPU milliseconds of child processes that ended without being reaped into this process's counts (see endChildren).
let vanishedMs = 0;

/**
 * Runs `end` (a promise-returning call that ends child processes, such as closing a browser) and keeps their CPU
 * time in childrenCpuMs: Chromium's renderers and zygotes are not reaped into this process's counts.
 */
export async function endChildren(end) {
  const before = childrenCpuMs();
  try {
    return await end();
  } finally {
    vanishedMs += Math.max(0, before - childrenCpuMs());
  }
}

/**
 * CPU milliseconds (user + system) of this process's child processes so far, from Linux's /proc: the ones it reaped,
 * every live process below it (with the ones they reaped) and those ended through endChildren. 0 where there is no
 * /proc.
 */
export function childrenCpuMs() {
  const MS_PER_TICK = 10; // USER_HZ is 100 on Linux
  const stats = new Map();
  let entries;
  try {
    entries = readdirSync('/proc');
  } catch {
    return vanishedMs;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const text = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // From the 3rd field (state) on: ppid at 1; utime, stime, cutime and cstime at 11-14.
      const f = text.slice(text.lastIndexOf(')') + 2).split(' ').map(Number);
      stats.set(Number(entry), { ppid: f[1], own: (f[11] + f[12]) * MS_PER_TICK, reaped: (f[13] + f[14]) * MS_PER_TICK });
    } catch { /* the process ended meanwhile */ }
  }
  const below = (p) => {
    for (let q = stats.get(p)?.ppid, hops = 0; q && hops < 64; q = stats.get(q)?.ppid, hops++) if (q === process.pid) return true;
    return false;
  };
  let ms = vanishedMs + (stats.get(process.pid)?.reaped ?? 0);
  for (const [p, s] of stats) if (below(p)) ms += s.own + s.reaped;
  return ms;
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

/**
 * Seconds per call of each case, one list per case: every round takes one sample of each case, the order flipped every
 * other round (ABAB…, BABA…) so that drift and warm-up hit all alike. A sample is one call (after `warm` warm-up calls),
 * or with `sampleMs` as many calls as take about that long (the same number for every case).
 */
export async function alternate(cases, { rounds, warm = 1, sampleMs = 0 }) {
  const call = async (c) => {
    const r = c.run();
    if (typeof r?.then === 'function') await r;
  };
  const inner = [];
  for (const c of cases) {
    const t0 = performance.now();
    let calls = 0;
    do { await call(c); calls++; } while (calls < warm || performance.now() - t0 < sampleMs * 2);
    inner.push(sampleMs ? Math.max(1, Math.round(sampleMs / ((performance.now() - t0) / calls))) : 1);
  }
  const n = Math.min(...inner); // the same number of calls per sample for both builds
  const samples = cases.map(() => []);
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 ? [...cases.keys()].reverse() : [...cases.keys()];
    for (const k of order) {
      const c = cases[k];
      const t0 = performance.now();
      for (let j = 0; j < n; j++) {
        const r = c.run();
        if (typeof r?.then === 'function') await r;
      }
      samples[k].push((performance.now() - t0) / n / 1e3);
    }
  }
  return { samples, inner: n };
}
