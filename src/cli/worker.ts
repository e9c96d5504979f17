// `simdeep worker --redis <url>`: runs the trials of searches on the queue (`simdeep train … --workers <url>`, or any
// randomSearch/gridSearch with `executor: queue(...)`) until SIGINT or SIGTERM, finishing the trials it is running.
// A second signal ends the process at once; its trials then run again on another worker.
import { runWorker } from '../search/queue-worker';

export interface WorkerFlags {
  redis: string;
  concurrency: number;
  queue: string;
}

/** Runs `simdeep worker`; resolves once it has stopped. */
export async function worker(flags: WorkerFlags, log: (line: string) => void): Promise<void> {
  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    log(`worker: ${signal}: stopping after the trials it is running (again to stop at once)`);
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
    stop.abort();
  };
  process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
  try {
    log(`worker: running trials of the queue ${flags.queue} on ${flags.redis}, ${flags.concurrency} at a time`);
    await runWorker({ connection: flags.redis, name: flags.queue, concurrency: flags.concurrency, signal: stop.signal });
    log('worker: stopped');
  } finally {
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
  }
}
