import type { Asset, AssetModel, Tag } from '@shopfloor/model';
import type { Closeable } from './closeable.ts';

/**
 * The persisted data model: ISA-95 hierarchy, asset models (templates with inheritance), asset
 * instances and tags. Mutations validate their input and change nothing when they refuse it.
 */
export interface Registry extends Closeable {
  listTags(filter?: string): Promise<Tag[]>;
  getTag(path: string): Promise<Tag | undefined>;
  /** Creates or updates tags (keyed by path). */
  upsertTags(tags: readonly Tag[]): Promise<void>;

  listModels(): Promise<AssetModel[]>;
  getModel(id: string): Promise<AssetModel | undefined>;
  /** The model with its inherited attributes and measurements folded in (parents first). */
  resolveModel(id: string): Promise<AssetModel | undefined>;
  upsertModel(model: AssetModel): Promise<void>;

  listAssets(under?: string): Promise<Asset[]>;
  getAsset(path: string): Promise<Asset | undefined>;
  /** Creates or updates an asset; its parent path must exist unless it is an enterprise. With a model, the model's measurements become tags under the asset. */
  upsertAsset(asset: Asset): Promise<void>;
}
