import {
  classifications,
  dataTypes,
  hierarchyLevels,
  InputError,
  tagPathLimits,
  tagPathProblem,
  tagSegmentPattern,
  type Asset,
  type AssetModel,
  type Tag,
} from '@shopfloor/model';

const levelOrder = hierarchyLevels.join(' > ');

export function checkTag(tag: Tag, assetExists: (path: string) => boolean): void {
  const problem = typeof tag.path === 'string' ? tagPathProblem(tag.path) : 'is not a string';
  if (problem !== undefined) throw new InputError('SF_TAG_PATH_INVALID', `tag path ${JSON.stringify(tag.path)} ${problem}`);
  if (!(dataTypes as readonly string[]).includes(tag.dataType)) {
    throw new InputError('SF_BAD_REQUEST', `tag "${tag.path}": dataType ${JSON.stringify(tag.dataType)} is not one of ${dataTypes.join(', ')}`);
  }
  if (!(classifications as readonly string[]).includes(tag.classification)) {
    throw new InputError(
      'SF_BAD_REQUEST',
      `tag "${tag.path}": classification ${JSON.stringify(tag.classification)} is not one of ${classifications.join(', ')}`,
    );
  }
  if (tag.asset !== undefined && !assetExists(tag.asset)) throw new InputError('SF_ASSET_NOT_FOUND', `tag "${tag.path}": asset "${tag.asset}" does not exist`);
}

/** `parentOf(id)` is the stored model's `extends`, `null` when it has none, `undefined` when there is no such model. */
export function checkModel(model: AssetModel, parentOf: (id: string) => string | null | undefined): void {
  if (typeof model.id !== 'string' || !tagSegmentPattern.test(model.id)) {
    throw new InputError('SF_MODEL_INVALID', `asset model id ${JSON.stringify(model.id)} must be 1–64 letters, digits, "_", "-", "." or ":"`);
  }
  if (typeof model.name !== 'string' || model.name.length === 0) throw new InputError('SF_MODEL_INVALID', `asset model "${model.id}": name is empty`);
  checkDefinitions(model, 'attributes', model.attributes);
  checkDefinitions(model, 'measurements', model.measurements);
  for (const measurement of model.measurements) {
    if (!tagSegmentPattern.test(measurement.name)) {
      throw new InputError('SF_MODEL_INVALID', `asset model "${model.id}": measurement name "${measurement.name}" must be a valid tag path segment`);
    }
    if (measurement.classification !== undefined && !(classifications as readonly string[]).includes(measurement.classification)) {
      throw new InputError(
        'SF_MODEL_INVALID',
        `asset model "${model.id}": measurement "${measurement.name}" has classification ${JSON.stringify(measurement.classification)}`,
      );
    }
  }
  if (model.extends === undefined) return;
  if (parentOf(model.extends) === undefined && model.extends !== model.id) {
    throw new InputError('SF_MODEL_NOT_FOUND', `asset model "${model.id}": extends "${model.extends}", which does not exist`);
  }
  const chain = [model.id];
  for (let current: string | null | undefined = model.extends; typeof current === 'string'; current = parentOf(current)) {
    chain.push(current);
    if (current === model.id) throw new InputError('SF_MODEL_CYCLE', `asset model "${model.id}": extends would form a cycle (${chain.join(' → ')})`);
    if (chain.length > 1_000) break;
  }
}

function checkDefinitions(model: AssetModel, field: 'attributes' | 'measurements', definitions: readonly { name: string; dataType: string }[]): void {
  if (!isList(definitions)) throw new InputError('SF_MODEL_INVALID', `asset model "${model.id}": ${field} must be a list`);
  const names = new Set<string>();
  for (const definition of definitions) {
    if (typeof definition.name !== 'string' || definition.name.length === 0)
      throw new InputError('SF_MODEL_INVALID', `asset model "${model.id}": ${field} has an entry without a name`);
    if (names.has(definition.name)) throw new InputError('SF_MODEL_INVALID', `asset model "${model.id}": ${field} defines "${definition.name}" twice`);
    names.add(definition.name);
    if (!(dataTypes as readonly string[]).includes(definition.dataType)) {
      throw new InputError(
        'SF_MODEL_INVALID',
        `asset model "${model.id}": ${field} "${definition.name}" has dataType ${JSON.stringify(definition.dataType)}, not one of ${dataTypes.join(', ')}`,
      );
    }
  }
}

/** Array.isArray without narrowing to any[]. */
function isList(value: unknown): boolean {
  return Array.isArray(value);
}

export interface AssetLookups {
  asset(path: string): Asset | undefined;
  children(path: string): Asset[];
  /** The model with inherited definitions folded in, undefined when it does not exist. */
  resolvedModel(id: string): AssetModel | undefined;
}

