import type { ISubackPacket, ISubscribePacket } from 'mqtt-packet';
import { InputError, NotAllowedError, UnavailableError } from '@shopfloor/model';
import type { DurableSubscription } from './options.ts';
import { subscribePacketId } from './outgoing-publishes.ts';
import { describeReason, permissionRefusals } from './reason-codes.ts';

/** Retain Handling 1: retained messages only when the subscription is new, so resubscribing is harmless. */
const sendRetainedIfNew = 1;
const configurationRefusals: ReadonlySet<number> = new Set([0x8f, 0x9e, 0xa1, 0xa2]);

/**
 * One SUBSCRIBE for every filter, sent after each CONNACK. With the session present this changes
 * nothing at the broker (and sends no retained messages again); without it, it recreates the
 * subscriptions; and filters added to the options since the session began are picked up either way.
 */
export function subscribePacket(subscriptions: readonly DurableSubscription[]): ISubscribePacket {
  return {
    cmd: 'subscribe',
    messageId: subscribePacketId,
    subscriptions: subscriptions.map((subscription) => ({ topic: subscription.filter, qos: subscription.qos, rh: sendRetainedIfNew })),
  };
}

export type SubscriptionProblem =
  | { readonly kind: 'refused'; readonly filter: string; readonly error: Error }
  | { readonly kind: 'downgraded'; readonly filter: string; readonly grantedQos: number };

/** Compares each granted code of a SUBACK with what was asked. */
export function subackProblems(packet: ISubackPacket, subscriptions: readonly DurableSubscription[], url: string): SubscriptionProblem[] {
  const problems: SubscriptionProblem[] = [];
  subscriptions.forEach((subscription, index) => {
    const code = packet.granted[index];
    const filter = subscription.filter;
    if (typeof code !== 'number') {
      const message = `MQTT broker ${url} sent no SUBACK code for subscription "${filter}"`;
      problems.push({ kind: 'refused', filter, error: new UnavailableError('SF_BROKER_UNAVAILABLE', message) });
    } else if (code >= 0x80) {
      const message = `MQTT broker ${url} refused subscription "${filter}": ${describeReason(code, packet.properties?.reasonString)}`;
      const error = permissionRefusals.has(code)
        ? new NotAllowedError(message)
        : configurationRefusals.has(code)
          ? new InputError('SF_CONFIG_INVALID', message)
          : new UnavailableError('SF_BROKER_UNAVAILABLE', message);
      problems.push({ kind: 'refused', filter, error });
    } else if (code < subscription.qos) {
      problems.push({ kind: 'downgraded', filter, grantedQos: code });
    }
  });
  return problems;
}
