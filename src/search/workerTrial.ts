// A search worker (a worker_threads Worker started by src/search/workers.ts, Node only): import the objective's
// module by its URL, say 'ready' (or why it cannot), then run each trial it is sent, as callObjective in trial.ts does.
import { parentPort, workerData } from 'node:worker_threads';
import type { Job } from './space';
import type { Call } from './trial';

const { href, name } = workerData as { href: string; name: string };
const port = parentPort!;
const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

async function main(): Promise<void> {
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
