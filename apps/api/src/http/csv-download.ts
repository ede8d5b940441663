import type { Response } from 'express';
import { attachmentDisposition } from './content-disposition.ts';

export interface CsvDownload {
  /** The name the client saves the file as. */
  fileName: string;
  /** The header line, sent before the first page. */
  header: string;
  /** More response headers, sent only with the file (not with an error answer). */
  headers?: Record<string, string>;
  /** The rest of the file, page by page (each page one database read). */
  pages: AsyncIterable<string | Uint8Array>;
}

/** Writes one piece; resolves false once the client is gone (stop reading then). */
async function write(res: Response, piece: string | Uint8Array): Promise<boolean> {
  if (res.destroyed) return false;
  if (res.write(piece)) return true;
  await new Promise<void>((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
  return !res.destroyed;
}

/**
 * Streams a CSV file read from the database. The first page is read BEFORE
 * the status line goes out: while the database is down the client gets the
 * error answer (503 dependency_unavailable with Retry-After, counted by the
 * breaker guard) instead of a 200 that stops after the header line. A
 * failure after that is thrown with the headers sent, so the error handler
 * cuts the connection: the transfer ends without its last chunk and the
 * client sees it as broken, never as a complete, shorter file.
 */
export async function sendCsvDownload(res: Response, download: CsvDownload): Promise<void> {
  const pages = download.pages[Symbol.asyncIterator]();
  try {
    let page = await pages.next();
    res.type('text/csv; charset=utf-8');
    res.setHeader('content-disposition', attachmentDisposition(download.fileName));
    for (const [name, value] of Object.entries(download.headers ?? {})) res.setHeader(name, value);
    if (!(await write(res, download.header))) return;
    for (; !page.done; page = await pages.next()) {
      if (!(await write(res, page.value))) return;
    }
    res.end();
  } finally {
    // Stops the reads when the client went away (no-op once they are done).
    await pages.return?.();
  }
}
