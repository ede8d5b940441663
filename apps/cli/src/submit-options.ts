import { columnTypeSchema, jobOptionsInputSchema } from '@sluice/contract';
import { usageError } from './exit-codes.ts';

/** `--option NAME=VALUE` names: POST /v1/jobs' options but those with flags of their own. */
export const OPTION_NAMES = Object.keys(jobOptionsInputSchema.shape).filter(
  (name) => name !== 'dataset' && name !== 'type',
);

type ColumnSpec = {
  type?: string;
  required?: boolean;
  rename?: string;
  split?: true;
  drop?: true;
};

const COLUMN_SYNTAX = 'HEADER=TYPE[,required][,rename=NAME][,split] or HEADER=drop';

/**
 * `--column 'HEADER=SPEC'`, SPEC a comma-separated list of a type name,
 * `required`, `rename=NAME` and `split` (`Mobile=phone`, `DOB=date,required`,
 * `E-Mail=email,rename=email`, `Name=name,split`: the name's parts as
 * columns too; the API checks the type is name), or `drop` alone (`Notes=drop`: the column is
 * left out; "drop" is no type name, so it cannot be misread as one): one
 * entry of the `columns` option.
 */
export function parseColumn(text: string): [string, ColumnSpec] {
  const eq = text.indexOf('=');
  const header = eq === -1 ? '' : text.slice(0, eq);
  const rest = eq === -1 ? '' : text.slice(eq + 1);
  if (header === '' || rest === '') {
    throw usageError(
      `--column ${JSON.stringify(text)}: write ${COLUMN_SYNTAX}, e.g. 'Mobile=phone'`,
    );
  }
  const parts = rest.split(',').map((p) => p.trim());
  if (parts.includes('drop')) {
    // The API refuses drop with anything else too; said here, before the upload.
    if (parts.length > 1)
      throw usageError(
        `--column ${JSON.stringify(text)}: a dropped column takes nothing else; write HEADER=drop`,
      );
    return [header, { drop: true }];
  }
  const spec: ColumnSpec = {};
  for (const part of parts) {
    if (part === 'required') spec.required = true;
    else if (part === 'split') spec.split = true;
    else if (part.startsWith('rename=') && part.length > 'rename='.length)
      spec.rename = part.slice('rename='.length);
    else if (columnTypeSchema.safeParse(part).success && spec.type === undefined) spec.type = part;
    else
      throw usageError(
        `--column ${JSON.stringify(text)}: ${JSON.stringify(part)} is not a column type, "required", rename=NAME, "split" or "drop"`,
      );
  }
  return [header, spec];
}

/** POST /v1/jobs' query for one file: its name, the dataset, the columns and options. */
export function jobQuery(
  fileName: string,
  input: { dataset?: string | undefined; columns: string[]; options: string[] },
): Record<string, string> {
  const query: Record<string, string> = { filename: fileName };
  if (input.dataset !== undefined) {
    query.type = 'import';
    query.dataset = input.dataset;
  }
  for (const option of input.options) {
    const eq = option.indexOf('=');
    const name = eq === -1 ? option : option.slice(0, eq);
    if (eq === -1 || !OPTION_NAMES.includes(name)) {
      throw usageError(
        `--option ${JSON.stringify(option)}: write NAME=VALUE with NAME one of ${OPTION_NAMES.join(', ')}`,
      );
    }
    query[name] = option.slice(eq + 1);
  }
  if (input.columns.length > 0) {
    if (query.columns !== undefined)
      throw usageError('give the columns either as --column flags or as --option columns=JSON');
    const columns: Record<string, ColumnSpec | string> = {};
    for (const text of input.columns) {
      const [header, spec] = parseColumn(text);
      // A bare type stays the short form the API documents ({"Mobile":"phone"}).
      columns[header] = Object.keys(spec).length === 1 && spec.type ? spec.type : spec;
    }
    query.columns = JSON.stringify(columns);
  }
  return query;
}
