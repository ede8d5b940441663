/**
 * Deciding a date column's day/month order from the evidence collected over
 * the whole column (profile.ts counts it as the upload streams), and saying
 * when the evidence does not allow a decision. The order only matters for
 * the column's open values (`03/04/2024`, either order reads it): values
 * that decide themselves (`25/03/2024`, `2024-03-25`) read the same under
 * any order, so what is at stake is how the open ones are read.
 *
 * Rules, in this order:
 * 1. Separator convention. Dotted dates are day-first almost everywhere
 *    (de, nl, ru, pl, cs, ...) and are read day-first whatever the column's
 *    order (date-parse.ts): the order decides only the slash, dash and space
 *    separated values. So their own proofs weigh first; a dotted day-first
 *    proof (`25.03.2024`) counts only when no such value proves anything,
 *    and a dotted month-first one (`03.25.2024`, against the convention)
 *    never counts.
 * 2. One side proven, the other not: that order.
 * 3. Both proven (conflicting evidence): the majority order is used only
 *    when the job's locale or region hint (DateOrderHint) names it too, or
 *    when the minority is stray (at most STRAY_SHARE of the proofs: a few
 *    typing slips in a large column). Otherwise no order: the open values
 *    are reported as ambiguous_date, each one, instead of being read in a
 *    guessed order.
 * 4. Nothing proven: no order (ambiguous_date for open values), as before:
 *    a hint alone does not read them, it only weighs evidence.
 */

/**
 * Counts of the column's values by what they prove (types/date.ts's
 * dateOrderProof): DMY, MDY and YMD for values with `/`, `-` or a space
 * between the parts, `DMY.` and `MDY.` for dotted ones.
 */
export interface DateOrderEvidence {
  DMY: number;
  MDY: number;
  YMD: number;
  'DMY.': number;
  'MDY.': number;
}

export const noDateOrderEvidence = (): DateOrderEvidence => ({
  DMY: 0,
  MDY: 0,
  YMD: 0,
  'DMY.': 0,
  'MDY.': 0,
});

/** An order a job's locale or region suggests for day and month, and what suggested it. */
export interface DateOrderHint {
  order: 'DMY' | 'MDY';
  /** For notes: `locale de`, `region US`. */
  from: string;
}

export interface DateOrderDecision {
  /** The order for the column's open values; absent: they are ambiguous_date. */
  order?: 'DMY' | 'MDY' | undefined;
  /** 'conflicting': both orders are proven and neither hint nor counts settle it. */
  source: 'values' | 'undecided' | 'conflicting';
  /** For people, when anything was weighed or left undecided. */
  note?: string | undefined;
}

/** A minority of at most this share of the proofs is taken for slips (1 in 100). */
const STRAY_SHARE = 0.01;

const values = (n: number) => `${n} value${n === 1 ? '' : 's'}`;

export function decideDateOrder(
  evidence: DateOrderEvidence,
  hint?: DateOrderHint,
): DateOrderDecision {
  const undotted = evidence.DMY + evidence.MDY > 0;
  const dmy = undotted ? evidence.DMY : evidence['DMY.'];
  const mdy = undotted ? evidence.MDY : 0;
  const ignored = undotted ? evidence['DMY.'] + evidence['MDY.'] : evidence['MDY.'];
  const aside =
    ignored > 0
      ? ` (${values(ignored)} with dots left aside: dotted dates are read day-first by convention)`
      : '';
  if (dmy + mdy === 0) {
    return {
      source: 'undecided',
      note: 'no value decides day/month order; ambiguous dates such as 03/04/2024 are reported as ambiguous_date (set dateOrder)',
    };
  }
  if (mdy === 0) {
    const note = undotted ? (aside === '' ? undefined : `day-first${aside}`) : dottedNote(dmy);
    return { order: 'DMY', source: 'values', note };
  }
  if (dmy === 0)
    return {
      order: 'MDY',
      source: 'values',
      note: aside === '' ? undefined : `month-first${aside}`,
    };
  const majority = dmy > mdy ? 'DMY' : mdy > dmy ? 'MDY' : undefined;
  const minority = Math.min(dmy, mdy);
  const mixed = `mixed evidence: ${values(dmy)} only valid day-first, ${values(mdy)} only month-first`;
  if (majority !== undefined && hint?.order === majority) {
    return {
      order: majority,
      source: 'values',
      note: `${mixed}; the job's ${hint.from} reads ${majority} too: using ${majority}${aside}`,
    };
  }
  if (majority !== undefined && minority <= (dmy + mdy) * STRAY_SHARE) {
    return {
      order: majority,
      source: 'values',
      note: `${mixed}; the ${minority === 1 ? 'one' : minority} other taken for slips (at most ${STRAY_SHARE * 100}%): using ${majority}${aside}`,
    };
  }
  const against = hint
    ? `; the job's ${hint.from} suggests ${hint.order}, not enough against the counts`
    : '';
  return {
    source: 'conflicting',
    note: `conflicting ${mixed}${against}: values that read either way (03/04/2024) are reported as ambiguous_date instead of guessed (set dateOrder)${aside}`,
  };
}

function dottedNote(n: number): string {
  return `decided by ${values(n)} with dots, only valid day-first (no value with another separator decides)`;
}

// Building a DateTimeFormat costs far more than deciding: one answer per
// locale, kept (bounded, so hostile option values cannot grow it).
const HINTS = new Map<string, 'DMY' | 'MDY' | undefined>();
const HINT_CACHE_LIMIT = 64;

/** The day/month order a locale formats numeric dates in; undefined for year-first locales or unknown ones. */
function localeOrder(locale: string): 'DMY' | 'MDY' | undefined {
  if (HINTS.has(locale)) return HINTS.get(locale);
  let order: 'DMY' | 'MDY' | undefined;
  try {
    const parts = new Intl.DateTimeFormat(locale, {
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      timeZone: 'UTC',
    }).formatToParts(0);
    const fields = parts.filter((p) => p.type === 'day' || p.type === 'month' || p.type === 'year');
    const shape = fields.map((p) => p.type[0]).join('');
    order = shape === 'dmy' ? 'DMY' : shape === 'mdy' ? 'MDY' : undefined;
  } catch {
    order = undefined;
  }
  if (HINTS.size < HINT_CACHE_LIMIT) HINTS.set(locale, order);
  return order;
}

/**
 * The hint a job gives for day/month order: its number locale (`de`: DMY,
 * `en-US`: MDY), else the region it names for phone numbers, through the
 * region's most likely language (`DE`: de-DE, DMY; `US`: en-US, MDY; `CA`:
 * en-CA, which writes year first: no hint). Only a region the job gave
 * counts, never the default. Year-first locales give no day/month hint.
 */
export function dateOrderHint(job: {
  locale?: string | undefined;
  region?: string | undefined;
}): DateOrderHint | undefined {
  if (job.locale !== undefined) {
    const order = localeOrder(job.locale);
    if (order) return { order, from: `locale ${job.locale}` };
  }
  if (job.region !== undefined) {
    let locale: string | undefined;
    try {
      const likely = new Intl.Locale('und', { region: job.region }).maximize();
      locale = `${likely.language}-${job.region}`;
    } catch {
      locale = undefined;
    }
    const order = locale === undefined ? undefined : localeOrder(locale);
    if (order) return { order, from: `region ${job.region}` };
  }
  return undefined;
}
