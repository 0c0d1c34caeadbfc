import { parser as createParser, type Packet } from 'mqtt-packet';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AckWindow } from './ack-window.ts';
import { encodePubacks } from './puback.ts';

function windowWith(packetIds: readonly number[]): { window: AckWindow; seqs: number[]; releases: () => number } {
  let releases = 0;
  const window = new AckWindow(4, () => releases++);
  const seqs = packetIds.map((id) => window.track(id));
  return { window, seqs, releases: () => releases };
}

describe('AckWindow', () => {
  it('holds a later ack until every earlier message is acked, then releases in arrival order', () => {
    const { window, seqs } = windowWith([7, 3, 9, 4]);
    const generation = window.generation;
    window.ack(generation, seqs[1]!);
    window.ack(generation, seqs[3]!);
    expect(window.takeReleased()).toEqual([]);
    window.ack(generation, seqs[0]!);
    expect(window.takeReleased()).toEqual([7, 3]);
    window.ack(generation, seqs[2]!);
    expect({ released: window.takeReleased(), pending: window.pending }).toEqual({ released: [9, 4], pending: 0 });
  });

  it('ignores repeated acks and acks from an earlier generation', () => {
    const { window, seqs, releases } = windowWith([1, 2]);
    const old = window.generation;
    window.ack(old, seqs[0]!);
    window.ack(old, seqs[0]!);
    expect(window.takeReleased()).toEqual([1]);
    const generation = window.reset();
    const fresh = window.track(2);
    window.ack(old, seqs[1]!);
    window.ack(old, fresh);
    expect(window.takeReleased()).toEqual([]);
    window.ack(generation, fresh);
    expect({ released: window.takeReleased(), notifications: releases() }).toEqual({ released: [2], notifications: 2 });
  });

  it('grows past its expected size when the broker sends more than Receive Maximum', () => {
    const ids = Array.from({ length: 100 }, (_, index) => index + 1);
    const { window, seqs } = windowWith(ids);
    for (const seq of seqs.slice(1)) window.ack(window.generation, seq);
    window.track(500);
    window.ack(window.generation, seqs[0]!);
    expect({ released: window.takeReleased(), pending: window.pending }).toEqual({ released: ids, pending: 1 });
  });

  it('releases any interleaving of tracks and acks as the arrival order of acked messages', () => {
    const step = fc.oneof(fc.constant({ kind: 'track' as const }), fc.record({ kind: fc.constant('ack' as const), pick: fc.nat() }));
    fc.assert(
      fc.property(fc.array(step, { maxLength: 300 }), (steps) => {
        const window = new AckWindow(16);
        const tracked: { id: number; seq: number }[] = [];
        const acked = new Set<number>();
        const released: number[] = [];
        let nextId = 1;
        for (const current of steps) {
          if (current.kind === 'track') tracked.push({ id: nextId, seq: window.track(nextId++) });
          else if (tracked.length > 0) {
            const message = tracked[current.pick % tracked.length]!;
            acked.add(message.id);
            window.ack(window.generation, message.seq);
          }
          released.push(...window.takeReleased());
        }
        // Released = the longest prefix of arrivals that is fully acked.
        const prefix: number[] = [];
        for (const { id } of tracked) {
          if (!acked.has(id)) break;
          prefix.push(id);
        }
        expect(released).toEqual(prefix);
      }),
    );
  });
});

describe('encodePubacks', () => {
  it('writes MQTT 5 PUBACKs that mqtt-packet decodes as success, in order', () => {
    const decoded: Packet[] = [];
    const parser = createParser({ protocolVersion: 5 });
    parser.on('packet', (packet: Packet) => decoded.push(packet));
    parser.parse(encodePubacks([1, 256, 65535]));
    expect(decoded.map((packet) => ({ cmd: packet.cmd, messageId: packet.messageId }))).toEqual([
      { cmd: 'puback', messageId: 1 },
      { cmd: 'puback', messageId: 256 },
      { cmd: 'puback', messageId: 65535 },
    ]);
  });
});
