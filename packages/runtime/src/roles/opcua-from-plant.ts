import type { OpcUaBrowseConfig } from '@shopfloor/collector-opcua';
import { InputError } from '@shopfloor/model';
import type { MachineInfo } from '@shopfloor/simulator';

export interface OpcUaBrowseForLineOptions {
  /** Namespace index of the plant's nodes on the simulator's server (`OpcUaServer.namespaceIndex`, 1). */
  readonly namespaceIndex: number;
  /** The line: its path (`acme/plant1/forming/line2`) or its name (`line2`); the plant's first line when absent. */
  readonly line?: string;
  readonly samplingIntervalMs?: number;
}

/**
 * A `browse` entry of the OPC UA collector that binds every tag of one production line of the
 * simulator's OPC UA server (docs/opcua.md): the line's folder is the root (`ns=1;s=<line path>`)
 * and its path the tag prefix, so the edge stores each tag under the plant's own path, as the
 * simulator's MQTT publisher names it. Throws InputError naming the lines when `line` matches none (or, by name, several).
 */
export function opcUaBrowseForLine(machines: readonly Pick<MachineInfo, 'path' | 'line'>[], options: OpcUaBrowseForLineOptions): OpcUaBrowseConfig {
  // A machine is <site path>/<area>/<line>/<cell>/<machine>: its line is two levels up.
  const lines = [...new Set(machines.map((machine) => machine.path.split('/').slice(0, -2).join('/')))];
  const wanted = options.line;
  const matching = wanted === undefined ? lines.slice(0, 1) : lines.filter((path) => path === wanted || path.split('/').at(-1) === wanted);
  if (matching.length > 1) throw new InputError('SF_CONFIG_INVALID', `the line name "${wanted ?? ''}" is ambiguous: give its path (${matching.join(', ')})`);
  const line = matching[0];
  if (line === undefined) {
    throw new InputError(
      'SF_CONFIG_INVALID',
      wanted === undefined ? 'the plant has no machines, so no line to browse' : `the plant has no line "${wanted}" (lines: ${lines.join(', ')})`,
    );
  }
  return {
    root: `ns=${options.namespaceIndex};s=${line}`,
    tagPrefix: line,
    ...(options.samplingIntervalMs !== undefined ? { samplingIntervalMs: options.samplingIntervalMs } : {}),
  };
}
