import type { TSESTree } from '@typescript-eslint/utils';
import { describe, expect, it } from 'vitest';
import { CodePathIndex, mergeListeners } from '../../src/code-paths.js';
import { probe } from './probe.js';

/** Indexes `code`; calls named A, B, K1, S1... are looked up by callee name (the first such call). */
function analyze(code: string): { index: CodePathIndex; call: (name: string) => TSESTree.CallExpression; calls: (name: string) => TSESTree.CallExpression[] } {
  const index = new CodePathIndex();
  const byName = new Map<string, TSESTree.CallExpression[]>();
  probe(code, () =>
    mergeListeners(index.listeners, {
      CallExpression(node) {
        if (node.callee.type !== 'Identifier') return;
        const list = byName.get(node.callee.name) ?? [];
        list.push(node);
        byName.set(node.callee.name, list);
      },
    }),
  );
  const calls = (name: string): TSESTree.CallExpression[] => byName.get(name) ?? [];
  const call = (name: string): TSESTree.CallExpression => {
    const found = calls(name)[0];
    if (!found) throw new Error(`no call ${name}() in the code`);
    return found;
  };
  return { index, call, calls };
}

const reachable = (code: string, from = 'A', to = 'B', avoiding: string[] = []): boolean => {
  const { index, call, calls } = analyze(code);
  return index.isReachableFrom(call(from), call(to), { avoiding: avoiding.flatMap(calls) });
};

describe('CodePathIndex.isReachableFrom', () => {
  it('follows straight-line order', () => {
    expect(reachable('A(); B();')).toBe(true);
    expect(reachable('B(); A();')).toBe(false);
  });

  it('does not cross exclusive branches', () => {
    expect(reachable('if (c) A(); else B();')).toBe(false);
    expect(reachable('if (c) A(); B();')).toBe(true);
    expect(reachable('const x = c ? A() : B();')).toBe(false);
    expect(reachable('switch (c) { case 1: A(); break; case 2: B(); }')).toBe(false);
    expect(reachable('switch (c) { case 1: A(); case 2: B(); }')).toBe(true);
  });

  it('follows loop back edges, and the kill set cuts them', () => {
    expect(reachable('while (c) { B(); A(); }')).toBe(true);
    expect(reachable('for (let i = 0; i < 3; i++) { B(); if (c) continue; A(); }')).toBe(true);
    expect(reachable('for (const x of xs) { K(); B(); A(); }', 'A', 'B', ['K'])).toBe(false);
    expect(reachable('for (const x of xs) { if (c) K(); B(); A(); }', 'A', 'B', ['K'])).toBe(true);
    expect(reachable('do { B(); A(); } while (c);')).toBe(true);
    expect(reachable('while (c) { B(); A(); break; }')).toBe(false);
    // A node reaches itself only around a loop.
    expect(reachable('A();', 'A', 'A')).toBe(false);
    expect(reachable('while (c) A();', 'A', 'A')).toBe(true);
  });

  it('a kill between the two nodes in straight-line code cuts the path', () => {
    expect(reachable('A(); K(); B();', 'A', 'B', ['K'])).toBe(false);
    expect(reachable('A(); B(); K();', 'A', 'B', ['K'])).toBe(true);
    expect(reachable('A(); if (c) K(); B();', 'A', 'B', ['K'])).toBe(true);
  });

  it('treats unreachable code and other functions as never reached', () => {
    expect(reachable('function f() { A(); return; B(); }')).toBe(false);
    expect(reachable('A(); throw new Error(); B();')).toBe(false);
    expect(reachable('A(); function f() { B(); }')).toBe(false);
    expect(reachable('A(); const f = () => B(); f();')).toBe(false);
  });

  it('handles try/catch/finally and evaluates call arguments before the call', () => {
    expect(reachable('try { A(); } finally { B(); }')).toBe(true);
    expect(reachable('try { A(); } catch { B(); }')).toBe(true);
    expect(reachable('try { B(); } catch { A(); }')).toBe(false);
    expect(reachable('A(B());')).toBe(false);
    expect(reachable('B(A());')).toBe(true);
  });

  it('records a function expression in the code path that evaluates it', () => {
    const { index, call } = analyze('A(); const f = () => 1; B();');
    let arrow: TSESTree.Node | undefined;
    for (let node: TSESTree.Node | undefined = call('A'); node; node = node.parent) {
      if (node.type === 'Program') {
        const declaration = node.body[1];
        if (declaration?.type === 'VariableDeclaration') arrow = declaration.declarations[0]?.init ?? undefined;
      }
    }
    expect(arrow?.type).toBe('ArrowFunctionExpression');
    expect(index.isReachableFrom(call('A'), arrow!)).toBe(true);
    expect(index.isReachableFrom(arrow!, call('B'))).toBe(true);
    expect(index.codePathOf(arrow!)).toBe(index.codePathOf(call('A')));
  });

  it('when restricted, records only the given nodes and refuses to answer about others', () => {
    const index = new CodePathIndex();
    const calls = new Map<string, TSESTree.CallExpression>();
    probe('A(); B(); C();', () =>
      mergeListeners(
        {
          Program(program) {
            const only = new Set<TSESTree.Node>();
            for (const statement of program.body) {
              if (statement.type === 'ExpressionStatement' && statement.expression.type === 'CallExpression') {
                const call = statement.expression;
                if (call.callee.type === 'Identifier') calls.set(call.callee.name, call);
                if (call.callee.type === 'Identifier' && call.callee.name !== 'B') only.add(call);
              }
            }
            index.restrictTo(only);
          },
        },
        index.listeners,
      ),
    );
    expect(index.isReachableFrom(calls.get('A')!, calls.get('C')!)).toBe(true);
    expect(() => index.pointsOf(calls.get('B')!)).toThrow(/was not recorded/);
  });

  it('refuses to answer for node types it does not index', () => {
    const { index, call } = analyze('A();');
    expect(() => index.pointsOf(call('A').parent)).toThrow(/ExpressionStatement nodes are not indexed/);
  });
});

