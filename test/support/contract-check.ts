import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { createParser, type EventSourceMessage } from 'eventsource-parser';

/**
 * The response contract check: is an HTTP answer one the API's OpenAPI
 * document allows? Pure (no I/O): the e2e suite's setup file
 * (test/harness/response-contract.ts) feeds it every answer a test receives
 * from a Sluice API, with the document that API serves.
 *
 * Checked: an operation exists for the method and path (a request no
 * operation matches must get the document's `x-unmatched-request` answer;
 * paths under a prefix of its `x-outside-contract`, the admin UI, are not the API's);
 * the status is documented for it; the body's media type is one documented
 * for that status; a JSON body is valid against its schema (JSON Schema
 * 2020-12, ajv with formats); every header the document marks required is
 * there, and every documented header present matches its schema. An event
 * stream's events are held to its `x-event-data` (event name -> data schema):
 * each must be a documented event whose JSON data fits its schema.
 */

/** What the check needs of an answer. Header names in lower case. */
export interface ObservedResponse {
  method: string;
  /** The path, without the query. */
  path: string;
  status: number;
  headers: Record<string, string>;
  /**
   * The body as text, or undefined when it was not read (downloads); for an
   * event stream, whole events received (checked piece by piece as they come).
   */
  body: string | undefined;
}

type Json = Record<string, unknown>;
interface ResponseObject {
  headers?: Record<string, { required?: boolean; schema?: Json }>;
  content?: Record<string, { schema?: Json; 'x-event-data'?: Record<string, Json> }>;
}
interface Operation {
  responses?: Record<string, ResponseObject>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head'];

// ajv-formats is CommonJS: its default export arrives under `default` once more.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as (ajv: Ajv2020) => void;

/** JSON Pointer (RFC 6901) of a path of keys. */
const pointer = (keys: string[]) =>
  keys.map((k) => k.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');

/** The media type of a Content-Type header: lower case, without parameters. */
export const mediaTypeOf = (contentType: string | undefined): string | undefined =>
  contentType?.split(';')[0]?.trim().toLowerCase() || undefined;

/** The schema errors, naming the member an `additionalProperties` error is about. */
function describeErrors(errors: ValidateFunction['errors'], dataVar: string): string {
  return (errors ?? [])
    .map((e) => {
      const extra =
        e.keyword === 'additionalProperties' ? ` (${String(e.params.additionalProperty)})` : '';
      return `${dataVar}${e.instancePath} ${e.message}${extra}`;
    })
    .join('; ');
}

const isJson = (mediaType: string) => /^application\/([\w.+-]+\+)?json$/.test(mediaType);

const EVENT_STREAM = 'text/event-stream';

/** The whole events of an event stream's text (comments and an unfinished last event left out). */
function eventsOf(text: string): EventSourceMessage[] {
  const events: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => events.push(event) });
  parser.feed(text);
  return events;
}

