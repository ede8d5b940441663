import { describe, expect, it } from 'vitest';
import { headerKey, inferColumnType } from './infer.ts';
import { COLUMN_TYPE_NAMES, COLUMN_TYPES, type ColumnType } from './registry.ts';

describe('inferColumnType', () => {
  const cases: [header: string, type: ColumnType][] = [
    // email
    ['email', 'email'],
    ['Email', 'email'],
    ['EMAIL', 'email'],
    ['E-mail', 'email'],
    ['E-Mail', 'email'],
    ['e_mail', 'email'],
    ['e mail', 'email'],
    ['mail', 'email'],
    ['Email Address', 'email'],
    ['email_address', 'email'],
    ['EmailAddress', 'email'],
    ['emailAddress', 'email'],
    ['E-mail address', 'email'],
    ['Work Email', 'email'],
    ['work_email', 'email'],
    ['Personal E-mail', 'email'],
    ['Primary Email Address', 'email'],
    ['Contact Email', 'email'],
    ['Billing email', 'email'],
    ['Email (work)', 'email'],
    ['Email - Home', 'email'],
    ['Email 2', 'email'],
    ['email1', 'email'],
    ['Emails', 'email'],
    ['  email  ', 'email'],
    ['\ufeffemail', 'email'], // byte order mark glued to the first header
    ['Courriel', 'email'],
    ['Correo electrónico', 'email'],
    ['E-Mail-Adresse', 'email'],
    // phone
    ['phone', 'phone'],
    ['Phone', 'phone'],
    ['PHONE', 'phone'],
    ['Phone Number', 'phone'],
    ['phone_number', 'phone'],
    ['phone-number', 'phone'],
    ['PhoneNumber', 'phone'],
    ['Phone #', 'phone'],
    ['Phone No.', 'phone'],
    ['tel', 'phone'],
    ['Tel.', 'phone'],
    ['Telephone', 'phone'],
    ['Telephone Number', 'phone'],
    ['mobile', 'phone'],
    ['Mobile Phone', 'phone'],
    ['Mobile Number', 'phone'],
    ['cell', 'phone'],
    ['Cell', 'phone'],
    ['cellphone', 'phone'],
    ['Cell Phone', 'phone'],
    ['cell-phone', 'phone'],
    ['Cell Phone 2', 'phone'],
    ['fax', 'phone'],
    ['Fax Number', 'phone'],
    ['Home Phone', 'phone'],
    ['Work Phone', 'phone'],
    ['Business Phone', 'phone'],
    ['Office Tel', 'phone'],
    ['Phone (mobile)', 'phone'],
    ['Alt. Phone', 'phone'],
    ['phone2', 'phone'],
    ['Contact Number', 'phone'],
    ['Teléfono', 'phone'],
    ['Téléphone', 'phone'],
    ['Telefonnummer', 'phone'],
    // text: everything else, including near misses that are not phones or e-mails
    ['name', 'name'],
    ['Company', 'company'],
    ['Address', 'text'],
    ['address1', 'text'],
    ['Notes', 'text'],
    ['contact', 'text'],
    ['number', 'number'],
    ['hotel', 'text'],
    ['voicemail', 'text'],
    ['iPhone', 'text'],
    ['Mailing Address', 'text'],
    ['Email Opt In', 'boolean'], // a yes/no flag, not an address
    ['Has Email', 'text'],
    ['Email Verified', 'boolean'],
    ['Phone Type', 'text'],
    ['Cellar', 'text'],
    ['Telegram', 'text'],
    ['work', 'text'],
    ['', 'text'],
    ['   ', 'text'],
    ['---', 'text'],
    ['123', 'text'],
    ['名前', 'text'],
  ];
  it.each(cases)('%j -> %s', (header, type) => {
    expect(inferColumnType(header)).toBe(type);
  });

  it('handles very long header names', () => {
    expect(inferColumnType('e'.repeat(100_000))).toBe('text');
    expect(inferColumnType(`${'-'.repeat(100_000)}email`)).toBe('email');
  });
});

describe('headerKey', () => {
  it.each([
    ['E-Mail Address 2', 'emailaddress'],
    ['Teléfono', 'telefono'],
    ['phone_number', 'phonenumber'],
    ['  Tel. ', 'tel'],
  ])('%j -> %j', (header, key) => {
    expect(headerKey(header)).toBe(key);
  });

  it('every synonym is already in key form', () => {
    for (const type of COLUMN_TYPE_NAMES) {
      for (const synonym of COLUMN_TYPES[type].headerSynonyms) {
        expect(headerKey(synonym)).toBe(synonym);
        expect(inferColumnType(synonym)).toBe(type);
      }
    }
  });
});
