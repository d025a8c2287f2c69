// Messages for the problems a schema reports without words of its own (a wrong type, a number out of range, an unknown
// shape), in the voice of the handwritten ones: "must be at least 1". zod/mini ships no English messages, and its
// locale would add bundle size for wording we would rewrite anyway. A check's own message always wins over this map.

import type * as z from 'zod/mini';

const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'an object',
  record: 'an object',
  array: 'an array',
};

const SIZE_UNITS: Readonly<Record<string, string>> = { string: 'character', array: 'item', set: 'item' };

/** The per-parse error map of parseWithSchema: a message for every issue, naming the limit or type it broke. */
export const schemaIssueMessage: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      // NaN and Infinity are numbers to typeof, and print as null in JSON, so say which one arrived.
      if (issue.expected === 'number' && typeof issue.input === 'number') {
        return `must be a finite number, not ${issue.input}`;
      }
      return `must be ${TYPE_NAMES[issue.expected] ?? `of type ${issue.expected}`}`;
    case 'too_small':
      return boundMessage('least', issue.minimum, issue.origin, issue.inclusive, issue.exact);
    case 'too_big':
      return boundMessage('most', issue.maximum, issue.origin, issue.inclusive, issue.exact);
    case 'invalid_format':
      return issue.format === 'regex' ? `must match ${issue.pattern}` : `must be a valid ${issue.format}`;
    case 'invalid_value': {
      const values = issue.values.map((value) => JSON.stringify(value)).join(', ');
      return issue.values.length === 1 ? `must be ${values}` : `must be one of ${values}`;
    }
    case 'not_multiple_of':
      return `must be a multiple of ${issue.divisor}`;
    case 'unrecognized_keys':
      return 'is not a known field';
    case 'invalid_union':
      return 'is not any of the accepted forms';
    // A bad record key: say what a key must be (e.g. an HTTP header name), not just that the key is invalid.
    case 'invalid_key':
      return issue.issues[0]?.message ?? 'is not a valid key';
    default:
      return 'is not valid';
  }
};

/** "must be at least 1", "must be at most 128 characters long", "must have at least 1 item", "must be more than 0". */
function boundMessage(
  end: 'least' | 'most',
  limit: number | bigint,
  origin: string,
  inclusive: boolean | undefined,
  exact: boolean | undefined,
): string {
  const unit = SIZE_UNITS[origin];
  const relation = exact ? 'exactly' : inclusive ? `at ${end}` : end === 'least' ? 'more than' : 'less than';
  if (unit === undefined) return `must be ${relation} ${limit}`;
  const count = `${relation} ${limit} ${unit}${limit === 1 ? '' : 's'}`;
  return origin === 'string' ? `must be ${count} long` : `must have ${count}`;
}
