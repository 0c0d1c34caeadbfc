import {
  BrowseDirection,
  NodeClass,
  NodeClassMask,
  type BrowseDescriptionLike,
  type BrowseResult,
  type ClientSession,
  type NodeId,
  type ReferenceDescription,
} from 'node-opcua-client';

/** A variable found below a browse root: its browse names from the root down, and a readable path for messages. */
export interface FoundVariable {
  readonly nodeId: NodeId;
  readonly names: readonly string[];
  readonly browsePath: string;
}

export interface BrowseOutcome {
  readonly variables: FoundVariable[];
  /** Nodes not followed, with why (too deep, on another server). */
  readonly skipped: { readonly browsePath: string; readonly reason: string }[];
}

/** Nodes browsed per request (two descriptions each: Organizes and HasComponent). */
const nodesPerRequest = 250;
/** A root bigger than this is a misconfiguration (the whole server); the rest is skipped with a problem. */
const maxVariables = 100_000;

interface Frontier {
  readonly nodeId: NodeId;
  readonly names: readonly string[];
  readonly browsePath: string;
}

/**
 * Every Variable below `root`, breadth first, following Organizes and HasComponent (and their
 * subtypes) through Objects, at most `maxDepth` names below the root. Variables below variables
 * are not followed. A node reached twice (the address space is a graph) is taken once, by its
 * shortest path.
 */
export async function browseVariables(session: ClientSession, root: NodeId, rootLabel: string, maxDepth: number): Promise<BrowseOutcome> {
  const variables: FoundVariable[] = [];
  const skipped: { browsePath: string; reason: string }[] = [];
  const seen = new Set<string>([root.toString()]);
  let frontier: Frontier[] = [{ nodeId: root, names: [], browsePath: rootLabel }];
  while (frontier.length > 0) {
    const next: Frontier[] = [];
    for (let start = 0; start < frontier.length; start += nodesPerRequest) {
      const batch = frontier.slice(start, start + nodesPerRequest);
      const descriptions: BrowseDescriptionLike[] = batch.flatMap((node) =>
        ['Organizes', 'HasComponent'].map((referenceTypeId) => ({
          nodeId: node.nodeId,
          referenceTypeId,
          includeSubtypes: true,
          browseDirection: BrowseDirection.Forward,
          nodeClassMask: NodeClassMask.Object | NodeClassMask.Variable,
          resultMask: 0x3f,
        })),
      );
      const results = await session.browse(descriptions);
      for (const [index, result] of results.entries()) {
        const parent = batch[Math.floor(index / 2)] as Frontier;
        if (result.statusCode.isNotGood()) {
          if (index % 2 === 0) skipped.push({ browsePath: parent.browsePath, reason: `browsing it failed: ${result.statusCode.name}` });
          continue;
        }
        for (const reference of await allReferences(session, result)) {
          const nodeId = reference.nodeId;
          if (nodeId.serverIndex !== 0 || nodeId.namespaceUri) {
            skipped.push({ browsePath: `${parent.browsePath}/${reference.browseName.toString()}`, reason: 'it is on another server' });
            continue;
          }
          const key = nodeId.toString();
          if (seen.has(key)) continue;
          seen.add(key);
          const name = reference.browseName.name ?? '';
          const child: Frontier = { nodeId, names: [...parent.names, name], browsePath: `${parent.browsePath}/${reference.browseName.toString()}` };
          if (child.names.length > maxDepth) {
            skipped.push({ browsePath: child.browsePath, reason: `it is more than ${maxDepth} levels below the root (a tag path holds at most 12 segments)` });
            continue;
          }
          if (reference.nodeClass.valueOf() === NodeClass.Variable.valueOf()) {
            if (variables.length >= maxVariables) {
              skipped.push({ browsePath: child.browsePath, reason: `the root holds more than ${maxVariables} variables` });
              continue;
            }
            variables.push(child);
          } else next.push(child);
        }
      }
    }
    frontier = next;
  }
  return { variables, skipped };
}

async function allReferences(session: ClientSession, result: BrowseResult): Promise<ReferenceDescription[]> {
  const references = [...(result.references ?? [])];
  let continuationPoint = result.continuationPoint;
  while (continuationPoint !== null && continuationPoint !== undefined && continuationPoint.length > 0) {
    const more = await session.browseNext(continuationPoint, false);
    if (more.statusCode.isNotGood()) break;
    references.push(...(more.references ?? []));
    continuationPoint = more.continuationPoint;
  }
  return references;
}
