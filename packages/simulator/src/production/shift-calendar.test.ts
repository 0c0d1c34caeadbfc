import { describe, expect, it } from 'vitest';
import { plantDefaults } from '../description/plant-description.ts';
import { createShiftCalendar } from './shift-calendar.ts';

const at = (time: string): number => Date.parse(`2025-01-06T${time}:00Z`);

describe('createShiftCalendar', () => {
  it('is in production during shifts and not in their breaks', () => {
    const calendar = createShiftCalendar(plantDefaults.shifts, 0);
    expect(['06:00', '09:59', '10:00', '10:29', '10:30', '13:59', '14:00', '18:10', '23:30', '02:15', '05:59'].map((time) => calendar(at(time)))).toEqual([
      true,
      true,
      false,
      false,
      true,
      true,
      true,
      false,
      true,
      false,
      true,
    ]);
  });

  it('follows the site clock and leaves gaps between shifts as planned stops', () => {
    const calendar = createShiftCalendar([{ name: 'day', start: '08:00', hours: 8 }], 2);
    expect([calendar(at('05:59')), calendar(at('06:00')), calendar(at('13:59')), calendar(at('14:00'))]).toEqual([false, true, true, false]);
  });

  it('runs around the clock without shifts', () => {
    expect(createShiftCalendar([], 0)(at('03:00'))).toBe(true);
  });
});
