import { describe, expect, it } from 'vitest';
import { createPumpCurve, operatingFlow, pumpHead } from './pump-curve.ts';

describe('pump curve', () => {
  const curve = createPumpCurve(60, 120, 10);

  it('makes 75 % of shutoff head at rated flow and 110 % of rated flow with the valve open', () => {
    expect(pumpHead(curve, 1, 120, 0)).toBeCloseTo(45, 9);
    expect(operatingFlow(curve, 1, 1, 0)).toBeCloseTo(132, 6);
  });

  it('gives more flow and less head as the valve opens', () => {
    const points = [0.2, 0.4, 0.6, 0.8, 1].map((valve) => {
      const flow = operatingFlow(curve, 1, valve, 0);
      return { flow, head: pumpHead(curve, 1, flow, 0) };
    });
    for (let index = 1; index < points.length; index++) {
      expect(points[index]?.flow).toBeGreaterThan(points[index - 1]?.flow as number);
      expect(points[index]?.head).toBeLessThan(points[index - 1]?.head as number);
    }
  });

  it('follows the affinity laws and loses head to cavitation', () => {
    expect(pumpHead(curve, 0.5, 0, 0)).toBeCloseTo(15, 9);
    expect(pumpHead(curve, 1, 100, 0.3)).toBeLessThan(pumpHead(curve, 1, 100, 0));
  });
});
