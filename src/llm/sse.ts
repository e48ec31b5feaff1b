// Server-sent events, as the OpenAI chat-completions stream sends them: `data: <json>` lines, events separated by a
// blank line, `data: [DONE]` at the end. Decoded incrementally (a chunk may end mid-line or mid-UTF-8 character);
// comment lines (`: keep-alive`) and the `event:`, `id:`, `retry:` fields are ignored (WHATWG SSE rules).

export class SseDecoder {
  private readonly decoder = new TextDecoder("utf-8");
  private buffer = "";
  private data: string[] = [];

  /** Feeds bytes; returns the `data` payloads of the events completed by them. */
  push(chunk: Uint8Array): string[] {
    this.buffer += this.decoder.decode(chunk, { stream: true });
    return this.drain(false);
  }

  /** End of the body: a last event without its blank line still counts. */
  end(): string[] {
    this.buffer += this.decoder.decode();
    const events = this.drain(true);
    if (this.data.length) events.push(this.data.join("\n"));
    this.data = [];
    return events;
  }

  private drain(final: boolean): string[] {
    const events: string[] = [];
    for (;;) {
      const at = this.buffer.search(/\r\n|\r|\n/);
      if (at === -1) break;
      // A lone \r at the very end may be the first half of \r\n: wait for the next chunk.
      if (!final && this.buffer[at] === "\r" && at === this.buffer.length - 1) break;
      const line = this.buffer.slice(0, at);
      this.buffer = this.buffer.slice(at + (this.buffer.startsWith("\r\n", at) ? 2 : 1));
      this.line(line, events);
    }
    if (final && this.buffer) {
      this.line(this.buffer, events);
      this.buffer = "";
    }
    return events;
  }

  private line(line: string, events: string[]): void {
    if (line === "") {
      if (this.data.length) events.push(this.data.join("\n"));
      this.data = [];
      return;
    }
    if (line.startsWith(":")) return;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") this.data.push(value);
  }
}
