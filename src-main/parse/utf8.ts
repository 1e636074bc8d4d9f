/**
 * Where a byte stream stops being UTF-8 (WHATWG rules: no overlongs, no surrogates, nothing
 * above U+10FFFF), fed chunk by chunk so a huge file is never held whole. Positions are 1-based
 * lines and columns in characters (UTF-16 units, as everywhere else in the parse model).
 */
export interface Utf8Fault {
  line: number;
  column: number;
  /** the byte that starts the bad sequence */
  byte: number;
  /** the file ends inside a multi-byte character */
  truncated: boolean;
}

export class Utf8Scanner {
  private line = 1;
  private column = 1;
  private need = 0; // continuation bytes still expected
  private lo = 0x80;
  private hi = 0xbf;
  private seq = { line: 1, column: 1, byte: 0, units: 1 };

  /** Feeds the next chunk: the first fault, or null while the bytes are valid so far. */
  push(chunk: Uint8Array): Utf8Fault | null {
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (this.need > 0) {
        if (c < this.lo || c > this.hi) return { line: this.seq.line, column: this.seq.column, byte: this.seq.byte, truncated: false };
        this.lo = 0x80;
        this.hi = 0xbf;
        if (--this.need === 0) this.column += this.seq.units;
        continue;
      }
      if (c < 0x80) {
        if (c === 10) {
          this.line++;
          this.column = 1;
        } else this.column++;
        continue;
      }
      this.seq = { line: this.line, column: this.column, byte: c, units: 1 };
      if (c >= 0xc2 && c <= 0xdf) this.need = 1;
      else if (c >= 0xe0 && c <= 0xef) {
        this.need = 2;
        if (c === 0xe0) this.lo = 0xa0;
        if (c === 0xed) this.hi = 0x9f;
      } else if (c >= 0xf0 && c <= 0xf4) {
        this.need = 3;
        this.seq.units = 2;
        if (c === 0xf0) this.lo = 0x90;
        if (c === 0xf4) this.hi = 0x8f;
      } else return { line: this.line, column: this.column, byte: c, truncated: false };
    }
    return null;
  }

  /** After the last chunk: a character cut off at the end, or null. */
  end(): Utf8Fault | null {
    return this.need > 0 ? { line: this.seq.line, column: this.seq.column, byte: this.seq.byte, truncated: true } : null;
  }
}
