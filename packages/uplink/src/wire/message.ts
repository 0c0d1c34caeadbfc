/**
 * One uplink message: a fixed binary header, then the body (deflate-raw unless flagged otherwise).
 *
 *   0  'S' 'F' 'U'   magic
 *   3  u8            version (1); a receiver refuses versions it does not know
 *   4  u8            flags: bit 0 historical (backlog), bit 1 body deflated
 *   5  u8            class: 0 raw, 1 aggregate, 2 status, 3 alarm
 *   6  u8            kind: 0 points, 1 alarms, 2 events, 3 status, 4 drops
 *   7  u8            length L of the edge id, then L bytes of edge id (ASCII)
 *      8 bytes       outbox stream id (random per outbox file: a wiped outbox starts a new stream)
 *      f64           seq (per stream, from 1, never reused)
 *      f64           created (epoch ms, when the entry was packed)
 *      u32           count (points or records)
 *      u32           body length before compression
 * All numbers little-endian. The flags byte is the only one that changes between sends.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';

export const wireVersion = 1;
export const uplinkClasses = ['raw', 'aggregate', 'status', 'alarm'] as const;
export type UplinkClass = (typeof uplinkClasses)[number];
export const messageKinds = ['points', 'alarms', 'events', 'status', 'drops'] as const;
export type MessageKind = (typeof messageKinds)[number];

export const flagHistorical = 1;
const flagDeflated = 2;
const flagsOffset = 4;

export interface MessageHeader {
  readonly edgeId: string;
  /** 16 hex digits. */
  readonly stream: string;
  readonly seq: number;
  readonly created: number;
  readonly klass: UplinkClass;
  readonly kind: MessageKind;
  readonly count: number;
}

export interface DecodedMessage extends MessageHeader {
  readonly historical: boolean;
  readonly body: Uint8Array;
}

export function headerLength(edgeId: string): number {
  return 40 + edgeId.length;
}

/** Header plus body, compressed at `level` (0: stored). */
export function encodeMessage(header: MessageHeader, body: Uint8Array, level: number): Buffer {
  const compressed = level > 0 ? deflateRawSync(body, { level }) : undefined;
  const payload = compressed !== undefined && compressed.length < body.length ? compressed : body;
  const size = headerLength(header.edgeId);
  const message = Buffer.allocUnsafe(size + payload.length);
  message.write('SFU', 0, 'latin1');
  message[3] = wireVersion;
  message[flagsOffset] = payload === body ? 0 : flagDeflated;
  message[5] = uplinkClasses.indexOf(header.klass);
  message[6] = messageKinds.indexOf(header.kind);
  message[7] = header.edgeId.length;
  message.write(header.edgeId, 8, 'latin1');
  let at = 8 + header.edgeId.length;
  message.write(header.stream, at, 'hex');
  at += 8;
  message.writeDoubleLE(header.seq, at);
  message.writeDoubleLE(header.created, at + 8);
  message.writeUInt32LE(header.count, at + 16);
  message.writeUInt32LE(body.length, at + 20);
  message.set(payload, size);
  return message;
}

/** Sets or clears the historical flag in place (the bytes come fresh from the outbox for each send). */
export function markHistorical(message: Uint8Array, historical: boolean): void {
  const flags = message[flagsOffset] as number;
  message[flagsOffset] = historical ? flags | flagHistorical : flags & ~flagHistorical;
}

/** The header alone (no inflate): what a receiver needs to deduplicate before decoding. */
export function decodeHeader(
  message: Uint8Array,
): MessageHeader & { readonly historical: boolean; readonly deflated: boolean; readonly bodyLength: number; readonly bodyOffset: number } {
  const bytes = Buffer.from(message.buffer, message.byteOffset, message.byteLength);
  if (bytes.length < 41 || bytes.toString('latin1', 0, 3) !== 'SFU') throw new RangeError('not an uplink message (no SFU magic)');
  if (bytes[3] !== wireVersion) throw new RangeError(`uplink message version ${bytes[3]} is not supported (this hub reads version ${wireVersion})`);
  const flags = bytes[flagsOffset] as number;
  const klass = uplinkClasses[bytes[5] as number];
  const kind = messageKinds[bytes[6] as number];
  if (klass === undefined || kind === undefined) throw new RangeError(`class ${bytes[5]} or kind ${bytes[6]} is unknown`);
  const idLength = bytes[7] as number;
  const size = 40 + idLength;
  if (idLength === 0 || bytes.length < size) throw new RangeError('uplink message header is truncated');
  const edgeId = bytes.toString('latin1', 8, 8 + idLength);
  let at = 8 + idLength;
  const stream = bytes.toString('hex', at, at + 8);
  at += 8;
  const seq = bytes.readDoubleLE(at);
  if (!Number.isSafeInteger(seq) || seq < 1) throw new RangeError(`seq ${seq} is not a positive integer`);
  return {
    edgeId,
    stream,
    seq,
    created: bytes.readDoubleLE(at + 8),
    count: bytes.readUInt32LE(at + 16),
    bodyLength: bytes.readUInt32LE(at + 20),
    klass,
    kind,
    historical: (flags & flagHistorical) !== 0,
    deflated: (flags & 2) !== 0,
    bodyOffset: size,
  };
}

/** Header and body; a body that inflates to more than `maxBodyBytes` or to another length than announced is refused. */
export function decodeMessage(message: Uint8Array, maxBodyBytes: number): DecodedMessage {
  const header = decodeHeader(message);
  if (header.bodyLength > maxBodyBytes) throw new RangeError(`body of ${header.bodyLength} bytes is over the limit of ${maxBodyBytes}`);
  const raw = message.subarray(header.bodyOffset);
  const body = header.deflated ? inflateRawSync(raw, { maxOutputLength: Math.max(1, header.bodyLength) }) : raw;
  if (body.length !== header.bodyLength) throw new RangeError(`body is ${body.length} bytes, the header announces ${header.bodyLength}`);
  const { edgeId, stream, seq, created, klass, kind, count, historical } = header;
  return { edgeId, stream, seq, created, klass, kind, count, historical, body };
}
