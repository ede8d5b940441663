import { Transform, type TransformCallback } from 'node:stream';
import { HttpProblem } from '../../../http/problem.ts';
import type { UploadLimits } from '../request-body.ts';

/** Expansion below this many decompressed bytes is harmless (as for a Content-Encoding). */
const RATIO_FLOOR_BYTES = 1024 * 1024;

/**
 * Counts a workbook's bytes as its ZIP archive is read: the archive's
 * (compressed) bytes received, and every part's decompressed bytes, read or
 * drained. Refuses a workbook whose parts together expand more than
 * MAX_DECOMPRESSION_RATIO times the bytes received so far (a zip bomb: an
 * archive of a few KB can hold gigabytes of XML), or one part larger than
 * MAX_UPLOAD_BYTES, before it is decompressed further.
 */
export class ExpansionGuard {
  private received = 0;
  private expanded = 0;
  private readonly limits: UploadLimits;
  constructor(limits: UploadLimits) {
    this.limits = limits;
  }

  /** The archive's bytes as they arrive, counted. */
  async *counted(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    for await (const piece of source) {
      this.received += piece.byteLength;
      yield piece;
    }
  }

  /**
   * A part's decompressed bytes, counted; fails with the problem once over a
   * limit. The shared strings are held in memory: their own, lower bound.
   */
  part(path: string): Transform {
    let size = 0;
    const sharedStrings = path === 'xl/sharedStrings.xml';
    return new Transform({
      transform: (piece: Buffer, _encoding, callback: TransformCallback) => {
        size += piece.byteLength;
        this.expanded += piece.byteLength;
        callback(this.problem(size, sharedStrings), piece);
      },
    });
  }

  private problem(partBytes: number, sharedStrings: boolean): HttpProblem | null {
    const { maxDecompressionRatio: ratio, maxUploadBytes } = this.limits;
    const maxStrings = this.limits.maxWorkbookSharedStringsBytes;
    if (sharedStrings && partBytes > maxStrings) {
      return new HttpProblem(
        'payload_too_large',
        `The workbook's shared strings (the text of its cells) are larger than ${maxStrings} bytes (MAX_WORKBOOK_SHARED_STRINGS_BYTES); export the sheet as CSV.`,
        { extra: { limitBytes: maxStrings } },
      );
    }
    if (partBytes > maxUploadBytes) {
      return new HttpProblem(
        'payload_too_large',
        `A sheet or part of the workbook is larger than ${maxUploadBytes} bytes once decompressed.`,
        { extra: { limitBytes: maxUploadBytes } },
      );
    }
    if (this.expanded > RATIO_FLOOR_BYTES && this.expanded > ratio * Math.max(this.received, 1)) {
      return new HttpProblem(
        'excessive_compression',
        `The workbook expands more than ${ratio} times its size once decompressed (a zip bomb?); save it again, or export the sheet as CSV.`,
        { extra: { maxRatio: ratio } },
      );
    }
    return null;
  }
}
