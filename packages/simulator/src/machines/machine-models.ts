import type { MachineParams } from '../description/plant-description.ts';
import type { MachineType } from '../plant-api.ts';
import { cncModel } from './cnc.ts';
import { compressorModel } from './compressor.ts';
import { conveyorModel } from './conveyor.ts';
import type { MachineModel, ResolvedParams } from './machine-behaviour.ts';
import { motorModel } from './motor.ts';
import { ovenModel } from './oven.ts';
import { pressModel } from './press.ts';
import { pumpModel } from './pump.ts';
import { robotModel } from './robot.ts';

export const machineModels: Readonly<Record<MachineType, MachineModel>> = {
  cnc: cncModel,
  press: pressModel,
  pump: pumpModel,
  motor: motorModel,
  conveyor: conveyorModel,
  robot: robotModel,
  oven: ovenModel,
  compressor: compressorModel,
};

/** Parameters every type takes. */
export const commonParamKeys: readonly (keyof MachineParams)[] = ['ratedPowerKw', 'ratedSpeedRpm', 'voltageV', 'powerFactor', 'efficiency', 'bearing'];

/** Defaults of every parameter; a type's own defaults and the description override them. */
const genericParams: Omit<ResolvedParams, 'ratedPowerKw' | 'ratedSpeedRpm' | 'bearing'> = {
  voltageV: 400,
  powerFactor: 0.86,
  efficiency: 0.93,
  shutoffHeadM: 60,
  ratedFlowM3h: 120,
  staticHeadM: 10,
  capacityM3Min: 9,
  receiverM3: 2,
  heaterKw: 120,
  zones: 3,
  ratedTonnage: 400,
  beltSpeedMs: 0.5,
  lengthM: 20,
  maxSpindleRpm: 12_000,
  payloadKg: 20,
};

export function resolveParams(type: MachineType, params: MachineParams | undefined): ResolvedParams {
  const model = machineModels[type];
  return { ...genericParams, ...model.defaults, ...params };
}
