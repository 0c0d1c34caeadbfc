import type { DataType, Tag } from '@shopfloor/model';
import type { ModbusCollectorConfig } from './config.ts';
import { planModbusReads, type PlannedTag } from './read-plan.ts';

/**
 * The tags a collector configuration produces, with data type, unit and source binding, for the
 * registry (the pipeline would otherwise register them on first sight as float or bool, without a
 * unit). Integer types stay `int` only while scale and offset keep them whole.
 */
export function modbusCollectorTags(config: ModbusCollectorConfig): Tag[] {
  const units = new Map(config.devices.flatMap((device) => device.tags.flatMap((tag) => (tag.unit !== undefined ? [[tag.path, tag.unit] as const] : []))));
  return config.devices.flatMap((device) =>
    planModbusReads(device).flatMap((group) =>
      group.tags.map((tag): Tag => {
        const unit = units.get(tag.path);
        return { path: tag.path, dataType: dataTypeOf(tag), classification: 'internal', source: tag.source, ...(unit !== undefined ? { unit } : {}) };
      }),
    ),
  );
}

function dataTypeOf(tag: PlannedTag): DataType {
  switch (tag.type) {
    case 'bool':
      return 'bool';
    case 'float32':
    case 'float64':
      return 'float';
    case 'int16':
    case 'uint16':
    case 'int32':
    case 'uint32':
    case 'int64':
    case 'uint64':
      return Number.isInteger(tag.scale) && Number.isInteger(tag.offset) ? 'int' : 'float';
  }
}
