/** Sparkplug B topic names (spec 3.0 §4.1). */
export const sparkplugNamespace = 'spBv1.0';

export type NodeMessageType = 'NBIRTH' | 'NDEATH' | 'NDATA' | 'NCMD';
export type DeviceMessageType = 'DBIRTH' | 'DDEATH' | 'DDATA' | 'DCMD';

export function nodeTopic(groupId: string, type: NodeMessageType, edgeNodeId: string): string {
  return `${sparkplugNamespace}/${groupId}/${type}/${edgeNodeId}`;
}

export function deviceTopic(groupId: string, type: DeviceMessageType, edgeNodeId: string, deviceId: string): string {
  return `${sparkplugNamespace}/${groupId}/${type}/${edgeNodeId}/${deviceId}`;
}

export function stateTopic(hostId: string): string {
  return `${sparkplugNamespace}/STATE/${hostId}`;
}

/** Why `id` cannot be one level of a Sparkplug topic (group, edge node, device or host ID), or undefined. */
export function topicLevelProblem(id: string): string | undefined {
  if (id.length === 0) return 'is empty';
  if (/[+#/]/.test(id)) return `"${id}" holds "+", "#" or "/", which Sparkplug IDs cannot hold`;
  return undefined;
}
