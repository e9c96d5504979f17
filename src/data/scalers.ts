import { showValue } from '../tensor/errors';
import type { Tensor } from '../tensor/tensor';
import { MinMaxScaler, type MinMaxScalerJSON } from './minMaxScaler';
import { StandardScaler, type StandardScalerJSON } from './standardScaler';

export { MinMaxScaler, type MinMaxScalerJSON, type MinMaxScalerOptions } from './minMaxScaler';
export { StandardScaler, type StandardScalerJSON, type StandardScalerOptions } from './standardScaler';

/** The JSON of any scaler; its `type` names the class. */
export type ScalerJSON = MinMaxScalerJSON | StandardScalerJSON;

/**
 * What every scaler does: learn per-feature statistics from [rows, features] data, apply and undo them, and save
 * them as JSON.
 * @example
 * const scalers: Scaler[] = [new MinMaxScaler(), new StandardScaler()];
 */
export interface Scaler {
  readonly fitted: boolean;
  fit(x: Tensor): this;
  transform(x: Tensor): Tensor;
  fitTransform(x: Tensor): Tensor;
  inverseTransform(x: Tensor): Tensor;
  toJSON(): ScalerJSON;
}

/**
 * The scaler a `toJSON()` output describes, of the class its `type` names: to restore the scaler saved with a model.
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
