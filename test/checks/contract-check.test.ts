import { describe, expect, it } from 'vitest';
import { createContractChecker, type ObservedResponse } from '../support/contract-check.ts';

// The e2e suite's response contract check (test/harness/response-contract.ts)
// against a small document: it must pass what the document allows and name
// method, path, status and the schema error of what it does not.
const document = {
  openapi: '3.1.0',
  info: { title: 'miniature', version: '1' },
  'x-outside-contract': ['/admin/queues'],
  'x-unmatched-request': {
    description: 'not found',
    status: 404,
    content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
  },
  paths: {
    '/v1/things/{id}': {
      get: {
        responses: {
          '200': {
            description: 'a thing',
            headers: {
              'x-total-count': { required: true, schema: { type: 'string', pattern: '^\\d+$' } },
            },
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } },
          },
          '404': {
            description: 'missing',
            content: {
              'application/problem+json': {
                schema: {
                  allOf: [
                    { $ref: '#/components/schemas/Problem' },
                    { properties: { code: { enum: ['thing_not_found'] } } },
                  ],
                },
              },
            },
          },
        },
      },
    },
    '/v1/things/{id}/events': {
      get: {
        responses: {
          '200': {
            description: 'events',
            content: {
              'text/event-stream': {
                schema: { type: 'string' },
                'x-event-data': {
                  progress: {
                    type: 'object',
                    properties: { percent: { type: 'integer' } },
                    required: ['percent'],
                  },
                  done: { $ref: '#/components/schemas/Thing' },
                },
              },
            },
          },
        },
      },
    },
    '/v1/things/{id}/file.csv': {
      get: { responses: { '200': { description: 'csv', content: { 'text/csv': {} } } } },
    },
  },
  components: {
    schemas: {
      Thing: {
        type: 'object',
        properties: {
          id: { type: 'string', format: 'uuid' },
          createdAt: { type: 'string', format: 'date-time' },
        },
        required: ['id', 'createdAt'],
        additionalProperties: false,
      },
      Problem: {
        type: 'object',
        properties: {
          code: { type: 'string', enum: ['thing_not_found', 'not_found'] },
          status: { type: 'integer' },
        },
        required: ['code', 'status'],
      },
    },
  },
};

const check = createContractChecker(document);
const thing = { id: '0b7e2f7c-3f57-4d0e-9a6f-1b1ad1a0c2d4', createdAt: '2026-12-02T15:04:05.000Z' };
const ok: ObservedResponse = {
  method: 'GET',
  path: '/v1/things/0b7e2f7c',
  status: 200,
  headers: { 'content-type': 'application/json; charset=utf-8', 'x-total-count': '1' },
  body: JSON.stringify(thing),
};

const stream: ObservedResponse = {
  method: 'GET',
  path: '/v1/things/0b7e2f7c/events',
  status: 200,
  headers: { 'content-type': 'text/event-stream' },
  body: undefined,
};

