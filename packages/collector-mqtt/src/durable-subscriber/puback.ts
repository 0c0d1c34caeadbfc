/**
 * PUBACKs for many packet identifiers in one buffer, written with one socket write. MQTT 5
 * §3.4.2.1: with Reason Code 0x00 (Success) and no properties, the Reason Code and Property Length
 * may be omitted, so each PUBACK is 4 bytes: 0x40, remaining length 2, packet identifier (big end).
 */
export function encodePubacks(packetIds: readonly number[]): Buffer {
  const buffer = Buffer.allocUnsafe(packetIds.length * 4);
  let offset = 0;
  for (const packetId of packetIds) {
    buffer[offset] = 0x40;
    buffer[offset + 1] = 0x02;
    buffer[offset + 2] = packetId >> 8;
    buffer[offset + 3] = packetId & 0xff;
    offset += 4;
  }
  return buffer;
}
