import { showValue } from '../tensor/errors';
import type { Tensor } from '../tensor/tensor';
import { MinMaxScaler, type MinMaxScalerJSON } from './minMaxScaler';
import { StandardScaler, type StandardScalerJSON } from './standardScaler';

export { MinMaxScaler, type MinMaxScalerJSON, type MinMaxScalerOptions } from './minMaxScaler';
export { StandardScaler, type StandardScalerJSON, type StandardScalerOptions } from './standardScaler';

/**
 * The JSON of any scaler; its `type` names the class.
 * @example
 * const saved: ScalerJSON = new MinMaxScaler().fit(tensor([[0], [4]])).toJSON();
 * scalerFromJSON(saved).transform(tensor([[1]])).toArray(); // [[0.25]]
 */
export type ScalerJSON = MinMaxScalerJSON | StandardScalerJSON;

/**
 * What every scaler does: learn per-feature statistics from [rows, features] data, apply and undo them, and save
 * them as JSON.
 * @example
 * const scalers: Scaler[] = [new MinMaxScaler(), new StandardScaler()];
 */
export interface Scaler {
  /** Whether `fit` was called (or the scaler was loaded fitted). */
  readonly fitted: boolean;
  /** Learns the statistics of each feature from x [rows, features]; returns the scaler. */
  fit(x: Tensor): this;
  /** A new tensor: x [rows, features] scaled with the fitted statistics. */
  transform(x: Tensor): Tensor;
  /** Fits on x, then scales it. */
  fitTransform(x: Tensor): Tensor;
  /** A new tensor: scaled values mapped back to the original units. */
  inverseTransform(x: Tensor): Tensor;
  /** The scaler as JSON, for `scalerFromJSON`. */
  toJSON(): ScalerJSON;
}

/**
 * The scaler a `toJSON()` output describes, of the class its `type` names: to restore the scaler saved with a model.
 * Throws a TypeError for another type, and as the class's `fromJSON` does for bad statistics.
 * @example
 * const saved = JSON.stringify(new StandardScaler().fit(tensor([[1], [3]])));
 * scalerFromJSON(JSON.parse(saved)).transform(tensor([[3]])).toArray(); // [[1]]
 */
export function scalerFromJSON(json: MinMaxScalerJSON): MinMaxScaler;
export function scalerFromJSON(json: StandardScalerJSON): StandardScaler;
export function scalerFromJSON(json: ScalerJSON): Scaler;
export function scalerFromJSON(json: ScalerJSON): Scaler {
  const type: unknown = typeof json === 'object' && json !== null ? json.type : undefined;
  if (type === 'MinMaxScaler') return MinMaxScaler.fromJSON(json as MinMaxScalerJSON);
  if (type === 'StandardScaler') return StandardScaler.fromJSON(json as StandardScalerJSON);
  throw new TypeError(`scalerFromJSON: json.type must be 'MinMaxScaler' or 'StandardScaler', got ${showValue(type)} (in ${showValue(json)})`);
}
