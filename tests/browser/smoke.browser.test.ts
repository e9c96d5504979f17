// The smoke run (tests/smoke/smoke.mjs) in Chromium: every check passes and the digest of the result bits equals
// the digest of the same run in Node (computed by the smokeInNode command of vitest.browser.config.ts).
import { expect, inject, test } from 'vitest';
import { commands } from 'vitest/browser';
import * as sd from '../../src/index';
import { smoke } from '../smoke/smoke.mjs';

const isolated = inject('isolated');
const allTrue = (checks: Record<string, boolean>) => Object.fromEntries(Object.keys(checks).map((name) => [name, true]));

test(`the smoke run passes and gives Node's digest (${isolated ? 'two threads' : 'one thread'})`, async () => {
  const browser = await smoke(sd, { threads: 2 });
  const node = await commands.smokeInNode(2);
  expect(browser.checks).toEqual(allTrue(browser.checks));
  expect(node.checks).toEqual(allTrue(node.checks));
  expect(Object.keys(browser.checks)).toEqual(Object.keys(node.checks));
  expect(node.threads.active).toBe(2);
  expect(browser.threads.active).toBe(isolated ? 2 : 1);
  expect(browser.threads.reason).toEqual(isolated ? '' : expect.stringMatching(/not cross-origin isolated/));
  expect(browser.digest).toBe(node.digest);
});
