import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileFormula, maxFormulaLength, orderTransforms } from '../src/index.ts';

const ms = new Set(['voltage', 'current', 'pf', 'motor-current', 'a.b', 'x', 'y', 'on']);
const vals: Record<string, number | boolean> = { voltage: 230, current: 10, pf: 0.9, 'motor-current': 4, 'a.b': 2, x: 3, y: -2, on: true };
const ev = (src: string, v: Record<string, number | boolean | undefined> = vals) => compileFormula(src, { measurements: ms }).evaluate((n) => v[n]);

function errorOf(f: () => unknown): { code?: string; message: string; name: string } {
  try {
    f();
  } catch (e) {
    return e as { code?: string; message: string; name: string };
  }
  throw new Error('expected an error');
}

describe('compileFormula', () => {
  it('computes hand-checked results', () => {
    expect(ev('voltage * current * pf')).toBeCloseTo(2070, 9);
    expect(compileFormula('voltage * current * pf', { measurements: ms }).references).toEqual(['voltage', 'current', 'pf']);
    expect(ev('1 + 2 * 3')).toBe(7);
    expect(ev('(1 + 2) * 3')).toBe(9);
    expect(ev('2 ** 3 ** 2')).toBe(512);
    expect(ev('-2 ** 2')).toBe(-4);
    expect(ev('7 % 4 - 10 / 4')).toBe(0.5);
    expect(ev('x > 2 ? 1 : 0')).toBe(1);
    expect(ev('x < 2 ? 1 : y < 0 ? 2 : 3')).toBe(2);
    expect(ev('if(on, x, y)')).toBe(3);
    expect(ev('!on || x == 3')).toBe(true);
    expect(ev('x >= 3 && y != -2')).toBe(false);
    expect(ev('abs(y) + min(x, y, 1) + max(1, 5) + sqrt(16) + pow(2, 10)')).toBe(2 - 2 + 5 + 4 + 1024);
    expect(ev('floor(2.7) + ceil(2.1) + round(2.5) + clamp(x, 0, 1) + clamp(y, 0, 1)')).toBe(2 + 3 + 3 + 1 + 0);
    expect(ev('log(e) + log10(1000) + exp(0)')).toBeCloseTo(5, 12);
    expect(ev('pi')).toBe(Math.PI);
    expect(ev('[motor-current] * `a.b` + 1.5e1')).toBe(23);
  });

  it('gives undefined for missing inputs and non-finite results', () => {
    expect(ev('voltage * current', { voltage: 1 })).toBeUndefined();
    expect(ev('x / 0')).toBeUndefined();
    expect(ev('x % 0')).toBeUndefined();
    expect(ev('sqrt(y)')).toBeUndefined();
    expect(ev('log(0)')).toBeUndefined();
    expect(ev('10 ** 400')).toBeUndefined();
    expect(ev('x', { x: Number.NaN })).toBeUndefined();
    // short-circuit: the missing side is not needed
    expect(ev('on || x > 1', { on: true })).toBe(true);
    expect(ev('if(on, x, voltage)', { on: true, x: 1 })).toBe(1);
  });

  it.each([
    ['voltage * curent', 'no measurement "curent" in model pump', 11],
    ['voltage +', 'unexpected end of formula', 10],
    ['(voltage', 'expected ")" but found end of formula', 9],
    ['voltage # 2', 'unexpected character "#"', 9],
    ['foo(x)', 'unknown function "foo"', 1],
    ['sqrt(x, y)', 'sqrt() takes 1 argument, got 2', 1],
    ['clamp(x)', 'clamp() takes 3 arguments, got 1', 1],
    ['if(x, y)', 'if() takes 3 arguments, got 2', 1],
    ['x y', 'unexpected "y" after the end of the expression', 3],
    ['[motor-current', 'unterminated quoted name', 1],
    ['', 'empty formula', 1],
    ['1.2.3', 'malformed number', 1],
    ['this.x', 'unexpected character "."', 5],
  ])('refuses %j', (src, what, col) => {
    const e = errorOf(() => compileFormula(src, { measurements: ms, name: 'power', model: 'pump' }));
    expect(e.name).toBe('InputError');
    expect(e.code).toBe('SF_MODEL_INVALID');
    expect(e.message).toContain(`power = ${src}`);
    expect(e.message).toContain(`at column ${col}:`);
    expect(e.message).toContain(what);
  });

  it('lists the known measurements when a name is missing', () => {
    const e = errorOf(() => compileFormula('voltage * curent', { measurements: ms, name: 'power', model: 'pump' }));
    expect(e.message).toBe(
      'power = voltage * curent: at column 11: no measurement "curent" in model pump; known: a.b, current, motor-current, on, pf, voltage, x, y',
    );
  });

  it('caps length and depth', () => {
    const long = errorOf(() => compileFormula('x+'.repeat(maxFormulaLength) + 'x', { measurements: ms }));
    expect(long.message).toContain(`the limit is ${maxFormulaLength}`);
    const deep = errorOf(() => compileFormula('('.repeat(500) + 'x' + ')'.repeat(500), { measurements: ms }));
    expect(deep.message).toContain('nesting deeper than 64');
    expect(errorOf(() => compileFormula('-'.repeat(900) + 'x', { measurements: ms })).code).toBe('SF_MODEL_INVALID');
    expect(ev('((((x))))')).toBe(3);
  });
});

