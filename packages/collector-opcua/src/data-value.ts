import type { PointValue, Quality } from '@shopfloor/model';
import { DataType, VariantArrayType, type DataValue, type StatusCode, type Variant } from 'node-opcua-client';

/** What kind of value a variable holds, from its DataType attribute; `unknown` for types we cannot tell up front. */
export type ValueKind = 'number' | 'boolean' | 'string' | 'unknown';

const twoTo32 = 4_294_967_296;

/**
 * The value of a scalar Variant as a point value: numbers (64-bit integers rounded to the nearest
 * double), booleans, strings, LocalizedText as its text and DateTime as epoch ms. `undefined` for
 * anything else (arrays, ByteString, structures, null).
 */
export function pointValueOf(variant: Variant): PointValue | undefined {
  if (variant.arrayType !== VariantArrayType.Scalar) return undefined;
  const value: unknown = variant.value;
  const type = variant.dataType;
  if (type === DataType.Boolean) return typeof value === 'boolean' ? value : undefined;
  if (numberTypes.has(type)) return typeof value === 'number' ? value : undefined;
  if (type === DataType.Int64 || type === DataType.UInt64) {
    if (!Array.isArray(value) || value.length !== 2) return typeof value === 'number' ? value : undefined;
    const [high, low] = value as [number, number];
    const signedHigh = type === DataType.Int64 && high >= 0x8000_0000 ? high - twoTo32 : high;
    return signedHigh * twoTo32 + low;
  }
  if (type === DataType.String) return typeof value === 'string' ? value : undefined;
  if (type === DataType.LocalizedText) {
    const text = (value as { text?: unknown } | null)?.text;
    return typeof text === 'string' ? text : undefined;
  }
  if (type === DataType.DateTime) return value instanceof Date ? value.getTime() : undefined;
  return undefined;
}

const numberTypes: ReadonlySet<DataType> = new Set([
  DataType.SByte,
  DataType.Byte,
  DataType.Int16,
  DataType.UInt16,
  DataType.Int32,
  DataType.UInt32,
  DataType.Float,
  DataType.Double,
]);

/** A name for the type of a Variant in messages, e.g. `ByteString`, `Double[]`. */
export function describeVariant(variant: Variant): string {
  const name = DataType[variant.dataType] as string | undefined;
  return `${name ?? `DataType ${variant.dataType}`}${variant.arrayType === VariantArrayType.Scalar ? '' : '[]'}`;
}

/** StatusCode severity (its two top bits): Good → good, Uncertain → uncertain, Bad → bad. */
export function qualityOf(statusCode: StatusCode): Quality {
  const severity = statusCode.value >>> 30;
  return severity === 0 ? 'good' : severity === 1 ? 'uncertain' : 'bad';
}

/** The source timestamp if the server sent one, else the server timestamp, else `now`. */
export function timestampOf(dataValue: DataValue, now: number): number {
  const source = dataValue.sourceTimestamp?.getTime();
  if (source !== undefined && source > 0) return source;
  const server = dataValue.serverTimestamp?.getTime();
  if (server !== undefined && server > 0) return server;
  return now;
}

/** Built-in DataTypes of namespace 0 by numeric id (their NodeIds equal the Variant type numbers; 26–29 are Number, Integer, UInteger, Enumeration). */
const kindOfBuiltinType: ReadonlyMap<number, ValueKind> = new Map<number, ValueKind>([
  [DataType.Boolean, 'boolean'],
  [DataType.String, 'string'],
  [DataType.LocalizedText, 'string'],
  ...[...numberTypes, DataType.Int64, DataType.UInt64, DataType.DateTime, 26, 27, 28, 29].map((id): [number, ValueKind] => [id, 'number']),
]);

/** The kind of a variable from its DataType NodeId (built-in types of namespace 0; others are `unknown`). */
export function kindOfDataType(namespace: number, identifier: unknown): ValueKind {
  if (namespace !== 0 || typeof identifier !== 'number') return 'unknown';
  return kindOfBuiltinType.get(identifier) ?? 'unknown';
}

/** The value a tag is marked bad with when none was ever seen: 0, false or the empty string. */
export function placeholderOf(kind: ValueKind): PointValue | undefined {
  switch (kind) {
    case 'number':
      return 0;
    case 'boolean':
      return false;
    case 'string':
      return '';
    case 'unknown':
      return undefined;
  }
}
