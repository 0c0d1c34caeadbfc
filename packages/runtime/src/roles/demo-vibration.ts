import type { Logger, Pipeline } from '@shopfloor/engine';
import type { WaveformBlock as ModelBlock } from '@shopfloor/model';
import { createVibrationExtractor, vibrationDefaults, type VibrationFeatureExtractor } from '@shopfloor/processors';
import type { Plant } from '@shopfloor/simulator';

/**
 * The demo's accelerometers: every `everyMs`, one 4,096-sample block per rotating machine from the
 * simulated plant, turned into features at the edge (RMS, peak, crest factor, kurtosis, band RMS,
 * 1×/2× and bearing defect-frequency amplitudes) under `<machine>/vibration/…`. The raw blocks
 * stay at the edge; only the features travel.
 */
export function startDemoVibration(plant: Plant, pipeline: Pipeline, logger: Logger, everyMs = 2_000): { stop(): void } {
  const extractors = new Map<string, { readonly path: string; readonly extractor: VibrationFeatureExtractor }>();
  for (const machine of plant.machines()) {
    let block;
    try {
      block = plant.waveform(machine.id);
    } catch {
      continue; // not a rotating machine
    }
    const shaft = block.frequencies.shaftHz;
    if (!(shaft > 0)) continue;
    const defectOrders = {
      bpfo: block.frequencies.bpfoHz / shaft,
      bpfi: block.frequencies.bpfiHz / shaft,
      bsf: block.frequencies.bsfHz / shaft,
      ftf: block.frequencies.ftfHz / shaft,
    };
    extractors.set(machine.id, { path: machine.path, extractor: createVibrationExtractor({ ...vibrationDefaults, defectOrders }) });
  }
  const timer = setInterval(() => {
    for (const [id, { path, extractor }] of extractors) {
      try {
        const block = plant.waveform(id);
        const input: ModelBlock = {
          prefix: `${path}/vibration`,
          ts: block.ts,
          sampleRateHz: block.sampleRateHz,
          samples: block.samples,
          unit: block.unit,
          ...(block.frequencies.shaftHz > 0 ? { shaftHz: block.frequencies.shaftHz } : {}),
        };
        pipeline.submit({ accepted: extractor.process(input), rejected: [] }, undefined, { protocol: 'computed', address: `vibration:${id}` });
      } catch (error) {
        logger.warn('a vibration block could not be turned into features', { machine: id, error: (error as Error).message });
      }
    }
  }, everyMs);
  timer.unref();
  logger.info('vibration features at the edge', { machines: extractors.size, everyMs });
  return { stop: () => clearInterval(timer) };
}
