import type { Asset, AssetModel, Classification, DataType, HierarchyLevel, SourceBinding, Tag } from '@shopfloor/model';

export const registrySchema = `
CREATE TABLE IF NOT EXISTS tags (
  path TEXT PRIMARY KEY, data_type TEXT NOT NULL, unit TEXT, classification TEXT NOT NULL, description TEXT,
  source_protocol TEXT, source_address TEXT, asset TEXT
);
CREATE TABLE IF NOT EXISTS asset_models (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, extends TEXT, description TEXT, attributes TEXT NOT NULL, measurements TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS assets (
  path TEXT PRIMARY KEY, level TEXT NOT NULL, name TEXT NOT NULL, model TEXT, attributes TEXT NOT NULL
);
`;

export interface TagRow {
  readonly path: string;
  readonly data_type: string;
  readonly unit: string | null;
  readonly classification: string;
  readonly description: string | null;
  readonly source_protocol: string | null;
  readonly source_address: string | null;
  readonly asset: string | null;
}

export interface ModelRow {
  readonly id: string;
  readonly name: string;
  readonly extends: string | null;
  readonly description: string | null;
  readonly attributes: string;
  readonly measurements: string;
}

export interface AssetRow {
  readonly path: string;
  readonly level: string;
  readonly name: string;
  readonly model: string | null;
  readonly attributes: string;
}

export function tagToRow(tag: Tag): TagRow {
  return {
    path: tag.path,
    data_type: tag.dataType,
    unit: tag.unit ?? null,
    classification: tag.classification,
    description: tag.description ?? null,
    source_protocol: tag.source?.protocol ?? null,
    source_address: tag.source?.address ?? null,
    asset: tag.asset ?? null,
  };
}

export function tagFromRow(row: TagRow): Tag {
  return {
    path: row.path,
    dataType: row.data_type as DataType,
    classification: row.classification as Classification,
    ...(row.unit === null ? {} : { unit: row.unit }),
    ...(row.description === null ? {} : { description: row.description }),
    ...(row.source_protocol === null ? {} : { source: { protocol: row.source_protocol as SourceBinding['protocol'], address: row.source_address ?? '' } }),
    ...(row.asset === null ? {} : { asset: row.asset }),
  };
}

export function modelToRow(model: AssetModel): ModelRow {
  return {
    id: model.id,
    name: model.name,
    extends: model.extends ?? null,
    description: model.description ?? null,
    attributes: JSON.stringify(model.attributes),
    measurements: JSON.stringify(model.measurements),
  };
}

export function modelFromRow(row: ModelRow): AssetModel {
  return {
    id: row.id,
    name: row.name,
    ...(row.extends === null ? {} : { extends: row.extends }),
    ...(row.description === null ? {} : { description: row.description }),
    attributes: JSON.parse(row.attributes) as AssetModel['attributes'],
    measurements: JSON.parse(row.measurements) as AssetModel['measurements'],
  };
}

export function assetToRow(asset: Asset): AssetRow {
  return { path: asset.path, level: asset.level, name: asset.name, model: asset.model ?? null, attributes: JSON.stringify(asset.attributes) };
}

export function assetFromRow(row: AssetRow): Asset {
  return {
    path: row.path,
    level: row.level as HierarchyLevel,
    name: row.name,
    ...(row.model === null ? {} : { model: row.model }),
    attributes: JSON.parse(row.attributes) as Asset['attributes'],
  };
}
