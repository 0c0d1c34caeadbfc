import { describe, expect, it } from 'vitest';
import { DataType, DataValue, LocalizedText, StatusCodes, Variant, VariantArrayType } from 'node-opcua-client';
import { kindOfDataType, placeholderOf, pointValueOf, qualityOf, timestampOf } from './data-value.ts';

describe('OPC UA values as point values', () => {
  it('takes numbers, booleans, strings, LocalizedText and DateTime scalars', () => {
    expect(pointValueOf(new Variant({ dataType: DataType.Double, value: 71.5 }))).toBe(71.5);
    expect(pointValueOf(new Variant({ dataType: DataType.Float, value: 0.5 }))).toBe(0.5);
    expect(pointValueOf(new Variant({ dataType: DataType.Int32, value: -7 }))).toBe(-7);
    expect(pointValueOf(new Variant({ dataType: DataType.Byte, value: 255 }))).toBe(255);
    expect(pointValueOf(new Variant({ dataType: DataType.Boolean, value: true }))).toBe(true);
    expect(pointValueOf(new Variant({ dataType: DataType.String, value: 'running' }))).toBe('running');
    expect(pointValueOf(new Variant({ dataType: DataType.LocalizedText, value: new LocalizedText({ text: 'Betrieb', locale: 'de' }) }))).toBe('Betrieb');
    expect(pointValueOf(new Variant({ dataType: DataType.DateTime, value: new Date(1_736_143_200_000) }))).toBe(1_736_143_200_000);
  });

  it('joins the two words of 64-bit integers, signed for Int64', () => {
    expect(pointValueOf(new Variant({ dataType: DataType.UInt64, arrayType: VariantArrayType.Scalar, value: [1, 5] }))).toBe(4_294_967_301);
    expect(pointValueOf(new Variant({ dataType: DataType.Int64, arrayType: VariantArrayType.Scalar, value: [0xffff_ffff, 0xffff_fffe] }))).toBe(-2);
    expect(pointValueOf(new Variant({ dataType: DataType.Int64, arrayType: VariantArrayType.Scalar, value: [0, 42] }))).toBe(42);
  });

  it('has no point value for arrays, byte strings, structures or null', () => {
    expect(pointValueOf(new Variant({ dataType: DataType.Double, arrayType: VariantArrayType.Array, value: [1, 2] }))).toBeUndefined();
    expect(pointValueOf(new Variant({ dataType: DataType.ByteString, value: Buffer.from('x') }))).toBeUndefined();
    expect(pointValueOf(new Variant({ dataType: DataType.Null, value: null }))).toBeUndefined();
    expect(pointValueOf(new Variant({ dataType: DataType.String, value: null }))).toBeUndefined();
  });

  it('maps StatusCode severity to quality', () => {
    expect(qualityOf(StatusCodes.Good)).toBe('good');
    expect(qualityOf(StatusCodes.GoodClamped)).toBe('good');
    expect(qualityOf(StatusCodes.UncertainLastUsableValue)).toBe('uncertain');
    expect(qualityOf(StatusCodes.UncertainSensorNotAccurate)).toBe('uncertain');
    expect(qualityOf(StatusCodes.BadCommunicationError)).toBe('bad');
    expect(qualityOf(StatusCodes.BadNodeIdUnknown)).toBe('bad');
  });

  it('takes the source timestamp, else the server timestamp, else now', () => {
    const source = new Date(1_000_000);
    const server = new Date(2_000_000);
    expect(timestampOf(new DataValue({ sourceTimestamp: source, serverTimestamp: server }), 3_000_000)).toBe(1_000_000);
    expect(timestampOf(new DataValue({ serverTimestamp: server }), 3_000_000)).toBe(2_000_000);
    expect(timestampOf(new DataValue({}), 3_000_000)).toBe(3_000_000);
  });

  it('knows the kind of built-in DataTypes and what a tag is marked bad with when it never had a value', () => {
    expect([1, 11, 6, 9, 13, 12, 21, 26, 15].map((id) => kindOfDataType(0, id))).toEqual([
      'boolean',
      'number',
      'number',
      'number',
      'number',
      'string',
      'string',
      'number',
      'unknown',
    ]);
    expect(kindOfDataType(2, 11)).toBe('unknown');
    expect((['number', 'boolean', 'string', 'unknown'] as const).map(placeholderOf)).toEqual([0, false, '', undefined]);
  });
});
