import { analyse } from 'chardet';
import { type InputEncoding, inputEncodingOf } from './encoding.ts';

/**
 * Names the legacy (not UTF-8) encoding of `bytes` with chardet, a port of
 * ICU's statistical detector: the best-scoring candidate that the platform's
 * TextDecoder reads and that keeps ASCII as ASCII (the splitter needs
 * delimiters, quotes and line breaks to be the ASCII bytes), with chardet's
 * confidence scaled to 0..1. Undefined when it names nothing usable.
 */
export function detectLegacyEncoding(
  bytes: Uint8Array,
): { encoding: InputEncoding; confidence: number } | undefined {
  for (const match of analyse(bytes)) {
    const encoding = inputEncodingOf(match.name);
    if (!encoding || encoding === 'utf-8' || encoding.startsWith('utf-16')) continue;
    return { encoding, confidence: Math.min(1, Math.max(0, match.confidence / 100)) };
  }
  return undefined;
}
