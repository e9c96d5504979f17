// The playground (playground/), built by Vite against the packed library, served with COOP/COEP and driven in
// Debian's Chromium: it trains XOR, explains a hidden node with the model's own numbers, and is photographed at a
// desktop and a phone viewport (files under .artifacts/playground/).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { packedTarball, root, run } from '../package/tarball';
import { CHROMIUM_ARGS, serve } from '../page';

const ARTIFACTS = join(root, '.artifacts', 'playground');
const STEPS = 200;

// Float32 rounding: a sum of n products rounded in any order, with or without fused multiply-add, is within
// γₙ·Σ|terms| of the exact sum, γₙ = n·u/(1 − n·u), u = 2⁻²⁴ (Higham, Accuracy and Stability, §3.1).
const U = 2 ** -24;
const gamma = (n: number): number => (n * U) / (1 - n * U);

// simdeep's activations against float64 on the same float32 input, as tests/ops/activation.test.ts bounds them.
const ACTIVATIONS: Record<string, { ref: (z: number) => number; abs: number; rel: number }> = {
  tanh: { ref: Math.tanh, abs: 0, rel: 2 ** -21 },
  sigmoid: { ref: (z) => 1 / (1 + Math.exp(-z)), abs: 2 ** -126, rel: 2 ** -22 },
  relu: { ref: (z) => Math.max(0, z), abs: 0, rel: 0 },
};

interface NodeView { inputs: number[]; weights: number[]; bias: number; sum: number; output: number; activation: string }

async function nodeView(page: Page, layer: number, node: number): Promise<NodeView> {
  const li = page.locator(`.fw-node.selected[data-layer="${layer}"][data-node="${node}"]`);
  await li.waitFor();
  const a = (name: string) => li.getAttribute(`data-${name}`).then((v) => v ?? '');
  return { inputs: JSON.parse(await a('inputs')), weights: JSON.parse(await a('weights')), bias: Number(await a('bias')),
    sum: Number(await a('sum')), output: Number(await a('output')), activation: await a('activation') };
}

/** Checks the node's weighted sum and output against float64 sums of the model's own weights; returns the error and bound. */
function checkNode(view: NodeView, inputs: number[], kernel: number[][], bias: number[], node: number): { error: number; bound: number } {
  const weights = kernel.map((row) => row[node]);
  expect(view.inputs).toEqual(inputs);
  expect(view.weights).toEqual(weights);
  expect(view.bias).toBe(bias[node]);
  let exact = bias[node], magnitude = Math.abs(bias[node]);
  inputs.forEach((x, i) => {
    exact += x * weights[i];
    magnitude += Math.abs(x * weights[i]);
  });
  // matmul rounds k products and k - 1 additions, then add(b) rounds once more: k + 1 terms in all.
  const bound = gamma(inputs.length + 1) * magnitude, error = Math.abs(view.sum - exact);
  expect(error).toBeLessThanOrEqual(bound);
  const act = ACTIVATIONS[view.activation];
  const want = act.ref(view.sum);
  expect(Math.abs(view.output - want)).toBeLessThanOrEqual(Math.max(act.abs, act.rel * Math.abs(want)));
  return { error, bound };
}

