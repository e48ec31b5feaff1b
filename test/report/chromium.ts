// Drives Debian's headless Chromium over the DevTools protocol (undici's WebSocket: Node 20 has no global one).
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WebSocket } from "undici";

export const CHROMIUM_CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

export function findChromium(): string | undefined {
  const fromEnv = process.env.CHROMIUM_BIN;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
  return CHROMIUM_CANDIDATES.find((p) => existsSync(p));
}

/** The flags CI uses; no sandbox because CI containers run as root. */
export function chromiumFlags(userDataDir: string): string[] {
  return [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    `--user-data-dir=${userDataDir}`,
    "--remote-debugging-port=0",
    "about:blank",
  ];
}

interface CdpMessage {
  id?: number;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { message: string };
}

export class ChromiumPage {
  private nextId = 1;
  private pending = new Map<number, { resolve: (r: Record<string, unknown>) => void; reject: (e: Error) => void }>();
  private listeners: ((m: CdpMessage) => void)[] = [];

  private constructor(
    private readonly proc: ChildProcess,
    private readonly ws: WebSocket,
    private readonly userDataDir: string,
  ) {
    ws.addEventListener("message", (ev) => {
      const msg = JSON.parse(String(ev.data)) as CdpMessage;
      if (msg.id !== undefined) {
        const p = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        if (msg.error) p?.reject(new Error(msg.error.message));
        else p?.resolve(msg.result ?? {});
      } else for (const l of this.listeners) l(msg);
    });
  }

  static async launch(binary: string): Promise<ChromiumPage> {
    const userDataDir = await mkdtemp(join(tmpdir(), "dianjin-chromium-"));
    const proc = spawn(binary, chromiumFlags(userDataDir), { stdio: ["ignore", "ignore", "pipe"] });
    const browserWs = await new Promise<string>((resolve, reject) => {
      let err = "";
      const timer = setTimeout(() => reject(new Error(`chromium did not report a DevTools endpoint:\n${err}`)), 30_000);
      proc.stderr!.on("data", (chunk: Buffer) => {
        err += chunk.toString();
        const m = /DevTools listening on (ws:\/\/\S+)/.exec(err);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      proc.on("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`chromium exited (${code}) before DevTools was up:\n${err}`));
      });
    });
    const origin = new URL(browserWs).host;
    const targets = (await (await fetch(`http://${origin}/json/list`)).json()) as { type: string; webSocketDebuggerUrl: string }[];
    const page = targets.find((t) => t.type === "page");
    if (!page) throw new Error("no page target in chromium");
    const ws = new WebSocket(page.webSocketDebuggerUrl);
    await new Promise<void>((resolve, reject) => {
      ws.addEventListener("open", () => resolve());
      ws.addEventListener("error", () => reject(new Error("cannot connect to the page's DevTools socket")));
    });
    return new ChromiumPage(proc, ws, userDataDir);
  }

  send(method: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }

  on(listener: (m: CdpMessage) => void): void {
    this.listeners.push(listener);
  }

  waitFor(method: string, timeoutMs = 30_000): Promise<CdpMessage> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${method}`)), timeoutMs);
      this.on((m) => {
        if (m.method === method) {
          clearTimeout(timer);
          resolve(m);
        }
      });
    });
  }

  /** Evaluates an expression in the page and returns its JSON value. */
  async evaluate<T>(expression: string): Promise<T> {
    const r = (await this.send("Runtime.evaluate", { expression, returnByValue: true })) as { result: { value: T }; exceptionDetails?: { text: string } };
    if (r.exceptionDetails) throw new Error(`page script failed: ${r.exceptionDetails.text}`);
    return r.result.value;
  }

  async close(): Promise<void> {
    this.ws.close();
    if (this.proc.exitCode === null) {
      const exited = new Promise((resolve) => this.proc.once("exit", resolve));
      this.proc.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      if (this.proc.exitCode === null) this.proc.kill("SIGKILL");
    }
    await rm(this.userDataDir, { recursive: true, force: true });
  }
}