describe('CodePathIndex batched queries', () => {
  const SNIPPETS = [
    'A(); E(); R(); K(); R();',
    'A(); if (c) E(); else K(); R();',
    'A(); for (const x of xs) { R(); if (x) E(); K(); R(); }',
    'A(); while (c) { R(); E(); } R();',
    'function f() { A(); try { E(); R(); } finally { K(); } R(); if (d) return; E(); R(); }',
    'A(); switch (k) { case 1: E(); case 2: R(); break; default: K(); R(); } do { E(); } while (c); R();',
    'R(); A(); E(); function g() { R(); } const h = () => { E(); R(); }; K(); R();',
  ];

  it.each(SNIPPETS)('agree with pairwise isReachableFrom: %s', (code) => {
    const { index, call, calls } = analyze(code);
    const from = call('A');
    const via = calls('E');
    const targets = calls('R');
    const avoiding = calls('K');
    const expectedThrough = targets.filter((target) => via.some((middle) => index.isReachableFrom(from, middle, { avoiding }) && index.isReachableFrom(middle, target, { avoiding })));
    const through = index.reachesThrough(from, via, targets, { avoiding });
    expect([...through.keys()].map((node) => node.range[0]).sort()).toEqual(expectedThrough.map((node) => node.range[0]).sort());
    for (const [target, middle] of through) {
      expect(middle && index.isReachableFrom(from, middle, { avoiding }) && index.isReachableFrom(middle, target, { avoiding })).toBe(true);
    }
    const expectedDirect = targets.filter((target) => index.isReachableFrom(from, target, { avoiding }));
    expect([...index.reachableAmong(from, targets, { avoiding })].map((node) => node.range[0]).sort()).toEqual(expectedDirect.map((node) => node.range[0]).sort());
  });
});

