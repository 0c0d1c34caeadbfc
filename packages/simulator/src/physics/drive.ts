import { createLag, follow, type Lag } from './lag.ts';

/**
 * A three-phase induction motor seen from its terminals: electrical input follows the mechanical
 * load, P = √3·V·I·PF, and the winding heats with the copper losses (∝ I²) through a first-order lag.
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
/** Losses of a running motor at no load, as a fraction of rated input. */
const noLoadFraction = 0.03;

export function createDrive(params: DriveParams, ambientC: number): Drive {
  return {
    ratedPowerKw: params.ratedPowerKw,
    voltageV: params.voltageV,
    ratedCurrentA: currentFor(params.ratedPowerKw / params.efficiency, params.voltageV, params.powerFactor),
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
    drive.powerFactor = params.powerFactor * (0.85 + 0.15 * Math.min(1, mechanical));
    drive.powerKw = (drive.ratedPowerKw * mechanical) / params.efficiency + drive.ratedPowerKw * noLoadFraction;
    drive.currentA = currentFor(drive.powerKw, drive.voltageV, drive.powerFactor);
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

function currentFor(powerKw: number, voltageV: number, powerFactor: number): number {
  return powerFactor > 0 ? (powerKw * 1_000) / (Math.sqrt(3) * voltageV * powerFactor) : 0;
}
