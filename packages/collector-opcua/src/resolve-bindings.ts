import { tagPathLimits, tagPathProblem, type TagPath } from '@shopfloor/model';
import { AttributeIds, makeBrowsePath, resolveNodeId, type ClientSession, type NodeId } from 'node-opcua-client';
import { browseVariables } from './browse-variables.ts';
import { opcUaServerDefaults, type OpcUaDeadband, type OpcUaServerConfig } from './config.ts';
import { kindOfDataType, type ValueKind } from './data-value.ts';
import { tagSegmentOf } from './tag-segment.ts';

/** One variable bound to one tag, as resolved on the current session. */
export interface Binding {
  readonly tag: TagPath;
  readonly nodeId: NodeId;
  readonly samplingIntervalMs: number;
  readonly queueSize: number;
  readonly deadband: OpcUaDeadband | undefined;
  /** The config entry it comes from, e.g. `servers[0].items[3]` or `servers[0].browse[1]`. */
  readonly origin: string;
  readonly kind: ValueKind;
}

/**
 * A config entry the server could not satisfy: `missing` (a browse path, root or node the server
 * does not have: a configuration error) or `unmapped` (a browsed node that cannot become a tag).
 */
export interface BindingProblem {
  readonly kind: 'missing' | 'unmapped';
  readonly origin: string;
  readonly detail: string;
}

export interface ResolvedBindings {
  readonly bindings: Binding[];
  readonly problems: BindingProblem[];
}

const readsPerRequest = 1_000;

/**
 * Resolves a server's items and browse entries on a session: browse paths through
 * TranslateBrowsePathsToNodeIds (one request), browse roots by browsing, and every node's DataType
 * (one Read per 1,000), which also shows nodes that do not exist. Items come first: a browsed
 * variable whose tag an item (or an earlier variable) already has is reported, not bound.
 */
export async function resolveBindings(session: ClientSession, server: OpcUaServerConfig, serverAt: string): Promise<ResolvedBindings> {
  const problems: BindingProblem[] = [];
  const items = server.items ?? [];
  const browse = server.browse ?? [];

  const pathsToTranslate: { origin: string; path: string; what: string }[] = [];
  items.forEach((item, index) => {
    if (item.browsePath !== undefined) pathsToTranslate.push({ origin: `${serverAt}.items[${index}]`, path: item.browsePath, what: 'browse path' });
  });
  browse.forEach((entry, index) => {
    if (entry.root.startsWith('/')) pathsToTranslate.push({ origin: `${serverAt}.browse[${index}]`, path: entry.root, what: 'browse root' });
  });
  const translated = new Map<string, NodeId>();
  if (pathsToTranslate.length > 0) {
    const results = await session.translateBrowsePath(pathsToTranslate.map((entry) => makeBrowsePath('RootFolder', entry.path)));
    results.forEach((result, index) => {
      const entry = pathsToTranslate[index] as (typeof pathsToTranslate)[number];
      const target = result.targets?.[0];
      if (result.statusCode.isGood() && target !== undefined) translated.set(entry.origin, target.targetId);
      else
        problems.push({
          kind: 'missing',
          origin: entry.origin,
          detail: `${entry.what} "${entry.path}" was not found on the server (${result.statusCode.name})`,
        });
    });
  }

  const candidates: Omit<Binding, 'kind'>[] = [];
  const taken = new Map<TagPath, string>();
  items.forEach((item, index) => {
    const origin = `${serverAt}.items[${index}]`;
    const nodeId = item.nodeId !== undefined ? resolveNodeId(item.nodeId) : translated.get(origin);
    if (nodeId === undefined) return;
    taken.set(item.path, origin);
    candidates.push({
      tag: item.path,
      nodeId,
      samplingIntervalMs: item.samplingIntervalMs ?? opcUaServerDefaults.samplingIntervalMs,
      queueSize: item.queueSize ?? opcUaServerDefaults.queueSize,
      deadband: item.deadband,
      origin,
    });
  });

  for (const [index, entry] of browse.entries()) {
    const origin = `${serverAt}.browse[${index}]`;
    const root = entry.root.startsWith('/') ? translated.get(origin) : resolveNodeId(entry.root);
    if (root === undefined) continue;
    const exists = await session.read({ nodeId: root, attributeId: AttributeIds.NodeClass });
    if (exists.statusCode.isNotGood()) {
      problems.push({ kind: 'missing', origin, detail: `browse root "${entry.root}" was not found on the server (${exists.statusCode.name})` });
      continue;
    }
    const prefixSegments = entry.tagPrefix.split('/').length;
    const found = await browseVariables(session, root, entry.root, tagPathLimits.maxSegments - prefixSegments);
    for (const skipped of found.skipped) problems.push({ kind: 'unmapped', origin, detail: `"${skipped.browsePath}" is not bound: ${skipped.reason}` });
    for (const variable of found.variables) {
      const segments: string[] = [];
      let problem: string | undefined;
      for (const name of variable.names) {
        const mapped = tagSegmentOf(name);
        if ('problem' in mapped) {
          problem = `browse name "${name}": ${mapped.problem}`;
          break;
        }
        segments.push(mapped.segment);
      }
      const tag = `${entry.tagPrefix}/${segments.join('/')}`;
      problem ??= tagPathProblem(tag) === undefined ? undefined : `its tag path "${tag}" ${tagPathProblem(tag) ?? ''}`;
      const takenBy = taken.get(tag);
      if (problem === undefined && takenBy !== undefined) problem = `its tag "${tag}" is already bound by ${takenBy}`;
      if (problem !== undefined) {
        problems.push({ kind: 'unmapped', origin, detail: `"${variable.browsePath}" is not bound: ${problem}` });
        continue;
      }
      taken.set(tag, `${origin} ("${variable.browsePath}")`);
      candidates.push({
        tag,
        nodeId: variable.nodeId,
        samplingIntervalMs: entry.samplingIntervalMs ?? opcUaServerDefaults.samplingIntervalMs,
        queueSize: entry.queueSize ?? opcUaServerDefaults.queueSize,
        deadband: entry.deadband,
        origin,
      });
    }
  }

  const bindings: Binding[] = [];
  for (let start = 0; start < candidates.length; start += readsPerRequest) {
    const batch = candidates.slice(start, start + readsPerRequest);
    const dataTypes = await session.read(batch.map((candidate) => ({ nodeId: candidate.nodeId, attributeId: AttributeIds.DataType })));
    batch.forEach((candidate, index) => {
      const dataType = dataTypes[index];
      if (dataType === undefined || dataType.statusCode.isNotGood()) {
        problems.push({
          kind: 'missing',
          origin: candidate.origin,
          detail: `node ${candidate.nodeId.toString()} (tag "${candidate.tag}") is not a variable on the server (${dataType?.statusCode.name ?? 'no answer'})`,
        });
        return;
      }
      const typeId = dataType.value.value as NodeId | null;
      bindings.push({ ...candidate, kind: typeId === null ? 'unknown' : kindOfDataType(typeId.namespace, typeId.value) });
    });
  }
  return { bindings, problems };
}
