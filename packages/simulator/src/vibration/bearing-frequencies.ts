import type { BearingGeometry } from '../description/plant-description.ts';

export interface BearingFrequencies {
  readonly shaftHz: number;
  /** Ball pass frequency, outer race. */
  readonly bpfoHz: number;
  /** Ball pass frequency, inner race. */
  readonly bpfiHz: number;
  /** Ball spin frequency. */
  readonly bsfHz: number;
  /** Fundamental train (cage) frequency. */
  readonly ftfHz: number;
}

/**
 * Defect frequencies of a rolling bearing with a stationary outer race, from its geometry:
 * BPFO = n/2·f·(1 − d/D·cos φ), BPFI = n/2·f·(1 + d/D·cos φ), BSF = D/(2d)·f·(1 − (d/D·cos φ)²),
 * FTF = f/2·(1 − d/D·cos φ).
 */
export function bearingFrequencies(bearing: BearingGeometry, shaftHz: number): BearingFrequencies {
  const ratio = (bearing.ballDiameterMm / bearing.pitchDiameterMm) * Math.cos((bearing.contactAngleDeg * Math.PI) / 180);
  return {
    shaftHz,
    bpfoHz: (bearing.balls / 2) * shaftHz * (1 - ratio),
    bpfiHz: (bearing.balls / 2) * shaftHz * (1 + ratio),
    bsfHz: (bearing.pitchDiameterMm / (2 * bearing.ballDiameterMm)) * shaftHz * (1 - ratio * ratio),
    ftfHz: (shaftHz / 2) * (1 - ratio),
  };
}