describe('orderTransforms', () => {
  it('orders dependencies first', () => {
    const order = orderTransforms(
      [
        { name: 'energy', formula: 'power * 2' },
        { name: 'power', formula: 'apparent * pf' },
        { name: 'apparent', formula: 'voltage * current' },
      ],
      ms,
    );
    expect(order.map((o) => o.name)).toEqual(['apparent', 'power', 'energy']);
    const values: Record<string, number | boolean | undefined> = { ...vals };
    for (const o of order) values[o.name] = o.formula.evaluate((n) => values[n]);
    expect(values['energy']).toBeCloseTo(4140, 9);
  });

  it('refuses cycles naming them', () => {
    const e = errorOf(() =>
      orderTransforms(
        [
          { name: 'a', formula: 'b + 1' },
          { name: 'b', formula: 'c * 2' },
          { name: 'c', formula: 'a' },
        ],
        ms,
        'pump',
      ),
    );
    expect(e.code).toBe('SF_MODEL_CYCLE');
    expect(e.message).toContain('a → b → c → a');
    expect(errorOf(() => orderTransforms([{ name: 's', formula: 's + 1' }], ms)).message).toContain('s → s');
  });
});

// ---- property-based ----
type Ast =
  | { t: 'n'; v: number }
  | { t: 'r'; v: string }
  | { t: 'u'; op: '-' | '!'; a: Ast }
  | { t: 'b'; op: string; a: Ast; b: Ast }
  | { t: 'c'; c: Ast; a: Ast; b: Ast };

const names = ['x', 'y', 'on', 'motor-current'];
const { ast } = fc.letrec<{ ast: Ast }>((tie) => ({
  ast: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ t: fc.constant('n' as const), v: fc.integer({ min: 0, max: 20 }) }),
    fc.record({ t: fc.constant('r' as const), v: fc.constantFrom(...names) }),
    fc.record({ t: fc.constant('u' as const), op: fc.constantFrom('-' as const, '!' as const), a: tie('ast') }),
    fc.record({
      t: fc.constant('b' as const),
      op: fc.constantFrom('+', '-', '*', '/', '%', '**', '<', '<=', '>', '>=', '==', '!=', '&&', '||'),
      a: tie('ast'),
      b: tie('ast'),
    }),
    fc.record({ t: fc.constant('c' as const), c: tie('ast'), a: tie('ast'), b: tie('ast') }),
  ),
}));

