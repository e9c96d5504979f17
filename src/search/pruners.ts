// Pruners: stopping bad trials early from the intermediate scores they report. A pruner is plain settings (sent to
// queue workers as JSON) plus a rule that decides from the scores recorded at each rung; the rung scores live in a
// RungStore: memory for searches in one process, Redis for searches on a queue.

/** The scores recorded at the rungs of a search, shared by every process that runs its trials. */
export interface RungStore {
  /**
   * Records `score` for `trial` at `rung` of `bracket` (again for the same trial replaces it: a trial run twice counts
   * once) and resolves to every score recorded there, this one included.
   */
  record(bracket: number, rung: number, trial: number, score: number): Promise<number[]>;
}

/** A pruner's settings as JSON. */
export type PrunerJSON = { type: string; [key: string]: unknown };

/** Stops trials early from the scores they report at steps (epochs). */
export interface Pruner {
  /** The kind: 'asha' or 'hyperband'. */
  readonly kind: string;
  /** Whether trial `trial` goes on after reporting `score` at `step`. */
  decide(trial: number, step: number, score: number, direction: 'minimize' | 'maximize', rungs: RungStore): Promise<boolean>;
  /** The settings, to rebuild the pruner elsewhere (`prunerFromJSON`). */
  toJSON(): PrunerJSON;
}

/** The pruner of `json` (a queue worker rebuilds the search's pruner from its job). */
export function prunerFromJSON(json: PrunerJSON): Pruner {
  throw new Error(`prunerFromJSON: no pruner of type ${json.type}`);
}

/** A RungStore in this process's memory. */
export function memoryRungs(): RungStore {
  const rungs = new Map<string, Map<number, number>>();
  return {
    record: async (bracket, rung, trial, score) => {
      const key = `${bracket}/${rung}`;
      const scores = rungs.get(key) ?? new Map<number, number>();
      rungs.set(key, scores.set(trial, score));
      return [...scores.values()];
    },
  };
}
