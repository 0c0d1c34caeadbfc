import type { MachineInfo } from '@shopfloor/simulator';

/** One simulated PLC: the machines of one line (or one cell) behind one Modbus server. */
export interface PlcPlan {
  /** The PLC's name: the path of its line (or cell), e.g. `acme/plant1/machining/line1`. */
  readonly plc: string;
  readonly machines: readonly MachineInfo[];
}

/**
 * Groups the machines into PLCs, one per line (or per cell when `perLine` is false), in the
 * plant's machine order, so the same plant always gives the same PLCs in the same order.
 */
export function planPlcs(machines: readonly MachineInfo[], perLine: boolean): PlcPlan[] {
  const byPlc = new Map<string, MachineInfo[]>();
  for (const machine of machines) {
    // A machine path is enterprise/site/area/line/cell/machine: drop the machine (and the cell).
    const plc = machine.path
      .split('/')
      .slice(0, perLine ? -2 : -1)
      .join('/');
    const group = byPlc.get(plc);
    if (group === undefined) byPlc.set(plc, [machine]);
    else group.push(machine);
  }
  return [...byPlc].map(([plc, group]) => ({ plc, machines: group }));
}
