// Types of examples/movie-genres.mjs, for the tests that run it.
export interface MovieGenresOptions {
  /** Training films (default: 80% of the 2,926 with a genre), the last 15% of them for early stopping. */
  train?: number;
  /** Test films, different from the training ones (default: the other 20%). */
  test?: number;
  /** Most passes over the training films (default 40; early stopping ends sooner). */
  epochs?: number;
  /** Films per Adam step (default 32). */
  batchSize?: number;
  /** Length of each token's vector (default 16). */
  outputDim?: number;
  /** Seed of the film order, the initial weights and the shuffling (default 1). */
  seed?: number;
  /** Where the lines go (default console.log). */
  log?: (line: string) => void;
}

export interface MovieGenresResult {
  /** Fraction of the test films each predictor gives the right genre. */
  accuracy: { majority: number; bagOfWords: number; embedding: number };
  /** The genres, in the order of the models' outputs. */
  genres: string[];
  /** Tokens seen at least twice in the training films. */
  vocabulary: number;
  train: number;
  test: number;
}

/** A film as its tokens (credits, then title words; null where there is none) and its genre. */
export interface Film {
  tokens: (string | null)[];
  genre: string;
}

export const CREDITS: [string, string][];
export const TITLE_WORDS: number;
export function moviesPath(): string;
export function loadFilms(): Film[];
export function vocabularyOf(films: Film[]): Map<string, number>;
export function main(options?: MovieGenresOptions): Promise<MovieGenresResult>;
