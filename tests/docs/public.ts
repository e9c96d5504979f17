// The public API the doctest reads: both entries, simdeep (src/index.ts) and simdeep/formats (src/formats.ts).
export * from '../../src/index';
export * from '../../src/formats';
