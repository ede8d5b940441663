import type { RequestHandler } from 'express';
import { HttpProblem } from './problem.ts';

/**
 * Text PostgreSQL can store. Its text and jsonb types refuse U+0000 (the
 * statement fails: a 500, or a failed job), and a lone UTF-16 surrogate (a
 * JSON "\ud800", which JavaScript keeps) is silently written as U+FFFD by
 * the UTF-8 encoding on the way, changing the client's text. Everything a
 * request names that can reach the database (query values, JSON bodies,
 * form fields, file names, header names, column mappings) is checked here,
 * so each entry point refuses the same characters with the same code.
 */
/** Why `text` cannot be stored, or undefined when it can. */
export function unstorableReason(text: string): string | undefined {
  if (text.includes('\u0000')) return 'a NUL character (U+0000)';
  if (!text.isWellFormed()) return 'a lone UTF-16 surrogate';
  return undefined;
}

/** A client-chosen name, short enough to quote in a message. */
const quoted = (name: string) => (name.length > 64 ? `${name.slice(0, 64)}...` : name);

function invalidCharacter(field: string, reason: string): HttpProblem {
  return new HttpProblem(
    'invalid_character',
    `${field} contains ${reason}, which cannot be stored; remove it.`,
    { extra: { field } },
  );
}

/** Throws invalid_character (naming `field`) unless `text` can be stored. */
export function requireStorableText(text: string, field: string): string {
  const reason = unstorableReason(text);
  if (reason) throw invalidCharacter(field, reason);
  return text;
}

/** Deepest nesting walked; deeper JSON is refused (it is no request of ours). */
const MAX_DEPTH = 64;

/**
 * Checks every string and every object key in a parsed JSON value (or a
 * parsed query string), depth-first; `field` names the first bad one in the
 * client's terms (`options.timeZone`, `columns[0].name`).
 */
export function requireStorableJson(value: unknown, field: string, depth = 0): void {
  if (typeof value === 'string') {
    requireStorableText(value, field);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  if (depth >= MAX_DEPTH) {
    throw new HttpProblem('bad_request', `${field} is nested more than ${MAX_DEPTH} levels deep.`);
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      requireStorableJson(value[i], `${field}[${i}]`, depth + 1);
    }
    return;
  }
  for (const [key, item] of Object.entries(value)) {
    const path = field === '' ? quoted(key) : `${field}.${quoted(key)}`;
    const reason = unstorableReason(key);
    if (reason) throw invalidCharacter(field === '' ? 'a name' : `a name in ${field}`, reason);
    requireStorableJson(item, path, depth + 1);
  }
}

/**
 * App middleware: a query string (names and values, every route) with text
 * PostgreSQL cannot store is refused before any route reads it (a filename,
 * a dataset filter, an option).
 */
export const refuseUnstorableQuery: RequestHandler = (req, _res, next) => {
  try {
    requireStorableJson(req.query, '');
  } catch (problem) {
    return next(problem);
  }
  next();
};
