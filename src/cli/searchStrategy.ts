// `simdeep train --search-strategy`: how the search spends its epochs. 'random' draws the epochs with the other
// settings and trains every trial in full; 'asha' and 'hyperband' train every trial up to --epochs and stop the bad
// ones early, judging them on their validation loss at rungs spread over those epochs.
import { asha, hyperband, type Pruner } from '../search/pruners';
import type { Space } from '../search/space';

export type SearchStrategy = 'random' | 'asha' | 'hyperband';

export const SEARCH_STRATEGIES: readonly SearchStrategy[] = ['random', 'asha', 'hyperband'];

/** The reduction factor η of the CLI's pruners: a third of the trials at a rung go on. */
const REDUCTION = 3;

/**
 * The space and pruner of `strategy` for a search whose models train up to `epochs` epochs. The pruners' rungs
 * start at epochs / 27 (at least 1), so that three rungs (×3 each) lie below --epochs: with 200 epochs, asha judges
 * at epochs 7, 21, 63 and 189, and hyperband has 4 brackets starting at 7, 21, 63 and 189.
 */
export function strategySearch(strategy: SearchStrategy, space: Space, epochs: number): { space: Space; pruner?: Pruner } {
  if (strategy === 'random') return { space };
  if (epochs < 2) throw new RangeError(`--search-strategy ${strategy} stops trials early, so it needs --epochs of 2 or more, got ${epochs}`);
  const minResource = Math.max(1, Math.floor(epochs / REDUCTION ** 3));
  const settings = { minResource, maxResource: epochs, reductionFactor: REDUCTION };
  return { space: { ...space, epochs }, pruner: strategy === 'asha' ? asha(settings) : hyperband(settings) };
}
