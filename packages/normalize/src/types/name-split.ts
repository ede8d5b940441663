/**
 * The person-name split as output columns (`{"type":"name","split":true}`
 * in a job's `columns`): beside the normalized name, one column per part,
 * read with splitName (name.ts) from the same raw value. A part never
 * reports an error: the name column itself does (invalid_name, required),
 * and a name that is not valid gives empty parts.
 */
import type { CellResult } from '../column-type.ts';
import { splitName } from './name.ts';

/** The parts written, in this order, after the name column. */
export const NAME_SPLIT_PARTS = ['first', 'middle', 'last', 'suffix'] as const;
export type NameSplitPart = (typeof NAME_SPLIT_PARTS)[number];

/** One part of a raw name (blank or invalid: empty). */
export function normalizeNamePart(raw: string, part: NameSplitPart): CellResult {
  return { ok: true, value: splitName(raw)[part] };
}
