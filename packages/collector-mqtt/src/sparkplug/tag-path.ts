import { tagSegmentPattern, type TagPath } from '@shopfloor/model';

const anyUnit = /[\s\S]/g;

/**
 * `id` as a tag path segment: each character a segment cannot hold (a one-character segment of it
 * fails the model's `tagSegmentPattern`) becomes `_`. Length is not enforced here.
 */
function safeSegment(id: string): string {
  if (tagSegmentPattern.test(id)) return id;
  return id.replace(anyUnit, (unit) => (tagSegmentPattern.test(unit) ? unit : '_'));
}

/**
 * The tag path prefix of an edge node, `[<tagPrefix>/]<group>/<edgeNode>`, or of one of its
 * devices, `.../<device>`. Characters a tag path segment cannot hold become `_`.
 */
export function sparkplugTagBase(tagPrefix: string | undefined, group: string, edgeNode: string, device?: string): string {
  const ids = device === undefined ? [group, edgeNode] : [group, edgeNode, device];
  const base = ids.map(safeSegment).join('/');
  return tagPrefix === undefined ? base : `${tagPrefix}/${base}`;
}

/** `<base>/<metric name>`: the metric name's `/` stay path separators; other unsafe characters become `_`. */
export function metricTagPath(base: string, metricName: string): TagPath {
  return `${base}/${metricName.split('/').map(safeSegment).join('/')}`;
}
