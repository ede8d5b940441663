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

// ---------------------------------------------------------------------------
// Realistic contacts: what a CRM or mailing-list export looks like. Names,
// e-mails and phone numbers are nearly all unique (so a per-chunk memo helps
// little with them), phones and dates come in the mixed formats people type,
// and about 4 % of the rows carry an invalid value. contactRow above is the
// memo-friendly case (small pools): most of its cells repeat within a chunk.
// ---------------------------------------------------------------------------

const REAL_FIRST = [
  'James',
  'Mary',
  'Robert',
  'Patricia',
  'John',
  'Jennifer',
  'Michael',
  'Linda',
  'David',
  'Elizabeth',
  'William',
  'Barbara',
  'Richard',
  'Susan',
  'Joseph',
  'Jessica',
  'Thomas',
  'Sarah',
  'Christopher',
  'Karen',
  'Charles',
  'Lisa',
  'Daniel',
  'Nancy',
  'Matthew',
  'Betty',
  'Anthony',
  'Sandra',
  'Mark',
  'Margaret',
  'Donald',
  'Ashley',
  'Steven',
  'Kimberly',
  'Andrew',
  'Emily',
  'Paul',
  'Donna',
  'Joshua',
  'Michelle',
  'Kenneth',
  'Carol',
  'Kevin',
  'Amanda',
  'Brian',
  'Melissa',
  'George',
  'Deborah',
  'Timothy',
  'Stephanie',
  'Ronald',
  'Rebecca',
  'Jason',
  'Sharon',
  'Edward',
  'Laura',
  'Jeffrey',
  'Cynthia',
  'Ryan',
  'Dorothy',
  'Jacob',
  'Amy',
  'Gary',
  'Kathleen',
  'Nicholas',
  'Angela',
  'Eric',
  'Shirley',
  'Jonathan',
  'Emma',
  'Stephen',
  'Brenda',
  'Larry',
  'Pamela',
  'Justin',
  'Nicole',
  'Scott',
  'Anna',
  'Brandon',
  'Samantha',
  'Benjamin',
  'Katherine',
  'Samuel',
  'Christine',
  'Gregory',
  'Debra',
  'Alexander',
  'Rachel',
  'Patrick',
  'Carolyn',
  'Frank',
  'Janet',
  'Raymond',
  'Maria',
  'Jack',
  'Olivia',
  'Dennis',
  'Heather',
  'Jerry',
  'Helen',
  'Tyler',
  'Catherine',
  'Aaron',
  'Diane',
  'José',
  'Julie',
  'Adam',
  'Victoria',
  'Nathan',
  'Joyce',
  'Henry',
  'Lauren',
  'Zachary',
  'Kelly',
  'Douglas',
  'Christina',
  'Peter',
  'Ruth',
  'Kyle',
  'Joan',
  'Noah',
  'Virginia',
  'Ethan',
  'Judith',
  'Jeremy',
  'Evelyn',
  'Walter',
  'Hannah',
  'Christian',
  'Andrea',
  'Keith',
  'Megan',
  'Roger',
  'Cheryl',
  'Terry',
  'Jacqueline',
  'Austin',
  'Madison',
  'Sean',
  'Teresa',
  'Gerald',
  'Abigail',
  'Carl',
  'Sophia',
  'Harold',
  'Martha',
  'Dylan',
  'Sara',
  'Arthur',
  'Gloria',
  'Lawrence',
  'Janice',
  'Jordan',
  'Kathryn',
  'Jesse',
  'Ann',
  'Bryan',
  'Isabella',
  'Billy',
  'Judy',
  'Bruce',
  'Charlotte',
  'Gabriel',
  'Julia',
  'Joe',
  'Grace',
  'Logan',
  'Amber',
  'Alan',
  'Alice',
  'Juan',
  'Jean',
  'Albert',
  'Denise',
  'Willie',
  'Frances',
  'Elijah',
  'Danielle',
  'Wayne',
  'Marilyn',
  'Randy',
  'Natalie',
  'Vincent',
  'Beverly',
  'Mason',
  'Diana',
  'Roy',
  'Brittany',
  'Ralph',
  'Theresa',
  'Bobby',
  'Kayla',
  'Russell',
  'Alexis',
  'Bradley',
  'Doris',
  'Philip',
  'Lori',
  'Eugene',
  'Tiffany',
  'Seán',
  'Zoë',
  'Björn',
  'Chloé',
  'François',
  'Jürgen',
  'Siobhán',
  'Min-jun',
  'Wei',
  'Priya',
  'Aarav',
  'Fatima',
  'Mohammed',
  'Yuki',
  'Hiroshi',
  'Ngozi',
  'Oluwaseun',
  'Lars',
];
const REAL_LAST = [
  'Smith',
  'Johnson',
  'Williams',
  'Brown',
  'Jones',
  'Garcia',
  'Miller',
  'Davis',
  'Rodriguez',
  'Martinez',
  'Hernandez',
  'Lopez',
  'Gonzalez',
  'Wilson',
  'Anderson',
  'Thomas',
  'Taylor',
  'Moore',
  'Jackson',
  'Martin',
  'Lee',
  'Perez',
  'Thompson',
  'White',
  'Harris',
  'Sanchez',
  'Clark',
  'Ramirez',
  'Lewis',
  'Robinson',
  'Walker',
  'Young',
  'Allen',
  'King',
  'Wright',
  'Scott',
  'Torres',
  'Nguyen',
  'Hill',
  'Flores',
  'Green',
  'Adams',
  'Nelson',
  'Baker',
  'Hall',
  'Rivera',
  'Campbell',
  'Mitchell',
  'Carter',
  'Roberts',
  'Gomez',
  'Phillips',
  'Evans',
  'Turner',
  'Diaz',
  'Parker',
  'Cruz',
  'Edwards',
  'Collins',
  'Reyes',
  'Stewart',
  'Morris',
  'Morales',
  'Murphy',
  'Cook',
  'Rogers',
  'Gutierrez',
  'Ortiz',
  'Morgan',
  'Cooper',
  'Peterson',
  'Bailey',
  'Reed',
  'Kelly',
  'Howard',
  'Ramos',
  'Kim',
  'Cox',
  'Ward',
  'Richardson',
  'Watson',
  'Brooks',
  'Chavez',
  'Wood',
  'James',
  'Bennett',
  'Gray',
  'Mendoza',
  'Ruiz',
  'Hughes',
  'Price',
  'Alvarez',
  'Castillo',
  'Sanders',
  'Patel',
  'Myers',
  'Long',
  'Ross',
  'Foster',
  'Jimenez',
  "O'Malley",
  "O'Brien",
  'McDonald',
  'MacLeod',
  'van der Berg',
  'de la Cruz',
  'García López',
  'Nguyễn',
  'Østergaard',
  'Müller',
  'Schmidt',
  'Schneider',
  'Fischer',
  'Weber',
  'de Vries',
  'van Dijk',
  'Jansen',
  'Bakker',
  'Visser',
  'Smit',
  'Meijer',
  'Dubois',
  'Lefèvre',
  'Moreau',
  'Rossi',
  'Russo',
  'Ferrari',
  'Esposito',
  'Bianchi',
  'Romano',
  'Kowalski',
  'Nowak',
  'Wiśniewski',
  'Novák',
  'Horváth',
  'Nakamura',
  'Tanaka',
  'Suzuki',
  'Watanabe',
  'Chen',
  'Wang',
  'Zhang',
  'Liu',
  'Singh',
  'Kumar',
  'Sharma',
  'Okafor',
  'Adeyemi',
  'Mensah',
  'Haddad',
  'Khan',
  'Ali',
  'Cohen',
  'Levy',
  'Friedman',
  'Andersson',
  'Johansson',
  'Karlsson',
  'Nilsson',
  'Eriksson',
  'Larsen',
  'Hansen',
  'Pedersen',
  'Byrne',
  'Ryan',
  'Walsh',
  'Doyle',
  'Fitzgerald',
  'Kennedy',
  'Lynch',
  'Quinn',
  'Hamilton',
  'Graham',
  'Sullivan',
  'Wallace',
  'Woods',
  'Cole',
  'West',
  'Jordan',
  'Owens',
  'Reynolds',
  'Fisher',
  'Ellis',
  'Harrison',
  'Gibson',
  'Marshall',
  'Wells',
  'Hunt',
  'Holmes',
  'Palmer',
];
const FREE_MAIL = ['gmail.com', 'yahoo.com', 'hotmail.com', 'outlook.com', 'aol.com', 'icloud.com'];
const WORDS = [
  'north',
  'blue',
  'river',
  'summit',
  'apex',
  'harbor',
  'pine',
  'iron',
  'bright',
  'clear',
  'delta',
  'eagle',
  'frontier',
  'granite',
  'horizon',
  'keystone',
  'liberty',
  'maple',
  'nova',
  'oak',
  'pioneer',
  'quantum',
  'redwood',
  'silver',
  'trinity',
  'united',
  'vertex',
  'western',
  'zenith',
  'atlas',
  'beacon',
  'cedar',
  'crown',
  'falcon',
  'global',
  'hudson',
  'lakeside',
  'metro',
  'orbit',
];
const COMPANY_TAILS = [
  'Inc.',
  'LLC',
  'Corp',
  'Corporation',
  'Ltd',
  'Ltd.',
  'GmbH',
  'B.V.',
  'Group',
  'Partners',
  'Holdings',
  'Systems',
  'Labs',
  'Consulting',
  '& Co.',
  'Solutions',
  'Technologies',
  'Logistics',
];
const TLDS = ['com', 'com', 'com', 'net', 'org', 'io', 'co', 'co.uk', 'de', 'nl', 'ca'];
const NOTES = [
  'Met at trade show',
  'prefers e-mail',
  'VIP customer, call before shipping',
  'Do not call after 6pm',
  'Referred by partner; follow up in Q3',
  'Newsletter opt-in',
  'Billing contact',
  'moved from old CRM',
];

