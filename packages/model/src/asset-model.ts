/** ISA-95 levels of the equipment hierarchy, from the top. */
export const hierarchyLevels = ['enterprise', 'site', 'area', 'line', 'cell', 'asset', 'component'] as const;
export type HierarchyLevel = (typeof hierarchyLevels)[number];

export const dataTypes = ['float', 'int', 'bool', 'string'] as const;
export type DataType = (typeof dataTypes)[number];

export const classifications = ['public', 'internal', 'confidential', 'restricted'] as const;
export type Classification = (typeof classifications)[number];

export interface AttributeDefinition {
  readonly name: string;
  readonly dataType: DataType;
  readonly default?: string | number | boolean;
  readonly description?: string;
}

export interface MeasurementDefinition {
  readonly name: string;
  readonly dataType: DataType;
  readonly unit?: string;
  readonly description?: string;
  readonly classification?: Classification;
}

/** A template for assets; a model may extend one parent model and inherits its definitions. */
export interface AssetModel {
  readonly id: string;
  readonly name: string;
  readonly extends?: string;
  readonly description?: string;
  readonly attributes: readonly AttributeDefinition[];
  readonly measurements: readonly MeasurementDefinition[];
}

/** A node of the ISA-95 hierarchy, addressed by its path (`acme/plant1/press-shop/line1`). */
export interface Asset {
  readonly path: string;
  readonly level: HierarchyLevel;
  readonly name: string;
  readonly model?: string;
  readonly attributes: Readonly<Record<string, string | number | boolean>>;
}

/** Where a tag's values come from. */
export interface SourceBinding {
  readonly protocol: 'mqtt-json' | 'sparkplug-b' | 'modbus-tcp' | 'opc-ua' | 'computed' | 'import' | 'uplink';
  readonly address: string;
}

export interface Tag {
  readonly path: string;
  readonly dataType: DataType;
  readonly unit?: string;
  readonly classification: Classification;
  readonly description?: string;
  readonly source?: SourceBinding;
  /** The asset the tag belongs to, when it is bound to one. */
  readonly asset?: string;
}
