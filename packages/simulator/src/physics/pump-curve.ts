/**
 * A centrifugal pump on a throttled system. Pump: H = H0·s² − k·Q² (s = speed ratio, affinity
 * laws); system: H = Hstatic + K(valve)·Q², K growing as the valve closes. The operating point is
 * where they cross.
 */
export interface PumpCurve {
  readonly shutoffHeadM: number;
  readonly ratedFlowM3h: number;
  readonly staticHeadM: number;
  /** Pump curve coefficient k, m per (m³/h)²: head at rated flow is 75 % of shutoff head. */
  readonly k: number;
  /** System coefficient with the valve fully open: rated speed and full valve give 110 % of rated flow. */
  readonly openValveK: number;
}

export function createPumpCurve(shutoffHeadM: number, ratedFlowM3h: number, staticHeadM: number): PumpCurve {
  const k = (0.25 * shutoffHeadM) / (ratedFlowM3h * ratedFlowM3h);
  const flowAtFullValve = 1.1 * ratedFlowM3h;
  const headAtFullValve = shutoffHeadM - k * flowAtFullValve * flowAtFullValve;
  const openValveK = Math.max(1e-9, headAtFullValve - staticHeadM) / (flowAtFullValve * flowAtFullValve);
  return { shutoffHeadM, ratedFlowM3h, staticHeadM, k, openValveK };
}

/** Flow (m³/h) where pump and system curves cross; `headLoss` (0–1) derates the pump (cavitation). */
export function operatingFlow(curve: PumpCurve, speedRatio: number, valveFraction: number, headLoss: number): number {
  const available = curve.shutoffHeadM * speedRatio * speedRatio * (1 - headLoss) - curve.staticHeadM;
  if (available <= 0) return 0;
  const opening = Math.max(0.03, valveFraction);
  return Math.sqrt(available / (curve.k + curve.openValveK / (opening * opening)));
}

/** Head (m) the pump makes at a flow. */
export function pumpHead(curve: PumpCurve, speedRatio: number, flowM3h: number, headLoss: number): number {
  return Math.max(0, curve.shutoffHeadM * speedRatio * speedRatio * (1 - headLoss) - curve.k * flowM3h * flowM3h);
}

/** Pump efficiency, peaking at 78 % at the rated (best efficiency) flow. */
export function pumpEfficiency(curve: PumpCurve, speedRatio: number, flowM3h: number): number {
  const bestFlow = curve.ratedFlowM3h * Math.max(speedRatio, 0.05);
  const offset = (flowM3h - bestFlow) / bestFlow;
  return Math.max(0.05, 0.78 * (1 - offset * offset));
}

/** Hydraulic power (kW) of water: ρ·g·Q·H. */
export function hydraulicPowerKw(flowM3h: number, headM: number): number {
  return (1_000 * 9.81 * (flowM3h / 3_600) * headM) / 1_000;
}
