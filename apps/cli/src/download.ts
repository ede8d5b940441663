import { createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ApiClient } from './api-client.ts';

export interface Downloaded {
  /** Where it was written ('-': stdout). */
  file: string;
  bytes: number;
}

/** The file name a download answer proposes (Content-Disposition), if it is a plain one. */
function proposedName(res: Response): string | undefined {
  const header = res.headers.get('content-disposition') ?? '';
  const star = /filename\*=UTF-8''([^;]+)/i.exec(header)?.[1];
  const plain = /filename="([^"]+)"/i.exec(header)?.[1];
  const name = star ? decodeURIComponent(star) : plain;
  return name && !/[/\\]/.test(name) && !name.startsWith('.') ? name : undefined;
}

/**
 * GETs a CSV (result, errors, a dataset's export) into `target`: a file, a
 * directory (the name the API proposes), or '-' (stdout). Streamed; a file is
 * written beside its final name and renamed once complete, so an
 * interrupted download never looks like a whole one.
 */
export async function downloadCsv(
  client: ApiClient,
  path: string,
  target: string,
  fallbackName: string,
  signal: AbortSignal,
): Promise<Downloaded> {
  const res = await client.request('GET', path, { accept: 'text/csv', signal });
  const body = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream);
  if (target === '-') {
    let bytes = 0;
    body.on('data', (piece: Buffer) => {
      bytes += piece.length;
    });
    await pipeline(body, process.stdout, { end: false });
    return { file: '-', bytes };
  }
  const isDirectory = await stat(target).then(
    (s) => s.isDirectory(),
    () => false,
  );
  const file = isDirectory ? join(target, proposedName(res) ?? fallbackName) : target;
  const partial = `${file}.part`;
  try {
    await pipeline(body, createWriteStream(partial), { signal });
    await rename(partial, file);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  return { file, bytes: (await stat(file)).size };
}
