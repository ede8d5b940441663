/**
 * A worksheet cell's value (as exceljs 4.4.0's streaming reader hands it) as
 * the text of a CSV field: strings as they are (rich text joined, a
 * hyperlink's text), numbers as JavaScript writes them (the shortest form
 * that reads back as the stored number: 0.1, 1234.5, 1e+21), dates as ISO
 * dates (a datetime with its time, a time alone as HH:MM:SS), booleans as
 * TRUE/FALSE, errors as Excel shows them (#N/A), formulas as their cached
 * result (the value Excel last computed and saved; a formula never saved
 * with a result is empty: Sluice computes nothing).
 */
export function cellText(value: unknown, numFmt: string | undefined, date1904: boolean): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return isoDate(value);
  if (typeof value !== 'object') return String(value);
  const v = value as Record<string, unknown>;
  if (Array.isArray(v.richText)) {
    return (v.richText as Array<{ text?: unknown }>).map((run) => String(run.text ?? '')).join('');
  }
  if ('error' in v) return String(v.error ?? '');
  if ('formula' in v || 'sharedFormula' in v) {
    const result = v.result;
    // The streaming reader leaves a date-formatted formula's result a serial number.
    if (typeof result === 'number' && isDateFormat(numFmt)) {
      return isoDate(excelSerialToDate(result, date1904));
    }
    return cellText(result, numFmt, date1904);
  }
  if ('text' in v) return cellText(v.text, numFmt, date1904);
  if ('sharedString' in v) return '';
  return '';
}

/** A number format that shows a date or time (exceljs' rule: d, m, y, h or s outside quotes and brackets). */
function isDateFormat(format: string | undefined): boolean {
  if (!format) return false;
  const bare = format.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, '');
  return /[ymdhs]/i.test(bare) && !/^general$/i.test(bare.trim());
}

function excelSerialToDate(serial: number, date1904: boolean): Date {
  return new Date(Math.round((serial - 25569 + (date1904 ? 1462 : 0)) * 86_400_000));
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * A cell's date (exceljs reads a serial as UTC) as an ISO date, a datetime
 * without an offset (the job's timeZone applies, as for CSV text), or a
 * time alone when the serial has no day (1899-12-30, Excel's day zero).
 */
function isoDate(date: Date): string {
  if (Number.isNaN(date.getTime())) return '';
  const day = `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
  const ms = date.getUTCMilliseconds();
  const time = `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}${ms ? `.${pad(ms, 3)}` : ''}`;
  if (day === '1899-12-30') return time;
  return time === '00:00:00' ? day : `${day}T${time}`;
}

/** One CSV line (RFC 4180 quoting, comma-separated, LF-terminated). */
export function csvLine(fields: readonly string[]): string {
  return `${fields.map((f) => (/[",\r\n]/.test(f) ? `"${f.replaceAll('"', '""')}"` : f)).join(',')}\n`;
}
