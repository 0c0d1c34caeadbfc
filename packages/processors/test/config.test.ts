import { describe, expect, it } from 'vitest';
import { Value } from 'typebox/value';
import { createProcessors, processorsConfigProblems, processorsConfigSchema, processorsDefaults, type ProcessorsConfig } from '../src/index.ts';

describe('processors configuration', () => {
  it('accepts a full list: the schema and the semantic checks agree, and the processors come in order with their names', () => {
    const config: ProcessorsConfig = [
      { type: 'scale', tags: ['acme/+/+/+/+/+/raw-count'], factor: 0.25, offset: -4 },
      { type: 'convert', tags: ['acme/#'], from: 'degF', to: '°C' },
      { type: 'deadband', tags: ['acme/#'], band: 0.5, mode: 'percent', maxSilenceMs: 60_000 },
      { type: 'rate-limit', tags: ['acme/+/fast/#'], intervalMs: 100 },
      { type: 'aggregate', tags: ['acme/#'], windowMs: 60_000, functions: ['avg', 'max'], keepRaw: false, graceMs: 5_000 },
      { type: 'model', tags: ['acme/#'], model: 'zscore', params: { alpha: 0.1, warmup: 50 } },
    ];
    expect([Value.Check(processorsConfigSchema, config), Value.Check(processorsConfigSchema, processorsDefaults)]).toEqual([true, true]);
    expect(processorsConfigProblems(config)).toEqual([]);
    expect(createProcessors(config).map((processor) => processor.name)).toEqual([
      'scale[0]',
      'convert[1]',
      'deadband[2]',
      'rate-limit[3]',
      'aggregate[4]',
      'model[5]',
    ]);
  });

  it('names every problem by its key path: units, schema, tag filters, functions, models and their parameters', () => {
    const problems = processorsConfigProblems([
      { type: 'scale', tags: ['a/#'], factor: 2 },
      { type: 'convert', tags: ['a/#'], from: '°C', to: 'degK' },
      { type: 'convert', tags: ['a/#'], from: 'bar', to: 'kW' },
      { type: 'deadband', tags: ['a/#'], band: -1 },
      { type: 'aggregate', tags: ['a/+/c'], windowMs: 1_000, extra: 1 },
      { type: 'model', tags: ['a/#'], model: 'lstm' },
      { type: 'model', tags: ['a/#'], model: 'zscore', params: { alpha: 3 } },
      { type: 'median', tags: [] },
      { type: 'rate-limit', tags: ['a/#/b'], intervalMs: 10 },
      { type: 'aggregate', tags: ['a/+/c'], windowMs: 1_000, functions: ['avg', 'avg'] },
      { type: 'aggregate', tags: [], windowMs: 1.5, functions: ['mean'] },
    ]);
    expect(problems[0]).toMatch(/^processors\[1\]\.to: unknown unit "degK"; known: K, °C, °F, Pa, .*, kWh, .*, rpm, /);
    expect(problems.slice(1)).toEqual([
      'processors[2].to: "bar" is a pressure and "kW" a power; they do not convert',
      'processors[3].band: expected a number >= 0, found number -1',
      'processors[4].extra: expected no such key (known: type, tags, windowMs, functions, keepRaw, graceMs), found "extra"',
      'processors[5].model: unknown model "lstm"; known: zscore',
      'processors[6].params.alpha: expected a number <= 1, found number 3',
      'processors[7].type: expected one of scale, convert, deadband, rate-limit, aggregate, model, found "median"',
      'processors[8].tags[0]: tag filter "a/#/b" "#" may only be the last segment',
      'processors[9].functions: "avg" listed more than once',
      'processors[10].tags: expected at least 1 entries, found a list []',
      'processors[10].windowMs: expected a value of type integer, found number 1.5',
      'processors[10].functions[0]: expected "min" or "max" or "avg" or "count" or "sum" or "first" or "last", found string "mean"',
    ]);
  });

  it('createProcessors refuses an invalid list with an InputError listing the problems under the given key path', () => {
    const error = (() => {
      try {
        createProcessors([{ type: 'convert', tags: ['a/#'], from: 'psi', to: 'l/min' }, 'scale'], undefined, 'edge.processors');
      } catch (thrown) {
        return thrown as { name: string; code: string; message: string };
      }
      throw new Error('expected a refusal');
    })();
    expect({ name: error.name, code: error.code, message: error.message }).toEqual({
      name: 'InputError',
      code: 'SF_CONFIG_INVALID',
      message: [
        'edge.processors: 2 problems:',
        'edge.processors[0].to: "psi" is a pressure and "l/min" a volume flow; they do not convert',
        'edge.processors[1].type: expected one of scale, convert, deadband, rate-limit, aggregate, model, found nothing',
      ].join('\n'),
    });
    expect(processorsConfigProblems({ type: 'scale' })).toEqual(['processors: expected a list of processors, found object']);
  });
});
