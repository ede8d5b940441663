import {
  datasetDeclarationSchema,
  jobListQuerySchema,
  newKeyRequestSchema,
} from '@sluice/contract';
import { describe, expect, it } from 'vitest';
import { parseInput } from './parse-input.ts';
import { HttpProblem } from './problem.ts';

function refusal(run: () => unknown): HttpProblem {
  try {
    run();
  } catch (error) {
    if (error instanceof HttpProblem) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('parseInput', () => {
  it('returns what the schema parsed', () => {
    expect(
      parseInput(newKeyRequestSchema, { scopes: ['jobs:read'] }, 'invalid_key_request'),
    ).toEqual({
      scopes: ['jobs:read'],
    });
  });

  it("answers the route's code, naming the field and the schema's rule", () => {
    const p = refusal(() =>
      parseInput(newKeyRequestSchema, { scopes: ['jobs:read', 'root'] }, 'invalid_key_request'),
    );
    expect(p).toMatchObject({
      status: 400,
      code: 'invalid_key_request',
      extra: { field: 'scopes[1]' },
    });
    expect(p.message).toBe(
      'scopes[1] must be one of: jobs:write, jobs:read, datasets:write, datasets:read, admin.',
    );
    const nested = refusal(() =>
      parseInput(
        datasetDeclarationSchema,
        {
          name: 'contacts',
          columns: [{ name: 'email', type: 'email', required: 'yes' }],
          key: ['email'],
        },
        'invalid_dataset',
      ),
    );
    expect(nested.message).toBe('columns[0].required must be true or false.');
    expect(
      refusal(() =>
        parseInput(jobListQuerySchema, { status: ['failed', 'completed'] }, 'invalid_filter'),
      ).message,
    ).toBe('status must be one of queued, running, completed, failed, cancelled.');
  });

  it('lists unknown fields of a strict object, and says what to send when it is no object', () => {
    expect(
      refusal(() =>
        parseInput(
          newKeyRequestSchema,
          { scopes: ['admin'], owner: 'x', role: 1 },
          'invalid_key_request',
        ),
      ).message,
    ).toBe('Unknown fields: owner, role.');
    expect(refusal(() => parseInput(newKeyRequestSchema, [], 'invalid_key_request')).message).toBe(
      'Send a JSON object: {"scopes": [...], "name": "...", "expiresAt": "..."}.',
    );
  });
});
