import type { IConnackPacket } from 'mqtt-packet';
import { NotAllowedError, NotAuthenticatedError, UnavailableError } from '@shopfloor/model';
import type { ResolvedOptions } from './options.ts';
import { credentialRefusals, describeReason, permissionRefusals } from './reason-codes.ts';

export type ConnackOutcome =
  | {
      readonly accepted: true;
      readonly sessionPresent: boolean;
      /** The broker's Server Keep Alive when it sent one, else ours. */
      readonly keepaliveSeconds: number;
      /** How many QoS 1 publishes we may have unacknowledged towards the broker. */
      readonly brokerReceiveMaximum: number;
    }
  | { readonly accepted: false; readonly error: Error };

/** Reads a CONNACK: the session terms on success, an error naming the URL and reason on refusal. */
export function interpretConnack(packet: IConnackPacket, options: ResolvedOptions): ConnackOutcome {
  const code = packet.reasonCode ?? 0;
  if (code < 0x80) {
    return {
      accepted: true,
      sessionPresent: packet.sessionPresent,
      keepaliveSeconds: packet.properties?.serverKeepAlive ?? options.keepaliveSeconds,
      brokerReceiveMaximum: packet.properties?.receiveMaximum ?? 0xffff,
    };
  }
  const message = `MQTT broker ${options.url} refused client "${options.clientId}": ${describeReason(code, packet.properties?.reasonString)}`;
  if (credentialRefusals.has(code)) return { accepted: false, error: new NotAuthenticatedError(message) };
  if (permissionRefusals.has(code)) return { accepted: false, error: new NotAllowedError(message) };
  return { accepted: false, error: new UnavailableError('SF_BROKER_UNAVAILABLE', message) };
}
