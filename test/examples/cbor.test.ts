import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CborError,
  CborReader,
  CborTagged,
  decodeCbor,
  encodeCbor,
  findInvalidUtf8,
  type CborValue,
} from '../../examples/edge-graph/shared/cbor.js';
import { seededRandom } from 'eslint-plugin-arena/testing';

import { generateEdgeBatch, generateEdges, generatePaths } from '../../examples/edge-graph/shared/generator.js';

const hex = (text: string): Uint8Array => Uint8Array.from(text.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

describe('CBOR encoding matches RFC 8949 Appendix A', () => {
  const cases: [CborValue, string][] = [
    [0, '00'],
    [23, '17'],
    [24, '1818'],
    [100, '1864'],
    [1000, '1903e8'],
    [1000000, '1a000f4240'],
    [1000000000000, '1b000000e8d4a51000'],
    [-1, '20'],
    [-1000, '3903e7'],
    [1.1, 'fb3ff199999999999a'],
    [-4.1, 'fbc010666666666666'],
    [false, 'f4'],
    [true, 'f5'],
    [null, 'f6'],
    [undefined, 'f7'],
    ['', '60'],
    ['IETF', '6449455446'],
    ['\u00fc', '62c3bc'],
    ['\u6c34', '63e6b0b4'],
    ['\u{10151}', '64f0908591'],
    [[], '80'],
    [[1, [2, 3], [4, 5]], '8301820203820405'],
    [{ a: 1, b: [2, 3] }, 'a26161016162820203'],
    [new Uint8Array([1, 2, 3, 4]), '4401020304'],
    [new CborTagged(1, 1363896240), 'c11a514b67b0'],
  ];
  it.each(cases)('%o <-> %s', (value, bytes) => {
    expect(toHex(encodeCbor(value))).toBe(bytes);
    expect(decodeCbor(hex(bytes))).toEqual(value);
  });

  it('decodes float16 and float32 (Appendix A)', () => {
    expect(decodeCbor(hex('f93c00'))).toBe(1);
    expect(decodeCbor(hex('f97bff'))).toBe(65504);
    expect(decodeCbor(hex('f90001'))).toBe(5.960464477539063e-8);
    expect(decodeCbor(hex('f9c400'))).toBe(-4);
    expect(decodeCbor(hex('f97c00'))).toBe(Infinity);
    expect(decodeCbor(hex('f97e00'))).toBeNaN();
    expect(decodeCbor(hex('fa47c35000'))).toBe(100000);
  });

  it('encodes -0, NaN and unsafe integers as float64', () => {
    expect(toHex(encodeCbor(-0))).toBe('fb8000000000000000');
    expect(toHex(encodeCbor(2 ** 60))).toBe('fb43b0000000000000');
    expect(decodeCbor(encodeCbor(Number.NaN))).toBeNaN();
  });
});

describe('CBOR decoding rejects malformed input with a clear error', () => {
  const bad: [string, string, RegExp][] = [
    ['empty input', '', /unexpected end of input: expected an item \(at byte 0\)/],
    ['truncated argument', '19 03', /unexpected end of input: unsigned integer needs 2 more byte\(s\), 1 left/],
    ['truncated text', '64 4945', /text string of 4 byte\(s\) has 2 left/],
    ['truncated array', '83 01 02', /expected an item \(at byte 3\)/],
    ['trailing bytes', '01 02', /1 trailing byte\(s\) after the top-level item \(at byte 1\)/],
    ['indefinite array', '9f 01 ff', /indefinite-length array is not supported \(at byte 0\)/],
    ['indefinite text', '7f ff', /indefinite-length text string is not supported/],
    ['lone break', 'ff', /unexpected "break"/],
    ['reserved additional info', '1c', /reserved additional information 28/],
    ['integer past 2^53', '1b 0020000000000000', /argument exceeds 2\^53 - 1/],
    ['invalid UTF-8', '62 c328', /invalid UTF-8 in text string \(at byte 0\)/],
    ['surrogate in UTF-8', '63 eda080', /invalid UTF-8/],
    ['overlong UTF-8', '62 c0af', /invalid UTF-8/],
    ['non-text map key', 'a1 01 02', /map keys must be text strings, found an unsigned integer \(at byte 1\)/],
    ['duplicate map key', 'a2 6161 01 6161 02', /duplicate map key "a" \(at byte 4\)/],
    ['__proto__ key', 'a1 695f5f70726f746f5f5f 01', /map key "__proto__" is not allowed/],
    ['two-byte simple value < 32', 'f8 10', /simple value 16 encoded in two bytes/],
    ['unknown simple value', 'f0', /unsupported simple value 16/],
  ];
  it.each(bad)('%s', (_name, bytes, message) => {
    const input = hex(bytes.replace(/ /g, ''));
    expect(() => decodeCbor(input)).toThrow(CborError);
    expect(() => decodeCbor(input)).toThrow(message);
  });

  it('rejects absurd nesting instead of overflowing the stack', () => {
    expect(() => decodeCbor(new Uint8Array(1000).fill(0x81))).toThrow(/nesting deeper than 256/);
  });

  it('never throws anything but CborError on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          decodeCbor(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(CborError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('CBOR round trip', () => {
  const value: fc.Arbitrary<CborValue> = fc.letrec<{ value: CborValue }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }),
      fc.double(),
      fc.string({ unit: 'binary' }),
      fc.boolean(),
      fc.constant(null),
      fc.uint8Array({ maxLength: 16 }),
      fc.array(tie('value'), { maxLength: 5 }),
      fc.dictionary(fc.string().filter((key) => key !== '__proto__'), tie('value'), { maxKeys: 5 }),
    ),
  })).value;

  it('decode(encode(x)) equals x, and re-encoding is byte-identical', () => {
    fc.assert(
      fc.property(value, (input) => {
        const bytes = encodeCbor(input);
        const decoded = decodeCbor(bytes);
        expect(decoded).toEqual(input);
        expect(encodeCbor(decoded)).toEqual(bytes);
      }),
      { numRuns: 500 },
    );
  });
});

