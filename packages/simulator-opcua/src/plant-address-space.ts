import type { Plant, SimTag } from '@shopfloor/simulator';
import type { AddressSpace, Namespace, UAObject } from 'node-opcua';
import { addTagVariable, type TagSource, type TagVariableOptions } from './tag-variable.ts';

/** What the OPC UA server needs of the plant. */
export type ServedPlant = TagSource & Pick<Plant, 'tags' | 'machines'>;

/**
 * Adds the plant under Objects: a folder per level above the machine (enterprise, site, area,
 * line, cell), an object per machine, a variable per tag; every NodeId is `ns=<ns>;s=<path>`.
 * Returns the number of tag variables.
 */
export function addPlant(addressSpace: AddressSpace, namespace: Namespace, plant: ServedPlant, options: TagVariableOptions): number {
  const folders = new Map<string, UAObject>();
  const folderOf = (segments: readonly string[]): UAObject => {
    const path = segments.join('/');
    const known = folders.get(path);
    if (known !== undefined) return known;
    const parent = segments.length === 1 ? addressSpace.rootFolder.objects : folderOf(segments.slice(0, -1));
    const folder = namespace.addFolder(parent, { browseName: segments.at(-1) as string, nodeId: nodeIdOf(namespace, path) });
    folders.set(path, folder);
    return folder;
  };
  let variables = 0;
  for (const machine of plant.machines()) {
    const segments = machine.path.split('/');
    const object = namespace.addObject({
      organizedBy: folderOf(segments.slice(0, -1)),
      browseName: segments.at(-1) as string,
      nodeId: nodeIdOf(namespace, machine.path),
      description: `${machine.type} ${machine.id}`,
    });
    for (const index of machine.tags) {
      addTagVariable(namespace, object, plant.tags[index] as SimTag, plant, options);
      variables++;
    }
  }
  return variables;
}

function nodeIdOf(namespace: Namespace, path: string): string {
  return `ns=${namespace.index};s=${path}`;
}
