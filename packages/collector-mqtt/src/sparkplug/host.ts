import type { Logger } from '@shopfloor/engine';
import type { Decoded } from '@shopfloor/model';
import { checkSparkplugHostConfig, sparkplugHostDefaults, type SparkplugHostConfig } from './config.ts';
import { emptyDecoded, type HandlerContext, type SparkplugMessage } from './handlers/context.ts';
import { handleDbirth } from './handlers/dbirth.ts';
import { handleDdata } from './handlers/ddata.ts';
import { handleDdeath } from './handlers/ddeath.ts';
import { handleNbirth } from './handlers/nbirth.ts';
import { handleNdata } from './handlers/ndata.ts';
import { handleNdeath } from './handlers/ndeath.ts';
import { decodeSparkplugPayload } from './payload.ts';
import { rebirthCommand } from './rebirth.ts';
import { emptyMetricTable, type EdgeNodeSession } from './session.ts';
import { stateOnline, stateOnlineFlag, stateWill, type StateMessage } from './state-message.ts';
import { sparkplugTagBase } from './tag-path.ts';
import { parseSparkplugTopic, type DeviceTopic, type NodeTopic } from './topic.ts';

export interface PublishOptions {
  readonly qos: 0 | 1;
  readonly retain: boolean;
}

export interface SparkplugHostDeps {
  /** Publishes on the broker the host is connected to; fire and forget. */
  readonly publish: (topic: string, payload: Buffer | string, options: PublishOptions) => void;
  readonly logger: Logger;
  readonly now: () => number;
}

export interface DeviceStatus {
  readonly device: string;
  readonly online: boolean;
}

export interface EdgeNodeStatus {
  readonly group: string;
  readonly edgeNode: string;
  readonly online: boolean;
  readonly bdSeq?: number;
  readonly lastSeq?: number;
  readonly seqGaps: number;
  readonly rebirthsRequested: number;
  readonly rebirthPending: boolean;
  readonly devices: readonly DeviceStatus[];
}

export interface SparkplugHostStatus {
  readonly hostId: string;
  readonly rebirthsRequested: number;
  /** Sorted by group, then edge node. */
  readonly edgeNodes: readonly EdgeNodeStatus[];
}

export interface SparkplugHost {
  /** Decodes one message of a `sparkplugHostTopics` topic into points and rejections; never throws. */
  handle(topic: string, payload: Buffer, receivedAt: number): Decoded;
  /**
   * Starts a host session: call before each MQTT (re)connect and register the returned STATE Death
   * Certificate as that connection's Will. Sparkplug 3.0 wants the Will and the online STATE that
   * follows to carry the same timestamp, and each new connection a newer one (edge nodes ignore a
   * STATE older than one they have seen): a `timestamp` not after the previous session's is moved to
   * 1 ms after it. Until the first call, a provisional session begun at creation (`deps.now()`)
   * applies; the first call replaces it as given unless its STATE was already used (`will` read, or
   * `onConnected` called).
   */
  beginSession(timestamp: number): StateMessage;
  /** The STATE Death Certificate of the current session (what `beginSession` last returned). */
  readonly will: StateMessage;
  /** Call once connected and subscribed: publishes the STATE Birth Certificate (online, retained, QoS 1) with the session's timestamp. */
  onConnected(): void;
  status(): SparkplugHostStatus;
}

/** At the edge node limit, at most one warning per this long (with the count refused so far). */
const limitWarningIntervalMs = 60_000;

/**
 * A Sparkplug B 3.0 host application as a state machine over received messages: per edge node it
 * keeps bdSeq, seq, the alias tables of node and devices and the last values, and asks for a
 * Rebirth (debounced) when it cannot make sense of what arrives. The transport is injected.
 * State is only allocated by NBIRTH, for at most `maxEdgeNodes` edge nodes.
 */
