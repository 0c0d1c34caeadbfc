import { describe, expect, it } from 'vitest';
import { EventFeed } from './event-feed.ts';

describe('EventFeed', () => {
  it('gives each iterator the events pushed after it was created, then finishes on end()', async () => {
    const feed = new EventFeed<{ n: number }>();
    feed.push({ n: 0 });
    const first = feed.iterate();
    feed.push({ n: 1 });
    const second = feed.iterate();
    const pending = first.next();
    feed.push({ n: 2 });
    feed.end();
    feed.push({ n: 3 });
    const collect = async (iterator: AsyncIterableIterator<{ n: number }, undefined>) => {
      const seen: number[] = [];
      for await (const event of iterator) seen.push(event.n);
      return seen;
    };
    expect({ pending: await pending, first: await collect(first), second: await collect(second), late: await collect(feed.iterate()) }).toEqual({
      pending: { value: { n: 1 }, done: false },
      first: [2],
      second: [2],
      late: [],
    });
  });

  it('forgets an iterator that returned early', async () => {
    const feed = new EventFeed<{ n: number }>();
    const iterator = feed.iterate();
    const waiting = iterator.next();
    await iterator.return?.();
    feed.push({ n: 1 });
    expect({ waiting: await waiting, after: await iterator.next() }).toEqual({
      waiting: { value: undefined, done: true },
      after: { value: undefined, done: true },
    });
  });
});