/** Compiles a checker for one document; call it for each answer, it returns the violations. */
export function createContractChecker(document: Json): (observed: ObservedResponse) => string[] {
  const ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: true });
  addFormats(ajv);
  // OpenAPI's own format for file contents; says nothing checkable about text.
  ajv.addFormat('binary', true);
  ajv.addSchema(document, 'openapi');
  const compiled = new Map<string, ValidateFunction>();
  const validatorAt = (keys: string[]): ValidateFunction => {
    const ref = `openapi#/${pointer(keys)}`;
    let validate = compiled.get(ref);
    if (!validate) {
      validate = ajv.compile({ $ref: ref });
      compiled.set(ref, validate);
    }
    return validate;
  };

  const paths = (document.paths ?? {}) as Record<string, Record<string, Operation>>;
  // Literal paths first, then those with fewer parameters: /docs before /docs/{asset}.
  const templates = Object.keys(paths)
    .map((template) => ({
      template,
      params: (template.match(/\{[^}]+\}/g) ?? []).length,
      pattern: new RegExp(
        `^${template
          .split(/\{[^}]+\}/)
          .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
          .join('[^/]+')}$`,
      ),
    }))
    .sort((a, b) => a.params - b.params);

  const checkResponse = (
    where: string,
    keys: string[],
    response: ResponseObject,
    observed: ObservedResponse,
  ): string[] => {
    const violations: string[] = [];
    for (const [name, header] of Object.entries(response.headers ?? {})) {
      const value = observed.headers[name.toLowerCase()];
      if (value === undefined) {
        if (header.required) violations.push(`${where}: required header ${name} is missing`);
        continue;
      }
      if (header.schema) {
        const validate = validatorAt([...keys, 'headers', name, 'schema']);
        if (!validate(value)) {
          violations.push(
            `${where}: header ${name}: ${JSON.stringify(value)}: ${describeErrors(validate.errors, 'value')}`,
          );
        }
      }
    }
    const mediaType = mediaTypeOf(observed.headers['content-type']);
    const hasBody =
      observed.status !== 204 && observed.status !== 304 && observed.method !== 'HEAD';
    if (!hasBody || (mediaType === undefined && !observed.body)) return violations;
    const documented = Object.keys(response.content ?? {});
    if (mediaType === undefined || !documented.includes(mediaType)) {
      violations.push(
        `${where}: content-type ${mediaType ?? '(none)'} is not documented (${documented.join(', ') || 'no body'})`,
      );
      return violations;
    }
    if (isJson(mediaType) && observed.body !== undefined && response.content?.[mediaType]?.schema) {
      let body: unknown;
      try {
        body = JSON.parse(observed.body);
      } catch {
        violations.push(`${where}: the ${mediaType} body is not JSON`);
        return violations;
      }
      const validate = validatorAt([...keys, 'content', mediaType, 'schema']);
      if (!validate(body)) {
        violations.push(`${where}: ${describeErrors(validate.errors, 'body')}`);
      }
    }
    const eventData = response.content?.[mediaType]?.['x-event-data'];
    if (mediaType === EVENT_STREAM && observed.body !== undefined && eventData) {
      violations.push(...checkEvents(where, keys, eventData, observed.body));
    }
    return violations;
  };

  const checkEvents = (
    where: string,
    keys: string[],
    eventData: Record<string, Json>,
    text: string,
  ): string[] => {
    const violations: string[] = [];
    for (const event of eventsOf(text)) {
      const name = event.event ?? 'message';
      if (!(name in eventData)) {
        violations.push(
          `${where}: event "${name}" is not documented (${Object.keys(eventData).join(', ')})`,
        );
        continue;
      }
      let data: unknown;
      try {
        data = JSON.parse(event.data);
      } catch {
        violations.push(`${where}: the data of event "${name}" is not JSON`);
        continue;
      }
      const validate = validatorAt([...keys, 'content', EVENT_STREAM, 'x-event-data', name]);
      if (!validate(data)) {
        violations.push(`${where}: event "${name}": ${describeErrors(validate.errors, 'data')}`);
      }
    }
    return violations;
  };

  // Paths the origin serves beside the API (the admin UI): the document names them.
  const outside = (document['x-outside-contract'] ?? []) as string[];

  return (observed) => {
    if (
      outside.some((prefix) => observed.path === prefix || observed.path.startsWith(`${prefix}/`))
    ) {
      return [];
    }
    const method = observed.method.toUpperCase();
    const where = `${method} ${observed.path} → ${observed.status}`;
    const match = templates.find((t) => t.pattern.test(observed.path));
    // HEAD is answered by the GET route (express), without a body.
    const documentedMethod = method === 'HEAD' ? 'get' : method.toLowerCase();
    const operation =
      match && METHODS.includes(documentedMethod)
        ? paths[match.template]?.[documentedMethod]
        : undefined;
    if (!match || !operation) {
      const unmatched = document['x-unmatched-request'] as
        | (ResponseObject & { status: number })
        | undefined;
      if (unmatched && observed.status === unmatched.status) {
        return checkResponse(
          `${where} (no operation)`,
          ['x-unmatched-request'],
          unmatched,
          observed,
        );
      }
      return [`${where}: no operation for ${method} ${observed.path} in the document`];
    }
    const responses = operation.responses ?? {};
    const status = String(observed.status);
    const key =
      status in responses ? status : `${status[0]}XX` in responses ? `${status[0]}XX` : 'default';
    const response = responses[key];
    if (!response) {
      return [`${where}: status ${status} is not documented for ${method} ${match.template}`];
    }
    return checkResponse(
      where,
      ['paths', match.template, documentedMethod, 'responses', key],
      response,
      observed,
    );
  };
}
