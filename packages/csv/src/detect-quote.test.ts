import { describe, expect, it } from 'vitest';
import { detectDelimiter } from './detect-delimiter.ts';
import { detectQuote } from './detect-quote.ts';

describe('detectQuote', () => {
  it('finds single quotes when the file clearly uses them', () => {
    const text = "name,city\n'Doe, Jane','Paris, FR'\n'Roe, Rick','Lyon'\n";
    expect(detectQuote(text, true, ',')).toEqual({ quote: "'", quotedFields: 4 });
    // The delimiter read with them is consistent again.
    expect(detectDelimiter(text, true, 50, "'").confidence).toBe(1);
  });

  it('keeps double quotes otherwise', () => {
    // Nothing quoted.
    expect(detectQuote('a,b\n1,2\n', true, ',').quote).toBe('"');
    // Double quotes anywhere at a field start win.
    expect(detectQuote(`a,b\n'x','y'\n"z",'w'\n`, true, ',').quote).toBe('"');
    // Apostrophes inside or at the start of text are data.
    expect(detectQuote("a,b\nO'Hara,it's\n'90s,rock\n'80s,pop\n", true, ',').quote).toBe('"');
    // A single opening quote alone is no evidence.
    expect(detectQuote("a,b\n'x',y\n", true, ',').quote).toBe('"');
  });

  it('ignores a record cut at the end of an incomplete sample', () => {
    const text = "a,b\n'x,1','y'\n'z,2','w'\n'cut";
    expect(detectQuote(text, false, ',').quote).toBe("'");
  });
});
