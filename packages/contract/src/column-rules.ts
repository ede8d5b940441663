import { COMPARE_OPERATORS, type ColumnRules, MAX_PATTERN_LENGTH } from '@sluice/normalize';
import { z } from 'zod';

/**
 * A column's validation rules: the shape of a declaration (a dataset
 * column's `rules`, a column's `rules` in a job's `columns` option), stored
 * as declared. What one rule says about another, about the column's type
 * and whether a pattern is safe is @sluice/normalize's ruleProblem, checked
 * by the API when the rules are declared.
 */

/** Most values of one enum, synonyms of one column, and cross-field rules of one column. */
export const MAX_ENUM_VALUES = 1000;
export const MAX_COMPARE_RULES = 10;
/** Longest enum value or synonym (characters). */
const MAX_ENUM_TEXT = 200;

const enumText = z.string().min(1).max(MAX_ENUM_TEXT);
const columnReference = z.string().min(1).max(200).meta({
  description:
    'Another column of the row: a dataset column name (dataset rules) or a header name (job rules, case aside).',
});
const length = z.int().min(0).max(1_000_000);
const bound = z.union([z.number(), z.string().max(40)]).meta({
  description:
    'A number (number, integer, currency, percent: the normalized value, so 12% is 0.12) or an ISO date / date-time (date, datetime).',
});

export const columnRulesSchema = z
  .strictObject({
    pattern: z
      .string()
      .min(1)
      .max(MAX_PATTERN_LENGTH)
      .optional()
      .meta({
        description: `A regular expression (JavaScript, Unicode) the whole normalized value must match; at most ${MAX_PATTERN_LENGTH} characters, no backreferences, no quantified group holding a quantifier such as (a+)+. Failure: pattern_mismatch.`,
        example: '[A-Z]{3}-\\d{4}',
      }),
    enum: z
      .array(enumText)
      .min(1)
      .max(MAX_ENUM_VALUES)
      .optional()
      .meta({
        description:
          'The allowed values, matched case-insensitively; the output is the value as listed here. Failure: not_in_enum.',
        example: ['Gold', 'Silver'],
      }),
    synonyms: z
      .record(enumText, enumText)
      .refine((map) => Object.keys(map).length <= MAX_ENUM_VALUES, {
        message: `may have at most ${MAX_ENUM_VALUES} entries`,
      })
      .optional()
      .meta({
        description: 'Other spellings of enum values, each mapped to its enum value (output).',
        example: { au: 'Gold' },
      }),
    min: bound.optional().meta({ description: 'Least value. Failure: below_min.' }),
    max: bound.optional().meta({ description: 'Greatest value. Failure: above_max.' }),
    minLength: length
      .optional()
      .meta({ description: 'Least number of characters. Failure: too_short.' }),
    maxLength: length
      .optional()
      .meta({ description: 'Greatest number of characters. Failure: too_long.' }),
    unique: z.boolean().optional().meta({
      description:
        'True: no two accepted rows of the file may have the same value (empty values aside). Checked over the whole file when the job is finalized; each later row gets duplicate_in_file naming the first line (the row itself stays in result.csv and an import).',
    }),
    compare: z
      .array(z.strictObject({ op: z.enum(COMPARE_OPERATORS), column: columnReference }))
      .min(1)
      .max(MAX_COMPARE_RULES)
      .optional()
      .meta({
        description:
          'Cross-field: this value compared with another column of the row (numbers with numbers, dates with dates; = and != with any), skipped when either is empty. Failure: rule_failed.',
        example: [{ op: '>=', column: 'start_date' }],
      }),
    requiredWhen: z
      .strictObject({
        column: columnReference,
        in: z.array(enumText).min(1).max(MAX_ENUM_VALUES),
      })
      .optional()
      .meta({
        description:
          "Cross-field: this column needs a value when the other column's normalized value is one of `in` (case aside); the row is rejected otherwise. Failure: rule_failed.",
        example: { column: 'country', in: ['US'] },
      }),
  })
  .meta({ id: 'ColumnRules' }) satisfies z.ZodType<ColumnRules>;
