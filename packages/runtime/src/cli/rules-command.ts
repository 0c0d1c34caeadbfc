import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { parseRules, replayRules, summariseAlarmEvents, type AlarmSummary, type RuleAsset, type RuleDefinition } from '@shopfloor/alarms';
import { parseTime } from '@shopfloor/api';
import { createSilentLogger, type PointStore, type Registry } from '@shopfloor/engine';
import { InputError, matchesTagFilter, type AlarmEvent, type Point } from '@shopfloor/model';
import { createSqlitePointStore, createSqliteRegistry, sqlitePointStoreDefaults } from '@shopfloor/store-sqlite';

export interface RulesTestOptions {
  /** YAML with the rules: a rules file (`rules: [...]`) or a node configuration (its top-level `rules: [...]`). */
  readonly file: string;
  /** Only this rule of the file. */
  readonly rule?: string;
  /** Only this tag (default: every stored tag a selected rule applies to). */
  readonly tag?: string;
  /** Half-open window `[from, to)` in epoch ms. */
  readonly from: number;
  readonly to: number;
  /** Node data directory: history from `points.db`, assets (for model rules) from `model.db`. */
  readonly dataDir: string;
}

export interface RulesTestResult {
  readonly rules: readonly RuleDefinition[];
  readonly tags: readonly string[];
  readonly points: number;
  readonly events: readonly AlarmEvent[];
  readonly summary: readonly AlarmSummary[];
}

const pageSize = 100_000;

/**
 * `shopfloor rules test`: replays stored history through rules (a fresh engine in virtual time,
 * stale rules included) and returns what they would have raised. Read-only; open a stopped node's
 * data directory or a copy of it.
 */
export async function testRules(options: RulesTestOptions): Promise<RulesTestResult> {
  const rules = readRules(options.file, options.rule);
  const pointsFile = join(options.dataDir, 'points.db');
  if (!existsSync(pointsFile)) throw new InputError('SF_BAD_REQUEST', `no point store at ${pointsFile}: pass the node's data directory with --data-dir`);
  const logger = createSilentLogger();
  const modelFile = join(options.dataDir, 'model.db');
  const registry = existsSync(modelFile) ? await createSqliteRegistry({ file: modelFile }, { logger }) : undefined;
  const store = await createSqlitePointStore({ ...sqlitePointStoreDefaults, file: pointsFile }, { logger });
  try {
    const assets = registry === undefined ? [] : await readAssets(registry);
    return await replayFromStore(rules, assets, store, options);
  } finally {
    await store.close();
    await registry?.close();
  }
}

/** The replay itself, over any PointStore. */
export async function replayFromStore(
  rules: readonly RuleDefinition[],
  assets: readonly RuleAsset[],
  store: PointStore,
  window: { readonly from: number; readonly to: number; readonly tag?: string },
): Promise<RulesTestResult> {
  const applies = (tag: string): boolean =>
    rules.some((rule) =>
      'tags' in rule.target
        ? matchesTagFilter(rule.target.tags, tag)
        : assets.some(
            (asset) =>
              asset.modelChain.includes((rule.target as { model: string }).model) &&
              tag === `${asset.path}/${(rule.target as { measurement: string }).measurement}`,
          ),
    );
  let tags: string[];
  if (window.tag !== undefined) {
    if (!applies(window.tag)) throw new InputError('SF_BAD_REQUEST', `none of the selected rules applies to tag "${window.tag}"`);
    tags = [window.tag];
  } else tags = (await store.tags()).filter(applies).sort();
  const points: Point[] = [];
  for (const tag of tags) {
    for (let from = window.from; from < window.to;) {
      const page = await store.range(tag, { from, to: window.to }, { limit: pageSize });
      points.push(...page);
      if (page.length < pageSize) break;
      from = (page[page.length - 1] as Point).ts + 1;
    }
  }
  const selected = new Set(tags);
  // Model rules have alarms on every asset; only the tags asked for are reported.
  const events = replayRules(rules, assets, points, { from: window.from, until: window.to }).filter((event) => selected.has(event.alarm.tag));
  return { rules, tags, points: points.length, events, summary: summariseAlarmEvents(events, window.to) };
}

