import type { PointValue } from '@shopfloor/model';

/**
 * Sparkplug B datatype names, indexed by their code in `Metric.datatype` (spec 3.0 §6.4.16).
 * The value is decoded here rather than by `sparkplug-payload`, whose decoder loses UInt32 values
 * carried in `int_value` and every value of an alias-only DATA metric (it has no datatype).
 */
export const sparkplugDataTypes = [
  'Unknown',
  'Int8',
  'Int16',
  'Int32',
  'Int64',
  'UInt8',
  'UInt16',
  'UInt32',
  'UInt64',
  'Float',
  'Double',
  'Boolean',
  'String',
  'DateTime',
  'Text',
  'UUID',
  'DataSet',
  'Bytes',
  'File',
  'Template',
  'PropertySet',
  'PropertySetList',
] as const;
export type SparkplugDataType = (typeof sparkplugDataTypes)[number];

/** The name of a datatype code, for messages: `Float`, or `datatype 42` when the code is unknown. */
export function dataTypeName(code: number): string {
  return sparkplugDataTypes[code] ?? `datatype ${code}`;
}

/** A 64-bit protobuf integer as protobufjs returns it: a number, or a Long's two 32-bit halves. */
export interface LongBits {
  readonly low: number;
  readonly high: number;
}

/** The value fields of a decoded Sparkplug metric; at most one is set (a protobuf `oneof`). */
export interface MetricValueFields {
  readonly intValue?: number | null;
  readonly longValue?: number | LongBits | null;
  readonly floatValue?: number | null;
  readonly doubleValue?: number | null;
  readonly booleanValue?: boolean | null;
  readonly stringValue?: string | null;
}

export type MetricValue = { readonly value: PointValue } | { readonly problem: string };

const twoTo32 = 2 ** 32;

/**
 * Decodes a metric's value for the datatype learned from its BIRTH. Integers are accepted from
 * `int_value` or `long_value` and read like a C cast to the datatype's width (Int8 takes the low
 * 8 bits, sign-extended); 64-bit values beyond ±2^53 are refused rather than rounded. Float and
 * Double are accepted from `float_value` or `double_value`; a Float is given as the shortest decimal
 * that reads back as the same float32 (0.1, not 0.10000000149011612). DateTime is milliseconds.
 */
export function decodeMetricValue(datatype: number, fields: MetricValueFields): MetricValue {
  switch (datatype) {
    case 1: // Int8
    case 2: // Int16
    case 3: // Int32
    case 5: // UInt8
    case 6: // UInt16
    case 7: // UInt32
      return decodeNarrowInteger(datatype, fields);
    case 4: // Int64
    case 8: // UInt64
    case 13: // DateTime
      return decodeWideInteger(datatype, fields);
    case 9: // Float
    case 10: // Double
      if (typeof fields.floatValue === 'number') return { value: shortestFloat32(fields.floatValue) };
      if (typeof fields.doubleValue === 'number') return { value: fields.doubleValue };
      return missing(datatype, 'float_value or double_value', fields);
    case 11: // Boolean
      if (typeof fields.booleanValue !== 'boolean') return missing(datatype, 'boolean_value', fields);
      return { value: fields.booleanValue };
    case 12: // String
    case 14: // Text
    case 15: // UUID
      if (typeof fields.stringValue !== 'string') return missing(datatype, 'string_value', fields);
      return { value: fields.stringValue };
    default:
      return { problem: `has ${dataTypeName(datatype)} values, which are not supported (only numbers, booleans and strings)` };
  }
}

function decodeNarrowInteger(datatype: number, fields: MetricValueFields): MetricValue {
  const low = lowBits(fields);
  if (low === undefined) return missing(datatype, 'int_value or long_value', fields);
  switch (datatype) {
    case 1:
      return { value: (low << 24) >> 24 };
    case 2:
      return { value: (low << 16) >> 16 };
    case 3:
      return { value: low | 0 };
    case 5:
      return { value: low & 0xff };
    case 6:
      return { value: low & 0xffff };
    default:
      return { value: low >>> 0 };
  }
}

function decodeWideInteger(datatype: number, fields: MetricValueFields): MetricValue {
  const signed = datatype === 4;
  let value: number;
  if (fields.longValue !== null && fields.longValue !== undefined) {
    value = longToNumber(fields.longValue, signed);
  } else if (fields.intValue !== null && fields.intValue !== undefined) {
    value = signed ? fields.intValue | 0 : fields.intValue >>> 0;
  } else {
    return missing(datatype, 'long_value or int_value', fields);
  }
  if (!Number.isSafeInteger(value)) return { problem: `has ${dataTypeName(datatype)} value ${value} beyond ±2^53, which a number cannot hold exactly` };
  return { value };
}

/** A 64-bit protobuf integer as a number (exact up to ±2^53). */
export function longToNumber(value: number | LongBits, signed: boolean): number {
  if (typeof value === 'number') return value;
  const high = signed ? value.high | 0 : value.high >>> 0;
  return high * twoTo32 + (value.low >>> 0);
}

function lowBits(fields: MetricValueFields): number | undefined {
  if (fields.intValue !== null && fields.intValue !== undefined) return fields.intValue;
  const long = fields.longValue;
  if (long === null || long === undefined) return undefined;
  // The callers' `<<`, `|` and `>>>` take a number modulo 2^32, so a plain number needs no splitting.
  return typeof long === 'number' ? long : long.low;
}

/** The shortest decimal that reads back as the same float32 (what `Float.toString` prints in Java). */
function shortestFloat32(value: number): number {
  if (!Number.isFinite(value)) return value;
  for (let digits = 1; digits < 10; digits++) {
    const candidate = Number(value.toPrecision(digits));
    if (Math.fround(candidate) === value) return candidate;
  }
  return value;
}

const valueFieldNames = [
  ['intValue', 'int_value'],
  ['longValue', 'long_value'],
  ['floatValue', 'float_value'],
  ['doubleValue', 'double_value'],
  ['booleanValue', 'boolean_value'],
  ['stringValue', 'string_value'],
] as const;

function missing(datatype: number, expected: string, fields: MetricValueFields): MetricValue {
  const present = valueFieldNames.find(([field]) => fields[field] !== null && fields[field] !== undefined);
  const carried = present === undefined ? 'no value field' : present[1];
  return { problem: `has datatype ${dataTypeName(datatype)} but carries ${carried} (expected ${expected})` };
}
