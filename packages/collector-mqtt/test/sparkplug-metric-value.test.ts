import { describe, expect, it } from 'vitest';
import sparkplugProto from 'sparkplug-payload/lib/sparkplugPayloadProto.js';
import { decodeMetricValue, sparkplugDataTypes, type MetricValueFields } from '../src/sparkplug/index.ts';

const code = (name: (typeof sparkplugDataTypes)[number]): number => sparkplugDataTypes.indexOf(name);
const protoMetric = sparkplugProto.org.eclipse.tahu.protobuf.Payload.Metric;

/** The value fields as they come off the wire: encoded and decoded again by protobufjs (64-bit fields become Longs). */
function wire(fields: MetricValueFields & { longValue?: number | null }): MetricValueFields {
  return protoMetric.decode(protoMetric.encode(protoMetric.create(fields)).finish());
}

describe('decodeMetricValue', () => {
  it('reads integers from int_value or long_value, at the width of the datatype', () => {
    expect([
      decodeMetricValue(code('UInt32'), wire({ intValue: 4_000_000_000 })),
      decodeMetricValue(code('UInt32'), wire({ longValue: 4_000_000_000 })),
      decodeMetricValue(code('Int8'), wire({ intValue: 0xffff_ffff })),
      decodeMetricValue(code('Int8'), wire({ intValue: 0xff })),
      decodeMetricValue(code('Int16'), wire({ intValue: 0xffff_8000 })),
      decodeMetricValue(code('Int32'), wire({ intValue: 0xffff_fffe })),
      decodeMetricValue(code('UInt8'), wire({ intValue: 200 })),
      decodeMetricValue(code('UInt16'), wire({ longValue: 65_535 })),
      decodeMetricValue(code('Int32'), wire({ longValue: -5 })),
    ]).toEqual([
      { value: 4_000_000_000 },
      { value: 4_000_000_000 },
      { value: -1 },
      { value: -1 },
      { value: -32_768 },
      { value: -2 },
      { value: 200 },
      { value: 65_535 },
      { value: -5 },
    ]);
  });

  it('reads 64-bit integers and DateTime exactly up to 2^53 and refuses more', () => {
    expect([
      decodeMetricValue(code('Int64'), wire({ longValue: -1_234_567_890_123 })),
      decodeMetricValue(code('UInt64'), wire({ longValue: 2 ** 40 + 1 })),
      decodeMetricValue(code('DateTime'), wire({ longValue: 1_700_000_000_123 })),
      decodeMetricValue(code('Int64'), wire({ intValue: 0xffff_ffff })),
      decodeMetricValue(code('UInt64'), { longValue: { low: -1, high: -1 } }),
    ]).toEqual([
      { value: -1_234_567_890_123 },
      { value: 2 ** 40 + 1 },
      { value: 1_700_000_000_123 },
      { value: -1 },
      { problem: 'has UInt64 value 18446744073709552000 beyond ±2^53, which a number cannot hold exactly' },
    ]);
  });

  it('reads floats as their shortest decimal, doubles as they are, booleans and strings', () => {
    expect([
      decodeMetricValue(code('Float'), wire({ floatValue: 0.1 })),
      decodeMetricValue(code('Float'), wire({ floatValue: 21.5 })),
      decodeMetricValue(code('Double'), wire({ doubleValue: 0.1 })),
      decodeMetricValue(code('Double'), wire({ floatValue: 1.1 })),
      decodeMetricValue(code('Boolean'), wire({ booleanValue: false })),
      decodeMetricValue(code('String'), wire({ stringValue: 'auto' })),
      decodeMetricValue(code('Text'), wire({ stringValue: '' })),
      decodeMetricValue(code('UUID'), wire({ stringValue: 'f81d4fae-7dec-11d0-a765-00a0c91e6bf6' })),
    ]).toEqual([
      { value: 0.1 },
      { value: 21.5 },
      { value: 0.1 },
      { value: 1.1 },
      { value: false },
      { value: 'auto' },
      { value: '' },
      { value: 'f81d4fae-7dec-11d0-a765-00a0c91e6bf6' },
    ]);
  });

  it('says why a value cannot be read', () => {
    expect([
      decodeMetricValue(code('Float'), wire({ stringValue: 'hot' })),
      decodeMetricValue(code('Boolean'), wire({})),
      decodeMetricValue(code('DataSet'), wire({})),
      decodeMetricValue(42, wire({ intValue: 1 })),
    ]).toEqual([
      { problem: 'has datatype Float but carries string_value (expected float_value or double_value)' },
      { problem: 'has datatype Boolean but carries no value field (expected boolean_value)' },
      { problem: 'has DataSet values, which are not supported (only numbers, booleans and strings)' },
      { problem: 'has datatype 42 values, which are not supported (only numbers, booleans and strings)' },
    ]);
  });
});
