import type { TagPath } from './tag-path.ts';

/**
 * A block of a high-rate channel (an accelerometer: e.g. 4,096 samples at 25.6 kHz), the input of
 * vibration feature extraction. Blocks are not points and are not stored; the features computed
 * from them are, as points under `prefix` (`<prefix>/rms`, `<prefix>/bpfo`, …).
 */
export interface WaveformBlock {
  /** Tag path of the channel, e.g. `acme/plant1/utilities/line1/pumps/cooling-pump/vibration-x`; features are tags under it. */
  readonly prefix: TagPath;
  /** Time of the first sample, epoch ms. */
  readonly ts: number;
  readonly sampleRateHz: number;
  readonly samples: Float32Array | Float64Array;
  /** Unit of the samples (`g`, `m/s²`, `mm/s`). */
  readonly unit?: string;
  /** Shaft speed during the block, when known: defect frequencies given as orders follow it. */
  readonly shaftHz?: number;
}
