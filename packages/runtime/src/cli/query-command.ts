import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';

interface QueryOptions {
  url: string;
  token?: string;
  dataDir: string;
  from?: string;
  to?: string;
  buckets?: string;
  latest?: boolean;
  limit?: string;
  json?: boolean;
}

interface Bucket {
  start: number;
  min: number;
  max: number;
  avg: number;
  count: number;
}

const sparkBlocks = '▁▂▃▄▅▆▇█';

export function addQueryCommand(program: Command): void {
  program
    .command('query')
    .description('Read a running node through its API: history of a tag (raw or downsampled, with a chart), or latest values by UNS filter.')
    .argument('<tag-or-filter>', 'a tag path, or with --latest a filter such as "acme/plant1/#"')
    .option('--url <url>', 'API of the node', 'http://127.0.0.1:8080')
    .option('--token <token>', 'API token (default: $SHOPFLOOR_TOKEN, else <data-dir>/admin-token)')
    .option('-d, --data-dir <dir>', 'data directory of a local demo, for its admin-token file', './data')
    .option('--from <time>', 'start: epoch ms, ISO 8601 or relative like -15m (default -1h)')
    .option('--to <time>', 'end (default now)')
    .option('--buckets <n>', 'downsample into n buckets (min/avg/max) instead of raw points')
    .option('--limit <n>', 'at most n raw points', '1000')
    .option('--latest', 'latest values of the tags that match the filter')
    .option('--json', 'print the API response as JSON')
    .action(async (target: string, options: QueryOptions) => {
      const token = options.token ?? process.env['SHOPFLOOR_TOKEN'] ?? readTokenFile(options.dataDir);
      if (token === undefined) throw new Error(`no API token: pass --token, set SHOPFLOOR_TOKEN, or run where ${join(options.dataDir, 'admin-token')} exists`);
      const query = new URLSearchParams();
      let path: string;
      if (options.latest === true) {
        path = '/api/v1/latest';
        query.set('filter', target);
      } else {
        path = '/api/v1/history';
        query.set('tag', target);
        query.set('from', options.from ?? '-1h');
        if (options.to !== undefined) query.set('to', options.to);
        if (options.buckets !== undefined) query.set('buckets', options.buckets);
        else if (options.limit !== undefined) query.set('limit', options.limit);
      }
      const response = await fetch(`${options.url}${path}?${query.toString()}`, { headers: { authorization: `Bearer ${token}` } }).catch((error: unknown) => {
        throw new Error(`cannot reach the API at ${options.url}: ${(error as Error).message} (is a node running? see --url)`);
      });
      const body = (await response.json()) as Record<string, unknown>;
      if (!response.ok) {
        const error = body['error'] as { code: string; message: string } | undefined;
        throw new Error(`${response.status} ${error?.code ?? ''}: ${error?.message ?? JSON.stringify(body)}`);
      }
      if (options.json === true) {
        process.stdout.write(JSON.stringify(body, null, 2) + '\n');
        return;
      }
      process.stdout.write(render(body) + '\n');
    });
}

function render(body: Record<string, unknown>): string {
  const lines: string[] = [];
  if (Array.isArray(body['buckets'])) {
    const buckets = body['buckets'] as Bucket[];
    if (buckets.length === 0) return `${String(body['tag'])}: no data in this range`;
    const lows = Math.min(...buckets.map((bucket) => bucket.min));
    const highs = Math.max(...buckets.map((bucket) => bucket.max));
    const spark = buckets.map((bucket) => sparkBlocks[Math.round(((bucket.avg - lows) / (highs - lows || 1)) * (sparkBlocks.length - 1))] ?? ' ').join('');
    lines.push(`${String(body['tag'])}  min ${fmt(lows)}  max ${fmt(highs)}  (${buckets.length} buckets)`, spark, '');
    lines.push('start                      count        min        avg        max');
    for (const bucket of buckets)
      lines.push(
        `${new Date(bucket.start).toISOString()}  ${String(bucket.count).padStart(6)} ${fmt(bucket.min).padStart(10)} ${fmt(bucket.avg).padStart(10)} ${fmt(bucket.max).padStart(10)}`,
      );
    return lines.join('\n');
  }
  const points = (body['points'] ?? []) as { tag?: string; ts: number; value: unknown; quality: string }[];
  if (points.length === 0) return 'no data';
  for (const point of points)
    lines.push(
      `${new Date(point.ts).toISOString()}  ${point.tag !== undefined ? `${point.tag}  ` : ''}${JSON.stringify(point.value)}${point.quality === 'good' ? '' : `  (${point.quality})`}`,
    );
  if (body['next'] !== undefined) lines.push(`… more: --from ${String((body['next'] as { from: number }).from)}`);
  return lines.join('\n');
}

function fmt(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(3);
}

function readTokenFile(dataDir: string): string | undefined {
  const file = join(dataDir, 'admin-token');
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
}