describe('playground', () => {
  let dir = '', server: Server | undefined, context: BrowserContext | undefined, page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    // Unpacked under node_modules, so its own dependencies (papaparse) resolve from the project's.
    mkdirSync(join(root, 'node_modules', '.cache'), { recursive: true });
    dir = mkdtempSync(join(root, 'node_modules', '.cache', 'simdeep-playground-'));
    run('tar', ['-xzf', packedTarball(), '-C', dir], dir);
    const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
    const out = join(dir, 'out');
    const built = spawnSync(process.execPath, [vite, 'build', 'playground', '--outDir', out, '--emptyOutDir', '--logLevel', 'warn'],
      { cwd: root, encoding: 'utf8', env: { ...process.env, NODE_ENV: 'production', SIMDEEP_ENTRY: join(dir, 'package', 'dist', 'index.js') } });
    if (built.status !== 0) throw new Error(`vite build failed:\n${built.stdout}${built.stderr}`);
    server = await serve(out);
    context = await chromium.launchPersistentContext(mkdtempSync(join(dir, 'profile-')),
      { executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS, viewport: { width: 1280, height: 800 } });
    page = context.pages()[0] ?? await context.newPage();
    page.on('pageerror', (error) => errors.push(String(error)));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await page.waitForFunction(() => (window as any).playground?.snapshot() !== null, null, { timeout: 20_000 });
  }, 300_000);

  afterAll(async () => {
    await context?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test(`trains XOR for ${STEPS} steps: the loss falls and the test accuracy passes 0.9`, async () => {
    await page.waitForSelector('#threads[data-isolated="true"]', { timeout: 10_000 });
    // The worker asks for min(cores, 4) threads; the page says how many run.
    const cores = await page.evaluate(() => Math.min(navigator.hardwareConcurrency, 4));
    expect(await page.locator('#threads').textContent()).toContain(cores > 1 ? `: ${cores} threads` : ': 1 thread');
    expect(await page.locator('#dataset').inputValue()).toBe('xor');
    await page.fill('#stop-at', String(STEPS));
    await page.locator('#stop-at').dispatchEvent('change');
    await page.waitForFunction((n) => (window as any).playground.settings()?.stopAt === n, STEPS);
    await page.getByRole('button', { name: 'Start' }).click();
    await page.waitForSelector(`#status[data-step="${STEPS}"][data-running="false"]`, { timeout: 20_000 });
    const snapshot = await page.evaluate(() => (window as any).playground.snapshot());
    const { steps, loss, valLoss } = snapshot.history;
    expect(steps[0]).toBe(0);
    expect(steps.at(-1)).toBe(STEPS);
    expect(steps.length).toBeGreaterThan(100); // a curve, not just its ends
    const metrics = page.locator('#metrics');
    const testAccuracy = Number(await metrics.getAttribute('data-test-accuracy'));
    console.log(`XOR: loss ${loss[0].toFixed(4)} → ${loss.at(-1).toFixed(4)}, validation ${valLoss[0].toFixed(4)} → `
      + `${valLoss.at(-1).toFixed(4)}, test accuracy ${testAccuracy}`);
    expect(Number(await metrics.getAttribute('data-loss'))).toBe(loss.at(-1));
    expect(loss.at(-1)).toBeLessThan(loss[0] / 2);
    expect(valLoss.at(-1)).toBeLessThan(valLoss[0]);
    expect(testAccuracy).toBeGreaterThan(0.9);

    // Seeded: the same settings give the same run, to the bit.
    await page.getByRole('button', { name: 'Reset' }).click();
    await page.waitForSelector('#status[data-step="0"]');
    await page.getByRole('button', { name: 'Start' }).click();
    await page.waitForSelector(`#status[data-step="${STEPS}"][data-running="false"]`, { timeout: 20_000 });
    const again = await page.evaluate(() => (window as any).playground.snapshot());
    expect(again.weights).toEqual(snapshot.weights);
    expect(again.history.loss.at(-1)).toBe(loss.at(-1));
  }, 30_000);

  test('a hidden node shows inputs · weights + bias of the model\'s weights, and its activation', async () => {
    const index = 3;
    await page.selectOption('#sample-split', 'test');
    await page.fill('#sample-index', String(index));
    await page.locator('#sample-index').dispatchEvent('change');
    // Keyboard: the second node of hidden layer 1 takes focus and Enter selects it.
    const node = page.locator('#graph .node[data-layer="1"][data-node="1"]');
    await node.focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction((i) => (window as any).playground.snapshot()?.forward?.index === i, index);
    const view = await nodeView(page, 1, 1);
    const { weights, data, forward } = await page.evaluate(() => {
      const p = (window as any).playground;
      return { weights: p.weights(), data: p.data(), forward: p.snapshot().forward };
    });
    expect(forward).toMatchObject({ split: 'test', index });
    // The model's inputs are the sample's coordinates as float32.
    const inputs = (data.xTest[index] as number[]).map(Math.fround);
    const first = checkNode(view, inputs, weights[0].kernel, weights[0].bias, 1);

    // The next layer's inputs are this layer's outputs, as shown.
    await page.locator('#graph .node[data-layer="2"][data-node="0"]').click();
    const next = await nodeView(page, 2, 0);
    const outputs = await page.locator('.fw-node[data-layer="1"]').evaluateAll((els) => els.map((e) => Number((e as HTMLElement).dataset.output)));
    const second = checkNode(next, outputs, weights[1].kernel, weights[1].bias, 0);
    console.log(`weighted sums: layer 1 node 2 ${view.sum} (error ${first.error.toExponential(2)}, bound ${first.bound.toExponential(2)}); `
      + `layer 2 node 1 ${next.sum} (error ${second.error.toExponential(2)}, bound ${second.bound.toExponential(2)})`);
    expect(await page.locator('.fw-layer[data-layer="1"] .matrix-form').textContent()).toBe('X[1×2] · W[2×8] + b[8] = Z[1×8] → tanh → A[1×8]');
  }, 20_000);

  test('screenshots at 1280×800 and 390×844', async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    for (const [name, width, height] of [['desktop-1280x800', 1280, 800], ['phone-390x844', 390, 844]] as const) {
      await page.setViewportSize({ width, height });
      await page.evaluate(() => window.scrollTo(0, 0));
      // Nothing is wider than the viewport: no sideways scrolling.
      await page.waitForFunction((w) => document.documentElement.scrollWidth <= w, width);
      await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
      await page.screenshot({ path: join(ARTIFACTS, `${name}-full.png`), fullPage: true });
    }
    expect(errors).toEqual([]);
  }, 20_000);
});
