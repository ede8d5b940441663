/**
 * The words of written-out dates, in English, Spanish, French, German and
 * Dutch: month names, and the weekdays and filler words that are skipped.
 * date-parse.ts reads them.
 */

/** English month names, for messages. */
export const MONTH_NAMES_EN = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/**
 * Full month names (lower case, without diacritics) per month, in English,
 * Spanish, French, German and Dutch. A token names a month when it is one of
 * these or a prefix of at least 3 letters of one (`jul`, `sept`, `janv`,
 * `févr`), unless that prefix starts names of two different months (`jui`:
 * juin, juillet).
 */
export const MONTH_WORDS: readonly (readonly string[])[] = [
  ['january', 'enero', 'janvier', 'januar', 'janner', 'januari'],
  ['february', 'febrero', 'fevrier', 'februar', 'februari', 'feber'],
  ['march', 'marzo', 'mars', 'marz', 'maerz', 'maart'],
  ['april', 'abril', 'avril'],
  ['may', 'mayo', 'mai', 'mei'],
  ['june', 'junio', 'juin', 'juni'],
  ['july', 'julio', 'juillet', 'juli'],
  ['august', 'agosto', 'aout', 'augustus'],
  ['september', 'septiembre', 'setiembre', 'septembre'],
  ['october', 'octubre', 'octobre', 'oktober'],
  ['november', 'noviembre', 'novembre'],
  ['december', 'diciembre', 'decembre', 'dezember'],
];

/** Abbreviations that are not prefixes of a full name. */
export const MONTH_ABBREVIATIONS: Readonly<Record<string, number>> = { mrz: 3, mrt: 3 };

/** Weekdays (ignored wherever they appear) and filler words of written-out dates. */
export const SKIPPED_WORDS: ReadonlySet<string> = new Set([
  // English, with the usual abbreviations.
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
  'mon',
  'tue',
  'tues',
  'wed',
  'weds',
  'thu',
  'thur',
  'thurs',
  'fri',
  'sat',
  'sun',
  // Spanish, French, German, Dutch (full names only: `mar` is March, not martes).
  'lunes',
  'martes',
  'miercoles',
  'jueves',
  'viernes',
  'sabado',
  'domingo',
  'lundi',
  'mardi',
  'mercredi',
  'jeudi',
  'vendredi',
  'samedi',
  'dimanche',
  'montag',
  'dienstag',
  'mittwoch',
  'donnerstag',
  'freitag',
  'samstag',
  'sonnabend',
  'sonntag',
  'maandag',
  'dinsdag',
  'woensdag',
  'donderdag',
  'vrijdag',
  'zaterdag',
  'zondag',
  // "4th of July", "the 4th", "4 de julio de 1979", "le 4 juillet", "den 4. Juli".
  'of',
  'the',
  'de',
  'del',
  'le',
  'den',
  'der',
]);
