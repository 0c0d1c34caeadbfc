/** Sparkplug B topic names (spec 3.0 §4.1): `spBv1.0/<group>/<type>/<edgeNode>[/<device>]` and `spBv1.0/STATE/<hostId>`. */
export const sparkplugNamespace = 'spBv1.0';

export const nodeMessageTypes = ['NBIRTH', 'NDEATH', 'NDATA', 'NCMD'] as const;
export type NodeMessageType = (typeof nodeMessageTypes)[number];
export const deviceMessageTypes = ['DBIRTH', 'DDEATH', 'DDATA', 'DCMD'] as const;
export type DeviceMessageType = (typeof deviceMessageTypes)[number];

export interface NodeTopic {
  readonly type: NodeMessageType;
  readonly group: string;
  readonly edgeNode: string;
}

export interface DeviceTopic {
  readonly type: DeviceMessageType;
  readonly group: string;
  readonly edgeNode: string;
  readonly device: string;
}

export interface StateTopic {
  readonly type: 'STATE';
  readonly hostId: string;
}

export interface InvalidTopic {
  readonly type: 'invalid';
  /** What is wrong with the topic, for a rejection detail. */
  readonly problem: string;
}

export type SparkplugTopic = NodeTopic | DeviceTopic | StateTopic;

const nodeTypes: ReadonlySet<string> = new Set(nodeMessageTypes);
const deviceTypes: ReadonlySet<string> = new Set(deviceMessageTypes);

/** Parses a Sparkplug B topic; never throws. */
export function parseSparkplugTopic(topic: string): SparkplugTopic | InvalidTopic {
  const levels = topic.split('/');
  if (levels[0] !== sparkplugNamespace) return invalid(`topic "${topic}" does not start with "${sparkplugNamespace}/"`);
  const empty = levels.findIndex((level) => level.length === 0);
  if (empty >= 0) return invalid(`topic "${topic}" has an empty level at position ${empty + 1}`);
  const wildcard = levels.find((level) => level.includes('+') || level.includes('#'));
  if (wildcard !== undefined) return invalid(`topic "${topic}" holds the MQTT wildcard level "${wildcard}"`);
  const [, second, type, edgeNode, device] = levels;
  if (levels.length === 3 && second === 'STATE' && type !== undefined) return { type: 'STATE', hostId: type };
  if (second === undefined || type === undefined || edgeNode === undefined) {
    return invalid(`topic "${topic}" has ${levels.length} levels; expected ${sparkplugNamespace}/<group>/<message type>/<edge node>[/<device>]`);
  }
  if (nodeTypes.has(type)) {
    if (levels.length !== 4) return invalid(`topic "${topic}": ${type} topics have 4 levels (${sparkplugNamespace}/<group>/${type}/<edge node>)`);
    return { type: type as NodeMessageType, group: second, edgeNode };
  }
  if (deviceTypes.has(type)) {
    if (levels.length !== 5 || device === undefined) {
      return invalid(`topic "${topic}": ${type} topics have 5 levels (${sparkplugNamespace}/<group>/${type}/<edge node>/<device>)`);
    }
    return { type: type as DeviceMessageType, group: second, edgeNode, device };
  }
  return invalid(`topic "${topic}": "${type}" is not a Sparkplug message type`);
}

function invalid(problem: string): InvalidTopic {
  return { type: 'invalid', problem };
}

/**
 * What a host application subscribes to: births, data and deaths of every edge node and device
 * (of `groups` only, when given) and its own STATE topic.
 */
export function sparkplugHostTopics(hostId: string, groups?: readonly string[]): string[] {
  const topics: string[] = [];
  for (const group of groups ?? ['+']) {
    for (const type of ['NBIRTH', 'NDATA', 'NDEATH'] as const) topics.push(`${sparkplugNamespace}/${group}/${type}/+`);
    for (const type of ['DBIRTH', 'DDATA', 'DDEATH'] as const) topics.push(`${sparkplugNamespace}/${group}/${type}/+/+`);
  }
  topics.push(stateTopic(hostId));
  return topics;
}

export function stateTopic(hostId: string): string {
  return `${sparkplugNamespace}/STATE/${hostId}`;
}

export function nodeCommandTopic(group: string, edgeNode: string): string {
  return `${sparkplugNamespace}/${group}/NCMD/${edgeNode}`;
}

/** Why `id` cannot be one level of a Sparkplug topic (group, edge node, device or host ID), or undefined. */
export function topicLevelProblem(id: string): string | undefined {
  if (id.length === 0) return 'is empty';
  if (/[+#/]/.test(id)) return `"${id}" holds "+", "#" or "/", which are reserved in Sparkplug IDs`;
  return undefined;
}
