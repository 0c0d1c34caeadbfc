import { describe, expect, it } from 'vitest';
import { HostStateTracker, parseHostState } from './host-state.ts';

const state = (text: string) => parseHostState(Buffer.from(text));

describe('the primary host STATE', () => {
  it('reads the spec 3.0 JSON and nothing else', () => {
    expect(state('{"online":true,"timestamp":1700000000000}')).toEqual({ online: true, timestamp: 1_700_000_000_000 });
    expect(state('ONLINE')).toBeUndefined();
    expect(state('{"online":"yes","timestamp":1}')).toBeUndefined();
    expect(state('{"online":true}')).toBeUndefined();
  });

  it('ignores a STATE older than the newest seen, but not one as old (a Will carries its online timestamp)', () => {
    const tracker = new HostStateTracker();
    expect(tracker.accept({ online: true, timestamp: 100 })).toEqual({ online: true, timestamp: 100 });
    expect(tracker.accept({ online: false, timestamp: 99 })).toBeUndefined();
    expect(tracker.online).toBe(true);
    expect(tracker.accept({ online: false, timestamp: 100 })).toEqual({ online: false, timestamp: 100 });
    tracker.reset();
    expect(tracker.accept({ online: true, timestamp: 50 })).toBeUndefined();
  });
});
