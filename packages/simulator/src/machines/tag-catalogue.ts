import type { DataType } from '@shopfloor/model';
import type { MachineType } from '../plant-api.ts';
import { createRandom } from '../random.ts';
import { createFaultEffects, type MachineCore } from './machine-core.ts';
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

/** The tags a machine type has with default parameters (an oven's zone tags follow `zones`). */
export function machineTagCatalogue(type: MachineType): readonly TagCatalogueEntry[] {
  const cached = catalogues.get(type);
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
  const behaviour = machineModels[type].create(core, resolveParams(type, undefined));
  const entries = behaviour.tags.map((tag) => ({
    name: tag.name,
    dataType: tag.dataType,
    ...(tag.unit !== undefined ? { unit: tag.unit } : {}),
    ...(tag.min !== undefined ? { min: tag.min } : {}),
    ...(tag.max !== undefined ? { max: tag.max } : {}),
    writable: tag.write !== undefined,
    description: tag.description,
  }));
  catalogues.set(type, entries);
  return entries;
}