/** Reads `rules` (a rules file or a node configuration; `alarms.rules` is accepted too) and checks them; `only` picks one rule by id. */
export function readRules(file: string, only?: string): RuleDefinition[] {
  let parsed: unknown;
  try {
    parsed = parseYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new InputError('SF_CONFIG_INVALID', `${file}: cannot read the rules: ${(error as Error).message.split('\n')[0] ?? ''}`);
  }
  const root = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  const alarms = root['alarms'];
  const nested = typeof alarms === 'object' && alarms !== null && 'rules' in alarms;
  if (!('rules' in root) && !nested)
    throw new InputError('SF_CONFIG_INVALID', `${file}: no "rules" list (a rules file, or the top-level "rules" of a node configuration)`);
  const rules = nested ? parseRules((alarms as Record<string, unknown>)['rules'], file, ['alarms', 'rules']) : parseRules(root['rules'], file);
  if (only === undefined) return rules;
  const rule = rules.find((candidate) => candidate.id === only);
  if (rule === undefined)
    throw new InputError('SF_CONFIG_INVALID', `${file}: no rule "${only}" (rules: ${rules.map((candidate) => candidate.id).join(', ') || 'none'})`);
  return [rule];
}

/** Every asset with a model, with the chain of models it inherits from. */
export async function readAssets(registry: Registry): Promise<RuleAsset[]> {
  const parents = new Map((await registry.listModels()).map((model) => [model.id, model.extends]));
  const assets: RuleAsset[] = [];
  for (const asset of await registry.listAssets()) {
    if (asset.model === undefined) continue;
    const chain: string[] = [];
    for (let model: string | undefined = asset.model; model !== undefined && !chain.includes(model); model = parents.get(model)) chain.push(model);
    assets.push({ path: asset.path, modelChain: chain });
  }
  return assets;
}

/** The transitions as a table and the summary per alarm. */
export function renderRulesTest(result: RulesTestResult, window: { readonly from: number; readonly to: number }): string {
  const lines = [
    `${result.rules.length} rule${result.rules.length === 1 ? '' : 's'}, ${result.tags.length} tag${result.tags.length === 1 ? '' : 's'}, ${result.points} points from ${iso(window.from)} to ${iso(window.to)}`,
    '',
  ];
  if (result.events.length === 0) lines.push('no alarm would have been raised');
  else {
    const rows = result.events.map((event) => [
      iso(event.ts),
      `${event.alarm.rule} ${event.alarm.tag}`,
      `${event.from} → ${event.to}`,
      event.value === undefined ? '' : String(event.value),
    ]);
    lines.push(...table(['time', 'alarm', 'transition', 'value'], rows));
    lines.push('', 'summary');
    lines.push(
      ...table(
        ['alarm', 'activations', 'time in alarm', 'state at end'],
        result.summary.map((entry) => [`${entry.alarm.rule} ${entry.alarm.tag}`, String(entry.activations), duration(entry.timeInAlarmMs), entry.lastState]),
      ),
    );
  }
  return lines.join('\n');
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

function iso(ts: number): string {
  return new Date(ts).toISOString();
}

function duration(ms: number): string {
  if (ms < 1_000) return `${ms} ms`;
  if (ms < 120_000) return `${(ms / 1_000).toFixed(1)} s`;
  if (ms < 7_200_000) return `${(ms / 60_000).toFixed(1)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

/** `shopfloor rules test <file>`: the integrator adds it to bin.ts. */
export function addRulesCommand(program: Command): void {
  const rules = program.command('rules').description('Work with alarm rules.');
  rules
    .command('test')
    .description('Replay stored history through rules and print the alarm transitions they would have raised, with activations and time in alarm per alarm.')
    .argument('<file>', 'YAML with the rules: a rules file or a node configuration (both have a top-level rules: [...])')
    .option('--rule <id>', 'only this rule of the file')
    .option('--tag <tag>', 'only this tag (default: every stored tag a rule applies to)')
    .option('--from <time>', 'start: epoch ms, ISO 8601 or relative like -6h', '-24h')
    .option('--to <time>', 'end (default now)')
    .option('-d, --data-dir <dir>', 'data directory of the node (points.db, model.db); use a stopped node or a copy', './data')
    .option('--json', 'print the transitions and summary as JSON')
    .action(async (file: string, options: { rule?: string; tag?: string; from: string; to?: string; dataDir: string; json?: boolean }) => {
      const now = Date.now();
      const from = parseTime('from', options.from, now - 86_400_000, now);
      const to = parseTime('to', options.to, now, now);
      if (from >= to) throw new InputError('SF_TIME_RANGE_INVALID', `--from (${iso(from)}) must be before --to (${iso(to)})`);
      const result = await testRules({
        file,
        from,
        to,
        dataDir: options.dataDir,
        ...(options.rule === undefined ? {} : { rule: options.rule }),
        ...(options.tag === undefined ? {} : { tag: options.tag }),
      });
      process.stdout.write(
        options.json === true
          ? `${JSON.stringify({ tags: result.tags, points: result.points, events: result.events, summary: result.summary }, null, 2)}\n`
          : `${renderRulesTest(result, { from, to })}\n`,
      );
    });
}
