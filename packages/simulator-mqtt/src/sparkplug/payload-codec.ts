import sparkplugProto from 'sparkplug-payload/lib/sparkplugPayloadProto.js';

// The protobuf types sparkplug-payload generated from sparkplug_b.proto. Its high-level
// `encodePayload` is not used: it cannot put a UInt32 in `int_value` or leave a DATA metric's
// name and datatype out, and it copies every metric; these encode plain (reusable) objects as they are.
const protoPayload = sparkplugProto.org.eclipse.tahu.protobuf.Payload;

export type PayloadMessage = sparkplugProto.org.eclipse.tahu.protobuf.IPayload;
export type MetricMessage = sparkplugProto.org.eclipse.tahu.protobuf.Payload.IMetric;

export function encodePayload(payload: PayloadMessage): Buffer {
  const bytes = protoPayload.encode(payload).finish();
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Decodes a received NCMD or DCMD; undefined when it is not a Sparkplug B payload. Never throws. */
export function decodePayload(bytes: Uint8Array): sparkplugProto.org.eclipse.tahu.protobuf.Payload | undefined {
  try {
    return protoPayload.decode(bytes);
  } catch {
    return undefined;
  }
}