describe('the response contract check', () => {
  it('passes answers the document allows', () => {
    expect(check(ok)).toEqual([]);
    expect(check({ ...ok, method: 'HEAD', body: '' })).toEqual([]);
    expect(
      check({
        ...ok,
        status: 404,
        headers: { 'content-type': 'application/problem+json' },
        body: JSON.stringify({ code: 'thing_not_found', status: 404 }),
      }),
    ).toEqual([]);
    expect(
      check({
        ...ok,
        path: '/v1/things/1/file.csv',
        headers: { 'content-type': 'text/csv; charset=utf-8' },
        body: undefined,
      }),
    ).toEqual([]);
    // No operation: the document's answer to unmatched requests.
    expect(
      check({
        ...ok,
        path: '/nowhere',
        status: 404,
        headers: { 'content-type': 'application/problem+json' },
        body: JSON.stringify({ code: 'not_found', status: 404 }),
      }),
    ).toEqual([]);
    // Beside the API on the same origin (the admin UI), by the document's word.
    expect(check({ ...ok, path: '/admin/queues/api/queues', status: 401 })).toEqual([]);
    expect(check({ ...ok, path: '/admin/queuesx', status: 401 })).toEqual([
      'GET /admin/queuesx → 401: no operation for GET /admin/queuesx in the document',
    ]);
  });

  it('names method, path, status and the schema error of a drifted body', () => {
    expect(check({ ...ok, body: JSON.stringify({ ...thing, extra: 1 }) })).toEqual([
      'GET /v1/things/0b7e2f7c → 200: body must NOT have additional properties (extra)',
    ]);
    expect(check({ ...ok, body: JSON.stringify({ ...thing, createdAt: 'yesterday' }) })).toEqual([
      'GET /v1/things/0b7e2f7c → 200: body/createdAt must match format "date-time"',
    ]);
    expect(
      check({
        ...ok,
        status: 404,
        headers: { 'content-type': 'application/problem+json' },
        body: JSON.stringify({ code: 'not_found', status: 404 }),
      }),
    ).toEqual([
      'GET /v1/things/0b7e2f7c → 404: body/code must be equal to one of the allowed values',
    ]);
  });

  it('refuses an undocumented status, media type, operation or missing required header', () => {
    expect(check({ ...ok, status: 409 })).toEqual([
      'GET /v1/things/0b7e2f7c → 409: status 409 is not documented for GET /v1/things/{id}',
    ]);
    expect(check({ ...ok, headers: { ...ok.headers, 'content-type': 'text/plain' } })).toEqual([
      'GET /v1/things/0b7e2f7c → 200: content-type text/plain is not documented (application/json)',
    ]);
    expect(check({ ...ok, method: 'DELETE' })).toEqual([
      'DELETE /v1/things/0b7e2f7c → 200: no operation for DELETE /v1/things/0b7e2f7c in the document',
    ]);
    expect(check({ ...ok, headers: { 'content-type': 'application/json' } })).toEqual([
      'GET /v1/things/0b7e2f7c → 200: required header x-total-count is missing',
    ]);
    expect(check({ ...ok, headers: { ...ok.headers, 'x-total-count': 'many' } })).toEqual([
      'GET /v1/things/0b7e2f7c → 200: header x-total-count: "many": value must match pattern "^\\d+$"',
    ]);
    expect(check({ ...ok, body: '{"id":' })).toEqual([
      'GET /v1/things/0b7e2f7c → 200: the application/json body is not JSON',
    ]);
  });

  it("holds an event stream's events to their documented data", () => {
    const events = [
      ': heartbeat',
      '',
      'id: 1\nevent: progress\ndata: {"percent":50}',
      '',
      `id: 2\nevent: done\ndata: ${JSON.stringify(thing)}`,
      '',
      '',
    ].join('\n');
    expect(check(stream)).toEqual([]);
    expect(check({ ...stream, body: events })).toEqual([]);
    expect(check({ ...stream, body: 'event: progress\ndata: {"percent":"half"}\n\n' })).toEqual([
      'GET /v1/things/0b7e2f7c/events → 200: event "progress": data/percent must be integer',
    ]);
    expect(check({ ...stream, body: 'event: progress\ndata: {"percent":\n\n' })).toEqual([
      'GET /v1/things/0b7e2f7c/events → 200: the data of event "progress" is not JSON',
    ]);
    expect(check({ ...stream, body: 'event: gone\ndata: {}\n\n' })).toEqual([
      'GET /v1/things/0b7e2f7c/events → 200: event "gone" is not documented (progress, done)',
    ]);
    // An unnamed event is a `message`, which this stream does not send.
    expect(check({ ...stream, body: 'data: {}\n\n' })).toEqual([
      'GET /v1/things/0b7e2f7c/events → 200: event "message" is not documented (progress, done)',
    ]);
  });
});
