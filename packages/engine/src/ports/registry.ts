import type { Asset, AssetModel, Tag } from '@shopfloor/model';
import type { Closeable } from './closeable.ts';

/**
 * The persisted data model: ISA-95 hierarchy, asset models (templates with inheritance), asset
 * instances and tags. Mutations validate their input and change nothing when they refuse it.
 */
export interface Registry extends Closeable {
  listTags(filter?: string): Promise<Tag[]>;
  getTag(path: string): Promise<Tag | undefined>;
  /** Creates or replaces tags (keyed by path): the explicit edit. */
  upsertTags(tags: readonly Tag[]): Promise<void>;
  /**
   * Creates the tags whose path does not exist yet and leaves existing ones untouched (for
   * auto-registration, which must never overwrite a modelled tag). Resolves with the tags it
   * inserted. Refuses the whole list, changing nothing, when one tag is invalid.
   */
  addTags(tags: readonly Tag[]): Promise<Tag[]>;

  listModels(): Promise<AssetModel[]>;
  getModel(id: string): Promise<AssetModel | undefined>;
  /** The model with its inherited attributes and measurements folded in (parents first). */
  resolveModel(id: string): Promise<AssetModel | undefined>;
  upsertModel(model: AssetModel): Promise<void>;

  listAssets(under?: string): Promise<Asset[]>;
  getAsset(path: string): Promise<Asset | undefined>;
  /**
   * Creates or updates an asset; its parent path must exist unless it is an enterprise. With a
   * model, the model's measurements become tags under the asset (an existing tag keeps its source
   * binding). Resolves with the tags of the model's measurements as now stored (none without a
   * model), so the owner can refresh what it caches.
   */
  upsertAsset(asset: Asset): Promise<Tag[]>;
}
