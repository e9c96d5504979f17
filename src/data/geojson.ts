import { showValue } from '../tensor/errors';

/**
 * A GeoJSON FeatureCollection, as far as Table reads it.
 * @example
 * const collection: FeatureCollection = { type: 'FeatureCollection', features: [{ properties: { mag: 2.5 } }] };
 * Table.fromGeoJSON(collection).column('mag'); // [2.5]
 */
export interface FeatureCollection {
  /** Always 'FeatureCollection'. */
  type: 'FeatureCollection';
  /** The features: one row each. */
  features: readonly Feature[];
}

/**
 * A GeoJSON Feature: its properties become cells; a Point geometry adds longitude, latitude and depth.
 * @example
 * const quake: Feature = { type: 'Feature', properties: { mag: 2.5 }, geometry: { type: 'Point', coordinates: [-150, 61] } };
 * Table.fromGeoJSON({ type: 'FeatureCollection', features: [quake] }).toRecords(); // [{ mag: 2.5, longitude: -150, latitude: 61 }]
 */
export interface Feature {
  /** 'Feature' (not checked). */
  type?: 'Feature';
  /** The row's cells by column name (numbers, strings, booleans or null). */
  properties?: Record<string, unknown> | null;
  /** Only a Point is read, as [longitude, latitude] or [longitude, latitude, depth]; other geometries are ignored. */
  geometry?: {
    /** The geometry type, such as 'Point'. */
    type: string;
    /** The coordinates. */
    coordinates?: unknown;
  } | null;
}

/** Whether `value` looks like a GeoJSON FeatureCollection (its `type` says so). */
export function isFeatureCollection(value: unknown): value is FeatureCollection {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'FeatureCollection';
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * One record per feature: its properties, then `longitude`, `latitude` and (with a third coordinate) `depth` from a
 * Point geometry. The coordinates replace properties of the same names.
 */
export function featureRecords(collection: unknown, op: string): Record<string, unknown>[] {
  if (!isFeatureCollection(collection)) {
    throw new TypeError(`${op}: expected a GeoJSON FeatureCollection ({ type: 'FeatureCollection', features: [...] }), got ${showValue(collection)}`);
  }
  const features: unknown = collection.features;
  if (!Array.isArray(features)) throw new TypeError(`${op}: the FeatureCollection's features must be an array, got ${showValue(features)}`);
  return features.map((feature: unknown, i) => {
    if (!isObject(feature)) throw new TypeError(`${op}: features[${i}] must be a GeoJSON Feature object, got ${showValue(feature)}`);
    const { properties, geometry } = feature;
    if (properties !== undefined && properties !== null && !isObject(properties)) {
      throw new TypeError(`${op}: features[${i}].properties must be an object or null, got ${showValue(properties)}`);
    }
    const record: Record<string, unknown> = { ...properties };
    if (isObject(geometry) && geometry.type === 'Point') {
      const coordinates = geometry.coordinates;
      if (!Array.isArray(coordinates) || coordinates.length < 2 || coordinates.some((c) => typeof c !== 'number')) {
        throw new TypeError(`${op}: features[${i}] is a Point whose coordinates must be 2 or 3 numbers, got ${showValue(coordinates)}`);
      }
      record.longitude = coordinates[0];
      record.latitude = coordinates[1];
      if (coordinates.length > 2) record.depth = coordinates[2];
    }
    return record;
  });
}
