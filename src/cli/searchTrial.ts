// The objective of `simdeep train … --search N --workers <redis-url>`: a module that queue workers import (built as
// dist/searchTrial.js beside dist/cli.js). Each trial's hyperparameters carry, as the constant `data`, the data file's
// absolute path and the options that decide the data; the module reads and prepares the data as `simdeep train`
// does (once per process and data), so a worker needs the data file at the same path, and scores the trial as a
// local search does, reporting each epoch's validation loss: the same seed gives the same trials and scores.
import { resolve } from 'node:path';
import { setThreads } from '../runtime/threads';
import { reportEpochs } from '../search/report-epochs';
import type { TrialContext } from '../search/trial';
import { prepareSplits, readAndPlan, trialScore, type DataOptions, type Prepared } from './trainData';
import { settingsOf, type TrainOptions } from './train';

/** What a trial needs to read and prepare the data. */
export type SearchTrialData = DataOptions & { file: string };

/** The objective module of searches on the queue. */
export const SEARCH_TRIAL = { module: new URL('./searchTrial.js', import.meta.url), export: 'searchTrial' };

/** The `data` constant of a search on the queue: the file's absolute path and the options, as plain JSON. */
export function searchTrialData(file: string, options: TrainOptions): SearchTrialData {
  const { target, drop, encoding, features, task, test, validation, seed, classWeight } = options;
  return JSON.parse(JSON.stringify({ file: resolve(file), target, drop, encoding, features, task, test, validation, seed, classWeight })) as SearchTrialData;
}

const prepared = new Map<string, Promise<Prepared>>();

async function prepare(data: SearchTrialData): Promise<Prepared> {
  await setThreads(1); // one thread per trial: the worker runs trials side by side
  const { table, preparation } = await readAndPlan(data.file, data);
  return prepareSplits(table, preparation, data, (t) => t); // kept for the process's life, for its next trials
}

/** Scores one trial of the search: its model settings trained on the prepared data, seeded with the trial's seed. */
export async function searchTrial(params: Record<string, unknown>, context: TrialContext): Promise<number> {
  const { data, ...space } = params as { data: SearchTrialData };
  const key = JSON.stringify(data);
  let ready = prepared.get(key);
  if (!ready) prepared.set(key, (ready = prepare(data)));
  const { data: split, classes, classWeight } = await ready;
  return trialScore(settingsOf(space), split, classes, context.seed, { classWeight, callbacks: [reportEpochs(context)] });
}
