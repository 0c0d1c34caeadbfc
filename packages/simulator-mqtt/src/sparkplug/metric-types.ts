import type { PointValue } from '@shopfloor/model';
import type { SimTag } from '@shopfloor/simulator';
import type { MetricMessage } from './payload-codec.ts';

/** The Sparkplug B datatypes the edge node uses, with their codes (spec 3.0 §6.4.16). */
export const metricDataTypeCodes = { Int32: 3, Int64: 4, UInt32: 7, UInt64: 8, Float: 9, Double: 10, Boolean: 11, String: 12 } as const;
export type MetricDataType = keyof typeof metricDataTypeCodes;

export const floatDataTypes = ['Double', 'Float'] as const;
export type FloatDataType = (typeof floatDataTypes)[number];

/** The protobuf field a datatype's value travels in. */
export type ValueField = 'intValue' | 'longValue' | 'floatValue' | 'doubleValue' | 'booleanValue' | 'stringValue';

const int32Min = -(2 ** 31);
const int32Max = 2 ** 31 - 1;
const uint32Max = 2 ** 32 - 1;

/**
 * A tag's Sparkplug datatype: `float` tags are Double (or Float, by option); `int` tags are UInt32
 * when their declared range lies in 0…2^32−1, Int32 when it lies in ±2^31, else Int64 (an open
 * range, such as a part counter's, is Int64); `bool` is Boolean and `string` is String.
 */
export function metricDataType(tag: SimTag, floatAs: FloatDataType): MetricDataType {
  switch (tag.dataType) {
    case 'float':
      return floatAs;
    case 'int': {
      const { min, max } = tag;
      if (min === undefined || max === undefined) return 'Int64';
      if (min >= 0 && max <= uint32Max) return 'UInt32';
      if (min >= int32Min && max <= int32Max) return 'Int32';
      return 'Int64';
    }
    case 'bool':
      return 'Boolean';
    case 'string':
      return 'String';
  }
}

export function valueField(type: MetricDataType): ValueField {
  switch (type) {
    case 'Int32':
    case 'UInt32':
      return 'intValue';
    case 'Int64':
    case 'UInt64':
      return 'longValue';
    case 'Float':
      return 'floatValue';
    case 'Double':
      return 'doubleValue';
    case 'Boolean':
      return 'booleanValue';
    case 'String':
      return 'stringValue';
  }
}

/**
 * A value as its field carries it: integers rounded, Int32 as its two's complement in the unsigned
 * `int_value` (spec 3.0 §6.4.16). Undefined when the value does not fit the type (NaN, out of range,
 * a string for a number): the metric is then left out and counted as skipped.
 */
export function fieldValue(type: MetricDataType, value: PointValue): number | boolean | string | undefined {
  switch (type) {
    case 'Float':
    case 'Double':
      return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
    case 'Int32': {
      if (typeof value !== 'number') return undefined;
      const rounded = Math.round(value);
      return rounded >= int32Min && rounded <= int32Max ? rounded >>> 0 : undefined;
    }
    case 'UInt32': {
      if (typeof value !== 'number') return undefined;
      const rounded = Math.round(value);
      return rounded >= 0 && rounded <= uint32Max ? rounded : undefined;
    }
    case 'Int64':
    case 'UInt64': {
      if (typeof value !== 'number') return undefined;
      const rounded = Math.round(value);
      return Number.isSafeInteger(rounded) && (type === 'Int64' || rounded >= 0) ? rounded : undefined;
    }
    case 'Boolean':
      return typeof value === 'boolean' ? value : undefined;
    case 'String':
      return typeof value === 'string' ? value : undefined;
  }
}

/**
 * A received command metric's value for a tag of `type`; undefined when the metric carries no
 * fitting value. protobufjs keeps defaults on the prototype (an absent `double_value` reads as 0),
 * so only fields present on the wire (own properties) are read.
 */
export function commandValue(type: MetricDataType, metric: MetricMessage): PointValue | undefined {
  const read = (key: ValueField): unknown => (Object.hasOwn(metric, key) ? metric[key] : undefined);
  const number = (key: ValueField): number | undefined => {
    const field = read(key);
    if (typeof field === 'number') return field;
    if (typeof field === 'object' && field !== null && 'low' in field && 'high' in field) {
      const { low, high } = field as { low: number; high: number };
      return (type === 'Int64' ? high | 0 : high >>> 0) * 2 ** 32 + (low >>> 0);
    }
    return undefined;
  };
  switch (type) {
    case 'Float':
    case 'Double':
      return number('doubleValue') ?? number('floatValue') ?? number('longValue') ?? number('intValue');
    case 'Int32': {
      const raw = number('intValue') ?? number('longValue');
      return raw === undefined ? undefined : raw | 0;
    }
    case 'UInt32': {
      const raw = number('intValue') ?? number('longValue');
      return raw === undefined ? undefined : raw >>> 0;
    }
    case 'Int64':
    case 'UInt64':
      return number('longValue') ?? number('intValue');
    case 'Boolean': {
      const field = read('booleanValue');
      return typeof field === 'boolean' ? field : undefined;
    }
    case 'String': {
      const field = read('stringValue');
      return typeof field === 'string' ? field : undefined;
    }
  }
}
