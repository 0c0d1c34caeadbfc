import { plantDefaults, type PlantDescription } from '../description/plant-description.ts';
import { machinePlaces, type MachinePlace } from '../description/plant-walk.ts';
import type { TagDefinition } from '../machines/machine-behaviour.ts';
import { machineModels, resolveParams } from '../machines/machine-models.ts';
import { createFaultEffects, type MachineCore, type SiteEnvironment } from '../machines/machine-core.ts';
import { ambientTemperature } from '../physics/ambient.ts';
import type { SimTag } from '../plant-api.ts';
import { machineStates } from '../plant-api.ts';
import { createRandom } from '../random.ts';
import { unitConversion } from '../units.ts';
import type { LineFlow, PartBuffer, Stage, Station } from '../production/line-flow.ts';
import { createShiftCalendar, type ShiftCalendar } from '../production/shift-calendar.ts';
import type { PlantMachine } from './plant-machine.ts';
import { addTag, createTagTable, type TagPlacement, type TagTable } from './tag-table.ts';

export interface SiteRuntime {
  readonly id: string;
  readonly environment: SiteEnvironment;
  readonly calendar: ShiftCalendar;
  readonly utcOffsetHours: number;
  readonly ambient: { readonly meanC: number; readonly swingC: number };
  readonly lines: LineFlow[];
  /** Machines that make no parts (pumps, compressors, motors): they run around the clock. */
  readonly utilities: PlantMachine[];
}

/** The plant's machines, lines and tags, built from a checked description. */
export interface PlantModel {
  readonly enterprise: string;
  readonly sites: SiteRuntime[];
  readonly machines: PlantMachine[];
  readonly machineByPath: Map<string, PlantMachine>;
  readonly table: TagTable;
  readonly tagByPath: Map<string, number>;
}

export function buildPlant(description: PlantDescription, seed: number, startMs: number): PlantModel {
  const sites = new Map<string, SiteRuntime>();
  for (const site of description.sites) {
    const utcOffsetHours = site.utcOffsetHours ?? plantDefaults.utcOffsetHours;
    const ambient = site.ambient ?? plantDefaults.ambient;
    sites.set(site.id, {
      id: site.id,
      environment: { timeMs: startMs, ambientC: ambientTemperature(startMs, utcOffsetHours, ambient.meanC, ambient.swingC) },
      calendar: createShiftCalendar(description.shifts ?? plantDefaults.shifts, utcOffsetHours),
      utcOffsetHours,
      ambient,
      lines: [],
      utilities: [],
    });
  }
  const built = machinePlaces(description).map((place) => {
    const model = machineModels[place.machine.type];
    const core = createCore(place, seed, (sites.get(place.site.id) as SiteRuntime).environment);
    return { place, model, core, behaviour: model.create(core, resolveParams(place.machine.type, place.machine.params)) };
  });
  const table = createTagTable(built.reduce((sum, entry) => sum + entry.behaviour.tags.length, 0));
  const machines: PlantMachine[] = [];
  const machineByPath = new Map<string, PlantMachine>();
  for (const { place, model, core, behaviour } of built) {
    const machine: PlantMachine = {
      core,
      behaviour,
      model,
      noise: createRandom(seed, `${place.path}#sensors`),
      firstTag: table.tags.length,
      tagCount: behaviour.tags.length,
      stateMs: new Float64Array(machineStates.length),
      stateReason: undefined,
      commanded: undefined,
      failedBy: undefined,
      stop: undefined,
      untilShortStopS: core.random.exponential(model.reliability.shortStopMtbfMinutes * 60),
      untilBreakdownS: core.random.exponential(model.reliability.breakdownMtbfHours * 3_600),
      partsSinceChangeover: Math.floor(core.random.uniform() * (model.changeover?.everyParts ?? 1)),
      droppedLinks: 0,
      nextSampleMs: startMs,
    };
    for (const definition of behaviour.tags) addTag(table, placeTag(place, definition, table.tags.length));
    machines.push(machine);
    machineByPath.set(place.path, machine);
    if (!model.station) (sites.get(place.site.id) as SiteRuntime).utilities.push(machine);
  }
  for (const site of description.sites) {
    for (const area of site.areas)
      for (const line of area.lines) (sites.get(site.id) as SiteRuntime).lines.push(buildLine(description, site.id, area.id, line, machineByPath));
  }
  const tagByPath = new Map<string, number>();
  for (const tag of table.tags) tagByPath.set(tag.path, tag.index);
  return { enterprise: description.enterprise, sites: [...sites.values()], machines, machineByPath, table, tagByPath };
}

