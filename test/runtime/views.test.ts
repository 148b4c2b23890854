import { describe, expect, it } from 'vitest';
import { ArenaError, ByteBuffer, StrView, createArena, slice, strView } from '../../runtime/index.js';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('strView', () => {
  it('views a byte range without copying', () => {
    const source = utf8('key=value');
    const view = strView(source, 4);
    expect(view.length).toBe(5);
    expect(view.toString()).toBe('value');
    source[4] = 'V'.charCodeAt(0);
    expect(view.toString()).toBe('Value'); // shares memory with the source
  });

  it('equals compares with strings as UTF-8, and with other views and byte arrays', () => {
    for (const text of ['', 'plain', 'ünïcödé', '日本語', 'emoji 😀 ok', 'mixed é😀x']) {
      const view = strView(utf8(`[${text}]`), 1, utf8(text).length);
      expect(view.equals(text)).toBe(true);
      expect(view.equals(`${text}!`)).toBe(false);
      expect(view.equals(text.slice(0, -1))).toBe(text.length === 0);
      expect(view.equals(strView(utf8(text)))).toBe(true);
      expect(view.equals(utf8(text))).toBe(true);
    }
    expect(strView(utf8('abc')).equals('abd')).toBe(false);
    // A lone surrogate encodes as U+FFFD, as TextEncoder does.
    expect(strView(utf8('\ud800')).equals('\ud800')).toBe(true);
  });

  it('subview is bounds-checked', () => {
    const view = strView(utf8('hello'));
    expect(view.subview(1, 3).toString()).toBe('ell');
    expect(view.subview(2).toString()).toBe('llo');
    expect(() => view.subview(3, 5)).toThrow(ArenaError);
    expect(view.byteAt(0)).toBe(104);
  });

  it('rejects out-of-range starts and lengths', () => {
    const bytes = utf8('abc');
    expect(() => strView(bytes, 4)).toThrow(/does not fit/);
    expect(() => strView(bytes, -1, 1)).toThrow(ArenaError);
    expect(() => strView(bytes, 0, 4)).toThrow(ArenaError);
    expect(() => strView(bytes, 0.5, 1)).toThrow(ArenaError);
  });

  it('works over arena memory', () => {
    using arena = createArena(64, 'strings');
    const handle = arena.alloc(5);
    arena.bytes(handle).set(utf8('World'));
    expect(new StrView(arena.bytes(handle)).equals('World')).toBe(true);
  });
});

describe('slice', () => {
  it('is a zero-copy, bounds-checked subarray of any typed array', () => {
    const numbers = Float64Array.from([0, 1, 2, 3, 4, 5]);
    const middle = slice(numbers, 2, 3);
    expect([...middle]).toEqual([2, 3, 4]);
    middle[0] = 20;
    expect(numbers[2]).toBe(20);
    expect(slice(numbers, 6, 0).length).toBe(0);
    expect(slice(new Uint16Array(4), 0, 4).length).toBe(4);
  });

  it.each([
    [-1, 2],
    [0, 7],
    [5, 2],
    [1.5, 1],
    [0, NaN],
    [NaN, 0],
    [0, -1],
  ])('slice(start %s, count %s) of 6 elements throws ERR_INVALID_SIZE', (start, count) => {
    expect(() => slice(new Int32Array(6), start, count)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_SIZE' }));
  });
});

describe('ByteBuffer', () => {
  it('appends until full and reports used, remaining, capacity', () => {
    const buffer = new ByteBuffer(8);
    expect(buffer.append(utf8('abc'))).toBe(true);
    expect(buffer.append(utf8('def'))).toBe(true);
    expect([buffer.used, buffer.remaining, buffer.capacity]).toEqual([6, 2, 8]);
    expect(new TextDecoder().decode(buffer.view())).toBe('abcdef');
  });

  it('a record that does not fit is not written at all, not even partly', () => {
    const buffer = new ByteBuffer(8);
    buffer.append(utf8('abcdef'));
    expect(buffer.append(utf8('xyz'))).toBe(false);
    expect(buffer.used).toBe(6);
    expect(buffer.append(utf8('x'), utf8('yz'))).toBe(false); // multi-part record: all or nothing
    expect(new TextDecoder().decode(buffer.view())).toBe('abcdef');
    expect(buffer.append(utf8('g'), utf8('h'))).toBe(true);
    expect(buffer.remaining).toBe(0);
    expect(buffer.appendByte(1)).toBe(false);
  });

  it('clear keeps the capacity and the storage', () => {
    const storage = new Uint8Array(4);
    const buffer = new ByteBuffer(storage);
    buffer.appendByte(7);
    buffer.clear();
    expect(buffer.used).toBe(0);
    expect(buffer.capacity).toBe(4);
    buffer.appendByte(9);
    expect(storage[0]).toBe(9);
  });

  it('can write into arena memory', () => {
    using arena = createArena(64, 'buffer');
    const handle = arena.alloc(16);
    const buffer = new ByteBuffer(arena.bytes(handle));
    buffer.append(utf8('record'));
    expect(new TextDecoder().decode(arena.bytes(handle).subarray(0, 6))).toBe('record');
  });

  it('rejects bad capacities, bad bytes and non-byte input', () => {
    for (const capacity of [0, -1, 1.5, NaN]) {
      expect(() => new ByteBuffer(capacity)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_SIZE' }));
    }
    const buffer = new ByteBuffer(4);
    expect(() => buffer.appendByte(256)).toThrow(ArenaError);
    expect(() => buffer.append([1, 2] as unknown as Uint8Array)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    expect(() => new ByteBuffer('4' as unknown as number)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    expect(buffer.used).toBe(0);
  });
});
