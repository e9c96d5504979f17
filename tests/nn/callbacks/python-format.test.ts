// The Python format subset (src/nn/callbacks/python-format.ts) against what CPython 3 prints for the same values
// (format(value, spec) and repr(value), run once and written here), exact ties to even included.
import { describe, expect, it } from 'vitest';
import { fillTemplate, formatValue, parseSpec, parseTemplate, pythonRepr } from '../../../src/nn/callbacks/python-format';

const FORMATTED: [string, number | string, string][] = [['02d', 7, '07'], ['05d', -42, '-0042'], ['d', 123, '123'], ['.2f', 0.125, '0.12'], ['.2f', 0.375, '0.38'],
  ['.2f', -1.005, '-1.00'], ['08.3f', -3.14159, '-003.142'], ['.4e', 1.5e-05, '1.5000e-05'], ['.4e', 0.0, '0.0000e+00'], ['e', 123456.789, '1.234568e+05'],
  ['.0e', 9.5, '1e+01'], ['.0e', 8.5, '8e+00'], ['.1e', 125.0, '1.2e+02'], ['.1e', 135.0, '1.4e+02'], ['.0f', 2.5, '2'], ['.0f', 3.5, '4'], ['.0f', -2.5, '-2'],
  ['.3f', 'nan', 'nan'], ['6.2f', 'inf', '   inf'], ['06.1f', '-inf', '-00inf'], ['.1e', -2.5e+300, '-2.5e+300'], ['.2f', -0.0, '-0.00'], ['.4f', 0.31234, '0.3123'],
  ['.4e', 0.00012345, '1.2345e-04'], ['f', 0.3333333333333333, '0.333333'], ['10.3e', -1e-310, '-1.000e-310'], ['.1f', 0.25, '0.2'], ['.1f', 0.35, '0.3']];
const REPRS: [number, string][] = [[0.1, '0.1'], [1e-05, '1e-05'], [12.0, '12.0'], [1e+16, '1e+16'], [1.5e+16, '1.5e+16'], [123456789012345.6, '123456789012345.6'],
  [0.0001, '0.0001'], [0.00012, '0.00012'], [-0.0, '-0.0'], [2.5e-300, '2.5e-300'], [0.3333333333333333, '0.3333333333333333'], [-7.0, '-7.0'], [5e-324, '5e-324']];

describe('python-format', () => {
  it.each(FORMATTED)('format(%s) of %s is %s, as CPython', (spec, value, expected) => {
    expect(formatValue(typeof value === 'string' ? Number(value.replace('inf', 'Infinity').replace('nan', 'NaN')) : value, parseSpec(spec)!)).toBe(expected);
  });

  it('repr of floats, as CPython', () => {
    expect(REPRS.map(([v]) => pythonRepr(v))).toEqual(REPRS.map(([, r]) => r));
    expect([NaN, Infinity, -Infinity].map(pythonRepr)).toEqual(['nan', 'inf', '-inf']);
  });

  it('templates: placeholders, escaped braces, and specs outside the subset refused', () => {
    const pieces = parseTemplate('m-{epoch:03d}-{{x}}-{val_loss:.3f}-{loss}.sdm', 'op', 'path');
    expect(fillTemplate(pieces, { epoch: 7, val_loss: 0.0625, loss: 0.1 })).toBe('m-007-{x}-0.062-0.1.sdm');
    for (const spec of ['>5', '+.2f', '.3', '.2d', ',d', 'x', 'g']) expect(parseSpec(spec), spec).toBeUndefined();
    expect(() => parseTemplate('a}b', 'op', 'path')).toThrow(/op: path "a}b" has a '}' without its '{'/);
    expect(() => parseTemplate('a{}b', 'op', 'path')).toThrow(/op: path placeholder \{\} must be \{name\} or \{name:spec\}/);
  });
});
