import Database from 'better-sqlite3';
import type { Logger, Registry } from '@shopfloor/engine';
import { InputError, matchesTagFilter, tagFilterProblem, UnavailableError, type Asset, type AssetModel, type Tag } from '@shopfloor/model';
import type { SqliteRegistryConfig } from './config.ts';
import {
  assetFromRow,
  assetToRow,
  modelFromRow,
  modelToRow,
  registrySchema,
  tagFromRow,
  tagToRow,
  type AssetRow,
  type ModelRow,
  type TagRow,
} from './registry-rows.ts';
import { checkAsset, checkModel, checkTag, foldModels } from './registry-rules.ts';

export interface SqliteRegistryDeps {
  readonly logger: Logger;
}

/**
 * The Registry port on SQLite, on the main thread (metadata changes rarely). Each mutation is one
 * transaction that validates first: a refused input changes nothing.
 */
export class SqliteRegistry implements Registry {
  readonly #db: Database.Database;

  constructor(db: Database.Database) {
    this.#db = db;
  }

  async listTags(filter?: string): Promise<Tag[]> {
    if (filter === undefined) return this.#open().prepare<[], TagRow>('SELECT * FROM tags ORDER BY path').all().map(tagFromRow);
    const problem = tagFilterProblem(filter);
    if (problem !== undefined) throw new InputError('SF_TAG_FILTER_INVALID', `tag filter "${filter}" ${problem}`);
    const literal = filter.split('/');
    const wildcard = literal.findIndex((segment) => segment === '+' || segment === '#');
    const prefix = wildcard < 0 ? filter : literal.slice(0, wildcard).join('/');
    const rows = this.#open()
      .prepare<[string, string], TagRow>('SELECT * FROM tags WHERE path >= ? AND path < ? ORDER BY path')
      .all(prefix, `${prefix}\u{10FFFF}`);
    return rows.filter((row) => matchesTagFilter(filter, row.path)).map(tagFromRow);
  }

  async getTag(path: string): Promise<Tag | undefined> {
    const row = this.#open().prepare<[string], TagRow>('SELECT * FROM tags WHERE path = ?').get(path);
    return row === undefined ? undefined : tagFromRow(row);
  }

  async upsertTags(tags: readonly Tag[]): Promise<void> {
    const db = this.#open();
    const assetExists = (path: string): boolean => this.#asset(path) !== undefined;
    const upsert = db.prepare(
      'INSERT OR REPLACE INTO tags (path, data_type, unit, classification, description, source_protocol, source_address, asset) VALUES (@path, @data_type, @unit, @classification, @description, @source_protocol, @source_address, @asset)',
    );
    db.transaction(() => {
      for (const tag of tags) {
        checkTag(tag, assetExists);
        upsert.run(tagToRow(tag));
      }
    })();
  }

  async addTags(tags: readonly Tag[]): Promise<Tag[]> {
    const db = this.#open();
    const assetExists = (path: string): boolean => this.#asset(path) !== undefined;
    const insert = db.prepare(
      'INSERT INTO tags (path, data_type, unit, classification, description, source_protocol, source_address, asset) VALUES (@path, @data_type, @unit, @classification, @description, @source_protocol, @source_address, @asset) ON CONFLICT (path) DO NOTHING',
    );
    return db.transaction(() => {
      for (const tag of tags) checkTag(tag, assetExists);
      const inserted: Tag[] = [];
      for (const tag of tags) {
        const row = tagToRow(tag);
        if (insert.run(row).changes > 0) inserted.push(tagFromRow(row));
      }
      return inserted;
    })();
  }

  async listModels(): Promise<AssetModel[]> {
    return this.#open().prepare<[], ModelRow>('SELECT * FROM asset_models ORDER BY id').all().map(modelFromRow);
  }

  async getModel(id: string): Promise<AssetModel | undefined> {
    return this.#model(id);
  }

  async resolveModel(id: string): Promise<AssetModel | undefined> {
    return this.#resolve(id);
  }

  async upsertModel(model: AssetModel): Promise<void> {
    const db = this.#open();
    db.transaction(() => {
      checkModel(model, (id) => {
        const stored = this.#model(id);
        return stored === undefined ? undefined : (stored.extends ?? null);
      });
      db.prepare(
        'INSERT OR REPLACE INTO asset_models (id, name, extends, description, attributes, measurements) VALUES (@id, @name, @extends, @description, @attributes, @measurements)',
      ).run(modelToRow(model));
    })();
  }

