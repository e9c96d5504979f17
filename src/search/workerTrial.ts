// A search worker (a worker_threads Worker started by src/search/workers.ts, Node only): import the objective's
// module by its URL, say 'ready' (or why it cannot), then run each trial it is sent, as callObjective in trial.ts does.
// NOTE: worker_threads by nodeImport, not an import statement: a bundler that copies this file as an asset
// (webpack) may place it where Node reads .js files as CommonJS.
import { nodeImport } from '../runtime/node';
import type { Job } from './space';
import type { Call } from './trial';

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
  port.on('message', async (job: Job) => {
    const start = performance.now();
    let call: Call;
    try {
      const value: unknown = await objective(job.params, { trial: job.index, seed: job.seed });
      const seconds = (performance.now() - start) / 1000;
      call = typeof value === 'number' ? { seconds, value } : { seconds, type: value === null ? 'null' : typeof value };
    } catch (error) {
      call = { seconds: (performance.now() - start) / 1000, error: message(error) };
    }
    port.postMessage({ type: 'done', call });
  });
  port.postMessage({ type: 'ready' });
}

void main();
