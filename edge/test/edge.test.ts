// simdeep inside workerd, imported by name from the packed tarball (its `workerd` export condition): a request
// trains a model, the smoke run gives Node's bits, and threads() says why one thread runs.
import { SELF } from 'cloudflare:test';
import * as sd from 'simdeep';
import { expect, inject, test } from 'vitest';
import { smoke } from '../../tests/smoke/smoke.mjs';
import type { FormatsAnswer, XorAnswer } from '../src/worker';

test('a request trains XOR and answers with learned predictions', async () => {
  const response = await SELF.fetch('https://edge.test/xor?epochs=300');
  expect(response.status).toBe(200);
  const answer = (await response.json()) as XorAnswer;
  expect(answer.epochs).toBe(300);
  expect(answer.lastLoss).toBeLessThan(answer.firstLoss / 4);
  const [p00, p01, p10, p11] = answer.predictions;
  expect(p00).toBeLessThan(0.5);
  expect(p01).toBeGreaterThan(0.5);
  expect(p10).toBeGreaterThan(0.5);
  expect(p11).toBeLessThan(0.5);
});

test('a request saves a model in every format to bytes and loads each back: the same predictions', async () => {
  const response = await SELF.fetch('https://edge.test/formats');
  expect(response.status).toBe(200);
  const answer = (await response.json()) as FormatsAnswer;
  expect(Object.keys(answer.loaded).sort()).toEqual(['keras', 'onnx', 'safetensors', 'simdeep', 'tfjs']);
  for (const [format, values] of Object.entries(answer.loaded)) expect(values, format).toEqual(answer.original);
});

test('threads() reports one thread and why; the relaxed-SIMD module compiled', async () => {
  await sd.setThreads(2);
  expect(sd.threads()).toEqual({ active: 1, requested: 2, reason: 'edge runtimes (workerd) run one thread and have no Worker', relaxedSimd: true,
    gemm: 'relaxed-SIMD 6×8: the default on this engine (no V8 version stated), where the relaxed-SIMD kernel is the faster' });
  await sd.setThreads(1);
  const answer = (await (await SELF.fetch('https://edge.test/threads')).json()) as sd.ThreadsInfo;
  expect(answer.active).toBe(1);
});

test('the smoke run passes every check with the same digest as Node', async () => {
  const node = inject('nodeSmoke');
  const edge = await smoke(sd, { threads: 2 });
  expect(Object.values(node.checks).every(Boolean)).toBe(true);
  expect(edge.checks).toEqual(node.checks);
  expect(edge.threads).toMatchObject({ active: 1, requested: 2 });
  expect(node.threads.active).toBe(2);
  expect(edge.digest).toBe(node.digest);
});

test('compiling wasm from bytes is refused (hence the entry that imports .wasm modules)', async () => {
  const empty = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]); // a valid, empty module
  expect(WebAssembly.validate(empty)).toBe(true);
  await expect(WebAssembly.compile(empty)).rejects.toThrow(/disallowed by embedder/);
  expect(() => new WebAssembly.Module(empty)).toThrow(/disallowed by embedder/);
});
