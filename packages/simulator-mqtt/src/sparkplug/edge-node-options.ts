import { InputError } from '@shopfloor/model';
import { floatDataTypes, type FloatDataType } from './metric-types.ts';
import { topicLevelProblem } from './topics.ts';

export interface SparkplugEdgeNodeOptions {
  readonly url: string;
  readonly groupId: string;
  readonly edgeNodeId: string;
  /** One Sparkplug device per machine. */
  readonly devices: 'per-machine';
  /** When set, births wait until this host's STATE says online; its going offline ends the session (data is held). */
  readonly primaryHostId?: string;
  /** bdSeq of the first MQTT session (0–255); each later CONNECT takes the next. */
  readonly bdSeqStart?: number;
  /** A device's DDATA with more metrics is split into several messages. */
  readonly metricsPerMessage?: number;
  /** MQTT client id; `<groupId>-<edgeNodeId>` by default. */
  readonly clientId?: string;
  /** Metric values held while no session is up, for historical replay; beyond it the oldest give way (counted). */
  readonly maxHeldMetrics?: number;
  /** Datatype of `float` tags. */
  readonly floatDataType?: FloatDataType;
  /** Socket bytes not yet sent beyond which due metrics are coalesced into a later tick. */
  readonly maxBufferedBytes?: number;
  readonly reconnectPeriodMs?: number;
  readonly connectTimeoutMs?: number;
}

export const sparkplugEdgeNodeDefaults = {
  bdSeqStart: 0,
  metricsPerMessage: 500,
  maxHeldMetrics: 200_000,
  floatDataType: 'Double',
  maxBufferedBytes: 32 * 1024 * 1024,
  reconnectPeriodMs: 1_000,
  connectTimeoutMs: 10_000,
} as const;

export type ResolvedEdgeNodeOptions = Required<Omit<SparkplugEdgeNodeOptions, 'primaryHostId' | 'floatDataType'>> &
  Pick<SparkplugEdgeNodeOptions, 'primaryHostId'> & { readonly floatDataType: FloatDataType };

/** Options with defaults applied; an `InputError` (`SF_CONFIG_INVALID`) names the first bad key. */
export function resolveEdgeNodeOptions(options: SparkplugEdgeNodeOptions): ResolvedEdgeNodeOptions {
  const resolved = { ...sparkplugEdgeNodeDefaults, clientId: `${options.groupId}-${options.edgeNodeId}`, ...options };
  const fail = (key: string, message: string): never => {
    throw new InputError('SF_CONFIG_INVALID', `Sparkplug edge node ${key}: ${message}`);
  };
  for (const key of ['groupId', 'edgeNodeId', 'primaryHostId'] as const) {
    const value = resolved[key];
    const problem = value === undefined ? undefined : topicLevelProblem(value);
    if (problem !== undefined) fail(key, problem);
  }
  if (resolved.devices !== 'per-machine') fail('devices', `expected per-machine, found "${String(resolved.devices)}"`);
  if (!(Number.isInteger(resolved.bdSeqStart) && resolved.bdSeqStart >= 0 && resolved.bdSeqStart <= 255))
    fail('bdSeqStart', `expected an integer from 0 to 255, found ${resolved.bdSeqStart}`);
  if (!(floatDataTypes as readonly string[]).includes(resolved.floatDataType))
    fail('floatDataType', `expected ${floatDataTypes.join(' or ')}, found "${resolved.floatDataType}"`);
  if (resolved.clientId.length === 0) fail('clientId', 'is empty');
  if (!(Number.isInteger(resolved.maxHeldMetrics) && resolved.maxHeldMetrics >= 0))
    fail('maxHeldMetrics', `expected an integer ≥ 0, found ${resolved.maxHeldMetrics}`);
  for (const key of ['metricsPerMessage', 'maxBufferedBytes', 'reconnectPeriodMs', 'connectTimeoutMs'] as const) {
    const value = resolved[key];
    if (!(Number.isInteger(value) && value >= 1)) fail(key, `expected an integer ≥ 1, found ${value}`);
  }
  return resolved;
}