/** Real area codes of large US cities (random 7-digit rests are nearly all valid). */
const US_AREA = [
  '201',
  '202',
  '203',
  '205',
  '206',
  '207',
  '208',
  '210',
  '212',
  '213',
  '214',
  '215',
  '216',
  '217',
  '219',
  '224',
  '225',
  '228',
  '229',
  '231',
  '234',
  '239',
  '240',
  '248',
  '251',
  '252',
  '253',
  '254',
  '256',
  '260',
  '262',
  '267',
  '269',
  '270',
  '272',
  '276',
  '281',
  '301',
  '302',
  '303',
  '304',
  '305',
  '307',
  '308',
  '309',
  '310',
  '312',
  '313',
  '314',
  '315',
  '316',
  '317',
  '318',
  '319',
  '320',
  '321',
  '323',
  '325',
  '330',
  '334',
  '336',
  '337',
  '339',
  '347',
  '351',
  '352',
  '360',
  '361',
  '385',
  '386',
  '401',
  '402',
  '404',
  '405',
  '406',
  '407',
  '408',
  '409',
  '410',
  '412',
  '413',
  '414',
  '415',
  '417',
  '419',
  '423',
  '424',
  '425',
  '430',
  '432',
  '434',
  '435',
  '440',
  '443',
  '469',
  '470',
  '475',
  '478',
  '479',
  '480',
  '484',
  '501',
  '502',
  '503',
  '504',
  '505',
  '507',
  '508',
  '509',
  '510',
  '512',
  '513',
  '515',
  '516',
  '517',
  '518',
  '520',
  '530',
  '540',
  '541',
  '559',
  '561',
  '562',
  '563',
  '567',
  '570',
  '571',
  '573',
  '574',
  '580',
  '585',
  '586',
  '601',
  '602',
  '603',
  '605',
  '606',
  '607',
  '608',
  '609',
  '610',
  '612',
  '614',
  '615',
  '616',
  '617',
  '618',
  '619',
  '620',
  '623',
  '626',
  '630',
  '631',
  '636',
  '641',
  '646',
  '650',
  '651',
  '660',
  '661',
  '662',
  '678',
  '682',
  '701',
  '702',
  '703',
  '704',
  '706',
  '707',
  '708',
  '712',
  '713',
  '714',
  '715',
  '716',
  '717',
  '718',
  '719',
  '720',
  '724',
  '727',
  '731',
  '732',
  '734',
  '740',
  '754',
  '757',
  '760',
  '763',
  '765',
  '770',
  '772',
  '773',
  '774',
  '775',
  '781',
  '785',
  '786',
  '801',
  '802',
  '803',
  '804',
  '805',
  '806',
  '808',
  '810',
  '812',
  '813',
  '814',
  '815',
  '816',
  '817',
  '818',
  '828',
  '830',
  '831',
  '832',
  '843',
  '845',
  '847',
  '848',
  '850',
  '856',
  '857',
  '858',
  '859',
  '860',
  '862',
  '863',
  '864',
  '865',
  '870',
  '901',
  '903',
  '904',
  '906',
  '907',
  '908',
  '909',
  '910',
  '912',
  '913',
  '914',
  '915',
  '916',
  '917',
  '918',
  '919',
  '920',
  '925',
  '928',
  '931',
  '936',
  '937',
  '940',
  '941',
  '947',
  '949',
  '951',
  '952',
  '954',
  '956',
  '970',
  '971',
  '972',
  '973',
  '978',
  '979',
  '980',
  '984',
  '985',
  '989',
];
const CA_AREA = [
  '416',
  '647',
  '437',
  '604',
  '778',
  '514',
  '438',
  '403',
  '587',
  '613',
  '905',
  '780',
];
const US_STATES = [
  ['CA', 'California', 'Calif.'],
  ['TX', 'Texas', 'Tex.'],
  ['NY', 'New York', 'N.Y.'],
  ['FL', 'Florida', 'Fla.'],
  ['IL', 'Illinois', 'Ill.'],
  ['PA', 'Pennsylvania', 'Penn.'],
  ['OH', 'Ohio', 'ohio'],
  ['GA', 'Georgia', 'Ga.'],
  ['NC', 'North Carolina', 'N.C.'],
  ['MI', 'Michigan', 'Mich.'],
  ['NJ', 'New Jersey', 'N.J.'],
  ['VA', 'Virginia', 'Va.'],
  ['WA', 'Washington', 'Wash.'],
  ['AZ', 'Arizona', 'Ariz.'],
  ['MA', 'Massachusetts', 'Mass.'],
  ['CO', 'Colorado', 'Colo.'],
  ['OR', 'Oregon', 'Ore.'],
  ['MN', 'Minnesota', 'Minn.'],
];
const CA_PROVINCES = [
  ['ON', 'Ontario'],
  ['BC', 'British Columbia'],
  ['QC', 'Québec'],
  ['AB', 'Alberta'],
];
/** Country spellings as people type them, by the country the row is from. */
const COUNTRY_SPELLINGS: Record<string, readonly string[]> = {
  US: ['United States', 'USA', 'US', 'U.S.A.', 'united states of america', 'us', 'America'],
  CA: ['Canada', 'CA', 'CAN', 'canada'],
  GB: ['United Kingdom', 'UK', 'GB', 'Great Britain', 'England', 'united kingdom'],
  DE: ['Germany', 'DE', 'Deutschland', 'germany'],
  NL: ['Netherlands', 'NL', 'The Netherlands', 'Holland', 'Nederland'],
};
const MONTHS_SHORT = [
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
];
const MONTHS_LONG = [
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
/** Values people put in cells that are not what the column holds (the invalid ~4 %). */
const BAD_EMAILS = [
  'n/a',
  'none',
  'jane.doe@',
  'jane@@example.com',
  'no email',
  'john.smith at gmail.com',
];
const BAD_PHONES = ['123', 'n/a', '555-1234', 'ask reception', '000-000-0000', '(999) 999-9999'];
const BAD_DATES = ['13/45/1980', 'unknown', '1985-02-30', '00/00/0000', 'last spring'];

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The share of rows per country (the job's phoneRegion is US, as in the bench). */
function pickCountry(r: () => number): string {
  const x = r();
  return x < 0.7 ? 'US' : x < 0.8 ? 'CA' : x < 0.88 ? 'GB' : x < 0.94 ? 'DE' : 'NL';
}

/** The 10 digits of a valid North American number: area code, exchange 2xx-9xx, line. */
function nanpDigits(r: () => number, areas: readonly string[]): [string, string, string] {
  const area = areas[Math.floor(r() * areas.length)]!;
  // Exchanges N11 (211, 311, ...) and 555 (mostly fictional) are not real subscriber ranges.
  let exchange = 200 + Math.floor(r() * 800);
  if (exchange % 100 === 11 || exchange === 555) exchange += 1;
  return [area, String(exchange), pad(Math.floor(r() * 10_000), 4)];
}

/** A North American number in one of the ways people write them. */
function nanpPhone(r: () => number, areas: readonly string[], home: boolean): string {
  const [a, b, c] = nanpDigits(r, areas);
  const x = r();
  let text: string;
  if (!home)
    text = x < 0.6 ? `+1 ${a} ${b} ${c}` : x < 0.8 ? `+1-${a}-${b}-${c}` : `+1 (${a}) ${b}-${c}`;
  else if (x < 0.3) text = `(${a}) ${b}-${c}`;
  else if (x < 0.5) text = `${a}-${b}-${c}`;
  else if (x < 0.6) text = `${a}.${b}.${c}`;
  else if (x < 0.7) text = `${a}${b}${c}`;
  else if (x < 0.8) text = `+1 ${a} ${b} ${c}`;
  else if (x < 0.87) text = `1-${a}-${b}-${c}`;
  else if (x < 0.93) text = `+1 (${a}) ${b}-${c}`;
  else text = `${a} ${b} ${c}`;
  const y = r();
  if (y < 0.04) text += ` x${1 + Math.floor(r() * 999)}`;
  else if (y < 0.06) text += ` ext. ${10 + Math.floor(r() * 9990)}`;
  return text;
}

/** A European number (geographic or mobile), international form as a US system stores it. */
function europeanPhone(r: () => number, country: string): string {
  const pick = <T>(list: readonly T[]) => list[Math.floor(r() * list.length)]!;
  const n = (digits: number) => pad(Math.floor(r() * 10 ** digits), digits);
  const prefix = r() < 0.85 ? '+' : '00';
  switch (country) {
    case 'GB':
      return r() < 0.5
        ? `${prefix}44 20 7${n(3)} ${n(4)}`
        : `${prefix}44 7${700 + Math.floor(r() * 300)} ${n(6)}`;
    case 'DE':
      return r() < 0.5
        ? `${prefix}49 30 ${2 + Math.floor(r() * 7)}${n(7)}`
        : `${prefix}49 1${pick(['51', '52', '60', '70', '71', '72', '73', '75', '76', '77', '78', '79'])} ${n(8)}`;
    default:
      return r() < 0.5
        ? `${prefix}31 20 ${1 + Math.floor(r() * 8)}${n(6)}`
        : `${prefix}31 6 ${1 + Math.floor(r() * 8)}${n(7)}`;
  }
}

/** A birth date in one of the forms exports use (month-first when numeric with slashes). */
function birthDate(r: () => number): string {
  const y = 1940 + Math.floor(r() * 66);
  const m = 1 + Math.floor(r() * 12);
  const d = 1 + Math.floor(r() * 28);
  const x = r();
  if (x < 0.45) return `${y}-${pad(m)}-${pad(d)}`;
  if (x < 0.7) return `${pad(m)}/${pad(d)}/${y}`;
  if (x < 0.8) return `${m}/${d}/${y}`;
  if (x < 0.87) return `${MONTHS_SHORT[m - 1]} ${d}, ${y}`;
  if (x < 0.92) return `${d} ${MONTHS_LONG[m - 1]} ${y}`;
  if (x < 0.96) return `${y}/${pad(m)}/${pad(d)}`;
  return `${y}-${pad(m)}-${pad(d)}T00:00:00`;
}

function postalCode(r: () => number, country: string): string {
  const n = (digits: number) => pad(Math.floor(r() * 10 ** digits), digits);
  const letter = () => 'ABCEGHJKLMNPRSTVWXYZ'[Math.floor(r() * 20)]!;
  const firstLetter = () => 'ABCEGHJKLMNPRSTVXY'[Math.floor(r() * 18)]!;
  switch (country) {
    case 'US':
      return r() < 0.85
        ? pad(501 + Math.floor(r() * 99_000), 5)
        : `${pad(501 + Math.floor(r() * 99_000), 5)}-${n(4)}`;
    case 'CA':
      return `${firstLetter()}${Math.floor(r() * 10)}${letter()} ${Math.floor(r() * 10)}${letter()}${Math.floor(r() * 10)}`;
    case 'GB':
      return `SW${1 + Math.floor(r() * 9)} ${Math.floor(r() * 10)}${'ABDEFGHJLNPQRSTUWXYZ'[Math.floor(r() * 20)]}${'ABDEFGHJLNPQRSTUWXYZ'[Math.floor(r() * 20)]}`;
    case 'DE':
      return pad(10_000 + Math.floor(r() * 89_999), 5);
    default:
      return `${1000 + Math.floor(r() * 8999)} ${'ABCDEFGHJKLMNPRTUVWXYZ'[Math.floor(r() * 22)]}${'ABCDEFGHJKLMNPRTUVWXYZ'[Math.floor(r() * 22)]}`;
  }
}

function region(r: () => number, country: string): string {
  if (country === 'US') {
    const s = US_STATES[Math.floor(r() * US_STATES.length)]!;
    return s[Math.floor(r() * 3) === 0 ? 1 : r() < 0.85 ? 0 : 2]!;
  }
  if (country === 'CA')
    return CA_PROVINCES[Math.floor(r() * CA_PROVINCES.length)]![r() < 0.6 ? 0 : 1]!;
  if (country === 'GB') return r() < 0.5 ? 'Greater London' : '';
  if (country === 'DE') return r() < 0.5 ? 'Berlin' : 'Bayern';
  return r() < 0.5 ? 'Noord-Holland' : '';
}

/**
 * Row i of a realistic contacts export (same 10 columns as contactRow, a pure
 * function of (seed, i)): nearly unique names, e-mails and phone numbers;
 * phones national and international, with punctuation and extensions; dates
 * in ISO, US numeric and written forms; rows from five countries with their
 * postal codes and regions; about 4 % of the rows with an invalid value.
 */
function realisticContactRow(i: number, seed = 1): string {
  const r = random(seed * 1_000_003 + i + 0x5eed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(r() * list.length)]!;
  const country = pickCountry(r);
  const first = pick(REAL_FIRST);
  const last = pick(REAL_LAST);
  const middle = r() < 0.25 ? ` ${String.fromCharCode(65 + Math.floor(r() * 26))}.` : '';
  const x = r();
  const name =
    x < 0.15
      ? `${last}, ${first}${middle}`
      : x < 0.25
        ? `${first.toUpperCase()}${middle.toUpperCase()} ${last.toUpperCase()}`
        : x < 0.3
          ? ` ${first.toLowerCase()} ${last.toLowerCase()} `
          : `${first}${middle} ${last}`;
  const ascii = (s: string) =>
    s
      .normalize('NFD')
      .replace(/[^A-Za-z]/g, '')
      .toLowerCase();
  const local =
    r() < 0.5
      ? `${ascii(first)}.${ascii(last)}`
      : `${ascii(first)[0]}${ascii(last)}${Math.floor(r() * 1000)}`;
  const company = `${pick(WORDS)}${pick(WORDS)}`;
  const domain = r() < 0.45 ? pick(FREE_MAIL) : `${company}.${pick(TLDS)}`;
  // Unique per row: the same person can appear twice in a real list, but rarely.
  let email = `${local}${r() < 0.7 ? i % 97 : ''}@${domain}`;
  if (r() < 0.1) email = email.replace(/^./, (c) => c.toUpperCase());
  if (r() < 0.05) email = ` ${email} `;
  let phone =
    country === 'US'
      ? nanpPhone(r, US_AREA, true)
      : country === 'CA'
        ? nanpPhone(r, CA_AREA, r() < 0.5)
        : europeanPhone(r, country);
  let birth = r() < 0.08 ? '' : birthDate(r);
  // The invalid ~4 % of rows: one bad value each, in the columns that usually have them.
  const bad = r();
  if (bad < 0.015) email = pick(BAD_EMAILS);
  else if (bad < 0.03) phone = pick(BAD_PHONES);
  else if (bad < 0.04) birth = pick(BAD_DATES);
  const employer =
    r() < 0.15 ? '' : `${company[0]!.toUpperCase()}${company.slice(1)} ${pick(COMPANY_TAILS)}`;
  const y = r();
  const notes = y < 0.6 ? '' : y < 0.95 ? pick(NOTES) : `called ${i}; said "later", see\nthread`;
  return [
    String(i),
    name,
    email,
    phone,
    birth,
    pick(COUNTRY_SPELLINGS[country]!),
    postalCode(r, country),
    region(r, country),
    employer,
    notes,
  ]
    .map(quote)
    .join(',');
}

/** Which generator a file comes from: realistic (the default for benchmarks) or memo-friendly pools. */
export type ContactsVariant = 'realistic' | 'pooled';

/** Row i of the named variant. */
export function contactRowOf(variant: ContactsVariant, i: number, seed = 1): string {
  return variant === 'realistic' ? realisticContactRow(i, seed) : contactRow(i, seed);
}

interface GenerateOptions {
  /** Default pooled (tests); benchmarks use realistic. */
  variant?: ContactsVariant;
  lineEnding?: string;
}

/** The whole file as a stream of ~64 KiB buffers (never held whole). */
export async function* generateContactsCsv(
  rows: number,
  seed = 1,
  { variant = 'pooled', lineEnding = '\r\n' }: GenerateOptions = {},
): AsyncGenerator<Buffer> {
  let batch = CONTACT_HEADER + lineEnding;
  for (let i = 1; i <= rows; i++) {
    batch += contactRowOf(variant, i, seed) + lineEnding;
    if (batch.length >= 65_536) {
      yield Buffer.from(batch);
      batch = '';
    }
  }
  if (batch) yield Buffer.from(batch);
}

/** Generates rows until the output reaches `bytes` (approximately, whole rows). */
export async function* generateContactsCsvOfSize(
  bytes: number,
  seed = 1,
  { variant = 'pooled' }: Pick<GenerateOptions, 'variant'> = {},
): AsyncGenerator<Buffer> {
  let total = 0;
  let batch = `${CONTACT_HEADER}\r\n`;
  for (let i = 1; total + batch.length < bytes; i++) {
    batch += `${contactRowOf(variant, i, seed)}\r\n`;
    if (batch.length >= 65_536) {
      total += batch.length;
      yield Buffer.from(batch);
      batch = '';
    }
  }
  if (batch) yield Buffer.from(batch);
}
