import { InputError } from '@shopfloor/model';

/** Longest accepted formula source, in characters. */
export const maxFormulaLength = 2000;
/** Deepest accepted nesting of sub-expressions. */
export const maxFormulaDepth = 64;

export type FormulaValue = number | boolean | undefined;

export interface CompiledFormula {
  readonly source: string;
  /** Measurement names the formula reads, in first-use order, without duplicates. */
  readonly references: string[];
  /** Evaluates the formula; undefined when an input is missing or the result is not finite. */
  evaluate(values: (name: string) => number | boolean | undefined): FormulaValue;
}

export interface CompileOptions {
  measurements: ReadonlySet<string> | ((name: string) => boolean);
  /** Name used in error messages, e.g. `power` (the transform). */
  name?: string;
  /** Model name used in error messages. */
  model?: string;
}

type Tok =
  { k: 'num'; v: number; pos: number } | { k: 'id'; v: string; quoted: boolean; pos: number } | { k: 'op'; v: string; pos: number } | { k: 'end'; pos: number };

const ops = ['**', '<=', '>=', '==', '!=', '&&', '||', '+', '-', '*', '/', '%', '<', '>', '!', '?', ':', '(', ')', ','];

const functions: Record<string, { arity: [number, number]; fn: (...a: number[]) => number }> = {
  abs: { arity: [1, 1], fn: Math.abs },
  min: { arity: [1, 16], fn: Math.min },
  max: { arity: [1, 16], fn: Math.max },
  sqrt: { arity: [1, 1], fn: Math.sqrt },
  pow: { arity: [2, 2], fn: Math.pow },
  exp: { arity: [1, 1], fn: Math.exp },
  log: { arity: [1, 1], fn: Math.log },
  log10: { arity: [1, 1], fn: Math.log10 },
  floor: { arity: [1, 1], fn: Math.floor },
  ceil: { arity: [1, 1], fn: Math.ceil },
  round: { arity: [1, 1], fn: Math.round },
  clamp: { arity: [3, 3], fn: (x: number, lo: number, hi: number) => (lo > hi ? NaN : Math.min(Math.max(x, lo), hi)) },
};
const constants: Record<string, number> = { pi: Math.PI, e: Math.E };

/** Names of the functions the language knows (`if` is special: lazy). */
export const formulaFunctions: readonly string[] = [...Object.keys(functions), 'if'];

type Ev = (values: (name: string) => number | boolean | undefined) => FormulaValue;

function num(v: FormulaValue): number | undefined {
  if (v === undefined) return undefined;
  return typeof v === 'boolean' ? (v ? 1 : 0) : v;
}
function finite(v: number): number | undefined {
  return Number.isFinite(v) ? v : undefined;
}
function truthy(v: FormulaValue): boolean | undefined {
  if (v === undefined) return undefined;
  return typeof v === 'boolean' ? v : v !== 0;
}

const binary: Record<string, (a: number, b: number) => FormulaValue> = {
  '+': (a, b) => finite(a + b),
  '-': (a, b) => finite(a - b),
  '*': (a, b) => finite(a * b),
  '/': (a, b) => (b === 0 ? undefined : finite(a / b)),
  '%': (a, b) => (b === 0 ? undefined : finite(a % b)),
  '**': (a, b) => finite(a ** b),
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
  '==': (a, b) => a === b,
  '!=': (a, b) => a !== b,
};
const precedence: Record<string, number> = {
  '||': 1,
  '&&': 2,
  '==': 3,
  '!=': 3,
  '<': 4,
  '<=': 4,
  '>': 4,
  '>=': 4,
  '+': 5,
  '-': 5,
  '*': 6,
  '/': 6,
  '%': 6,
  '**': 8,
};

/**
 * Compiles a formula once into a closure tree. Throws `InputError('SF_MODEL_INVALID')` naming
 * the formula, the column (1-based) and what is wrong. Never uses eval or `Function`.
 */
