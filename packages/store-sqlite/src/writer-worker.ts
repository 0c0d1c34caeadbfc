/**
 * Entry of the writer worker thread: owns the SQLite connection, so synchronous commits and
 * checkpoints never block the main event loop. One message in, one reply out, in order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { LogMeta } from '@shopfloor/engine';
import { BugError } from '@shopfloor/model';
import { BucketAccumulator } from './bucketing.ts';
import { PointReader } from './point-reader.ts';
import { PointWriter } from './point-writer.ts';
import type { WriterMessage, WriterOptions, WriterRequest } from './worker-protocol.ts';

const port = parentPort;
if (port === null) throw new BugError('writer-worker.js must run as a worker thread');
const options = workerData as WriterOptions;

function post(message: WriterMessage, transfer: ArrayBuffer[] = []): void {
  port?.postMessage(message, transfer);
}

function log(level: 'error' | 'warn' | 'info' | 'debug', message: string, meta: LogMeta = {}): void {
  post({ type: 'log', level, message, meta });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function open(): PointWriter | undefined {
  try {
    return new PointWriter(options, log);
  } catch (error) {
    post({ type: 'open-failed', message: messageOf(error) });
    return undefined;
  }
}

const writer = open();
if (writer !== undefined) {
  const reader = new PointReader(writer.database, writer.buffers);
  const timer = setInterval(() => writer.checkpointIfDue(), Math.max(100, Math.min(options.checkpointMs / 4, 1_000)));

  /** Handles one request; returns the result and the buffers to transfer with it. */
  const handle = (request: WriterRequest): [unknown, ArrayBuffer[]] => {
    switch (request.type) {
      case 'commit':
        return [writer.commit(request.columns, request.newSeries), []];
      case 'range': {
        const columns = reader.range(request.series, request.from, request.to, request.limit);
        return [columns, [columns.ts.buffer, columns.values.buffer, columns.quality.buffer]];
      }
      case 'downsample': {
        const flat = reader.buckets(request.series, request.from, request.to, BucketAccumulator.equalParts(request.from, request.to, request.buckets));
        return [flat, [flat.buffer]];
      }
      case 'aggregate': {
        const flat = reader.buckets(request.series, request.from, request.to, BucketAccumulator.alignedWindows(request.windowMs));
        return [flat, [flat.buffer]];
      }
      case 'latest': {
        const latest = reader.latest(request.series);
        return [latest, [latest.series.buffer, latest.ts.buffer, latest.values.buffer, latest.quality.buffer]];
      }
      case 'tags':
        return [reader.tags(), []];
      case 'checkpoint':
        writer.checkpoint();
        return [undefined, []];
      case 'retain':
        return [writer.retain(request.before, request.maxBytes), []];
      case 'close':
        clearInterval(timer);
        writer.close();
        return [undefined, []];
    }
  };

  port.on('message', (request: WriterRequest) => {
    try {
      const [result, transfer] = handle(request);
      post({ type: 'reply', id: request.id, ok: true, result }, transfer);
    } catch (error) {
      post({ type: 'reply', id: request.id, ok: false, message: messageOf(error) });
    }
    // After the reply: a due checkpoint must not add its chunk writes to this commit's ack latency.
    if (request.type === 'commit') writer.checkpointIfDue();
  });
  post({ type: 'ready', series: writer.series() });
}
