import { InputError } from '@shopfloor/model';
import { modbusTables, registerMapLayout, type ModbusTable, type RegisterMap, type RegisterMapEntry } from './register-map.ts';

const headings: Record<ModbusTable, string> = {
  coil: 'Coils (FC 1 read, FC 5/15 write)',
  'discrete-input': 'Discrete inputs (FC 2)',
  'input-register': 'Input registers (FC 4)',
  'holding-register': 'Holding registers (FC 3 read, FC 6/16 write)',
};

/**
 * The Markdown of one PLC's part of the map: a table per Modbus table, every value by address,
 * tags named relative to the PLC. The read-only copies (holding registers and coils from 20000)
 * follow a rule and are summarised rather than listed.
 */
export function registerMapMarkdown(map: RegisterMap, plc: string): string {
  const info = map.plcs.find((candidate) => candidate.plc === plc);
  if (info === undefined)
    throw new InputError('SF_BAD_REQUEST', `register map: no PLC "${plc}"; the PLCs are ${map.plcs.map((candidate) => candidate.plc).join(', ')}`);
  const entries = map.entries.filter((entry) => entry.plc === plc);
  const lines = [
    `### PLC \`${plc}\``,
    '',
    `Port ${info.port === 0 ? '(chosen at start)' : info.port}, unit id ${info.unitId}, word order ${map.wordOrder}. Machines: ${info.machines.map((machine) => `\`${relative(plc, machine)}\``).join(', ')}.`,
  ];
  for (const table of modbusTables) {
    const listed = entries.filter((entry) => entry.table === table && entry.role !== 'copy');
    const mirrors = entries.filter((entry) => entry.table === table && entry.role === 'copy');
    lines.push('', `#### ${headings[table]}`, '');
    if (listed.length === 0 && mirrors.length === 0) {
      lines.push('None.');
      continue;
    }
    if (listed.length > 0) {
      lines.push('| Address | Tag | Type | Scale | Unit | Range | Access |', '|---:|---|---|---:|---|---|---|');
      for (const entry of listed) lines.push(row(plc, entry));
    } else {
      lines.push('No values of their own.');
    }
    if (mirrors.length > 0) {
      const source = table === 'holding-register' ? 'input register' : 'discrete input';
      lines.push(
        '',
        `${runs(mirrors).join(', ')}: read-only copy of the ${source}s (${source} a at ${registerMapLayout.mirrorOffset} + a), ${mirrors.length} values.`,
      );
    }
  }
  const unmapped = map.unmapped.filter((tag) => tag.plc === plc);
  if (unmapped.length > 0) {
    lines.push('', '#### Not mapped', '', ...unmapped.map((tag) => `- \`${relative(plc, tag.tag)}\`: ${tag.reason}`));
  }
  return `${lines.join('\n')}\n`;
}

function row(plc: string, entry: RegisterMapEntry): string {
  const type =
    entry.dataType === 'bool' ? 'BOOL' : entry.count === 2 ? `${entry.dataType.toUpperCase()} ${entry.wordOrder ?? ''}`.trim() : entry.dataType.toUpperCase();
  const range = entry.min === undefined && entry.max === undefined ? '' : `${entry.min ?? '…'} to ${entry.max ?? '…'}`;
  const cells = [
    span(entry.address, entry.address + entry.count - 1),
    `\`${relative(plc, entry.tag)}\``,
    type,
    entry.role === 'scaled' ? `×${entry.scale}` : '',
    entry.unit ?? '',
    range,
    entry.writable ? 'read/write' : 'read',
  ];
  return `| ${cells.join(' | ')} |`;
}

/** The contiguous address ranges the entries (sorted by address) cover. */
function runs(entries: readonly RegisterMapEntry[]): string[] {
  const spans: string[] = [];
  let start = -1;
  let end = -1;
  for (const entry of entries) {
    if (entry.address !== end + 1) {
      if (start >= 0) spans.push(span(start, end));
      start = entry.address;
    }
    end = entry.address + entry.count - 1;
  }
  if (start >= 0) spans.push(span(start, end));
  return spans;
}

function span(first: number, last: number): string {
  return first === last ? `${first}` : `${first}–${last}`;
}

function relative(plc: string, path: string): string {
  return path.startsWith(`${plc}/`) ? path.slice(plc.length + 1) : path;
}
