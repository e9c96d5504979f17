// A search worker (a worker_threads Worker started by src/search/workers.ts, Node only): import the objective's
// module by its URL, say 'ready' (or why it cannot), then run each trial it is sent with callObjective, sending each
// report back to be decided on when the search has a pruner.
// NOTE: worker_threads by nodeImport, not an import statement: a bundler that copies this file as an asset
// (webpack) may place it where Node reads .js files as CommonJS.
import { nodeImport } from '../runtime/node';
import { callObjective, goOn, type Decide, type Objective } from './trial';
import type { ToThread } from './workers';

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

async function main(): Promise<void> {
  const { parentPort, workerData } = await nodeImport<typeof import('node:worker_threads')>('node:worker_threads');
  const { href, name } = workerData as { href: string; name: string };
  const port = parentPort!;
  let loaded: Record<string, unknown>;
  try {
    loaded = (await import(/* webpackIgnore: true */ /* @vite-ignore */ href)) as Record<string, unknown>;
  } catch (error) {
    return port.postMessage({ type: 'unusable', problem: { importError: message(error) } });
  }
  const objective = loaded[name];
  if (typeof objective !== 'function') return port.postMessage({ type: 'unusable', problem: { exports: Object.keys(loaded) } });
  // Decisions come back in the order the reports went out.
  const decisions: ((decision: Extract<ToThread, { type: 'decision' }>) => void)[] = [];
  const decide: Decide = (step, score) => new Promise<boolean>((resolve, reject) => {
    decisions.push((d) => (d.error !== undefined ? reject(new Error(d.error)) : resolve(d.go)));
    port.postMessage({ type: 'report', step, score });
  });
  port.on('message', (received: ToThread) => {
    if (received.type === 'decision') return decisions.shift()?.(received);
    void callObjective(objective as Objective<unknown>, received.job, received.ask ? decide : goOn).then((call) => port.postMessage({ type: 'done', call }));
  });
  port.postMessage({ type: 'ready' });
}

void main();
