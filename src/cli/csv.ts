// The one CSV writer of the exports: csv-stringify with RFC 4180 quoting, CRLF, a UTF-8 BOM (so Excel
// opens Chinese correctly) and formula escaping; times as ISO 8601 with the team's offset.
import { once } from 'node:events';
import { stringify } from 'csv-stringify/sync';
import { DateTime } from 'luxon';

/** A timestamp as either driver reads it in a raw query (a Date, or Postgres' text form), or null. */
export function toDate(value: unknown): Date | null {
  if (value === null || value === undefined || value === '') return null;
  if (value instanceof Date) return value;
  if (typeof value === 'string') {
    // '2026-11-25 01:00:00.123456+00' → '2026-11-25T01:00:00.123+00:00'
    const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}(?::?\d{2})?)$/.exec(value);
    if (m) {
      const frac = m[3] ? m[3].slice(0, 4).padEnd(4, '0') : '';
      const offset = m[4] === 'Z' ? 'Z' : m[4]!.length === 3 ? `${m[4]}:00` : m[4]!.replace(/^([+-]\d{2})(\d{2})$/, '$1:$2');
      const d = new Date(`${m[1]}T${m[2]}${frac}${offset}`);
      if (!Number.isNaN(d.getTime())) return d;
    }
  }
  throw new TypeError(`not a timestamp: ${JSON.stringify(value)}`);
}

/** An instant as ISO 8601 in the zone, with its offset: 2026-11-25T09:00:00.000+08:00. */
export function localIso(value: unknown, zone: string): string {
  const d = toDate(value);
  return d ? DateTime.fromJSDate(d, { zone }).toISO()! : '';
}

/** Writes records as CSV to a stream, the BOM before the first, waiting when the stream is full. */
export class CsvWriter {
  private started = false;

  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly zone: string,
  ) {}

  async write(records: unknown[][]): Promise<void> {
    const text = stringify(records, {
      bom: !this.started,
      record_delimiter: 'windows',
      // A bare line break inside a cell is quoted too, not only CRLF.
      quoted_match: /[\r\n]/,
      // A leading = + - @ is defused ('=1) so a spreadsheet does not run it; numbers stay numbers.
      escape_formulas: true,
      cast: {
        boolean: (b) => (b ? '1' : '0'),
        date: (d) => localIso(d, this.zone),
        object: (o) => JSON.stringify(o),
      },
    });
    this.started = true;
    if (!this.out.write(text)) await once(this.out as NodeJS.EventEmitter, 'drain');
  }
}
