/**
 * Deterministic generator of messy contacts CSV in the 10-column shape of
 * test/fixtures/contacts-sample.csv, for tests, memory runs and benchmarks.
 * Row i is a pure function of (seed, i), so any row can be re-derived when
 * checking a result.
 */

export const CONTACT_HEADER =
  'id,name,email,phone,birth_date,country,postal_code,state,employer,notes';

/** Each generated column's Sluice type, in header order. */
const CONTACT_TYPES: Record<string, string> = {
  id: 'integer',
  name: 'name',
  email: 'email',
  phone: 'phone',
  birth_date: 'date',
  country: 'country',
  postal_code: 'postal_code',
  state: 'region',
  employer: 'company',
  notes: 'text',
};

/** The generated file's columns as a dataset declares them; `required` marks its key column. */
export function contactDatasetColumns(
  required: string,
): Array<{ name: string; type: string; required?: boolean }> {
  return CONTACT_HEADER.split(',').map((name) => ({
    name,
    type: CONTACT_TYPES[name]!,
    ...(name === required ? { required: true } : {}),
  }));
}

const FIRST = ['jane', 'PETER', 'Seán', 'maría', 'Angus', 'min-jun', 'alice', 'Bob', 'ZOË', 'li'];
const LAST = [
  'doe',
  "O'MALLEY",
  'van der berg',
  'García López',
  'MacLeod',
  'Kim',
  'smith',
  'de la Cruz',
  'Nguyễn',
  'Øster',
];
const DOMAINS = ['Example.COM', 'example.org', 'Mail.Example.NET', 'example.co.uk'];
/** Real US area codes with 555-01xx (reserved for fiction, valid in numbering plans). */
const AREA_CODES = ['202', '212', '213', '312', '415', '512', '617', '646', '718', '917'];
const COUNTRIES = [
  'United States',
  'Netherlands',
  'IRL',
  'España',
  'Great Britain',
  'us',
  'South Korea',
];
const EMPLOYERS = [
  'INITECH LLC',
  'philips',
  '  Acme\u200b  Corp ',
  '"Quotes" & Sons',
  'Samsung Electronics',
];

/** Small, fast, seedable PRNG (mulberry32); also drives the chaos tests' kill schedule. */
export function random(seed: number): () => number {
  // Scramble the seed (murmur3 fmix32): consecutive seeds would otherwise
  // give correlated first draws.
  let a = seed >>> 0;
  a = Math.imul(a ^ (a >>> 16), 0x85ebca6b);
  a = Math.imul(a ^ (a >>> 13), 0xc2b2ae35);
  a = (a ^ (a >>> 16)) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const quote = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

export function contactRow(i: number, seed = 1): string {
  const r = random(seed * 1_000_003 + i);
  const pick = <T>(list: readonly T[]) => list[Math.floor(r() * list.length)]!;
  const first = pick(FIRST);
  const last = pick(LAST);
  const name = r() < 0.3 ? `${last.toUpperCase()}, ${first}` : `  ${first} ${last} `;
  // ASCII local part: most real exports are, and the error rate stays ~5 %.
  const local = first.normalize('NFD').replace(/[^A-Za-z-]/g, '');
  const email = r() < 0.05 ? 'not-an-email' : ` ${local}.${i}@${pick(DOMAINS)} `;
  const phone =
    r() < 0.05
      ? '123'
      : `(${pick(AREA_CODES)}) 555-01${String(Math.floor(r() * 100)).padStart(2, '0')}`;
  const birth = `19${50 + Math.floor(r() * 50)}-0${1 + Math.floor(r() * 9)}-1${Math.floor(r() * 9)}`;
  // Some notes span lines inside quotes: chunking must never split them.
  const notes = r() < 0.1 ? `line one\nline "two", with comma` : r() < 0.5 ? '' : `note ${i}`;
  return [
    String(i),
    name,
    email,
    phone,
    birth,
    pick(COUNTRIES),
    String(Math.floor(r() * 99_999)),
    'CA',
    pick(EMPLOYERS),
    notes,
  ]
    .map(quote)
    .join(',');
}

/** The whole file as a stream of ~64 KiB buffers (never held whole). */
export async function* generateContactsCsv(
  rows: number,
  seed = 1,
  lineEnding = '\r\n',
): AsyncGenerator<Buffer> {
  let batch = CONTACT_HEADER + lineEnding;
  for (let i = 1; i <= rows; i++) {
    batch += contactRow(i, seed) + lineEnding;
    if (batch.length >= 65_536) {
      yield Buffer.from(batch);
      batch = '';
    }
  }
  if (batch) yield Buffer.from(batch);
}

/** Generates rows until the output reaches `bytes` (approximately, whole rows). */
export async function* generateContactsCsvOfSize(bytes: number, seed = 1): AsyncGenerator<Buffer> {
  let total = 0;
  let batch = `${CONTACT_HEADER}\r\n`;
  for (let i = 1; total + batch.length < bytes; i++) {
    batch += `${contactRow(i, seed)}\r\n`;
    if (batch.length >= 65_536) {
      total += batch.length;
      yield Buffer.from(batch);
      batch = '';
    }
  }
  if (batch) yield Buffer.from(batch);
}
