export {
  uplinkConfigSchema,
  uplinkDefaults,
  uplinkJetStreamDefaults,
  uplinkReceiverConfigSchema,
  uplinkReceiverDefaults,
  uplinkReceiverJetStreamDefaults,
  edgeIdPattern,
} from './config.ts';
export type { UplinkConfig, UplinkTransportConfig, UplinkReceiverConfig } from './config.ts';
export { createUplink } from './edge/create-uplink.ts';
export type { Uplink, UplinkDeps, ControlHandler } from './edge/create-uplink.ts';
export type { ControlRequest, ControlReply } from './edge/edge-transport.ts';
export type { UplinkStats } from './edge/worker-protocol.ts';
export type { DropCount } from './outbox/outbox-schema.ts';
export type { DropReport } from './outbox/outbox-store.ts';
export { startUplinkReceiver } from './hub/start-receiver.ts';
export type { UplinkReceiver } from './hub/start-receiver.ts';
export { uplinkSourceProtocol } from './hub/receiver-core.ts';
export type { UplinkSink, UplinkSource, UplinkReceiverDeps, UplinkReceiverStats, EdgeStatusMessage } from './hub/receiver-core.ts';
export type { EdgeSummary } from './hub/receiver-store.ts';
export { uplinkClasses, messageKinds, wireVersion } from './wire/message.ts';
export type { UplinkClass, MessageKind } from './wire/message.ts';
export { encodePointsMessage, decodeUplinkMessage } from './wire/message-tools.ts';
export type { UplinkMessageHeader, DecodedUplinkMessage } from './wire/message-tools.ts';
export { forwardingStore, recordForwarder } from './edge/forwarding.ts';
export type { RecordSource } from './edge/forwarding.ts';
