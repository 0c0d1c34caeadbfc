import type { TagPath } from '@shopfloor/model';

const unsafeInId = /[^A-Za-z0-9_\-.:]/g;
const unsafeInName = /[^A-Za-z0-9_\-.:/]/g;

/**
 * The tag path prefix of an edge node, `[<tagPrefix>/]<group>/<edgeNode>`, or of one of its
 * devices, `.../<device>`. Characters a tag path segment cannot hold become `_`.
 */
export function sparkplugTagBase(tagPrefix: string | undefined, group: string, edgeNode: string, device?: string): string {
  const ids = device === undefined ? [group, edgeNode] : [group, edgeNode, device];
  const base = ids.map((id) => id.replace(unsafeInId, '_')).join('/');
  return tagPrefix === undefined ? base : `${tagPrefix}/${base}`;
}

/** `<base>/<metric name>`: the metric name's `/` stay path separators; other unsafe characters become `_`. */
export function metricTagPath(base: string, metricName: string): TagPath {
  return `${base}/${metricName.replace(unsafeInName, '_')}`;
}
