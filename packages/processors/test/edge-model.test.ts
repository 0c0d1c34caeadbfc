import { describe, expect, it } from 'vitest';
import type { Point } from '@shopfloor/model';
import { Type } from 'typebox';
import { createEdgeModelRegistry, createProcessors, ModelProcessor, type EdgeModelDefinition } from '../src/index.ts';
import { point, recordingPipeline, t0 } from './pipeline-fixture.ts';

const second = 1_000;

describe('edge models', () => {
  it('zscore scores each value against the moving baseline before it, after the warm-up (hand-computed, alpha 0.5)', async () => {
    const run = recordingPipeline(createProcessors([{ type: 'model', tags: ['pump/+/rms'], model: 'zscore', params: { alpha: 0.5, warmup: 2 } }]));
    // mean, variance: 1, 0 → (3) 2, 1 → (2) 2, 0.5 → (4) 3, 1.25 → (3) …; scores from the third value on.
    await run.send([1, 3, 2, 4, 3].map((value, index) => point('pump/x/rms', t0 + index * second, value)));
    expect(run.stored.filter((each) => each.tag === 'pump/x/rms.zscore').map((each) => [(each.ts - t0) / second, each.value])).toEqual([
      [2, 0],
      [3, expect.closeTo(2 / Math.sqrt(0.5), 12)],
      [4, 0],
    ]);
    expect(run.counts()).toEqual({ received: 5, derived: 3, stored: 8, rejected: 0, filtered: 0, failed: 0, pending: 0 });
    expect(run.newTags.map((tag) => [tag.path, tag.source])).toContainEqual(['pump/x/rms.zscore', { protocol: 'computed', address: 'model[0]' }]);
  });

  it('zscore stays small on steady noise and flags a step', async () => {
    const run = recordingPipeline(createProcessors([{ type: 'model', tags: ['#'], model: 'zscore' }]));
    // A deterministic wobble of ±1 around 10, then a jump to 16.
    const values = Array.from({ length: 200 }, (_, index) => 10 + Math.sin(index * 1.7) + 0.5 * Math.sin(index * 0.31));
    values.push(16);
    await run.send(values.map((value, index) => point('line/m/temp', t0 + index * second, value)));
    const scores = run.stored.filter((each) => each.tag === 'line/m/temp.zscore').map((each) => each.value as number);
    expect(scores).toHaveLength(201 - 20);
    expect(Math.max(...scores.slice(0, -1).map(Math.abs))).toBeLessThan(3.5);
    expect(scores.at(-1)).toBeGreaterThan(5);
  });

  it('runs a model the runtime registered, fed only its tags, with time-driven output on tick', async () => {
    const seen: string[] = [];
    const counter: EdgeModelDefinition = {
      name: 'counter',
      description: 'Counts points per flush.',
      paramsSchema: Type.Object({ output: Type.String() }, { additionalProperties: false }),
      create: (params, consumes) => {
        const { output } = params as { output: string };
        let count = 0;
        return {
          name: 'counter',
          consumes,
          evaluate: (points: readonly Point[]) => {
            seen.push(...points.map((each) => each.tag));
            count += points.length;
            return [];
          },
          flush: (now: number) => [point(output, now, count)],
        };
      },
    };
    const registry = createEdgeModelRegistry([counter]);
    expect(registry.names()).toEqual(['zscore', 'counter']);
    expect(() => registry.register(counter)).toThrow('edge model "counter" is already registered');
    const run = recordingPipeline(
      createProcessors([{ type: 'model', tags: ['cell/+/parts'], model: 'counter', params: { output: 'cell/all/parts-seen' } }], registry),
    );
    await run.send([point('cell/a/parts', t0, 1), point('cell/b/parts', t0, 1), point('cell/a/temp', t0, 20)]);
    await run.tick(t0 + 10 * second);
    expect(seen).toEqual(['cell/a/parts', 'cell/b/parts']);
    expect(run.stored.at(-1)).toEqual(point('cell/all/parts-seen', t0 + 10 * second, 2));
    expect(run.counts()).toEqual({ received: 3, derived: 1, stored: 4, rejected: 0, filtered: 0, failed: 0, pending: 0 });
  });

  it('a model that throws loses its outputs, counted, and the data goes on', async () => {
    const broken: EdgeModelDefinition = {
      name: 'broken',
      description: 'Throws on every batch.',
      paramsSchema: Type.Object({}, { additionalProperties: false }),
      create: (_params, consumes) => ({
        name: 'broken',
        consumes,
        evaluate: () => {
          throw new Error('model bug');
        },
      }),
    };
    const processors = createProcessors([{ type: 'model', tags: ['#'], model: 'broken' }], createEdgeModelRegistry([broken]));
    const run = recordingPipeline(processors);
    await run.send([point('a/b/c', t0, 1), point('a/b/c', t0 + second, 2)]);
    expect(run.stored).toEqual([point('a/b/c', t0, 1), point('a/b/c', t0 + second, 2)]);
    expect(run.counts()).toEqual({ received: 2, derived: 0, stored: 2, rejected: 0, filtered: 0, failed: 0, pending: 0 });
    expect([(processors[0] as ModelProcessor).errors, (processors[0] as ModelProcessor).lastError]).toEqual([1, 'model bug']);
  });
});
