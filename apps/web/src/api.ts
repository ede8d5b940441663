import type {
  DatasetBody,
  JobBody,
  JobErrorBody,
  JobErrorSummaryBody,
  JobSummaryBody,
  PreviewBody,
} from '@sluice/contract';

/** Only types cross from @sluice/contract: its schemas would pull zod and the normalizer into the bundle. */
export type {
  DatasetBody,
  JobBody,
  JobErrorBody,
  JobErrorSummaryBody,
  JobSummaryBody,
  PreviewBody,
};

/** A refused request, told by the API's problem+json (its `detail`, else its title). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string | undefined;
  constructor(message: string, status: number, code: string | undefined) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const KEY_STORAGE = 'sluice.apiKey';

/** The API key lives in session storage: gone with the tab, never in a cookie the API would not read. */
export const apiKey = {
  get: (): string | null => sessionStorage.getItem(KEY_STORAGE),
  set: (key: string): void => sessionStorage.setItem(KEY_STORAGE, key),
  clear: (): void => sessionStorage.removeItem(KEY_STORAGE),
};

function authorization(): Record<string, string> {
  const key = apiKey.get();
  return key ? { authorization: `Bearer ${key}` } : {};
}

/** Fired when the API refuses the kept key (401: revoked, expired): the app signs out. */
export const SIGNED_OUT_EVENT = 'sluice:signed-out';

function refusedKey(): void {
  if (apiKey.get() === null) return;
  apiKey.clear();
  window.dispatchEvent(new Event(SIGNED_OUT_EVENT));
}

async function problemOf(res: Response): Promise<ApiError> {
  let body: { detail?: string; title?: string; code?: string } = {};
  try {
    body = (await res.json()) as typeof body;
  } catch {
    // Not problem+json (a proxy's page): the status says enough.
  }
  return new ApiError(
    body.detail ?? body.title ?? `HTTP ${res.status}`,
    res.status,
    body.code ?? undefined,
  );
}

/** fetch on this origin with the API key; a non-2xx answer throws its problem. */
export async function api(path: string, init: RequestInit = {}): Promise<Response> {
  const res = await fetch(path, {
    ...init,
    headers: { ...authorization(), ...(init.headers as Record<string, string> | undefined) },
  });
  if (!res.ok) {
    const problem = await problemOf(res);
    if (res.status === 401) refusedKey();
    throw problem;
  }
  return res;
}

async function getJson<T>(path: string, init?: RequestInit): Promise<T> {
  return (await (await api(path, init)).json()) as T;
}

/** The column type names, from the API's own document (the bundle carries no copy of them). */
export async function columnTypeNames(): Promise<string[]> {
  const document = await getJson<{
    components: { schemas: { ColumnType: { enum: string[] } } };
  }>('/openapi.json');
  return document.components.schemas.ColumnType.enum;
}

/** What a preview reads at most (MAX_PREVIEW_BYTES after decoding, ×4 for UTF-16 and slack). */
const PREVIEW_SLICE_BYTES = 4 * 1024 * 1024;

/** POST /v1/previews with the start of the file (a preview reads no further). */
export function previewFile(
  file: File,
  query: URLSearchParams,
  signal: AbortSignal,
): Promise<PreviewBody> {
  const params = new URLSearchParams(query);
  params.set('filename', file.name);
  return getJson<PreviewBody>(`/v1/previews?${params}`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv' },
    body: file.slice(0, PREVIEW_SLICE_BYTES),
    signal,
  });
}

export interface Upload {
  done: Promise<JobBody>;
  cancel: () => void;
}

/**
 * POST /v1/jobs with the File itself as the body: the browser streams it
 * from disk (nothing is read into memory, the tab stays responsive), and
 * XMLHttpRequest reports the bytes sent, which fetch cannot.
 */
export function uploadJob(
  file: File,
  query: URLSearchParams,
  onProgress: (sent: number, total: number) => void,
): Upload {
  const xhr = new XMLHttpRequest();
  const params = new URLSearchParams(query);
  params.set('filename', file.name);
  const done = new Promise<JobBody>((resolve, reject) => {
    xhr.open('POST', `/v1/jobs?${params}`);
    for (const [name, value] of Object.entries(authorization())) xhr.setRequestHeader(name, value);
    xhr.setRequestHeader('content-type', 'text/csv');
    xhr.responseType = 'json';
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onload = () => {
      const body = xhr.response as
        | (JobBody & { detail?: string; title?: string; code?: string })
        | null;
      if (xhr.status >= 200 && xhr.status < 300 && body) resolve(body);
      else {
        if (xhr.status === 401) refusedKey();
        reject(
          new ApiError(body?.detail ?? body?.title ?? `HTTP ${xhr.status}`, xhr.status, body?.code),
        );
      }
    };
    xhr.onerror = () =>
      reject(new ApiError('The upload failed: the API is unreachable.', 0, undefined));
    xhr.onabort = () => reject(new ApiError('Upload cancelled.', 0, 'cancelled'));
    xhr.send(file);
  });
  return { done, cancel: () => xhr.abort() };
}

/** A download needs the Authorization header, which a link cannot send: fetch → blob → object URL. */
export async function download(url: string, fileName: string): Promise<void> {
  const blob = await (await api(url)).blob();
  const href = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = href;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  // The click has started the download: the URL may go.
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}
