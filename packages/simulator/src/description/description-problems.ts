import { describeValue, formatPath, type SchemaProblem } from '@shopfloor/engine';
import { tagPathProblem } from '@shopfloor/model';
import { commonParamKeys, machineModels } from '../machines/machine-models.ts';
import { machineTagCatalogue } from '../machines/tag-catalogue.ts';
import { convertibleUnits, unitConversion } from '../units.ts';
import { faultProblem } from '../faults/fault-checks.ts';
import { parseDuration, parseInstant } from './duration.ts';
import { findMachine } from './machine-reference.ts';
import type { MachineParams, PlantDescription } from './plant-description.ts';
import { machinePlaces, type MachinePlace } from './plant-walk.ts';

/**
 * What the schema cannot check in a description that passed it: unique ids at every level,
 * parameters that fit the machine type, tag overrides, buffers, times and fault references.
 */
export function descriptionProblems(description: PlantDescription, source: string): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  const problem = (keys: readonly string[], expected: string, found: string): void => {
    problems.push({ source, path: formatPath(keys), expected, found });
  };
  checkUniqueIds(description, problem);
  const places = machinePlaces(description);
  for (const place of places) checkMachine(place, problem);
  description.sites.forEach((site, siteIndex) =>
    site.areas.forEach((area, areaIndex) =>
      area.lines.forEach((line, lineIndex) =>
        (line.buffers ?? []).forEach((buffer, bufferIndex) => {
          if (!line.cells.some((cell) => cell.id === buffer.after)) {
            problem(
              ['sites', `${siteIndex}`, 'areas', `${areaIndex}`, 'lines', `${lineIndex}`, 'buffers', `${bufferIndex}`, 'after'],
              `a cell of line "${line.id}" (${line.cells.map((cell) => cell.id).join(', ')})`,
              describeValue(buffer.after),
            );
          }
        }),
      ),
    ),
  );
  const startMs = description.startTime === undefined ? 0 : parseInstant(description.startTime, 0);
  if (description.startTime !== undefined && (startMs === undefined || description.startTime.startsWith('+')))
    problem(['startTime'], 'an ISO 8601 time such as "2025-01-06T06:00:00Z"', describeValue(description.startTime));
  const paths = places.map((place) => place.path);
  (description.faults ?? []).forEach((fault, index) => {
    const keys = ['faults', `${index}`];
    const found = findMachine(fault.machine, paths);
    if ('problem' in found) {
      problem([...keys, 'machine'], 'a machine id or path naming one machine', `${describeValue(fault.machine)}: ${found.problem}`);
      return;
    }
    const place = places.find((candidate) => candidate.path === found.path) as MachinePlace;
    if (fault.at !== undefined && parseInstant(fault.at, 0) === undefined)
      problem([...keys, 'at'], 'an ISO 8601 time or "+<duration>" such as "+5m"', describeValue(fault.at));
    const tags = catalogueOf(place);
    const timeToFailureMs = fault.timeToFailure === undefined ? undefined : parseDuration(fault.timeToFailure);
    const wrong = faultProblem({ type: place.machine.type, tags }, fault.kind, {
      ...(fault.severity !== undefined ? { severity: fault.severity } : {}),
      ...(fault.timeToFailure !== undefined ? { timeToFailureMs: timeToFailureMs ?? Number.NaN } : {}),
      ...(fault.tag !== undefined ? { tag: fault.tag } : {}),
      ...(fault.location !== undefined ? { location: fault.location } : {}),
    });
    if (wrong !== undefined) {
      const given = { kind: fault.kind, severity: fault.severity, timeToFailure: fault.timeToFailure, tag: fault.tag, location: fault.location }[wrong.option];
      problem([...keys, wrong.option], wrong.expected, given === undefined ? 'nothing' : describeValue(given));
    }
  });
  return problems;
}

