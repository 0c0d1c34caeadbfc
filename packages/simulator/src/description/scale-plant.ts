import type { PlantDescription, SiteDescription } from './plant-description.ts';
import { defaultPlantDescription } from './default-plant.ts';
import { findMachine } from './machine-reference.ts';
import { machinePlaces } from './plant-walk.ts';

/**
 * A plant of `sites` copies of the base plant's first site (`plant1`, `plant2`, …), for multi-site
 * tests. Faults on the first site are copied to every site.
 */
export function multiSitePlant(sites: number, base: PlantDescription = defaultPlantDescription()): PlantDescription {
  const template = base.sites[0] as SiteDescription;
  const stem = template.id.replace(/\d+$/, '');
  const copies = Array.from({ length: sites }, (_, index) => ({ ...structuredClone(template), id: `${stem}${index + 1}` }));
  const templatePaths = machinePlaces({ ...base, sites: [template] }).map((place) => place.path);
  const faults = (base.faults ?? []).flatMap((fault) => {
    const found = findMachine(fault.machine, templatePaths);
    if (!('path' in found)) return [];
    const below = found.path.split('/').slice(2).join('/');
    return copies.map((site) => ({ ...fault, machine: `${base.enterprise}/${site.id}/${below}` }));
  });
  return { ...structuredClone(base), sites: copies, ...(faults.length > 0 ? { faults } : {}) };
}

/**
 * Grows every line to `machinesPerLine` machines by copying its machines round-robin into the
 * same cell as the original (`cnc-1-2`, `cnc-1-3`, …), for benchmarks: the default plant at 2,000 machines a line
 * has about 100,000 tags. Copies in a station cell work in parallel with the original.
 */
export function scalePlant(description: PlantDescription, machinesPerLine: number): PlantDescription {
  const scaled = structuredClone(description);
  for (const site of scaled.sites) {
    for (const area of site.areas) {
      for (const line of area.lines) {
        const originals = line.cells.flatMap((cell) => cell.machines.map((machine) => ({ cell, machine })));
        let count = originals.length;
        for (let copy = 2; count < machinesPerLine; copy++) {
          for (const { cell, machine } of originals) {
            if (count >= machinesPerLine) break;
            cell.machines.push({ ...structuredClone(machine), id: `${machine.id}-${copy}` });
            count++;
          }
        }
      }
    }
  }
  return scaled;
}
