import type { AreaDescription, CellDescription, LineDescription, MachineDescription, PlantDescription, SiteDescription } from './plant-description.ts';

/** One machine of a description with everything above it, and its key path in the file. */
export interface MachinePlace {
  readonly site: SiteDescription;
  readonly area: AreaDescription;
  readonly line: LineDescription;
  readonly cell: CellDescription;
  readonly machine: MachineDescription;
  /** `enterprise/site/area/line/cell/machine`. */
  readonly path: string;
  /** `['sites', '0', 'areas', '1', …, 'machines', '2']`. */
  readonly keys: readonly string[];
}

/** Every machine of the description, in file order. */
export function machinePlaces(description: PlantDescription): MachinePlace[] {
  const places: MachinePlace[] = [];
  description.sites.forEach((site, siteIndex) =>
    site.areas.forEach((area, areaIndex) =>
      area.lines.forEach((line, lineIndex) =>
        line.cells.forEach((cell, cellIndex) =>
          cell.machines.forEach((machine, machineIndex) =>
            places.push({
              site,
              area,
              line,
              cell,
              machine,
              path: [description.enterprise, site.id, area.id, line.id, cell.id, machine.id].join('/'),
              keys: ['sites', `${siteIndex}`, 'areas', `${areaIndex}`, 'lines', `${lineIndex}`, 'cells', `${cellIndex}`, 'machines', `${machineIndex}`],
            }),
          ),
        ),
      ),
    ),
  );
  return places;
}
