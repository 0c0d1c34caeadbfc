import { formatProblems, type SchemaProblem } from '@shopfloor/engine';
import { InputError, isQuality, tagPathProblem, type PointValue, type Quality } from '@shopfloor/model';

/** One row of a recording: `tag,timestamp,value[,quality]`. */
export interface RecordedPoint {
  readonly tag: string;
  readonly ts: number;
  readonly value: PointValue;
  readonly quality: Quality;
}

const maxProblems = 20;

/**
 * Parses a recording (CSV, RFC 4180 quoting; an optional header `tag,timestamp,value[,quality]`).
 * Timestamps are epoch ms or ISO 8601; a value is a number, `true`/`false`, or text (quoted text
 * stays text). InputError SF_BAD_REQUEST lists the bad rows by line.
 */
export function parseRecordingCsv(text: string, sourceName: string): RecordedPoint[] {
  const points: RecordedPoint[] = [];
  const problems: SchemaProblem[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, index) => {
    if (line.trim() === '' || line.startsWith('#')) return;
    const fields = splitCsvLine(line);
    const where = `line ${index + 1}`;
    if (points.length === 0 && problems.length === 0 && fields[0]?.text.toLowerCase() === 'tag') return;
    if (fields.length < 3 || fields.length > 4) {
      problems.push({ source: sourceName, path: where, expected: 'tag,timestamp,value[,quality]', found: `${fields.length} fields` });
      return;
    }
    const [tag, timestamp, value, quality] = fields as [CsvField, CsvField, CsvField, CsvField | undefined];
    const pathProblem = tagPathProblem(tag.text);
    if (pathProblem !== undefined)
      problems.push({ source: sourceName, path: `${where}.tag`, expected: 'a tag path', found: `"${tag.text}", which ${pathProblem}` });
    const ts = /^-?\d+$/.test(timestamp.text) ? Number(timestamp.text) : /^\d{4}-\d{2}-\d{2}/.test(timestamp.text) ? Date.parse(timestamp.text) : Number.NaN;
    if (!Number.isFinite(ts))
      problems.push({ source: sourceName, path: `${where}.timestamp`, expected: 'epoch milliseconds or an ISO 8601 time', found: `"${timestamp.text}"` });
    if (quality !== undefined && !isQuality(quality.text))
      problems.push({ source: sourceName, path: `${where}.quality`, expected: 'good, uncertain or bad', found: `"${quality.text}"` });
    if (pathProblem === undefined && Number.isFinite(ts) && (quality === undefined || isQuality(quality.text))) {
      points.push({ tag: tag.text, ts, value: parseValue(value), quality: (quality?.text as Quality | undefined) ?? 'good' });
    }
  });
  if (problems.length === 0 && points.length === 0)
    problems.push({ source: sourceName, path: '(file)', expected: 'at least one row tag,timestamp,value', found: 'no rows' });
  if (problems.length > 0) {
    const more = problems.length > maxProblems ? `\n… and ${problems.length - maxProblems} more` : '';
    throw new InputError('SF_BAD_REQUEST', `recording is invalid:\n${formatProblems(problems.slice(0, maxProblems))}${more}`);
  }
  return points;
}

/** Formats one row, quoting what needs it. */
export function formatRecordingRow(tag: string, ts: number, value: PointValue): string {
  const text = typeof value === 'string' ? `"${value.replace(/"/g, '""')}"` : String(value);
  return `${tag},${ts},${text}`;
}

interface CsvField {
  readonly text: string;
  readonly quoted: boolean;
}

function parseValue(field: CsvField): PointValue {
  if (field.quoted) return field.text;
  if (field.text === 'true' || field.text === 'false') return field.text === 'true';
  const number = Number(field.text);
  return field.text.trim() !== '' && Number.isFinite(number) ? number : field.text;
}

function splitCsvLine(line: string): CsvField[] {
  const fields: CsvField[] = [];
  let index = 0;
  while (index <= line.length) {
    if (line[index] === '"') {
      let text = '';
      index++;
      while (index < line.length) {
        if (line[index] === '"' && line[index + 1] === '"') {
          text += '"';
          index += 2;
        } else if (line[index] === '"') {
          index++;
          break;
        } else text += line[index++] as string;
      }
      fields.push({ text, quoted: true });
      index = line.indexOf(',', index) === -1 ? line.length + 1 : line.indexOf(',', index) + 1;
    } else {
      const end = line.indexOf(',', index);
      const stop = end === -1 ? line.length : end;
      fields.push({ text: line.slice(index, stop).trim(), quoted: false });
      index = stop + 1;
    }
  }
  return fields;
}
