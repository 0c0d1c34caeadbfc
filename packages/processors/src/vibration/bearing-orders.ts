import type { BearingGeometry } from './config.ts';

/** Defect frequencies of a bearing as multiples of the shaft speed. */
export interface DefectOrders {
  readonly bpfo: number;
  readonly bpfi: number;
  readonly bsf: number;
  readonly ftf: number;
}

/**
 * For a stationary outer race, with r = d/D·cos φ: BPFO = n/2·(1 − r), BPFI = n/2·(1 + r),
 * BSF = D/(2d)·(1 − r²), FTF = (1 − r)/2, each times the shaft frequency.
 */
export function bearingDefectOrders(bearing: BearingGeometry): DefectOrders {
  const ratio = (bearing.ballDiameterMm / bearing.pitchDiameterMm) * Math.cos((bearing.contactAngleDeg * Math.PI) / 180);
  return {
    bpfo: (bearing.balls / 2) * (1 - ratio),
    bpfi: (bearing.balls / 2) * (1 + ratio),
    bsf: (bearing.pitchDiameterMm / (2 * bearing.ballDiameterMm)) * (1 - ratio * ratio),
    ftf: (1 - ratio) / 2,
  };
}
