import type { DataType as TagDataType, PointValue, Quality } from '@shopfloor/model';
import type { Plant, SimTag } from '@shopfloor/simulator';
import { DataType, DataValue, StatusCodes, Variant, type Namespace, type StatusCode, type UAObject, type UAVariable } from 'node-opcua';
import { engineeringUnits } from './engineering-units.ts';

/** What a tag variable needs of the plant. */
export type TagSource = Pick<Plant, 'now' | 'valueAt' | 'qualityAt' | 'write'>;

export interface TagVariableOptions {
  /** MinimumSamplingInterval of the variable: subscriptions sample the plant no faster. */
  readonly samplingIntervalMs: number;
  readonly onWriteRefused: (tag: SimTag, value: unknown, status: StatusCode, reason: string) => void;
}

const dataTypes: Record<TagDataType, DataType> = { float: DataType.Double, int: DataType.Int32, bool: DataType.Boolean, string: DataType.String };
const int32 = { min: -2_147_483_648, max: 2_147_483_647 } as const;

/** good, uncertain, bad: a dropped link is bad (the frozen last value comes with it). */
const statusOfQuality: Record<Quality, StatusCode> = {
  good: StatusCodes.Good,
  uncertain: StatusCodes.Uncertain,
  bad: StatusCodes.BadCommunicationError,
};

/**
 * The variable of one tag under its machine, NodeId `ns=<namespace>;s=<tag path>`. Numbers with
 * a minimum and a maximum are AnalogItemType (EURange, EngineeringUnits); other numbers
 * BaseAnalogType (EngineeringUnits); booleans and text BaseDataVariableType. Reads take the
 * plant's current value, with the plant's (simulated) time as SourceTimestamp; a write goes to
 * `plant.write`.
 */
export function addTagVariable(namespace: Namespace, machine: UAObject, tag: SimTag, plant: TagSource, options: TagVariableOptions): UAVariable {
  const dataType = dataTypes[tag.dataType];
  const read = (): DataValue => {
    const now = new Date(plant.now);
    return new DataValue({
      value: new Variant({ dataType, value: coerce(tag, plant.valueAt(tag.index)) }),
      statusCode: statusOfQuality[plant.qualityAt(tag.index)],
      sourceTimestamp: now,
      serverTimestamp: new Date(),
    });
  };
  const write = async (dataValue: DataValue): Promise<StatusCode> => {
    const value: unknown = dataValue.value.value;
    const refused =
      plant.qualityAt(tag.index) === 'bad'
        ? { status: StatusCodes.BadCommunicationError, reason: 'the machine does not answer (dropped link)' }
        : refusal(tag, value);
    if (refused !== undefined) {
      options.onWriteRefused(tag, value, refused.status, refused.reason);
      return refused.status;
    }
    try {
      plant.write(tag.path, value as PointValue);
      return StatusCodes.Good;
    } catch (error) {
      const status = (error as Error).name === 'InputError' ? StatusCodes.BadOutOfRange : StatusCodes.BadInternalError;
      options.onWriteRefused(tag, value, status, (error as Error).message);
      return status;
    }
  };
  const access = tag.writable ? 'CurrentRead | CurrentWrite' : 'CurrentRead';
  const common = {
    componentOf: machine,
    browseName: tag.name,
    nodeId: `ns=${namespace.index};s=${tag.path}`,
    description: tag.description,
    dataType,
    accessLevel: access,
    userAccessLevel: access,
    minimumSamplingInterval: options.samplingIntervalMs,
    value: tag.writable ? { timestamped_get: read, timestamped_set: write } : { timestamped_get: read },
  };
  const numeric = tag.dataType === 'float' || tag.dataType === 'int';
  if (numeric && tag.min !== undefined && tag.max !== undefined) {
    return namespace.addAnalogDataItem({
      ...common,
      engineeringUnitsRange: { low: tag.min, high: tag.max },
      ...(tag.unit !== undefined ? { engineeringUnits: engineeringUnits(tag.unit) } : {}),
    });
  }
  if (!numeric) return namespace.addVariable(common);
  const variable = namespace.addVariable({ ...common, typeDefinition: 'BaseAnalogType' });
  if (tag.unit !== undefined) {
    namespace.addVariable({
      propertyOf: variable,
      browseName: { name: 'EngineeringUnits', namespaceIndex: 0 },
      typeDefinition: 'PropertyType',
      dataType: 'EUInformation',
      minimumSamplingInterval: 0,
      value: new Variant({ dataType: DataType.ExtensionObject, value: engineeringUnits(tag.unit) }),
    });
  }
  return variable;
}

/** Why a written value is refused, before the plant sees it; undefined when it may be written. */
function refusal(tag: SimTag, value: unknown): { status: StatusCode; reason: string } | undefined {
  if (tag.dataType === 'bool') return typeof value === 'boolean' ? undefined : { status: StatusCodes.BadTypeMismatch, reason: 'expected a Boolean' };
  if (typeof value !== 'number') return { status: StatusCodes.BadTypeMismatch, reason: 'expected a number' };
  if (tag.dataType === 'int' && Number.isFinite(value) && !Number.isInteger(value))
    return { status: StatusCodes.BadTypeMismatch, reason: 'expected an integer' };
  if (!Number.isFinite(value) || (tag.min !== undefined && value < tag.min) || (tag.max !== undefined && value > tag.max)) {
    return { status: StatusCodes.BadOutOfRange, reason: `expected ${tag.min ?? '-∞'} to ${tag.max ?? '∞'}${tag.unit !== undefined ? ` ${tag.unit}` : ''}` };
  }
  return undefined;
}

/** The plant's value in the variable's DataType (an Int32 holds its limits at most). */
function coerce(tag: SimTag, value: PointValue): PointValue {
  switch (tag.dataType) {
    case 'float':
      return typeof value === 'number' ? value : Number(value);
    case 'int': {
      const number = typeof value === 'number' ? Math.round(value) : Number(value);
      return Math.min(int32.max, Math.max(int32.min, Number.isFinite(number) ? number : 0));
    }
    case 'bool':
      return value === true || value === 1;
    case 'string':
      return String(value);
  }
}