describe('CborReader', () => {
  it('skips whole items and reads text without decoding it', () => {
    const bytes = encodeCbor([{ nested: [1, 2.5, 'x'] }, 'après']);
    const reader = new CborReader(bytes);
    expect(reader.readArrayHead()).toBe(2);
    reader.skipItem();
    const length = reader.readTextRange();
    expect(new TextDecoder().decode(bytes.subarray(reader.offset - length, reader.offset))).toBe('après');
    expect(reader.atEnd).toBe(true);
  });

  it('names what it found when the type is wrong', () => {
    expect(() => new CborReader(encodeCbor('x')).readMapHead()).toThrow('expected a map, found a text string (at byte 0)');
    expect(() => new CborReader(encodeCbor(null)).readNumber()).toThrow('expected a number, found null');
  });

  it('finds invalid UTF-8 exactly where the text decoder does', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 12 }), (bytes) => {
        let valid = true;
        try {
          new TextDecoder('utf-8', { fatal: true }).decode(bytes);
        } catch {
          valid = false;
        }
        expect(findInvalidUtf8(bytes, 0, bytes.length) < 0).toBe(valid);
      }),
      { numRuns: 5000 },
    );
  });
});

describe('graph generator', () => {
  it('is deterministic per seed and differs across seeds', () => {
    expect(generateEdges({ edges: 200, seed: 7 })).toEqual(generateEdges({ edges: 200, seed: 7 }));
    expect(generateEdges({ edges: 200, seed: 7 })).not.toEqual(generateEdges({ edges: 200, seed: 8 }));
  });

  it('writes exactly the bytes that encoding its records gives', () => {
    for (const seed of [1, 2, 3]) {
      const shape = { edges: 300, seed };
      expect(toHex(generateEdgeBatch(shape))).toBe(toHex(encodeCbor(generateEdges(shape).map((edge) => ({ ...edge })))));
    }
  });

  it('produces distinct repo-like paths, some non-ASCII, and every relation', () => {
    const paths = generatePaths(2000, seededRandom(3));
    expect(new Set(paths).size).toBe(2000);
    for (const path of paths) expect(path).toMatch(/^[a-z]+(\/[a-z]+)*\/[^/]+\.[a-z]+$/);
    expect(paths.some((path) => /[^\x00-\x7f]/.test(path))).toBe(true);
    const edges = generateEdges({ edges: 2000, seed: 3 });
    expect(new Set(edges.map((edge) => edge.relation))).toEqual(new Set(['implements', 'references', 'depends_on', 'augments']));
    for (const edge of edges) {
      expect(edge.confidence).toBeGreaterThanOrEqual(0);
      expect(edge.confidence).toBeLessThanOrEqual(1);
      expect(Number.isSafeInteger(edge.timestamp)).toBe(true);
    }
  });
});
