// workerStart.ts for the workerd build (tsup.config.ts): edge runtimes have no Worker, so the bundle holds no worker
// file to resolve. threads.ts never calls this there (module.workerd.ts sets NO_WORKERS).
import { NO_WORKERS } from './platform';
import type { WorkerHandle } from './workerStart';
import type { WorkerData } from './workerJob';

export type { WorkerHandle };

/** Rejects: no worker runs in this build. */
export async function startWorker(data: WorkerData): Promise<WorkerHandle> {
  throw new Error(`simdeep: cannot start a worker for pool ${data.id}: ${NO_WORKERS}`);
}
