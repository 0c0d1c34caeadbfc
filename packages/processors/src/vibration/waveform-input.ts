import { Type, type Static } from 'typebox';
import { matchesTagFilter, tagFilterProblem, type Decoded, type WaveformBlock } from '@shopfloor/model';
import { bearingGeometrySchema, vibrationDefaults } from './config.ts';
import { vibrationConfigProblems } from './create-vibration-extractor.ts';
import { VibrationFeatureExtractor } from './vibration-feature-extractor.ts';

const defectSet = Type.Object(
  {
    bpfo: Type.Number({ exclusiveMinimum: 0 }),
    bpfi: Type.Number({ exclusiveMinimum: 0 }),
    bsf: Type.Number({ exclusiveMinimum: 0 }),
    ftf: Type.Number({ exclusiveMinimum: 0 }),
  },
  { additionalProperties: false },
);

/** One waveform input: MQTT topics whose messages are vibration blocks, and how to turn them into features. */
export const waveformInputSchema = Type.Object(
  {
    topics: Type.Array(Type.String({ minLength: 1 }), {
      minItems: 1,
      description: 'MQTT topic filters of waveform blocks (docs/payloads.md); features go to <topic>/rms, <topic>/kurtosis, …',
    }),
    bands: Type.Optional(
      Type.Array(
        Type.Object(
          { name: Type.String({ pattern: '^[A-Za-z0-9_-]{1,32}$' }), fromHz: Type.Number({ minimum: 0 }), toHz: Type.Number({ exclusiveMinimum: 0 }) },
          { additionalProperties: false },
        ),
        { maxItems: 32, description: 'Bands whose RMS is reported (default 10–1,000, 1,000–5,000, 5,000–20,000 Hz).' },
      ),
    ),
    toleranceHz: Type.Optional(Type.Number({ minimum: 0, maximum: 1_000, description: 'Defect lines are searched within ± this (default 3 Hz).' })),
    shaftHz: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 2_000, description: 'Shaft speed for blocks that carry none.' })),
    bearing: Type.Optional(bearingGeometrySchema),
    defectOrders: Type.Optional(defectSet),
    defectHz: Type.Optional(defectSet),
  },
  { additionalProperties: false },
);
export type WaveformInput = Static<typeof waveformInputSchema>;

export const waveformInputsSchema = Type.Array(waveformInputSchema, {
  description: 'Vibration blocks arriving over MQTT and the features computed from them at the edge (the blocks themselves are not stored).',
});

/** Problems of the inputs beyond the schema, `vibration[i].key: problem`. */
export function waveformInputProblems(inputs: readonly WaveformInput[], keyPath = 'vibration'): string[] {
  const problems: string[] = [];
  inputs.forEach((input, index) => {
    const at = `${keyPath}[${index}]`;
    input.topics.forEach((topic, topicIndex) => {
      const problem = tagFilterProblem(topic);
      if (problem !== undefined) problems.push(`${at}.topics[${topicIndex}]: "${topic}" ${problem}`);
    });
    const { topics: _topics, ...vibration } = input;
    problems.push(...vibrationConfigProblems({ ...vibrationDefaults, ...vibration }, at));
  });
  return problems;
}

/** Routes waveform messages to feature extraction: `matches` decides per topic, `decode` makes the feature points. */
export interface WaveformRouter {
  matches(topic: string): boolean;
  decode(topic: string, payload: Buffer, receivedAt: number): Decoded;
}

/**
 * Payload (JSON): `{"ts": <epoch ms>, "sampleRateHz": 25600, "samples": "<base64 of float32 little-endian>",
 * "shaftHz"?: 24.6, "unit"?: "g"}`; the sample count must be a power of two ≥ 16. A bad message is one
 * rejection (malformed-payload) naming the topic and the problem.
 */
export function createWaveformRouter(inputs: readonly WaveformInput[]): WaveformRouter {
  const routes = inputs.map((input) => {
    const { topics, ...vibration } = input;
    return { topics, extractor: new VibrationFeatureExtractor({ ...vibrationDefaults, ...vibration }) };
  });
  const decided = new Map<string, VibrationFeatureExtractor | null>();
  const routeOf = (topic: string): VibrationFeatureExtractor | null => {
    let route = decided.get(topic);
    if (route === undefined) {
      route = routes.find((candidate) => candidate.topics.some((filter) => matchesTagFilter(filter, topic)))?.extractor ?? null;
      if (decided.size > 100_000) decided.clear();
      decided.set(topic, route);
    }
    return route;
  };
  return {
    matches: (topic) => routes.length > 0 && routeOf(topic) !== null,
    decode(topic, payload, receivedAt) {
      const extractor = routeOf(topic);
      const refuse = (detail: string): Decoded => ({ accepted: [], rejected: [{ reason: 'malformed-payload', input: topic, detail, count: 1 }] });
      if (extractor === null) return refuse('no waveform input takes this topic');
      let body: { ts?: unknown; sampleRateHz?: unknown; samples?: unknown; shaftHz?: unknown; unit?: unknown };
      try {
        body = JSON.parse(payload.toString('utf8')) as typeof body;
      } catch (error) {
        return refuse(`a waveform block must be JSON: ${(error as Error).message}`);
      }
      if (typeof body !== 'object' || body === null) return refuse('a waveform block must be a JSON object');
      const ts = body.ts === undefined ? receivedAt : body.ts;
      if (typeof ts !== 'number' || !Number.isFinite(ts)) return refuse('"ts" must be epoch milliseconds');
      if (typeof body.sampleRateHz !== 'number' || !(body.sampleRateHz > 0)) return refuse('"sampleRateHz" must be a positive number');
      if (typeof body.samples !== 'string') return refuse('"samples" must be base64 of little-endian float32 samples');
      const bytes = Buffer.from(body.samples, 'base64');
      const count = bytes.length / 4;
      if (!Number.isInteger(count) || count < 16 || (count & (count - 1)) !== 0)
        return refuse(`"samples" must hold a power of two (≥ 16) of float32 samples; found ${bytes.length} bytes`);
      const samples = new Float32Array(count);
      for (let index = 0; index < count; index++) samples[index] = bytes.readFloatLE(index * 4);
      const block: WaveformBlock = {
        prefix: topic,
        ts,
        sampleRateHz: body.sampleRateHz,
        samples,
        ...(typeof body.unit === 'string' ? { unit: body.unit } : {}),
        ...(typeof body.shaftHz === 'number' && body.shaftHz > 0 ? { shaftHz: body.shaftHz } : {}),
      };
      try {
        return { accepted: extractor.process(block), rejected: [] };
      } catch (error) {
        return refuse((error as Error).message);
      }
    },
  };
}
