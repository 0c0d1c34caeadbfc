import { describe, expect, it } from 'vitest';
import { Backoff } from './backoff.ts';

describe('Backoff', () => {
  it('doubles up to maxMs with jitter between half and all of the ceiling, and starts over on reset', () => {
    const top = new Backoff({ initialMs: 200, maxMs: 1_000 }, () => 1);
    const bottom = new Backoff({ initialMs: 200, maxMs: 1_000 }, () => 0);
    const delays = (backoff: Backoff) => Array.from({ length: 5 }, () => backoff.next());
    expect({ top: delays(top), bottom: delays(bottom) }).toEqual({
      top: [200, 400, 800, 1_000, 1_000],
      bottom: [100, 200, 400, 500, 500],
    });
    top.reset();
    expect(top.next()).toBe(200);
  });
});
