import { cleanText } from '../clean-text.ts';
import type { CellResult, ColumnTypeDefinition } from '../column-type.ts';

/** Free text: the base cleaning only (see cleanText). */
export const textType: ColumnTypeDefinition<'text'> = {
  type: 'text',
  sqlType: 'text',
  contextFree: true,
  formulaSafe: false,
  normalize(raw): CellResult {
    return { ok: true, value: cleanText(raw) };
  },
  headerSynonyms: [],
};
