import { formatProblems, schemaProblems } from '@shopfloor/engine';
import { InputError, tagPathLimits, tagPathProblem } from '@shopfloor/model';
import { resolveNodeId } from 'node-opcua-nodeid';
import { makeBrowsePath } from 'node-opcua-service-translate-browse-path';
import { opcUaCollectorConfigSchema, type OpcUaCollectorConfig } from './config.ts';

/** A problem with the configuration that the schema cannot see: `path` is the key path. */
export interface OpcUaConfigProblem {
  readonly path: string;
  readonly problem: string;
}

/**
 * What is wrong with a configuration that passed the schema: an item with both or neither of
 * nodeId and browsePath, a NodeId or browse path that does not parse, a target tag path that is
 * invalid or taken twice, a server id used twice, a back-off whose start exceeds its maximum.
 */
export function opcUaConfigProblems(config: OpcUaCollectorConfig): OpcUaConfigProblem[] {
  const problems: OpcUaConfigProblem[] = [];
  const serverIds = new Map<string, string>();
  const targets = new Map<string, string>();
  config.servers.forEach((server, serverIndex) => {
    const at = `servers[${serverIndex}]`;
    const sameId = serverIds.get(server.id);
    if (sameId !== undefined) problems.push({ path: `${at}.id`, problem: `"${server.id}" is the id of ${sameId} too` });
    else serverIds.set(server.id, at);
    if (server.backoff !== undefined && server.backoff.initialMs > server.backoff.maxMs) {
      problems.push({ path: `${at}.backoff`, problem: `initialMs ${server.backoff.initialMs} is larger than maxMs ${server.backoff.maxMs}` });
    }
    const items = server.items ?? [];
    const browse = server.browse ?? [];
    if (items.length === 0 && browse.length === 0) problems.push({ path: at, problem: 'binds nothing: give items or browse entries' });
    items.forEach((item, itemIndex) => {
      const itemAt = `${at}.items[${itemIndex}]`;
      const pathProblem = tagPathProblem(item.path);
      if (pathProblem !== undefined) problems.push({ path: `${itemAt}.path`, problem: `tag path "${item.path}" ${pathProblem}` });
      const sameTarget = targets.get(item.path);
      if (sameTarget !== undefined) problems.push({ path: `${itemAt}.path`, problem: `tag "${item.path}" is the target of ${sameTarget} too` });
      else targets.set(item.path, `${itemAt}.path`);
      if (item.nodeId !== undefined && item.browsePath !== undefined) {
        problems.push({ path: itemAt, problem: 'give either nodeId or browsePath, not both' });
      } else if (item.nodeId === undefined && item.browsePath === undefined) {
        problems.push({ path: itemAt, problem: 'give nodeId or browsePath' });
      }
      if (item.nodeId !== undefined) {
        const nodeIdProblem = nodeIdSyntaxProblem(item.nodeId);
        if (nodeIdProblem !== undefined) problems.push({ path: `${itemAt}.nodeId`, problem: nodeIdProblem });
      }
      if (item.browsePath !== undefined) {
        const browseProblem = browsePathSyntaxProblem(item.browsePath);
        if (browseProblem !== undefined) problems.push({ path: `${itemAt}.browsePath`, problem: browseProblem });
      }
      problems.push(...deadbandProblems(item.deadband, `${itemAt}.deadband`));
    });
    browse.forEach((entry, browseIndex) => {
      const entryAt = `${at}.browse[${browseIndex}]`;
      const rootProblem = entry.root.startsWith('/') ? browsePathSyntaxProblem(entry.root) : nodeIdSyntaxProblem(entry.root);
      if (rootProblem !== undefined) problems.push({ path: `${entryAt}.root`, problem: rootProblem });
      const segments = entry.tagPrefix.split('/').length;
      if (segments >= tagPathLimits.maxSegments) {
        problems.push({
          path: `${entryAt}.tagPrefix`,
          problem: `"${entry.tagPrefix}" has ${segments} segments, which leaves no room below it (a tag path has at most ${tagPathLimits.maxSegments})`,
        });
      }
      problems.push(...deadbandProblems(entry.deadband, `${entryAt}.deadband`));
    });
  });
  return problems;
}

/** Checks the schema and then the rest; throws InputError (SF_CONFIG_INVALID) listing every problem with its key path. */
export function checkOpcUaCollectorConfig(config: OpcUaCollectorConfig): void {
  const schema = schemaProblems(opcUaCollectorConfigSchema, config, () => 'opc-ua collector');
  if (schema.length > 0) throw new InputError('SF_CONFIG_INVALID', `OPC UA collector configuration is invalid:\n${formatProblems(schema)}`);
  const problems = opcUaConfigProblems(config);
  if (problems.length > 0) {
    throw new InputError(
      'SF_CONFIG_INVALID',
      `OPC UA collector configuration is invalid:\n${problems.map((problem) => `opc-ua collector: ${problem.path}: ${problem.problem}`).join('\n')}`,
    );
  }
}

function deadbandProblems(deadband: { type: 'absolute' | 'percent'; value: number } | undefined, at: string): OpcUaConfigProblem[] {
  if (deadband?.type === 'percent' && deadband.value > 100) return [{ path: `${at}.value`, problem: `a percent deadband is 0–100, found ${deadband.value}` }];
  return [];
}

function nodeIdSyntaxProblem(nodeId: string): string | undefined {
  try {
    resolveNodeId(nodeId);
    return undefined;
  } catch {
    return `"${nodeId}" is not a NodeId (expected e.g. ns=1;s=acme/plant1/line1, ns=2;i=1042 or i=85)`;
  }
}

function browsePathSyntaxProblem(path: string): string | undefined {
  try {
    const elements = makeBrowsePath('RootFolder', path).relativePath.elements ?? [];
    if (elements.length === 0 || elements.some((element) => !element.targetName.name)) {
      return `browse path "${path}" has an empty step (expected e.g. /Objects/2:Acme/2:Plant1)`;
    }
    return undefined;
  } catch (error) {
    return `browse path "${path}" does not parse: ${(error as Error).message.trim()} (expected e.g. /Objects/2:Acme/2:Plant1)`;
  }
}
