/**
 * The `pattern` rule's regular expressions, which come from clients and run
 * on every value of a column. JavaScript's engine backtracks, so a pattern
 * such as `(a+)+$` can take exponential time on one crafted value; patterns
 * are bounded in length and the constructs that make backtracking explode
 * are refused when the rule is declared, never discovered on a worker.
 */

/** Longest pattern accepted (characters of its source). */
export const MAX_PATTERN_LENGTH = 200;

/** Why a pattern was refused, for people. */
export type PatternVerdict = { ok: true; regex: RegExp } | { ok: false; reason: string };

/**
 * True when the source quantifies a group that itself contains a quantifier
 * (`(a+)+`, `(\d*x)*`, `(?:a{2,})+`), or uses a backreference: the two ways
 * a pattern backtracks without bound. An exact count (`{3}`) inside a group
 * is no quantifier for this (`(\d{3}-)+` is accepted). A scan of the source,
 * aware of escapes and character classes; it refuses some safe patterns
 * (`(ab?c)+`), which can be written without the nesting.
 */
function unsafeConstruct(source: string): string | undefined {
  // Per open group: whether a quantifier occurs inside it.
  const groups: boolean[] = [];
  let lastGroupHadQuantifier = false;
  let afterGroup = false;
  let i = 0;
  const isQuantifierAt = (at: number): boolean => {
    const c = source[at];
    if (c === '*' || c === '+' || c === '?') return true;
    return c === '{' && /^\{\d+(,\d*)?\}/.test(source.slice(at));
  };
  const markQuantified = () => {
    if (groups.length > 0) groups[groups.length - 1] = true;
  };
  while (i < source.length) {
    const c = source[i]!;
    if (c === '\\') {
      const next = source[i + 1] ?? '';
      if (/[1-9]/.test(next) || next === 'k') return 'backreferences are not allowed';
      i += 2;
      afterGroup = false;
      continue;
    }
    if (c === '[') {
      // Skip the class: its metacharacters are literals.
      i += 1;
      while (i < source.length && source[i] !== ']') i += source[i] === '\\' ? 2 : 1;
      i += 1;
      afterGroup = false;
      continue;
    }
    if (c === '(') {
      groups.push(false);
      i += 1;
      // A group's `?:`, `?=`, `?!`, `?<=`, `?<!` or `?<name>` is no quantifier.
      if (source[i] === '?') {
        const named = /^\?<[A-Za-z_$][\w$]*>/.exec(source.slice(i));
        if (named) i += named[0].length;
        else i += source[i + 1] === '<' ? 3 : 2;
      }
      afterGroup = false;
      continue;
    }
    if (c === ')') {
      lastGroupHadQuantifier = groups.pop() ?? false;
      // A group with a quantifier inside makes its enclosing group hold one too.
      if (lastGroupHadQuantifier) markQuantified();
      i += 1;
      afterGroup = true;
      continue;
    }
    if (isQuantifierAt(i)) {
      if (afterGroup && lastGroupHadQuantifier && c !== '?') {
        return 'a quantified group may not contain another quantifier, such as (a+)+';
      }
      // An exact count (`{3}`) repeats one way only: no choice to backtrack into.
      if (!/^\{\d+\}/.test(source.slice(i))) markQuantified();
      // Skip the quantifier (and a lazy `?` after it).
      if (c === '{') i = source.indexOf('}', i) + 1;
      else i += 1;
      if (source[i] === '?') i += 1;
      afterGroup = false;
      continue;
    }
    afterGroup = false;
    i += 1;
  }
  return undefined;
}

/**
 * Compiles a `pattern` rule: the whole normalized value must match
 * (`^(?:pattern)$`), with Unicode semantics. Refused: too long, unsafe (see
 * unsafeConstruct) or not a valid expression.
 */
export function compilePattern(source: string): PatternVerdict {
  if (source.length === 0 || source.length > MAX_PATTERN_LENGTH) {
    return { ok: false, reason: `must have 1 to ${MAX_PATTERN_LENGTH} characters` };
  }
  const unsafe = unsafeConstruct(source);
  if (unsafe !== undefined) return { ok: false, reason: unsafe };
  try {
    return { ok: true, regex: new RegExp(`^(?:${source})$`, 'u') };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, reason: `is not a valid regular expression (${message})` };
  }
}
