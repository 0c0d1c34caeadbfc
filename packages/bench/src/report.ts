import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/** One measured figure of a benchmark, against its goal and its raw reference. */
export interface Row {
  readonly measure: string;
  /** Median over the runs. */
  readonly figure: string;
  readonly goal: string;
  /** undefined: informative, no goal. */
  readonly met: boolean | undefined;
  readonly raw: string;
  readonly ratio: string;
  readonly cpu: string;
  /** Every measured run, in order. */
  readonly runs: string;
}

export interface BenchResult {
  readonly id: string;
  readonly title: string;
  /** What was measured and how, one line. */
  readonly setup: string;
  readonly rows: readonly Row[];
  readonly notes: readonly string[];
}

const header = ['measure', 'median', 'goal', 'met', 'raw reference', 'ratio to raw', 'CPU µs/point', 'runs'];

function metText(met: boolean | undefined): string {
  return met === undefined ? '—' : met ? 'yes' : '**no**';
}

export function markdownTable(result: BenchResult): string {
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => ' --- ').join('|')}|`];
  for (const row of result.rows) lines.push(`| ${[row.measure, row.figure, row.goal, metText(row.met), row.raw, row.ratio, row.cpu, row.runs].join(' | ')} |`);
  return lines.join('\n');
}

/** The block run-all prints and writes between the benchmark's markers in BENCHMARKS.md. */
export function renderResult(result: BenchResult): string {
  return [result.setup, '', markdownTable(result), '', ...result.notes.map((note) => `- ${note}`)].join('\n');
}

/** Every figure that has a goal, across benchmarks: the summary at the top of BENCHMARKS.md. */
export function summaryTable(results: readonly BenchResult[]): string {
  const lines = ['| benchmark | measure | median | goal | met |', '| --- | --- | --- | --- | --- |'];
  for (const result of results) {
    for (const row of result.rows)
      if (row.met !== undefined) lines.push(`| ${result.title.replace(/\..*$/, '')} | ${row.measure} | ${row.figure} | ${row.goal} | ${metText(row.met)} |`);
  }
  return lines.join('\n');
}

const marker = (id: string, end: boolean) => `<!-- bench:${id}:${end ? 'end' : 'begin'} -->`;

/**
 * Replaces the generated block of each section in BENCHMARKS.md (between its markers), leaving the
 * hand-written text around it alone; a section without markers is appended.
 */
export function updateBenchmarksFile(file: string, blocks: readonly { id: string; title: string; body: string }[]): void {
  let text = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  for (const block of blocks) {
    const begin = marker(block.id, false);
    const end = marker(block.id, true);
    const from = text.indexOf(begin);
    const to = text.indexOf(end);
    const generated = `${begin}\n${block.body.trim()}\n${end}`;
    if (from >= 0 && to > from) text = text.slice(0, from) + generated + text.slice(to + end.length);
    else text = `${text.trimEnd()}\n\n## ${block.title}\n\n${generated}\n`;
  }
  writeFileSync(file, text);
}