  async listAssets(under?: string): Promise<Asset[]> {
    const db = this.#open();
    if (under === undefined) return db.prepare<[], AssetRow>('SELECT * FROM assets ORDER BY path').all().map(assetFromRow);
    return db
      .prepare<[string, string], AssetRow>('SELECT * FROM assets WHERE path > ? AND path < ? ORDER BY path')
      .all(`${under}/`, `${under}/\u{10FFFF}`)
      .map(assetFromRow);
  }

  async getAsset(path: string): Promise<Asset | undefined> {
    return this.#asset(path);
  }

  async upsertAsset(asset: Asset): Promise<Tag[]> {
    const db = this.#open();
    return db.transaction((): Tag[] => {
      const model = checkAsset(asset, {
        asset: (path) => this.#asset(path),
        children: (path) =>
          db
            .prepare<[{ low: string; high: string; skip: number }], AssetRow>(
              "SELECT * FROM assets WHERE path > @low AND path < @high AND instr(substr(path, @skip), '/') = 0",
            )
            .all({ low: `${path}/`, high: `${path}/\u{10FFFF}`, skip: path.length + 2 })
            .map(assetFromRow),
        resolvedModel: (id) => this.#resolve(id),
      });
      db.prepare('INSERT OR REPLACE INTO assets (path, level, name, model, attributes) VALUES (@path, @level, @name, @model, @attributes)').run(
        assetToRow(asset),
      );
      if (model === undefined) return [];
      const tags: Tag[] = model.measurements.map((measurement) => ({
        path: `${asset.path}/${measurement.name}`,
        dataType: measurement.dataType,
        classification: measurement.classification ?? 'internal',
        asset: asset.path,
        ...(measurement.unit === undefined ? {} : { unit: measurement.unit }),
        ...(measurement.description === undefined ? {} : { description: measurement.description }),
      }));
      const upsert = db.prepare(
        `INSERT INTO tags (path, data_type, unit, classification, description, asset) VALUES (@path, @data_type, @unit, @classification, @description, @asset)
         ON CONFLICT (path) DO UPDATE SET data_type = excluded.data_type, unit = excluded.unit, classification = excluded.classification,
           description = excluded.description, asset = excluded.asset`,
      );
      for (const tag of tags) {
        checkTag(tag, () => true);
        const row = tagToRow(tag);
        upsert.run({
          path: row.path,
          data_type: row.data_type,
          unit: row.unit,
          classification: row.classification,
          description: row.description,
          asset: row.asset,
        });
      }
      const stored = db.prepare<[string], TagRow>('SELECT * FROM tags WHERE path = ?');
      return tags.map((tag) => tagFromRow(stored.get(tag.path) as TagRow));
    })();
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }

  #open(): Database.Database {
    if (!this.#db.open) throw new UnavailableError('SF_STORE_UNAVAILABLE', 'registry is closed');
    return this.#db;
  }

  #asset(path: string): Asset | undefined {
    const row = this.#open().prepare<[string], AssetRow>('SELECT * FROM assets WHERE path = ?').get(path);
    return row === undefined ? undefined : assetFromRow(row);
  }

  #model(id: string): AssetModel | undefined {
    const row = this.#open().prepare<[string], ModelRow>('SELECT * FROM asset_models WHERE id = ?').get(id);
    return row === undefined ? undefined : modelFromRow(row);
  }

  #resolve(id: string): AssetModel | undefined {
    const chain: AssetModel[] = [];
    const seen = new Set<string>();
    for (
      let model = this.#model(id);
      model !== undefined && !seen.has(model.id);
      model = model.extends === undefined ? undefined : this.#model(model.extends)
    ) {
      seen.add(model.id);
      chain.unshift(model);
    }
    return foldModels(chain);
  }
}

/** Opens (or creates) the registry database and its schema. */
export async function createSqliteRegistry(config: SqliteRegistryConfig, deps: SqliteRegistryDeps): Promise<SqliteRegistry> {
  const db = new Database(config.file);
  try {
    if (config.file !== ':memory:') db.pragma('journal_mode = WAL');
    db.exec(registrySchema);
  } catch (error) {
    db.close();
    throw new UnavailableError(
      'SF_STORE_UNAVAILABLE',
      `registry "${config.file}" could not be opened: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  deps.logger.info('registry opened', { file: config.file });
  return new SqliteRegistry(db);
}
