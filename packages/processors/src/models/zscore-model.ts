import type { Point } from '@shopfloor/model';
import { Type, type Static } from 'typebox';
import type { EdgeModel, EdgeModelDefinition } from '../edge-model.ts';

export const zscoreParamsSchema = Type.Object(
  {
    alpha: Type.Optional(
      Type.Number({ exclusiveMinimum: 0, maximum: 1, description: 'Weight of the newest value in the moving mean and variance (0.05 ≈ the last 20 values).' }),
    ),
    warmup: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'Values of a tag seen before its scores are emitted.' })),
    minStd: Type.Optional(
      Type.Number({ exclusiveMinimum: 0, description: 'Floor of the standard deviation, so a flat signal that moves gives a large but finite score.' }),
    ),
  },
  { additionalProperties: false },
);
export type ZscoreParams = Static<typeof zscoreParamsSchema>;

export const zscoreDefaults: Required<ZscoreParams> = { alpha: 0.05, warmup: 20, minStd: 1e-9 };

interface Baseline {
  readonly output: string;
  mean: number;
  variance: number;
  seen: number;
}

/**
 * Streaming anomaly score: for each numeric point (not bad quality) of a consumed tag, how many
 * standard deviations it lies from the tag's exponentially weighted moving mean, measured against
 * the baseline before the point is added (so an outlier does not hide itself). Emitted as
 * `<tag>.zscore` at the point's time once `warmup` values were seen.
 */
export class ZscoreModel implements EdgeModel {
  readonly name = 'zscore';
  readonly consumes: readonly string[];
  readonly #params: Required<ZscoreParams>;
  readonly #baselines = new Map<string, Baseline>();

  constructor(params: ZscoreParams, consumes: readonly string[]) {
    this.#params = { ...zscoreDefaults, ...params };
    this.consumes = consumes;
  }

  evaluate(points: readonly Point[]): Point[] {
    const { alpha, warmup, minStd } = this.#params;
    const scores: Point[] = [];
    for (const point of points) {
      const value = point.value;
      if (typeof value !== 'number' || point.quality === 'bad') continue;
      let baseline = this.#baselines.get(point.tag);
      if (baseline === undefined) {
        baseline = { output: `${point.tag}.zscore`, mean: value, variance: 0, seen: 0 };
        this.#baselines.set(point.tag, baseline);
      }
      const deviation = value - baseline.mean;
      if (baseline.seen >= warmup) {
        scores.push({ tag: baseline.output, ts: point.ts, value: deviation / Math.max(Math.sqrt(baseline.variance), minStd), quality: point.quality });
      }
      // West's exponentially weighted mean and variance.
      const step = alpha * deviation;
      baseline.mean += step;
      baseline.variance = (1 - alpha) * (baseline.variance + deviation * step);
      baseline.seen++;
    }
    return scores;
  }
}

export const zscoreModelDefinition: EdgeModelDefinition = {
  name: 'zscore',
  description: 'Streaming z-score of each consumed tag against its exponentially weighted moving mean and variance; emits <tag>.zscore.',
  paramsSchema: zscoreParamsSchema,
  create: (params, consumes) => new ZscoreModel(params as ZscoreParams, consumes),
};
