// The seed's five test functions (memory-architecture-gameplan.md, "Testing Approach"), ported
// one to one: same sizes, same assertions, TypeScript handles instead of pointers.
import { describe, expect, it } from 'vitest';
import { createPool, freeTagged, allocTagged, getStats, MemTag, reportStats, strView, withArena, type Handle } from '../../runtime/index.js';

describe('seed: arena allocator tests', () => {
  it('test_arena_basic: ordered allocations and 16-byte alignment', () => {
    let destroyedAfter = false;
    const arena = withArena(1024, 'test', (arena) => {
      const p1 = arena.alloc(100);
      const p2 = arena.alloc(200);

      expect(arena.isLive(p1)).toBe(true);
      expect(arena.isLive(p2)).toBe(true);
      expect(arena.addressOf(p2)).toBeGreaterThanOrEqual(arena.addressOf(p1) + 100);

      // Verify alignment
      const p3 = arena.allocAligned(64, 16);
      expect(arena.addressOf(p3) % 16).toBe(0);
      return arena;
    });
    // Arena automatically freed here
    destroyedAfter = arena.destroyed;
    expect(destroyedAfter).toBe(true);
  });

  it('test_arena_overflow: a request larger than the initial size succeeds via an overflow chunk', () => {
    withArena(1024, 'test', (arena) => {
      // Request larger than initial size
      const big = arena.alloc(2048);
      expect(arena.isLive(big)).toBe(true);
      expect(arena.bytes(big).length).toBe(2048);
      expect(arena.overflow).not.toBe(0);
    });
  });
});

describe('seed: pool tests', () => {
  it('test_pool_reuse: exhaustion returns null, free then alloc reuses the same memory', () => {
    const edgeSize = 48; // sizeof(edge_t) stand-in
    const pool = createPool(edgeSize, 10, 'edge_pool');

    // Allocate all
    const edges: Handle[] = [];
    for (let i = 0; i < 10; i++) {
      const edge = pool.alloc();
      expect(edge).not.toBeNull();
      edges.push(edge!);
    }

    // Pool exhausted
    expect(pool.alloc()).toBeNull();

    // Free one and reallocate
    const freedAddress = pool.addressOf(edges[5]!);
    pool.free(edges[5]!);
    const reused = pool.alloc();
    expect(reused).not.toBeNull();
    expect(pool.addressOf(reused!)).toBe(freedAddress); // Same memory!
    // ...under a new generation: the old handle is not the new one and no longer reads anything.
    expect(reused).not.toBe(edges[5]);
    expect(pool.isLive(edges[5]!)).toBe(false);

    pool.destroy();
  });
});

describe('seed: memory tracking tests', () => {
  it('test_memory_tags: tag stats before, during and after tagged allocations', () => {
    const before = getStats(MemTag.Edge);

    const p1 = allocTagged(1024, MemTag.Edge);
    const p2 = allocTagged(2048, MemTag.Edge);

    const during = getStats(MemTag.Edge);
    expect(during.currentBytes).toBe(before.currentBytes + 3072);
    expect(during.allocCount).toBe(before.allocCount + 2);

    freeTagged(p1, MemTag.Edge);
    freeTagged(p2, MemTag.Edge);

    const after = getStats(MemTag.Edge);
    expect(after.currentBytes).toBe(before.currentBytes);
  });
});

describe('seed: zero-allocation tests', () => {
  it('test_string_views: a substring view without any tracked allocation', () => {
    const original = new TextEncoder().encode('Hello, World!');
    // The seed asserts total_allocs == 0 in a fresh process; other tests in this file allocate, so
    // compare every tag's allocation count before and after instead.
    const allocsBefore = reportStats().rows.map((row) => row.totalAllocs);

    // No allocation for substring
    const view = strView(original, 7, 5);
    expect(view.length).toBe(5);
    expect(view.equals('World')).toBe(true);
    expect(view.bytes.buffer).toBe(original.buffer); // zero-copy: same memory

    // Verify no tracked allocation occurred
    expect(reportStats().rows.map((row) => row.totalAllocs)).toEqual(allocsBefore);
    expect(view.toString()).toBe('World');
  });
});
