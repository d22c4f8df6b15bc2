import Table from 'cli-table3';

/** One column of a table: its heading and how a row shows in it. */
export interface Column<T> {
  header: string;
  value: (row: T) => string;
}

// Borderless, no colours: aligned columns that read well and paste cleanly (ids can be copied with a double click).
const PLAIN: ConstructorParameters<typeof Table>[0] = {
  chars: {
    top: '',
    'top-mid': '',
    'top-left': '',
    'top-right': '',
    bottom: '',
    'bottom-mid': '',
    'bottom-left': '',
    'bottom-right': '',
    left: '',
    'left-mid': '',
    mid: '',
    'mid-mid': '',
    right: '',
    'right-mid': '',
    middle: '  ',
  },
  style: { 'padding-left': 0, 'padding-right': 0, head: [], border: [], compact: true },
};

/** Rows under upper-case headings, one line each. */
export function renderTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const table = new Table({ ...PLAIN, head: columns.map((c) => c.header.toUpperCase()) });
  for (const row of rows) table.push(columns.map((c) => oneLine(c.value(row))));
  return trimLines(table.toString());
}

/** One thing, field by field: `name:  value` lines; a field without a name continues the one above. */
export function renderRecord(fields: readonly (readonly [string, string])[]): string {
  const table = new Table(PLAIN);
  for (const [name, value] of fields) table.push([name === '' ? '' : `${name}:`, oneLine(value)]);
  return trimLines(table.toString());
}

// A newline inside a cell would break the one-row-per-line layout that grep and eyes rely on.
function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}

function trimLines(text: string): string {
  return text
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n');
}
