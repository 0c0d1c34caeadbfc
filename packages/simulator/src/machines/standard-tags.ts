import { machineStates } from '../plant-api.ts';
import type { Drive } from '../physics/drive.ts';
import { spectrumPeak, spectrumRms, vibrationAxes, type VibrationAxis } from '../vibration/vibration-model.ts';
import type { TagDefinition } from './machine-behaviour.ts';
import type { MachineCore } from './machine-core.ts';
import { rotorSoundLevel, rotorSpectrum, rotorVelocity, type Rotor } from './rotor.ts';

/** Tag groups most machine types share, so a name means the same on every type. */

/** Velocity RMS above which the vibration alarm is on (ISO 10816, class II, zone C/D). */
export const vibrationAlarmMmS = 7.1;
export const bearingAlarmC = 90;
export const windingAlarmC = 140;

/** Current, power and winding temperature; utilities also report the power factor, for energy monitoring. */
export function driveTags(drive: Drive, what = 'main motor', withPowerFactor = false): TagDefinition[] {
  const ratedCurrent = drive.ratedCurrentA;
  const tags: TagDefinition[] = [
    {
      name: 'motor-current',
      dataType: 'float',
      unit: 'A',
      min: 0,
      max: round(ratedCurrent * 2),
      noise: ratedCurrent * 0.004,
      description: `RMS phase current of the ${what}.`,
      read: () => drive.currentA,
    },
    {
      name: 'motor-power',
      dataType: 'float',
      unit: 'kW',
      min: 0,
      max: round(drive.ratedPowerKw * 2),
      noise: drive.ratedPowerKw * 0.003,
      description: `Electrical input power of the ${what}: √3·V·I·PF.`,
      read: () => drive.powerKw,
    },
    {
      name: 'winding-temperature',
      dataType: 'float',
      unit: '°C',
      min: -20,
      max: 200,
      noise: 0.2,
      description: `Stator winding temperature of the ${what} (PT100).`,
      read: () => drive.winding.value,
    },
  ];
  if (withPowerFactor)
    tags.splice(2, 0, {
      name: 'power-factor',
      dataType: 'float',
      min: 0,
      max: 1,
      noise: 0.002,
      description: `Power factor of the ${what}.`,
      read: () => drive.powerFactor,
    });
  return tags;
}

export function bearingTemperatureTags(rotor: Rotor): TagDefinition[] {
  return [
    {
      name: 'bearing-temperature-de',
      dataType: 'float',
      unit: '°C',
      min: -20,
      max: 150,
      noise: 0.15,
      description: 'Drive-end bearing temperature.',
      read: () => rotor.bearingDe.value,
    },
    {
      name: 'bearing-temperature-nde',
      dataType: 'float',
      unit: '°C',
      min: -20,
      max: 150,
      noise: 0.15,
      description: 'Non-drive-end bearing temperature.',
      read: () => rotor.bearingNde.value,
    },
  ];
}

/** RMS and peak acceleration per axis, overall velocity RMS and the sound level. */
export function vibrationTags(rotor: Rotor, axes: readonly VibrationAxis[] = vibrationAxes): TagDefinition[] {
  const tags: TagDefinition[] = [];
  for (const axis of axes) {
    tags.push(
      {
        name: `vibration-${axis}-rms`,
        dataType: 'float',
        unit: 'g',
        min: 0,
        max: 50,
        noise: 0.0005,
        description: `Acceleration RMS, ${axisName(axis)}, over the waveform band (≤ 10 kHz).`,
        read: () => spectrumRms(rotorSpectrum(rotor, axis)),
      },
      {
        name: `vibration-${axis}-peak`,
        dataType: 'float',
        unit: 'g',
        min: 0,
        max: 200,
        noise: 0.002,
        description: `Acceleration peak, ${axisName(axis)}.`,
        read: () => spectrumPeak(rotorSpectrum(rotor, axis)),
      },
    );
  }
  tags.push(
    {
      name: 'vibration-velocity-rms',
      dataType: 'float',
      unit: 'mm/s',
      min: 0,
      max: 100,
      noise: 0.02,
      description: 'Velocity RMS 10–1,000 Hz, largest axis (ISO 10816 severity).',
      read: () => rotorVelocity(rotor),
    },
    {
      name: 'acoustic-level',
      dataType: 'float',
      unit: 'dB',
      min: 30,
      max: 140,
      noise: 0.3,
      description: 'A-weighted sound level at 1 m.',
      read: () => rotorSoundLevel(rotor),
    },
  );
  return tags;
}

export interface Alarms {
  readonly overtemperature: () => boolean;
  readonly vibration: () => boolean;
  readonly overload: () => boolean;
}

/** State as text and as code, a running bit, and three alarm bits. */
export function statusTags(core: MachineCore, alarms: Alarms): TagDefinition[] {
  return [
    { name: 'state', dataType: 'string', description: `Machine state: ${machineStates.join(', ')}.`, read: () => core.state },
    {
      name: 'state-code',
      dataType: 'int',
      min: 0,
      max: machineStates.length - 1,
      description: `Machine state as a code: ${machineStates.map((state, code) => `${code} ${state}`).join(', ')}.`,
      read: () => machineStates.indexOf(core.state),
    },
    { name: 'running', dataType: 'bool', description: 'True while the machine is in state running.', read: () => core.state === 'running' },
    { name: 'alarm-overtemperature', dataType: 'bool', description: 'A monitored temperature is above its alarm limit.', read: alarms.overtemperature },
    { name: 'alarm-vibration', dataType: 'bool', description: `Velocity RMS above ${vibrationAlarmMmS} mm/s.`, read: alarms.vibration },
    { name: 'alarm-overload', dataType: 'bool', description: 'Motor current above 110 % of rated.', read: alarms.overload },
  ];
}

/** The usual alarms of a motor-driven machine. */
export function driveAlarms(drive: Drive, rotor: Rotor): Alarms {
  return {
    overtemperature: () => drive.winding.value > windingAlarmC || rotor.bearingDe.value > bearingAlarmC || rotor.bearingNde.value > bearingAlarmC,
    vibration: () => rotorVelocity(rotor) > vibrationAlarmMmS,
    overload: () => drive.currentA > 1.1 * drive.ratedCurrentA,
  };
}

/** Energy, and for utilities run hours (stations report time per state through `counters()`). */
export function meterTags(drive: Drive, withRunHours = false): TagDefinition[] {
  const tags: TagDefinition[] = [
    { name: 'energy', dataType: 'float', unit: 'kWh', min: 0, description: 'Electrical energy since start (counter).', read: () => drive.energyKwh },
  ];
  if (withRunHours)
    tags.push({
      name: 'run-hours',
      dataType: 'float',
      unit: 'h',
      min: 0,
      description: 'Hours the motor has been energised since start (counter).',
      read: () => drive.runHours,
    });
  return tags;
}

export function productionTags(core: MachineCore): TagDefinition[] {
  return [
    { name: 'good-parts', dataType: 'int', min: 0, description: 'Good parts since start (counter).', read: () => core.goodParts },
    { name: 'scrap-parts', dataType: 'int', min: 0, description: 'Scrap parts since start (counter).', read: () => core.scrapParts },
    { name: 'cycle-time', dataType: 'float', unit: 's', min: 0, description: 'Length of the last completed cycle.', read: () => core.lastCycleSeconds },
  ];
}

function axisName(axis: VibrationAxis): string {
  return axis === 'z' ? 'axial (z)' : axis === 'x' ? 'horizontal (x)' : 'vertical (y)';
}

function round(value: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(Math.max(value, 1)));
  return Math.ceil(value / magnitude) * magnitude;
}
