import { InputError, type PointValue, type Quality } from '@shopfloor/model';
import type { MachineInfo, SimTag } from '@shopfloor/simulator';
import type { ServedPlant } from '../src/index.ts';

type FakeTag = Pick<SimTag, 'name' | 'dataType' | 'writable'> & { min?: number; max?: number; unit?: string; value: PointValue };

/**
 * A one-machine plant with what the default plant lacks: writable booleans (coils) and writable
 * integers. It checks writes as the real plant does (InputError naming the tag).
 */
export function createFakePlant(definitions: readonly FakeTag[]): ServedPlant & { writes: { path: string; value: PointValue }[] } {
  const machine = 'acme/site/area/line/cell/station';
  const values = definitions.map((definition) => definition.value);
  const tags: SimTag[] = definitions.map((definition, index) => ({
    index,
    path: `${machine}/${definition.name}`,
    machine,
    name: definition.name,
    dataType: definition.dataType,
    writable: definition.writable,
    rateHz: 1,
    description: definition.name,
    ...(definition.unit !== undefined ? { unit: definition.unit } : {}),
    ...(definition.min !== undefined ? { min: definition.min } : {}),
    ...(definition.max !== undefined ? { max: definition.max } : {}),
  }));
  const info: MachineInfo = {
    path: machine,
    id: 'station',
    type: 'robot',
    site: 'site',
    area: 'area',
    line: 'line',
    cell: 'cell',
    state: 'running',
    tags: tags.map((tag) => tag.index),
  };
  const writes: { path: string; value: PointValue }[] = [];
  return {
    tags,
    writes,
    machines: () => [info],
    valueAt: (index) => values[index] as PointValue,
    qualityAt: (): Quality => 'good',
    write(path, value) {
      const tag = tags.find((candidate) => candidate.path === path);
      if (tag?.writable !== true) throw new InputError('SF_BAD_REQUEST', `tag "${path}" is not writable`);
      const wrongType = tag.dataType === 'bool' ? typeof value !== 'boolean' : typeof value !== 'number';
      if (wrongType) throw new InputError('SF_BAD_REQUEST', `tag "${path}": value ${JSON.stringify(value)} has the wrong type`);
      values[tag.index] = value;
      writes.push({ path, value });
    },
  };
}