export function compileFormula(source: string, options: CompileOptions): CompiledFormula {
  const has = typeof options.measurements === 'function' ? options.measurements : (n: string) => (options.measurements as ReadonlySet<string>).has(n);
  const label = options.name === undefined ? `formula "${source.slice(0, 80)}"` : `${options.name} = ${source.slice(0, 80)}`;
  const fail = (pos: number, what: string): never => {
    throw new InputError('SF_MODEL_INVALID', `${label}: at column ${pos + 1}: ${what}`);
  };
  if (typeof source !== 'string') fail(0, 'formula must be a string');
  if (source.length > maxFormulaLength) fail(maxFormulaLength, `formula is ${source.length} characters long; the limit is ${maxFormulaLength}`);

  // Tokenise.
  const toks: Tok[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(source[i + 1] ?? ''))) {
      const m = /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/.exec(source.slice(i));
      if (!m) fail(i, `malformed number`);
      const text = (m as RegExpExecArray)[0];
      if (/[A-Za-z_0-9.]/.test(source[i + text.length] ?? '')) fail(i, `malformed number "${source.slice(i, i + text.length + 1)}"`);
      toks.push({ k: 'num', v: Number(text), pos: start });
      i += text.length;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const text = (/^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i)) as RegExpExecArray)[0];
      toks.push({ k: 'id', v: text, quoted: false, pos: start });
      i += text.length;
      continue;
    }
    if (c === '[' || c === '`') {
      const close = c === '[' ? ']' : '`';
      const endAt = source.indexOf(close, i + 1);
      if (endAt < 0) fail(i, `unterminated quoted name (missing "${close}")`);
      const name = source.slice(i + 1, endAt);
      if (name.length === 0 || /[[\]`\n\r]/.test(name)) fail(i, `bad quoted name "${name}"`);
      toks.push({ k: 'id', v: name, quoted: true, pos: start });
      i = endAt + 1;
      continue;
    }
    const op = ops.find((o) => source.startsWith(o, i));
    if (op === undefined) fail(i, `unexpected character "${c}"`);
    toks.push({ k: 'op', v: op as string, pos: start });
    i += (op as string).length;
  }
  toks.push({ k: 'end', pos: source.length });

  let p = 0;
  const refs: string[] = [];
  const peek = (): Tok => toks[p] as Tok;
  const isOp = (t: Tok, v: string): boolean => t.k === 'op' && t.v === v;
  const describe = (t: Tok): string => (t.k === 'end' ? 'end of formula' : t.k === 'num' ? `number ${t.v}` : `"${t.v}"`);
  const expect = (v: string): void => {
    const t = peek();
    if (!isOp(t, v)) fail(t.pos, `expected "${v}" but found ${describe(t)}`);
    p++;
  };

  const expr = (depth: number): Ev => {
    if (depth > maxFormulaDepth) fail(peek().pos, `nesting deeper than ${maxFormulaDepth}`);
    const test = binaryExpr(0, depth);
    if (!isOp(peek(), '?')) return test;
    p++;
    const a = expr(depth + 1);
    expect(':');
    const b = expr(depth + 1);
    return (v) => {
      const t = truthy(test(v));
      return t === undefined ? undefined : t ? a(v) : b(v);
    };
  };

  const binaryExpr = (minPrec: number, depth: number): Ev => {
    let left = unary(depth + 1);
    for (;;) {
      const t = peek();
      if (t.k !== 'op') break;
      const prec = precedence[t.v];
      if (prec === undefined || prec <= minPrec) break;
      p++;
      // ** is right-associative and binds tighter than unary minus on its left.
      const right = t.v === '**' ? binaryExpr(prec - 1, depth + 1) : binaryExpr(prec, depth + 1);
      const l = left;
      if (t.v === '&&') {
        left = (v) => {
          const a = truthy(l(v));
          if (a === false) return false;
          const b = truthy(right(v));
          return a === undefined || b === undefined ? undefined : b;
        };
      } else if (t.v === '||') {
        left = (v) => {
          const a = truthy(l(v));
          if (a === true) return true;
          const b = truthy(right(v));
          return a === undefined || b === undefined ? undefined : b;
        };
      } else {
        const f = binary[t.v] as (a: number, b: number) => FormulaValue;
        left = (v) => {
          const a = num(l(v));
          const b = num(right(v));
          return a === undefined || b === undefined ? undefined : f(a, b);
        };
      }
    }
    return left;
  };

  const unary = (depth: number): Ev => {
    if (depth > maxFormulaDepth) fail(peek().pos, `nesting deeper than ${maxFormulaDepth}`);
    const t = peek();
    if (t.k === 'op' && (t.v === '-' || t.v === '+' || t.v === '!')) {
      p++;
      // -x ** 2 parses as -(x ** 2)
      const arg = binaryExpr(7, depth + 1);
      if (t.v === '-')
        return (v) => {
          const a = num(arg(v));
          return a === undefined ? undefined : a === 0 ? 0 : -a;
        };
      if (t.v === '+') return (v) => num(arg(v));
      return (v) => {
        const a = truthy(arg(v));
        return a === undefined ? undefined : !a;
      };
    }
    return primary(depth + 1);
  };

  const primary = (depth: number): Ev => {
    const t = peek();
    if (t.k === 'num') {
      p++;
      const value = t.v;
      return () => value;
    }
    if (isOp(t, '(')) {
      p++;
      const e = expr(depth + 1);
      expect(')');
      return e;
    }
    if (t.k === 'id') {
      p++;
      if (!t.quoted && isOp(peek(), '(')) {
        p++;
        const args: Ev[] = [];
        if (!isOp(peek(), ')')) {
          for (;;) {
            args.push(expr(depth + 1));
            if (!isOp(peek(), ',')) break;
            p++;
          }
        }
        expect(')');
        if (t.v === 'if') {
          if (args.length !== 3) fail(t.pos, `if() takes 3 arguments, got ${args.length}`);
          const [c, a, b] = args as [Ev, Ev, Ev];
          return (v) => {
            const x = truthy(c(v));
            return x === undefined ? undefined : x ? a(v) : b(v);
          };
        }
        const f = Object.hasOwn(functions, t.v) ? functions[t.v] : undefined;
        if (f === undefined) return fail(t.pos, `unknown function "${t.v}"; known: ${formulaFunctions.join(', ')}`);
        const [lo, hi] = f.arity;
        if (args.length < lo || args.length > hi)
          fail(t.pos, `${t.v}() takes ${lo === hi ? lo : `${lo} to ${hi}`} argument${hi === 1 ? '' : 's'}, got ${args.length}`);
        const fn = f.fn;
        return (v) => {
          const xs: number[] = [];
          for (const a of args) {
            const x = num(a(v));
            if (x === undefined) return undefined;
            xs.push(x);
          }
          return finite(fn(...xs));
        };
      }
      if (!t.quoted && Object.hasOwn(constants, t.v) && !has(t.v)) {
        const value = constants[t.v] as number;
        return () => value;
      }
      if (!has(t.v)) {
        const where = options.model === undefined ? '' : ` in model ${options.model}`;
        const list = typeof options.measurements === 'function' ? [] : [...options.measurements].sort();
        const known = list.length === 0 ? '' : `; known: ${list.slice(0, 20).join(', ')}${list.length > 20 ? ', …' : ''}`;
        fail(t.pos, `no measurement "${t.v}"${where}${known}`);
      }
      if (!refs.includes(t.v)) refs.push(t.v);
      const name = t.v;
      return (v) => {
        const x = v(name);
        if (typeof x === 'boolean') return x;
        return typeof x === 'number' && Number.isFinite(x) ? x : undefined;
      };
    }
    return fail(t.pos, `unexpected ${describe(t)}`);
  };

  if (peek().k === 'end') fail(0, 'empty formula');
  const root = expr(0);
  if (peek().k !== 'end') fail(peek().pos, `unexpected ${describe(peek())} after the end of the expression`);
  return {
    source,
    references: refs,
    evaluate: (values) => {
      const r = root(values);
      return typeof r === 'number' ? finite(r === 0 ? 0 : r) : r;
    },
  };
}

export interface Transform {
  name: string;
  formula: string;
}

/**
 * Compiles transforms that may read measurements and each other; returns them in an evaluation
 * order (dependencies first). Throws SF_MODEL_INVALID for bad formulas, SF_MODEL_CYCLE naming the cycle.
 */
export function orderTransforms(
  transforms: readonly Transform[],
  measurements: ReadonlySet<string> | ((name: string) => boolean),
  model?: string,
): { name: string; formula: CompiledFormula }[] {
  const byName = new Map<string, Transform>();
  for (const t of transforms) {
    if (byName.has(t.name))
      throw new InputError('SF_MODEL_INVALID', `transform "${t.name}" is defined twice${model === undefined ? '' : ` in model ${model}`}`);
    byName.set(t.name, t);
  }
  const isMeasurement = typeof measurements === 'function' ? measurements : (n: string) => measurements.has(n);
  const known = (n: string): boolean => byName.has(n) || isMeasurement(n);
  const compiled = new Map<string, CompiledFormula>();
  for (const t of transforms) {
    compiled.set(t.name, compileFormula(t.formula, { measurements: known, name: t.name, ...(model === undefined ? {} : { model }) }));
  }
  const order: { name: string; formula: CompiledFormula }[] = [];
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const visit = (n: string): void => {
    const s = state.get(n);
    if (s === 2) return;
    if (s === 1) {
      const cycle = [...stack.slice(stack.indexOf(n)), n];
      throw new InputError('SF_MODEL_CYCLE', `transforms form a cycle${model === undefined ? '' : ` in model ${model}`}: ${cycle.join(' → ')}`);
    }
    state.set(n, 1);
    stack.push(n);
    const f = compiled.get(n) as CompiledFormula;
    for (const r of f.references) if (byName.has(r)) visit(r);
    stack.pop();
    state.set(n, 2);
    order.push({ name: n, formula: f });
  };
  for (const t of transforms) visit(t.name);
  return order;
}
