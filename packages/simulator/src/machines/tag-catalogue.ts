import type { DataType } from '@shopfloor/model';
import type { MachineType } from '../plant-api.ts';
import { createRandom } from '../random.ts';
import { createFaultEffects, type MachineCore } from './machine-core.ts';
import type { MachineParams } from '../description/plant-description.ts';
import { machineModels, resolveParams } from './machine-models.ts';

export interface TagCatalogueEntry {
  readonly name: string;
  readonly dataType: DataType;
  readonly unit?: string;
  readonly min?: number;
  readonly max?: number;
  readonly writable: boolean;
  readonly description: string;
}

const catalogues = new Map<MachineType, TagCatalogueEntry[]>();

/**
 * The tags a machine has: with its own parameters when given (an oven's zone tags follow its
 * `zones`), else with the type's defaults (cached).
 */
export function machineTagCatalogue(type: MachineType, params?: MachineParams): readonly TagCatalogueEntry[] {
  const cached = params === undefined ? catalogues.get(type) : undefined;
  if (cached !== undefined) return cached;
  const core: MachineCore = {
    path: `catalogue/${type}`,
    id: type,
    type,
    site: 'site',
    area: 'area',
    line: 'line',
    cell: 'cell',
    random: createRandom(0, type),
    environment: { timeMs: 0, ambientC: 20 },
    faults: createFaultEffects(),
    state: 'running',
    cycleProgress: 0,
    cycles: 0,
    goodParts: 0,
    scrapParts: 0,
    lastCycleSeconds: 0,
    idealCycleSeconds: 60,
  };
  const behaviour = machineModels[type].create(core, resolveParams(type, params));
  const entries = behaviour.tags.map((tag) => ({
    name: tag.name,
    dataType: tag.dataType,
    ...(tag.unit !== undefined ? { unit: tag.unit } : {}),
    ...(tag.min !== undefined ? { min: tag.min } : {}),
    ...(tag.max !== undefined ? { max: tag.max } : {}),
    writable: tag.write !== undefined,
    description: tag.description,
  }));
  if (params === undefined) catalogues.set(type, entries);
  return entries;
}
