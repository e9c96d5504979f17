// Objectives given as modules: where the module is, and importing its objective. Node's built-ins are imported
// on demand, by a variable name, so browser bundles never include them.
import type { Objective, ObjectiveModule } from './trial';

import { isNode, nodeImport } from '../runtime/node';

export { isNode, nodeImport };

/** Cores available to this process (1 outside Node). */
export async function availableCores(): Promise<number> {
  if (!isNode()) return 1;
  const os = await nodeImport<typeof import('node:os')>('node:os');
  return os.availableParallelism?.() ?? os.cpus().length;
}

/** The URL to import for objective.module: URLs as they are, file paths resolved against the working directory. */
export async function moduleHref(module: string | URL): Promise<string> {
  if (typeof module !== 'string') return module.href;
  if (/^[a-z][a-z0-9+.-]+:/i.test(module) || !isNode()) return module;
  const [url, path] = await Promise.all([nodeImport<typeof import('node:url')>('node:url'), nodeImport<typeof import('node:path')>('node:path')]);
  return url.pathToFileURL(path.resolve(module)).href;
}

/** Why a module cannot give the objective: the import failed, or these are its exports (none is the function). */
export type ModuleProblem = { importError: string } | { exports: string[] };

/** The error a search rejects with when objective.module is unusable: a TypeError, as for any bad objective. */
export function moduleError(op: string, href: string, name: string, problem: ModuleProblem): TypeError {
  if ('importError' in problem) return new TypeError(`${op}: objective.module ${href} could not be imported: ${problem.importError}`);
  return new TypeError(`${op}: objective.module ${href} has no function export "${name}" (it exports: ${[...problem.exports].sort().join(', ') || 'nothing'})`);
}

/** Imports objective.module in this thread and returns its objective function. */
export async function importObjective(target: ObjectiveModule, op: string): Promise<Objective<unknown>> {
  const href = await moduleHref(target.module);
  const name = target.export ?? 'objective';
  let loaded: Record<string, unknown>;
  try {
    loaded = (await import(/* webpackIgnore: true */ /* @vite-ignore */ href)) as Record<string, unknown>;
  } catch (error) {
    throw moduleError(op, href, name, { importError: error instanceof Error ? error.message : String(error) });
  }
  if (typeof loaded[name] !== 'function') throw moduleError(op, href, name, { exports: Object.keys(loaded) });
  return loaded[name] as Objective<unknown>;
}
