/** The wire format for tools, tests and benchmarks: what the outbox stores and sends, from and to plain values. */
import type { Point } from '@shopfloor/model';
import { ByteWriter } from './bytes.ts';
import { decodeMessage, encodeMessage, type MessageHeader, type MessageKind, type UplinkClass } from './message.ts';
import { compactColumns, TagCatalog } from './point-columns.ts';
import { decodePointsBody, encodePointsBody } from './points-codec.ts';

export interface UplinkMessageHeader {
  readonly edgeId: string;
  /** 16 hex digits. */
  readonly stream: string;
  readonly seq: number;
  readonly created: number;
  readonly klass: UplinkClass;
}

const writer = new ByteWriter(65_536);

/** Encodes points into one message exactly as the outbox would (columnar body, deflate at `level`). */
export function encodePointsMessage(points: readonly Point[], header: UplinkMessageHeader, level = 1): Buffer {
  const { columns, newTags } = new TagCatalog().encode(points);
  const local = compactColumns({ ...columns, tags: [] }, 0, points.length, newTags);
  const body = encodePointsBody([{ columns: local, start: 0, end: points.length }], writer);
  return encodeMessage({ ...header, kind: 'points', count: points.length }, body, level);
}

export type DecodedUplinkMessage = Omit<MessageHeader, 'kind'> & { readonly historical: boolean } & (
    { readonly kind: 'points'; readonly points: Point[] } | { readonly kind: Exclude<MessageKind, 'points'>; readonly document: unknown }
  );

/** Decodes any uplink message; throws a RangeError naming what is wrong with a malformed one. */
export function decodeUplinkMessage(bytes: Uint8Array, maxBodyBytes = 16_777_216): DecodedUplinkMessage {
  const { body, ...header } = decodeMessage(bytes, maxBodyBytes);
  if (header.kind === 'points') return { ...header, kind: 'points', points: decodePointsBody(body, header.count) };
  return { ...header, kind: header.kind, document: JSON.parse(Buffer.from(body).toString('utf8')) as unknown };
}