function print(n: Ast): string {
  switch (n.t) {
    case 'n':
      return String(n.v);
    case 'r':
      return n.v.includes('-') ? `[${n.v}]` : n.v;
    case 'u':
      return `${n.op}(${print(n.a)})`;
    case 'b':
      return `(${print(n.a)}) ${n.op} (${print(n.b)})`;
    case 'c':
      return `(${print(n.c)}) ? (${print(n.a)}) : (${print(n.b)})`;
  }
}
type V = number | boolean | undefined;
const toNum = (v: V) => (typeof v === 'boolean' ? Number(v) : v);
const truth = (v: V) => (v === undefined ? undefined : typeof v === 'boolean' ? v : v !== 0);
const fin = (v: number) => (Number.isFinite(v) ? v : undefined);
function direct(n: Ast, env: Record<string, V>): V {
  switch (n.t) {
    case 'n':
      return n.v;
    case 'r':
      return env[n.v];
    case 'u': {
      const a = direct(n.a, env);
      if (a === undefined) return undefined;
      return n.op === '-' ? (toNum(a) === 0 ? 0 : -(toNum(a) as number)) : !truth(a);
    }
    case 'c': {
      const c = truth(direct(n.c, env));
      return c === undefined ? undefined : c ? direct(n.a, env) : direct(n.b, env);
    }
    case 'b': {
      const a = direct(n.a, env);
      if (n.op === '&&' || n.op === '||') {
        const ta = truth(a);
        if (n.op === '&&' && ta === false) return false;
        if (n.op === '||' && ta === true) return true;
        const tb = truth(direct(n.b, env));
        return ta === undefined || tb === undefined ? undefined : tb;
      }
      const x = toNum(a);
      const y = toNum(direct(n.b, env));
      if (x === undefined || y === undefined) return undefined;
      switch (n.op) {
        case '+':
          return fin(x + y);
        case '-':
          return fin(x - y);
        case '*':
          return fin(x * y);
        case '/':
          return y === 0 ? undefined : fin(x / y);
        case '%':
          return y === 0 ? undefined : fin(x % y);
        case '**':
          return fin(x ** y);
        case '<':
          return x < y;
        case '<=':
          return x <= y;
        case '>':
          return x > y;
        case '>=':
          return x >= y;
        case '==':
          return x === y;
        default:
          return x !== y;
      }
    }
  }
}
const normalise = (v: V) => (typeof v === 'number' ? (v === 0 ? 0 : v) : v);

describe('properties', () => {
  it('random strings only ever throw InputError, quickly', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'xy()[]`+-*/%!?:<>=&|,.0123456789e abs'.split('')), maxLength: 200 }), (s) => {
        const t0 = performance.now();
        try {
          const f = compileFormula(s, { measurements: ms });
          const r = f.evaluate((n) => vals[n]);
          expect(r === undefined || typeof r === 'boolean' || Number.isFinite(r)).toBe(true);
        } catch (e) {
          expect((e as Error).name).toBe('InputError');
        }
        expect(performance.now() - t0).toBeLessThan(50);
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        try {
          compileFormula(s, { measurements: ms });
        } catch (e) {
          expect((e as Error).name).toBe('InputError');
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('print → parse → evaluate equals direct evaluation', () => {
    const env = fc.record({
      x: fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constant(undefined)),
      y: fc.integer({ min: -5, max: 5 }),
      on: fc.boolean(),
      'motor-current': fc.double({ min: -100, max: 100, noNaN: true }),
    });
    fc.assert(
      fc.property(ast, env, (a, e) => {
        const src = print(a);
        fc.pre(src.length <= maxFormulaLength);
        let f;
        try {
          f = compileFormula(src, { measurements: ms });
        } catch (err) {
          expect((err as Error).message).toContain('nesting deeper');
          return;
        }
        const t0 = performance.now();
        expect(normalise(f.evaluate((n) => (e as Record<string, V>)[n]))).toEqual(normalise(direct(a, e as Record<string, V>)));
        expect(performance.now() - t0).toBeLessThan(50);
      }),
      { numRuns: 2000 },
    );
  });
});
