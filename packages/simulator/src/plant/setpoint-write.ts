import { InputError, NotFoundError, type PointValue } from '@shopfloor/model';
import type { TagDefinition } from '../machines/machine-behaviour.ts';
import type { SimTag } from '../plant-api.ts';
import type { PlantModel } from './build-plant.ts';

/**
 * Checks a setpoint write and applies it to the machine; InputError naming the tag (and what it
 * accepts) when the tag is not writable, the value has the wrong type or range, or the machine's
 * link is dropped (unreachable); NotFoundError (SF_TAG_NOT_FOUND) when the tag does not exist. The
 * one place that decides whether a write is accepted.
 */
export function writeSetpoint(plant: PlantModel, path: string, value: PointValue): SimTag {
  const index = plant.tagByPath.get(path);
  if (index === undefined) throw new NotFoundError('SF_TAG_NOT_FOUND', `tag "${path}" does not exist in the simulated plant`);
  const table = plant.table;
  const tag = table.tags[index] as SimTag;
  const definition = table.definitions[index] as TagDefinition;
  if (definition.write === undefined) {
    const machine = plant.machineByPath.get(tag.machine);
    const writable =
      machine === undefined
        ? []
        : table.tags
            .slice(machine.firstTag, machine.firstTag + machine.tagCount)
            .filter((candidate) => candidate.writable)
            .map((candidate) => candidate.name);
    throw new InputError(
      'SF_BAD_REQUEST',
      `tag "${path}" is not writable${writable.length > 0 ? `; the setpoints of this machine are ${writable.join(', ')}` : ''}`,
    );
  }
  if ((plant.machineByPath.get(tag.machine)?.droppedLinks ?? 0) > 0)
    throw new InputError('SF_BAD_REQUEST', `tag "${path}": machine "${tag.machine}" is unreachable (dropped link)`);
  const accepted = describeAccepted(tag);
  if (tag.dataType === 'bool') {
    if (typeof value !== 'boolean') throw new InputError('SF_BAD_REQUEST', `tag "${path}": value ${JSON.stringify(value)} is not ${accepted}`);
    definition.write(value);
    table.numbers[index] = value ? 1 : 0;
  } else {
    if (typeof value !== 'number' || !Number.isFinite(value))
      throw new InputError('SF_BAD_REQUEST', `tag "${path}": value ${JSON.stringify(value)} is not ${accepted}`);
    if (tag.dataType === 'int' && !Number.isInteger(value)) throw new InputError('SF_BAD_REQUEST', `tag "${path}": value ${value} is not ${accepted}`);
    if ((tag.min !== undefined && value < tag.min) || (tag.max !== undefined && value > tag.max))
      throw new InputError('SF_BAD_REQUEST', `tag "${path}": value ${value} is out of range; expected ${accepted}`);
    const factor = table.factor[index] as number;
    const offset = table.offset[index] as number;
    definition.write((value - offset) / factor);
    table.numbers[index] = value;
  }
  return tag;
}

function describeAccepted(tag: SimTag): string {
  if (tag.dataType === 'bool') return 'a boolean (true or false)';
  const kind = tag.dataType === 'int' ? 'an integer' : 'a number';
  const unit = tag.unit !== undefined ? ` ${tag.unit}` : '';
  if (tag.min !== undefined && tag.max !== undefined) return `${kind} from ${tag.min} to ${tag.max}${unit}`;
  if (tag.min !== undefined) return `${kind} of at least ${tag.min}${unit}`;
  if (tag.max !== undefined) return `${kind} of at most ${tag.max}${unit}`;
  return kind;
}
