import type { DataType } from '@shopfloor/model';
import { bearingDefectLocations, faultKinds, type FaultKind, type FaultOptions, type MachineType } from '../plant-api.ts';
import { physicalFaults, sensorFaults } from './fault-kinds.ts';

/** What a fault check needs to know of a machine: its type and its actual tags (built from its own params). */
export interface FaultTarget {
  readonly type: MachineType;
  readonly tags: readonly { readonly name: string; readonly dataType: DataType }[];
}

/** One thing wrong with a fault: which option, what it should be, and the message for an InputError. */
export interface FaultProblem {
  readonly option: 'kind' | 'severity' | 'timeToFailure' | 'tag' | 'location';
  readonly expected: string;
  readonly message: string;
}

/** The tags a sensor fault of this kind can affect: drift needs a numeric tag; a stuck sensor can be any. */
export function sensorFaultTags(target: FaultTarget, kind: FaultKind): string[] {
  const tags = kind === 'sensor-drift' ? target.tags.filter((tag) => tag.dataType === 'float' || tag.dataType === 'int') : target.tags;
  return tags.map((tag) => tag.name);
}

/**
 * The one check of a fault, shared by `startFault` (commands and the schedule) and the plant file
 * checks, so a fault that passes the file never fails when it starts. The first problem, or undefined.
 */
export function faultProblem(target: FaultTarget, kind: FaultKind, options: FaultOptions): FaultProblem | undefined {
  if (!(faultKinds as readonly string[]).includes(kind))
    return { option: 'kind', expected: `one of ${faultKinds.join(', ')}`, message: `kind "${kind}" is not one of ${faultKinds.join(', ')}` };
  if (kind === 'cavitation' && target.type !== 'pump')
    return {
      option: 'kind',
      expected: `a fault a ${target.type} can have (cavitation is for pumps)`,
      message: `cavitation needs a pump; this is a ${target.type}`,
    };
  const physical = physicalFaults.has(kind);
  const ttf = options.timeToFailureMs;
  if (ttf !== undefined && !physical)
    return {
      option: 'timeToFailure',
      expected: `no time to failure (a ${kind} does not fail the machine)`,
      message: `a ${kind} does not fail the machine; leave timeToFailureMs out`,
    };
  if (ttf !== undefined && (!Number.isFinite(ttf) || ttf <= 0))
    return {
      option: 'timeToFailure',
      expected: 'a duration above zero such as "30d"',
      message: `timeToFailureMs ${ttf} is not a positive number of milliseconds`,
    };
  const severity = options.severity;
  if (severity !== undefined && (!Number.isFinite(severity) || severity < 0 || severity > 1))
    return { option: 'severity', expected: 'a number from 0 to 1', message: `severity ${severity} is not from 0 to 1` };
  if (sensorFaults.has(kind)) {
    const names = sensorFaultTags(target, kind);
    if (options.tag === undefined || !names.includes(options.tag)) {
      const what = kind === 'sensor-drift' ? 'a numeric tag' : 'the tag';
      return {
        option: 'tag',
        expected: `${what} the ${kind} affects (one of ${names.join(', ')})`,
        message: `a ${kind} needs options.tag, ${kind === 'sensor-drift' ? 'a numeric tag, ' : ''}one of ${names.join(', ')}${options.tag !== undefined ? `; "${options.tag}" is not` : ''}`,
      };
    }
  } else if (options.tag !== undefined) {
    return { option: 'tag', expected: `no tag (a ${kind} affects the whole machine)`, message: `a ${kind} affects the whole machine; leave the tag out` };
  }
  if (options.location !== undefined) {
    if (kind !== 'bearing-wear')
      return { option: 'location', expected: 'no location (only bearing-wear has one)', message: `a ${kind} has no location; leave it out` };
    if (!(bearingDefectLocations as readonly string[]).includes(options.location))
      return {
        option: 'location',
        expected: `one of ${bearingDefectLocations.join(', ')}`,
        message: `location "${options.location}" is not one of ${bearingDefectLocations.join(', ')}`,
      };
  }
  return undefined;
}