describe('CodePathIndex.reachedThroughAll', () => {
  const SNIPPETS = [
    'A(); E(); R(); K(); R();',
    'A(); if (c) E(); else K(); R();',
    'A(); for (const x of xs) { R(); if (x) E(); K(); R(); }',
    'A(); while (c) { R(); E(); } R();',
    'function f() { A(); try { E(); R(); } finally { K(); } R(); if (d) return; E(); R(); }',
    'A(); switch (k) { case 1: E(); case 2: R(); break; default: K(); R(); } do { E(); } while (c); R();',
    'R(); A(); E(); function g() { R(); } const h = () => { E(); R(); }; K(); R();',
  ];

  it.each(SNIPPETS)('answers like one reachesThrough per query: %s', (code) => {
    const { index, calls } = analyze(code);
    // Every A is a start, with and without via nodes, all in one batch.
    const via = index.group(calls('E'));
    const avoiding = index.group(calls('K'));
    const queries = calls('A').flatMap((from) => [
      { from, via, targets: calls('R'), avoiding },
      { from, via: null, targets: calls('R'), avoiding },
    ]);
    const batched = index.reachedThroughAll(queries);
    queries.forEach((query, position) => {
      const one = index.reachesThrough(query.from, query.via, query.targets, { avoiding: calls('K') });
      expect([...batched[position]!].map((node) => node.range[0]).sort()).toEqual([...one.keys()].map((node) => node.range[0]).sort());
    });
  });

  it('keeps more than 32 queries of one function apart (several words of bits), around loops too', () => {
    // Query k starts at A (the k-th), is fired by E only when armed, killed by its own K, read at R:
    // in iteration order, the uses of each handle after a reset, with handles rewritten each round.
    const parts: string[] = [];
    for (let k = 0; k < 70; k++) parts.push(`A(); if (c${k}) E(); R(); K();`);
    const { index, calls } = analyze(`while (go) { ${parts.join(' ')} }`);
    const starts = calls('A');
    const reads = calls('R');
    const kills = calls('K');
    const via = index.group(calls('E'));
    const queries = starts.map((from, k) => ({ from, via, targets: reads, avoiding: index.group([kills[k]!]) }));
    const batched = index.reachedThroughAll(queries);
    queries.forEach((query, k) => {
      const one = index.reachesThrough(query.from, via, reads, { avoiding: [kills[k]!] });
      expect([...batched[k]!].map((node) => node.range[0]).sort()).toEqual([...one.keys()].map((node) => node.range[0]).sort());
      // Only its own read: every later path passes its own kill first.
      expect([...batched[k]!]).toEqual([reads[k]]);
    });
  });
});

describe('CodePathIndex.everyPathPassesThrough', () => {
  const passes = (code: string, through: string[] = ['S'], exits?: Array<'return' | 'throw'>): boolean => {
    const { index, call, calls } = analyze(code);
    return index.everyPathPassesThrough(call('A'), through.flatMap(calls), exits ? { exits } : {});
  };

  it('is true when every exit is preceded by one of the nodes', () => {
    expect(passes('A(); S();')).toBe(true);
    expect(passes('function f() { A(); if (c) { S(); return 1; } S(); return 2; }')).toBe(true);
    expect(passes('A(); if (c) S(); else T();', ['S', 'T'])).toBe(true);
    expect(passes('A(); try { f(); } finally { S(); }')).toBe(true);
  });

  it('is false when one path skips them', () => {
    expect(passes('A();')).toBe(false);
    expect(passes('S(); A();')).toBe(false);
    expect(passes('function f() { A(); if (c) return; S(); }')).toBe(false);
    expect(passes('A(); if (c) S();')).toBe(false);
    expect(passes('A(); function g() { S(); }')).toBe(false);
  });

  it('considers throw statements and exceptions inside try as exits', () => {
    expect(passes('function f() { A(); if (c) throw new Error(); S(); }')).toBe(false);
    expect(passes('function f() { A(); if (c) throw new Error(); S(); }', ['S'], ['return'])).toBe(true);
    expect(passes('function f() { A(); try { g(); S(); } catch { return; } }')).toBe(false);
  });

  it('follows loops and is vacuously true without a reachable exit', () => {
    expect(passes('A(); while (c) { S(); }')).toBe(false);
    expect(passes('A(); do { S(); } while (c);')).toBe(true);
    expect(passes('function f() { A(); while (true) { g(); } }')).toBe(true);
    expect(passes('function f() { return; A(); }')).toBe(true);
  });
});
