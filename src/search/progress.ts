// The search's progress line on stderr (Node): trials done of all, the best score so far, and the time left.
import { isNode } from './module';

/** Updates a progress display as trials end. */
export interface Progress {
  update(done: number, best: number | undefined): void;
  stop(): void;
}

const silent: Progress = { update: () => undefined, stop: () => undefined };

/** Whether to show progress when the caller did not say: stderr is a terminal and this is not a CI run. */
export function progressByDefault(): boolean {
  return isNode() && process.stderr?.isTTY === true && !process.env.CI;
}

/** Starts a cli-progress bar on stderr for `total` trials (or nothing when `show` is false or outside Node). */
export async function startProgress(show: boolean, total: number): Promise<Progress> {
  if (!show || !isNode()) return silent;
  // NOTE: imported on demand and by a variable name: cli-progress needs Node's readline, which browser bundles lack.
  const name = 'cli-progress';
  const { SingleBar } = (await import(/* webpackIgnore: true */ /* @vite-ignore */ name)) as typeof import('cli-progress');
  const bar = new SingleBar({
    format: 'search |{bar}| trial {value}/{total} | best {best} | ETA {eta_formatted}',
    stream: process.stderr,
    noTTYOutput: true, // asked for on a stream that is not a terminal (a log file): a line every few seconds
  });
  bar.start(total, 0, { best: '-' });
  return {
    update: (done, best) => bar.update(done, { best: best === undefined ? '-' : best.toPrecision(4) }),
    stop: () => bar.stop(),
  };
}
