// A small, safe parser for Python dict literals whose keys and values are strings, as CFLUE stores its choices:
// "{'A': '货币市场', 'B': \"it's\"}". It never evaluates anything. Supports both quote styles, adjacent-literal
// concatenation, u/r prefixes and Python's escapes (\\ \' \" \n \t \r \a \b \f \v \ooo \xhh \uXXXX \UXXXXXXXX,
// backslash-newline). Unknown escapes keep the backslash, as Python does.

export class PythonLiteralError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`${message} at character ${position}`);
    this.name = "PythonLiteralError";
  }
}

const SIMPLE_ESCAPES: Record<string, string> = { "\\": "\\", "'": "'", '"': '"', n: "\n", t: "\t", r: "\r", a: "\x07", b: "\b", f: "\f", v: "\v", "\n": "" };

export function parsePythonStringDict(text: string): Record<string, string> {
  const p = new Parser(text);
  const out = p.dict();
  p.skipSpace();
  if (!p.atEnd()) throw p.fail("unexpected text after the closing }");
  return out;
}

class Parser {
  private pos = 0;
  constructor(private readonly s: string) {}

  atEnd(): boolean {
    return this.pos >= this.s.length;
  }

  fail(message: string): PythonLiteralError {
    return new PythonLiteralError(message, this.pos);
  }

  skipSpace(): void {
    while (this.pos < this.s.length && /\s/.test(this.s[this.pos]!)) this.pos++;
  }

  dict(): Record<string, string> {
    this.skipSpace();
    if (this.s[this.pos] !== "{") throw this.fail("expected {");
    this.pos++;
    const out: Record<string, string> = {};
    for (;;) {
      this.skipSpace();
      if (this.s[this.pos] === "}") {
        this.pos++;
        return out;
      }
      const keyAt = this.pos;
      const key = this.strings();
      if (Object.hasOwn(out, key)) throw new PythonLiteralError(`duplicate key ${JSON.stringify(key)}`, keyAt);
      this.skipSpace();
      if (this.s[this.pos] !== ":") throw this.fail("expected : after a key");
      this.pos++;
      this.skipSpace();
      out[key] = this.strings();
      this.skipSpace();
      const c = this.s[this.pos];
      if (c === ",") this.pos++;
      else if (c !== "}") throw this.fail(c === undefined ? "text ends before the closing }" : "expected , or }");
    }
  }

  /** One or more adjacent string literals, concatenated ('a' "b" == 'ab'). */
  private strings(): string {
    let out = this.string();
    for (;;) {
      const save = this.pos;
      this.skipSpace();
      if (!this.startsString()) {
        this.pos = save;
        return out;
      }
      out += this.string();
    }
  }

  private startsString(): boolean {
    const m = /^[uUrR]?['"]/.exec(this.s.slice(this.pos, this.pos + 2));
    return m !== null;
  }

  private string(): string {
    let raw = false;
    const prefix = this.s[this.pos];
    if (prefix === "u" || prefix === "U") this.pos++;
    else if (prefix === "r" || prefix === "R") {
      raw = true;
      this.pos++;
    }
    const quote = this.s[this.pos];
    if (quote !== "'" && quote !== '"')
      throw this.fail(this.atEnd() ? "text ends where a string was expected" : "expected a quoted string (only string keys and values are supported)");
    if (this.s.startsWith(quote.repeat(3), this.pos)) throw this.fail("triple-quoted strings are not supported");
    const start = this.pos;
    this.pos++;
    let out = "";
    for (;;) {
      const c = this.s[this.pos];
      if (c === undefined) throw new PythonLiteralError("unterminated string", start);
      if (c === quote) {
        this.pos++;
        return out;
      }
      if (c === "\n") throw this.fail("line break inside a string");
      if (c !== "\\") {
        out += c;
        this.pos++;
        continue;
      }
      const next = this.s[this.pos + 1];
      if (next === undefined) throw new PythonLiteralError("unterminated string", start);
      if (raw) {
        // In raw strings a backslash only protects the following character from ending the string.
        out += c + next;
        this.pos += 2;
        continue;
      }
      this.pos += 2;
      out += this.escape(next);
    }
  }

  private escape(e: string): string {
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) return simple;
    if (/[0-7]/.test(e)) {
      let digits = e;
      while (digits.length < 3 && /[0-7]/.test(this.s[this.pos] ?? "")) digits += this.s[this.pos++];
      return String.fromCodePoint(parseInt(digits, 8));
    }
    const width = e === "x" ? 2 : e === "u" ? 4 : e === "U" ? 8 : 0;
    if (width === 0) return `\\${e}`; // Python keeps unknown escapes verbatim
    const hex = this.s.slice(this.pos, this.pos + width);
    if (!new RegExp(`^[0-9a-fA-F]{${width}}$`).test(hex)) throw this.fail(`bad \\${e} escape`);
    this.pos += width;
    const code = parseInt(hex, 16);
    if (code > 0x10ffff) throw this.fail(`\\${e} escape out of range`);
    return String.fromCodePoint(code);
  }
}
