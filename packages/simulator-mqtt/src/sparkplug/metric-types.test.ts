import { describe, expect, it } from 'vitest';
import type { SimTag } from '@shopfloor/simulator';
import { commandValue, fieldValue, metricDataType } from './metric-types.ts';
import { decodePayload, encodePayload } from './payload-codec.ts';

const tag = (dataType: SimTag['dataType'], min?: number, max?: number): SimTag => ({
  index: 0,
  path: 'a/m/t',
  machine: 'a/m',
  name: 't',
  dataType,
  writable: true,
  rateHz: 1,
  description: '',
  ...(min === undefined ? {} : { min }),
  ...(max === undefined ? {} : { max }),
});

describe('Sparkplug datatypes of simulated tags', () => {
  it('maps tag types and ranges to the narrowest fitting Sparkplug datatype', () => {
    expect(metricDataType(tag('float', 0, 10), 'Double')).toBe('Double');
    expect(metricDataType(tag('float'), 'Float')).toBe('Float');
    expect(metricDataType(tag('int', 0, 6), 'Double')).toBe('UInt32');
    expect(metricDataType(tag('int', -40, 40), 'Double')).toBe('Int32');
    expect(metricDataType(tag('int', 0), 'Double')).toBe('Int64');
    expect(metricDataType(tag('int', -1, 2 ** 32), 'Double')).toBe('Int64');
    expect(metricDataType(tag('bool'), 'Double')).toBe('Boolean');
    expect(metricDataType(tag('string'), 'Double')).toBe('String');
  });

  it("writes values in their field (Int32 as two's complement in the unsigned int_value) and refuses what does not fit", () => {
    expect(fieldValue('Int32', -2)).toBe(2 ** 32 - 2);
    expect(fieldValue('Int32', 2.6)).toBe(3);
    expect(fieldValue('UInt32', -1)).toBeUndefined();
    expect(fieldValue('Int64', 2 ** 60)).toBeUndefined();
    expect(fieldValue('Double', Number.NaN)).toBeUndefined();
    expect(fieldValue('Boolean', 1)).toBeUndefined();
    expect(fieldValue('String', 'RUNNING')).toBe('RUNNING');
  });

  it('reads command values from the fields present on the wire only', () => {
    const [int32, double, int64, boolean] = decodePayload(
      encodePayload({
        metrics: [
          { alias: 1, intValue: 2 ** 32 - 5 },
          { alias: 2, floatValue: 1.5 },
          { alias: 3, longValue: 2 ** 40 },
          { alias: 4, booleanValue: false },
        ],
      }),
    )!.metrics;
    expect(commandValue('Int32', int32!)).toBe(-5);
    expect(commandValue('UInt32', int32!)).toBe(2 ** 32 - 5);
    // protobufjs reads an absent double_value as 0 from the prototype: the float_value must win.
    expect(commandValue('Double', double!)).toBe(1.5);
    expect(commandValue('Int64', int64!)).toBe(2 ** 40);
    expect(commandValue('Boolean', boolean!)).toBe(false);
    expect(commandValue('String', boolean!)).toBeUndefined();
  });
});
