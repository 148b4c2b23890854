// Leak reports: plain records of what outlived a test, and the message a person reads.

/** One thing that is still alive and should not be. */
export interface Leak {
  /**
   * arena / pool / objectPool: the owner itself was never destroyed.
   * poolHandles: a pool that existed before stays alive, but handles taken from it were not returned.
   * tagged: an allocTagged allocation was never freed.
   */
  readonly kind: 'arena' | 'pool' | 'objectPool' | 'poolHandles' | 'tagged';
  /** Arena or pool name ('' for tagged allocations). */
  readonly owner: string;
  readonly tag: string;
  /** Bytes still held: arena used, pool slots x object size, or the tagged allocation's size. */
  readonly bytes: number;
  /** Live allocations behind this record (arena allocations, pool handles; 1 for tagged). */
  readonly count: number;
  /** Where it was created or allocated; null when debug mode was off at the time. */
  readonly site: string | null;
}

function describe(leak: Leak): string {
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  switch (leak.kind) {
    case 'arena':
      return `arena "${leak.owner}" (tag ${leak.tag}) was never destroyed: ${leak.bytes} bytes in ${plural(leak.count, 'allocation')}`;
    case 'pool':
      return `pool "${leak.owner}" (tag ${leak.tag}) was never destroyed: ${plural(leak.count, 'handle')} out, ${leak.bytes} bytes`;
    case 'objectPool':
      return `object pool "${leak.owner}" (tag ${leak.tag}) was never destroyed: ${plural(leak.count, 'object')} out`;
    case 'poolHandles':
      return `pool "${leak.owner}" (tag ${leak.tag}): ${plural(leak.count, 'handle')} taken and not returned (${leak.bytes} bytes)`;
    case 'tagged':
      return `allocTagged(${leak.bytes}, ${leak.tag}) was never freed`;
  }
}

/**
 * The frames of an allocation site worth reading: test runner and Node internals (anything under
 * node_modules, node: modules, anonymous promise frames) are dropped, unless nothing else is left.
 */
export function trimSite(site: string): string[] {
  const frames = site
    .split('\n')
    .map((frame) => frame.trim())
    .filter((frame) => frame !== '');
  const own = frames.filter((frame) => !/node_modules|\(node:|at node:|<anonymous>/.test(frame));
  return own.length > 0 ? own : frames.slice(0, 1);
}

/** "2 leaks in <context>:" followed by one numbered entry per leak, with its site when known. */
export function formatLeakReport(leaks: readonly Leak[], context = 'this test'): string {
  if (leaks.length === 0) return `no leaks in ${context}`;
  const totalBytes = leaks.reduce((sum, leak) => sum + leak.bytes, 0);
  const lines = [`${leaks.length} leak${leaks.length === 1 ? '' : 's'} in ${context} (${totalBytes} bytes still held):`];
  leaks.forEach((leak, index) => {
    lines.push(`  ${index + 1}. ${describe(leak)}`);
    if (leak.site !== null && leak.site !== '') {
      const where = leak.kind === 'tagged' || leak.kind === 'poolHandles' ? 'allocated at' : 'created at';
      lines.push(`     ${where}:`);
      for (const frame of trimSite(leak.site)) lines.push(`       ${frame}`);
    } else {
      lines.push('     (turn on debug mode to see where it was allocated)');
    }
  });
  return lines.join('\n');
}

/** Thrown by leak checks; `leaks` holds the records behind the message. */
export class LeakError extends Error {
  override readonly name = 'LeakError';
  constructor(
    readonly leaks: readonly Leak[],
    context = 'this test',
  ) {
    super(formatLeakReport(leaks, context));
  }
}