export function parentPathOf(path: string): string | undefined {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? undefined : path.slice(0, slash);
}

/** Checks an asset against the ISA-95 hierarchy and its model; returns the resolved model, if any. */
export function checkAsset(asset: Asset, lookups: AssetLookups): AssetModel | undefined {
  const segments = typeof asset.path === 'string' ? asset.path.split('/') : [];
  if (segments.length === 0 || segments.length > tagPathLimits.maxSegments || !segments.every((segment) => tagSegmentPattern.test(segment))) {
    throw new InputError('SF_ASSET_INVALID', `asset path ${JSON.stringify(asset.path)} must be 1–12 segments of letters, digits, "_", "-", "." or ":"`);
  }
  const level = hierarchyLevels.indexOf(asset.level);
  if (level < 0)
    throw new InputError('SF_ASSET_INVALID', `asset "${asset.path}": level ${JSON.stringify(asset.level)} is not one of ${hierarchyLevels.join(', ')}`);
  if (typeof asset.name !== 'string' || asset.name.length === 0) throw new InputError('SF_ASSET_INVALID', `asset "${asset.path}": name is empty`);
  const attributes: unknown = asset.attributes;
  if (typeof attributes !== 'object' || attributes === null || Array.isArray(attributes))
    throw new InputError('SF_ASSET_INVALID', `asset "${asset.path}": attributes must be an object`);
  for (const [name, value] of Object.entries(attributes)) {
    if (!['string', 'number', 'boolean'].includes(typeof value))
      throw new InputError('SF_ASSET_INVALID', `asset "${asset.path}": attribute "${name}" must be a string, number or boolean`);
  }
  const parentPath = parentPathOf(asset.path);
  if (asset.level === 'enterprise') {
    if (parentPath !== undefined)
      throw new InputError('SF_ASSET_INVALID', `asset "${asset.path}": an enterprise is the top of the hierarchy, so its path must be a single segment`);
  } else {
    const parent = parentPath === undefined ? undefined : lookups.asset(parentPath);
    if (parentPath === undefined || parent === undefined) {
      throw new InputError(
        'SF_ASSET_NOT_FOUND',
        `asset "${asset.path}": parent "${parentPath ?? ''}" does not exist; a ${asset.level} sits under an existing asset`,
      );
    }
    if (hierarchyLevels.indexOf(parent.level) >= level) {
      throw new InputError(
        'SF_ASSET_INVALID',
        `asset "${asset.path}": a ${asset.level} cannot sit under the ${parent.level} "${parent.path}" (ISA-95 order: ${levelOrder})`,
      );
    }
  }
  for (const child of lookups.children(asset.path)) {
    if (hierarchyLevels.indexOf(child.level) <= level) {
      throw new InputError(
        'SF_ASSET_INVALID',
        `asset "${asset.path}": cannot be a ${asset.level} while its child "${child.path}" is a ${child.level} (ISA-95 order: ${levelOrder})`,
      );
    }
  }
  if (asset.model === undefined) return undefined;
  const model = lookups.resolvedModel(asset.model);
  if (model === undefined) throw new InputError('SF_MODEL_NOT_FOUND', `asset "${asset.path}": model "${asset.model}" does not exist`);
  for (const attribute of model.attributes) {
    const value = asset.attributes[attribute.name];
    if (value === undefined || fits(attribute.dataType, value)) continue;
    throw new InputError(
      'SF_ASSET_INVALID',
      `asset "${asset.path}": attribute "${attribute.name}" of model "${model.id}" holds ${attribute.dataType} values; got ${JSON.stringify(value)}`,
    );
  }
  return model;
}

function fits(dataType: string, value: string | number | boolean): boolean {
  if (dataType === 'float') return typeof value === 'number' && Number.isFinite(value);
  if (dataType === 'int') return Number.isInteger(value);
  if (dataType === 'bool') return typeof value === 'boolean';
  return typeof value === 'string';
}

/** Folds a model chain (root first): a definition of a child replaces the parent's of the same name, in place. */
export function foldModels(chain: readonly AssetModel[]): AssetModel | undefined {
  const own = chain[chain.length - 1];
  if (own === undefined) return undefined;
  const attributes = new Map<string, AssetModel['attributes'][number]>();
  const measurements = new Map<string, AssetModel['measurements'][number]>();
  for (const model of chain) {
    for (const attribute of model.attributes) attributes.set(attribute.name, attribute);
    for (const measurement of model.measurements) measurements.set(measurement.name, measurement);
  }
  return { ...own, attributes: [...attributes.values()], measurements: [...measurements.values()] };
}
