import { showValue } from '../tensor/errors';

/**
 * One value of a Table: a number, a string, or null for a missing value.
 * @example
 * const cells: Cell[] = Table.fromRecords([{ a: 1 }, { a: 'x' }, { a: null }]).column('a');
 * cells; // [1, 'x', null]
 */
export type Cell = number | string | null;

/**
 * A value read from records, JSON or CSV as a cell: null, undefined, '' and NaN become null (missing); true and
 * false become 1 and 0; numbers (±Infinity too) and other strings stay as they are. `where` names the value in the
 * error thrown for objects, arrays and other types.
 */
export function toCell(value: unknown, op: string, where: string): Cell {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'number') return Number.isNaN(value) ? null : value;
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  const kind = Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;
  throw new TypeError(`${op}: ${where} is ${kind} (${showValue(value)}); cells must be numbers, strings, booleans or null`);
}

/** Orders cells for sorted category lists and ties: numbers ascending, then strings by code unit. */
export function compareCells(a: number | string, b: number | string): number {
  if (typeof a !== typeof b) return typeof a === 'number' ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Distinct present values of a column, sorted with compareCells. */
export function distinctSorted(values: readonly Cell[]): (number | string)[] {
  const seen = new Set<number | string>();
  for (const v of values) if (v !== null) seen.add(v);
  return [...seen].sort(compareCells);
}

/** A cell for messages: null, a number, or a quoted string (long strings shortened). */
export function showCell(value: Cell): string {
  if (typeof value === 'string' && value.length > 40) return JSON.stringify(`${value.slice(0, 37)}...`);
  return value === null ? 'null' : typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** A list of column names for messages, shortened after 12 names. */
export function showColumns(columns: readonly string[]): string {
  const shown = columns.slice(0, 12).map((c) => JSON.stringify(c)).join(', ');
  return columns.length > 12 ? `${shown}, ... (${columns.length} columns)` : columns.length === 0 ? 'none' : shown;
}
