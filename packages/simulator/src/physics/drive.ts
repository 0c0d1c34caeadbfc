import { createLag, follow, type Lag } from './lag.ts';

/**
 * A three-phase induction motor seen from its terminals: electrical input follows the mechanical
 * load; the current has an active part `I_a = P / (√3·V)` and a reactive part, the magnetising
 * current (≈ 0.3 × rated, there even at no load) plus leakage reactance growing with the square
 * of the load current, so `I = √(I_a² + I_q²)` and `PF = I_a / I`: about 0.15–0.2 at no load,
 * the nameplate power factor at rated load. The winding heats with the copper losses (∝ I²)
 * through a first-order lag.
 */
export interface Drive {
  readonly ratedPowerKw: number;
  readonly voltageV: number;
  readonly ratedCurrentA: number;
  currentA: number;
  powerKw: number;
  powerFactor: number;
  readonly winding: Lag;
  energyKwh: number;
  runHours: number;
}

export interface DriveParams {
  readonly ratedPowerKw: number;
  readonly voltageV: number;
  readonly powerFactor: number;
  readonly efficiency: number;
}

/** Winding temperature rise over ambient at rated current (class F motor, class B rise). */
const ratedRiseK = 75;
/** Extra winding temperature at overheating severity 1 (blocked cooling, failed fan). */
const overheatingRiseK = 60;
/** Losses of a running motor at no load (friction, windage, iron), as a fraction of rated power. */
export const noLoadFraction = 0.07;
/** Magnetising current as a fraction of rated current. */
export const magnetisingFraction = 0.3;

export function createDrive(params: DriveParams, ambientC: number): Drive {
  return {
    ratedPowerKw: params.ratedPowerKw,
    voltageV: params.voltageV,
    ratedCurrentA: activeCurrent(ratedInputKw(params), params.voltageV) / params.powerFactor,
    currentA: 0,
    powerKw: 0,
    powerFactor: 0,
    winding: createLag(ambientC, 1_200),
    energyKwh: 0,
    runHours: 0,
  };
}

/**
 * `load` is the mechanical load as a fraction of rated power (may exceed 1); `energised` is false
 * when the motor is switched off.
 */
export function stepDrive(drive: Drive, params: DriveParams, dtS: number, load: number, energised: boolean, ambientC: number, overheating: number): void {
  if (energised) {
    const mechanical = Math.max(0, load);
    drive.powerKw = (drive.ratedPowerKw * mechanical) / params.efficiency + drive.ratedPowerKw * noLoadFraction;
    const rated = drive.ratedCurrentA;
    const ratedActive = rated * params.powerFactor;
    const ratedReactive = rated * Math.sqrt(Math.max(0, 1 - params.powerFactor * params.powerFactor));
    const magnetising = Math.min(magnetisingFraction * rated, ratedReactive);
    const active = activeCurrent(drive.powerKw, drive.voltageV);
    const relative = ratedActive > 0 ? active / ratedActive : 0;
    const reactive = magnetising + (ratedReactive - magnetising) * relative * relative;
    drive.currentA = Math.hypot(active, reactive);
    drive.powerFactor = drive.currentA > 0 ? active / drive.currentA : 0;
    drive.energyKwh += (drive.powerKw * dtS) / 3_600;
    drive.runHours += dtS / 3_600;
  } else {
    drive.powerFactor = 0;
    drive.powerKw = 0;
    drive.currentA = 0;
  }
  const relative = drive.currentA / drive.ratedCurrentA;
  follow(drive.winding, ambientC + ratedRiseK * relative * relative + overheatingRiseK * overheating, dtS);
}

/** Electrical input at rated load. */
function ratedInputKw(params: DriveParams): number {
  return params.ratedPowerKw / params.efficiency + params.ratedPowerKw * noLoadFraction;
}

function activeCurrent(powerKw: number, voltageV: number): number {
  return (powerKw * 1_000) / (Math.sqrt(3) * voltageV);
}