/** The machine's tags built from its own params (an oven's zones); the defaults when the params cannot build one. */
function catalogueOf(place: MachinePlace): ReturnType<typeof machineTagCatalogue> {
  try {
    return machineTagCatalogue(place.machine.type, place.machine.params);
  } catch {
    return machineTagCatalogue(place.machine.type);
  }
}

type Report = (keys: readonly string[], expected: string, found: string) => void;

function checkMachine(place: MachinePlace, problem: Report): void {
  const { machine, keys } = place;
  const model = machineModels[machine.type];
  const allowed = new Set<keyof MachineParams>([...commonParamKeys, ...model.paramKeys]);
  for (const key of Object.keys(machine.params ?? {}) as (keyof MachineParams)[]) {
    if (!allowed.has(key)) problem([...keys, 'params', key], `a parameter of a ${machine.type} (${[...allowed].join(', ')})`, `"${key}"`);
  }
  const bearing = machine.params?.bearing;
  if (bearing !== undefined && bearing.ballDiameterMm >= bearing.pitchDiameterMm)
    problem(
      [...keys, 'params', 'bearing', 'ballDiameterMm'],
      `a ball diameter less than the pitch diameter (${bearing.pitchDiameterMm} mm)`,
      describeValue(bearing.ballDiameterMm),
    );
  const catalogue = catalogueOf(place);
  const seen = new Set<string>();
  (machine.tags ?? []).forEach((override, index) => {
    const overrideKeys = [...keys, 'tags', `${index}`];
    const tag = catalogue.find((entry) => entry.name === override.name);
    if (tag === undefined) {
      problem([...overrideKeys, 'name'], `a tag of a ${machine.type} (${catalogue.map((entry) => entry.name).join(', ')})`, describeValue(override.name));
      return;
    }
    if (seen.has(override.name)) problem([...overrideKeys, 'name'], 'each tag overridden once', describeValue(override.name));
    seen.add(override.name);
    if (override.unit !== undefined && unitConversion(tag.unit, override.unit) === undefined) {
      const units = convertibleUnits(tag.unit);
      problem(
        [...overrideKeys, 'unit'],
        units.length > 0 ? `one of ${units.map((unit) => `"${unit}"`).join(', ')}` : `no unit (tag "${tag.name}" has none)`,
        describeValue(override.unit),
      );
    }
  });
  const longest = catalogue.reduce((name, entry) => (entry.name.length > name.length ? entry.name : name), '');
  const pathProblem = tagPathProblem(`${place.path}/${longest}`);
  if (pathProblem !== undefined)
    problem([...keys, 'id'], 'ids short enough for a tag path of at most 256 characters', `tag path "${place.path}/${longest}" ${pathProblem}`);
}

function checkUniqueIds(description: PlantDescription, problem: Report): void {
  const unique = (ids: readonly string[], keys: readonly string[], what: string): void => {
    const seen = new Set<string>();
    ids.forEach((id, index) => {
      if (seen.has(id)) problem([...keys, `${index}`, 'id'], `a ${what} id not used before in the same list`, describeValue(id));
      seen.add(id);
    });
  };
  unique(
    description.sites.map((site) => site.id),
    ['sites'],
    'site',
  );
  description.sites.forEach((site, s) => {
    unique(
      site.areas.map((area) => area.id),
      ['sites', `${s}`, 'areas'],
      'area',
    );
    site.areas.forEach((area, a) => {
      unique(
        area.lines.map((line) => line.id),
        ['sites', `${s}`, 'areas', `${a}`, 'lines'],
        'line',
      );
      area.lines.forEach((line, l) => {
        unique(
          line.cells.map((cell) => cell.id),
          ['sites', `${s}`, 'areas', `${a}`, 'lines', `${l}`, 'cells'],
          'cell',
        );
        line.cells.forEach((cell, c) =>
          unique(
            cell.machines.map((machine) => machine.id),
            ['sites', `${s}`, 'areas', `${a}`, 'lines', `${l}`, 'cells', `${c}`, 'machines'],
            'machine',
          ),
        );
      });
    });
  });
}
