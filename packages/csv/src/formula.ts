/**
 * Protection against CSV (formula) injection for people who open the output
 * in a spreadsheet: a cell starting with = + - @ TAB or CR can be run as a
 * formula (OWASP). A leading apostrophe makes the spreadsheet show it as text.
 */
export function neutralizeFormula(value: string): string {
  switch (value.charCodeAt(0)) {
    case 0x3d: // =
    case 0x2b: // +
    case 0x2d: // -
    case 0x40: // @
    case 0x09: // TAB
    case 0x0d: // CR
      return `'${value}`;
    default:
      return value;
  }
}
