import { tagPathLimits } from '@shopfloor/model';

const notAllowed = /[^A-Za-z0-9_\-.:]/g;

/**
 * A browse name as a tag segment: every character other than letters, digits, `_`, `-`, `.` and
 * `:` becomes `_` (`Oil Temp/°C` → `Oil_Temp__C`). Returns why it cannot be one instead: an empty
 * name, or one longer than a segment may be (truncating could make two names one).
 */
export function tagSegmentOf(browseName: string): { segment: string } | { problem: string } {
  if (browseName.length === 0) return { problem: 'the browse name is empty' };
  const segment = browseName.replace(notAllowed, '_');
  if (segment.length > tagPathLimits.maxSegmentLength) {
    return { problem: `the browse name is ${segment.length} characters long (a tag segment holds at most ${tagPathLimits.maxSegmentLength})` };
  }
  return { segment };
}
