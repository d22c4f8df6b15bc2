import type { Page } from '../api/views';
import { type Column, renderTable } from './table';

export interface OutputStreams {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/**
 * Everything a command prints. With `--json`, stdout carries exactly one JSON document (the API's answer);
 * otherwise tables and records. Notes, hints and warnings go to stderr so they never mix into what scripts read.
 */
export class Printer {
  constructor(
    private readonly streams: OutputStreams,
    readonly json: boolean,
  ) {}

  /** An API answer: the JSON as the API sent it, or `render`'s human view of it. */
  answer<T>(answer: T, render: (answer: T) => string): void {
    if (this.json) this.writeJson(answer);
    else this.line(render(answer));
  }

  /** A page of a list; without `--json`, a hint on stderr tells how to get the rest. */
  page<T>(page: Page<T>, columns: readonly Column<T>[], noun: string): void {
    if (this.json) {
      this.writeJson(page);
      return;
    }
    this.line(page.items.length === 0 ? `no ${noun}` : renderTable(page.items, columns));
    if (page.nextCursor !== null) {
      this.note(`more ${noun}: run again with --cursor ${page.nextCursor}, or with --all for every page`);
    }
  }

  /** A whole list, as answers without pages come (`{"items": [...]}`): a table, or the answer with --json. */
  list<T>(answer: { items: readonly T[] }, columns: readonly Column<T>[], noun: string): void {
    if (this.json) this.writeJson(answer);
    else this.line(answer.items.length === 0 ? `no ${noun}` : renderTable(answer.items, columns));
  }

  /** A result the CLI composes itself (a removal, a login): `json` with --json, `human` otherwise. */
  result(json: unknown, human: string): void {
    if (this.json) this.writeJson(json);
    else this.line(human);
  }

  note(text: string): void {
    this.streams.stderr(`${text}\n`);
  }

  warn(text: string): void {
    this.streams.stderr(`warning: ${text}\n`);
  }

  private line(text: string): void {
    this.streams.stdout(`${text}\n`);
  }

  private writeJson(value: unknown): void {
    this.streams.stdout(`${JSON.stringify(value, null, 2)}\n`);
  }
}
