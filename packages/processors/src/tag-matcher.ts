import { matchesTagFilter } from '@shopfloor/model';

/** Beyond this many remembered tags the cache starts over (tags come and go; memory stays bounded). */
const maxCachedTags = 1_000_000;

/**
 * Does a tag fall under a processor's `tags` filters? The answer is worked out once per tag and
 * remembered, so the hot path is one map lookup for a tag the processor does not touch.
 */
export class TagMatcher {
  readonly filters: readonly string[];
  readonly #everything: boolean;
  readonly #decided = new Map<string, boolean>();

  constructor(filters: readonly string[]) {
    this.filters = filters;
    this.#everything = filters.includes('#');
  }

  matches(tag: string): boolean {
    if (this.#everything) return true;
    const known = this.#decided.get(tag);
    if (known !== undefined) return known;
    let matched = false;
    for (const filter of this.filters) {
      if (matchesTagFilter(filter, tag)) {
        matched = true;
        break;
      }
    }
    if (this.#decided.size >= maxCachedTags) this.#decided.clear();
    this.#decided.set(tag, matched);
    return matched;
  }
}