function createCore(place: MachinePlace, seed: number, environment: SiteEnvironment): MachineCore {
  const model = machineModels[place.machine.type];
  const stationsInCell = place.cell.machines.filter((machine) => machineModels[machine.type].station).length;
  return {
    path: place.path,
    id: place.machine.id,
    type: place.machine.type,
    site: place.site.id,
    area: place.area.id,
    line: place.line.id,
    cell: place.cell.id,
    random: createRandom(seed, place.path),
    environment,
    faults: createFaultEffects(),
    state: 'running',
    cycleProgress: 0,
    cycles: 0,
    goodParts: 0,
    scrapParts: 0,
    lastCycleSeconds: 0,
    idealCycleSeconds: model.station ? (place.machine.idealCycleSeconds ?? (place.line.taktSeconds ?? plantDefaults.taktSeconds) * stationsInCell) : 0,
  };
}

/** The tag as published: path, unit and range after the plant file's overrides. */
function placeTag(place: MachinePlace, definition: TagDefinition, index: number): TagPlacement {
  const override = place.machine.tags?.find((candidate) => candidate.name === definition.name);
  const unit = override?.unit ?? definition.unit;
  const conversion = (unit === undefined ? undefined : unitConversion(definition.unit, unit)) ?? { factor: 1, offset: 0 };
  const convert = (value: number): number => value * conversion.factor + conversion.offset;
  const tag: SimTag = {
    index,
    path: `${place.path}/${definition.name}`,
    machine: place.path,
    name: definition.name,
    dataType: definition.dataType,
    ...(unit !== undefined ? { unit } : {}),
    ...(definition.min !== undefined ? { min: convert(definition.min) } : {}),
    ...(definition.max !== undefined ? { max: convert(definition.max) } : {}),
    writable: definition.write !== undefined,
    rateHz: override?.rateHz ?? definition.rateHz ?? 1,
    description: definition.description,
  };
  return { definition, tag, factor: conversion.factor, offset: conversion.offset };
}

/** Cells with stations become stages; a buffer sits between consecutive stages, half full at start. */
function buildLine(
  description: PlantDescription,
  siteId: string,
  areaId: string,
  line: PlantDescription['sites'][number]['areas'][number]['lines'][number],
  machineByPath: Map<string, PlantMachine>,
): LineFlow {
  const cells = line.cells
    .map((cell) => ({
      cell,
      stations: cell.machines
        .filter((machine) => machineModels[machine.type].station)
        .map((machine): Station => ({
          machine: machineByPath.get([description.enterprise, siteId, areaId, line.id, cell.id, machine.id].join('/')) as PlantMachine,
          processing: false,
          holding: false,
          remainingS: 0,
          totalS: 1,
        })),
    }))
    .filter((entry) => entry.stations.length > 0);
  const buffers: PartBuffer[] = cells.slice(0, -1).map(({ cell }) => {
    const capacity = line.buffers?.find((buffer) => buffer.after === cell.id)?.capacity ?? line.bufferCapacity ?? plantDefaults.bufferCapacity;
    return { count: Math.floor(capacity / 2), capacity };
  });
  const stages: Stage[] = cells.map(({ cell, stations }, index) => ({
    cell: cell.id,
    stations,
    input: index > 0 ? buffers[index - 1] : undefined,
    output: buffers[index],
  }));
  return { stages, buffers };
}