export function createSparkplugHost(config: SparkplugHostConfig, deps: SparkplugHostDeps): SparkplugHost {
  checkSparkplugHostConfig(config);
  const { hostId, tagPrefix } = config;
  const rebirthDebounceMs = config.rebirthDebounceMs ?? sparkplugHostDefaults.rebirthDebounceMs;
  const rebirthTimeoutMs = config.rebirthTimeoutMs ?? sparkplugHostDefaults.rebirthTimeoutMs;
  const maxEdgeNodes = config.maxEdgeNodes ?? sparkplugHostDefaults.maxEdgeNodes;
  const groups = config.groupFilter === undefined ? undefined : new Set(config.groupFilter);
  const logger = deps.logger.child({ sparkplugHost: hostId });
  /** Edge nodes whose NBIRTH was seen, by `group/edgeNode`; at most `maxEdgeNodes`. */
  const sessions = new Map<string, EdgeNodeSession>();
  /** Rebirths asked of edge nodes without a session (data before any NBIRTH), oldest first; at most `maxEdgeNodes`. */
  const unbornRebirths = new Map<string, { at: number; count: number }>();
  let sessionTimestamp = deps.now();
  /** The session begun at creation, as long as nothing of it was handed out. */
  let provisional = true;
  let will = stateWill(hostId, sessionTimestamp);
  let online = stateOnline(hostId, sessionTimestamp);
  let rebirthsRequested = 0;
  let refusedNodes = 0;
  let limitWarnedAt: number | undefined;

  function publish(message: { topic: string; payload: Buffer | string }, options: PublishOptions): void {
    try {
      deps.publish(message.topic, message.payload, options);
    } catch (error) {
      logger.warn('publishing failed', { topic: message.topic, error: error instanceof Error ? error.message : String(error) });
    }
  }

  function warnAtLimit(group: string, edgeNode: string): void {
    refusedNodes += 1;
    const now = deps.now();
    if (limitWarnedAt !== undefined && now - limitWarnedAt < limitWarningIntervalMs) return;
    limitWarnedAt = now;
    logger.warn('edge node limit reached: the NBIRTH of a new edge node is refused', { maxEdgeNodes, group, edgeNode, refusedSoFar: refusedNodes });
  }

  const context: HandlerContext = {
    tagPrefix,
    findSession: (group, edgeNode) => sessions.get(`${group}/${edgeNode}`),
    createSession(group, edgeNode) {
      if (sessions.size >= maxEdgeNodes) {
        warnAtLimit(group, edgeNode);
        return undefined;
      }
      const key = `${group}/${edgeNode}`;
      const unborn = unbornRebirths.get(key);
      unbornRebirths.delete(key);
      const session: EdgeNodeSession = {
        group,
        edgeNode,
        tagBase: sparkplugTagBase(tagPrefix, group, edgeNode),
        logger: logger.child({ group, edgeNode }),
        online: false,
        bdSeq: undefined,
        lastSeq: undefined,
        seqGaps: 0,
        metrics: emptyMetricTable(),
        devices: new Map(),
        rebirthPending: false,
        lastRebirthAt: unborn?.at,
        rebirthsRequested: unborn?.count ?? 0,
      };
      sessions.set(key, session);
      return session;
    },
    untrackedReason: () => (sessions.size >= maxEdgeNodes ? `the host already tracks ${maxEdgeNodes} edge nodes, its limit` : undefined),
    checkSeq(session, seq) {
      const expected = session.lastSeq === undefined ? 0 : (session.lastSeq + 1) % 256;
      if (seq !== expected) {
        session.seqGaps += 1;
        requestSessionRebirth(session, seq === undefined ? 'a message without seq' : `seq ${seq} where ${expected} was expected`);
      }
      if (seq !== undefined) session.lastSeq = seq % 256;
    },
    requestRebirth(group, edgeNode, reason) {
      const key = `${group}/${edgeNode}`;
      const session = sessions.get(key);
      if (session !== undefined) return requestSessionRebirth(session, reason);
      // No session: the NBIRTH answering would be refused at the limit, so do not ask for it.
      if (sessions.size >= maxEdgeNodes) return;
      const now = deps.now();
      const unborn = unbornRebirths.get(key);
      // Such a request stays pending until an NBIRTH: the debounce window and the timeout both apply.
      if (unborn !== undefined && now - unborn.at < Math.max(rebirthDebounceMs, rebirthTimeoutMs)) return;
      sendRebirth(group, edgeNode, now);
      unbornRebirths.delete(key); // re-inserted last: the map stays ordered oldest first
      unbornRebirths.set(key, { at: now, count: (unborn?.count ?? 0) + 1 });
      if (unbornRebirths.size > maxEdgeNodes) unbornRebirths.delete(unbornRebirths.keys().next().value as string);
      logger.info('rebirth requested', { group, edgeNode, reason });
    },
  };

  function requestSessionRebirth(session: EdgeNodeSession, reason: string): void {
    const now = deps.now();
    const last = session.lastRebirthAt;
    if (last !== undefined && now - last < rebirthDebounceMs) return;
    if (session.rebirthPending && last !== undefined && now - last < rebirthTimeoutMs) return;
    sendRebirth(session.group, session.edgeNode, now);
    session.rebirthPending = true;
    session.lastRebirthAt = now;
    session.rebirthsRequested += 1;
    session.logger.info('rebirth requested', { reason });
  }

  function sendRebirth(group: string, edgeNode: string, now: number): void {
    publish(rebirthCommand(group, edgeNode, now), { qos: 0, retain: false });
    rebirthsRequested += 1;
  }

  function dispatch(topic: string, payload: Buffer, receivedAt: number): Decoded {
    const address = parseSparkplugTopic(topic);
    const receive = <Address extends NodeTopic | DeviceTopic>(
      to: Address,
      handler: (context: HandlerContext, message: SparkplugMessage<Address>) => Decoded,
    ): Decoded => {
      if (groups !== undefined && !groups.has(to.group)) return emptyDecoded();
      const decoding = decodeSparkplugPayload(payload);
      if (decoding.type === 'malformed') {
        return { accepted: [], rejected: [{ reason: 'malformed-payload', input: topic, detail: `${to.type} payload ${decoding.problem}`, count: 1 }] };
      }
      return handler(context, { topic, address: to, payload: decoding.payload, receivedAt });
    };
    switch (address.type) {
      case 'invalid':
        return { accepted: [], rejected: [{ reason: 'bad-topic', input: topic, detail: address.problem, count: 1 }] };
      case 'STATE':
        if (address.hostId === hostId && stateOnlineFlag(payload) === false) {
          logger.warn('found this host marked offline in STATE while connected; publishing online again');
          publish(online, { qos: 1, retain: true });
        }
        return emptyDecoded();
      case 'NCMD':
      case 'DCMD':
        return emptyDecoded(); // commands are for edge nodes
      case 'NBIRTH':
        return receive(address, handleNbirth);
      case 'NDATA':
        return receive(address, handleNdata);
      case 'NDEATH':
        return receive(address, handleNdeath);
      case 'DBIRTH':
        return receive(address, handleDbirth);
      case 'DDATA':
        return receive(address, handleDdata);
      case 'DDEATH':
        return receive(address, handleDdeath);
    }
  }

  return {
    beginSession(timestamp) {
      sessionTimestamp = provisional || timestamp > sessionTimestamp ? timestamp : sessionTimestamp + 1;
      provisional = false;
      will = stateWill(hostId, sessionTimestamp);
      online = stateOnline(hostId, sessionTimestamp);
      return will;
    },
    get will() {
      provisional = false;
      return will;
    },
    handle(topic, payload, receivedAt) {
      try {
        return dispatch(topic, payload, receivedAt);
      } catch (error) {
        // A bug, not bad input; the message is still counted so that nothing goes missing silently.
        const message = error instanceof Error ? error.message : String(error);
        logger.error('a Sparkplug message could not be handled', { topic, error: message });
        return { accepted: [], rejected: [{ reason: 'malformed-payload', input: topic, detail: `could not be handled: ${message}`, count: 1 }] };
      }
    },
    onConnected() {
      provisional = false;
      publish(online, { qos: 1, retain: true });
      logger.info('STATE online published', { timestamp: sessionTimestamp });
    },
    status() {
      const edgeNodes = [...sessions.values()].map(edgeNodeStatus);
      edgeNodes.sort((a, b) => a.group.localeCompare(b.group) || a.edgeNode.localeCompare(b.edgeNode));
      return { hostId, rebirthsRequested, edgeNodes };
    },
  };
}

function edgeNodeStatus(session: EdgeNodeSession): EdgeNodeStatus {
  return {
    group: session.group,
    edgeNode: session.edgeNode,
    online: session.online,
    ...(session.bdSeq === undefined ? {} : { bdSeq: session.bdSeq }),
    ...(session.lastSeq === undefined ? {} : { lastSeq: session.lastSeq }),
    seqGaps: session.seqGaps,
    rebirthsRequested: session.rebirthsRequested,
    rebirthPending: session.rebirthPending,
    devices: [...session.devices.values()].map((device) => ({ device: device.device, online: device.online })),
  };
}
