// A small OpenAI-compatible endpoint on loopback for the EvalScope stand-in to talk to.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  path: string;
  authorization: string | undefined;
  body: Record<string, unknown>;
}

export interface FakeOpenAI {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/** Answers the stand-in's built-in questions: all MATH right, GPQA 2 of 3 right. */
export function answerFor(prompt: string): string {
  const box = (x: string) => `<think>Let me think it through.</think><answer>The answer is \\boxed{${x}}</answer>`;
  if (prompt.includes("2+3")) return box("5");
  if (prompt.includes("7*6")) return box("42");
  if (prompt.includes("10-4")) return box("6");
  if (prompt.includes("electromagnetic")) return box("B");
  if (prompt.includes("magnetic flux")) return box("A"); // wrong on purpose (gold is C)
  if (prompt.includes("adenine")) return box("A");
  return box("0");
}

export async function startFakeOpenAI(options: { apiKey?: string; model?: string } = {}): Promise<FakeOpenAI> {
  const requests: RecordedRequest[] = [];
  const server: Server = createServer(async (req, res) => {
    const body = JSON.parse((await readBody(req)) || "{}") as Record<string, unknown>;
    requests.push({ path: req.url ?? "", authorization: req.headers.authorization, body });
    if (options.apiKey && req.headers.authorization !== `Bearer ${options.apiKey}`) {
      res.writeHead(401, { "content-type": "application/json" }).end(JSON.stringify({ error: "Unauthorized" }));
      return;
    }
    if (req.method !== "POST" || req.url !== "/v1/chat/completions") {
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ object: "error", message: "Not Found", code: 404 }));
      return;
    }
    if (options.model && body.model !== options.model) {
      res
        .writeHead(404, { "content-type": "application/json" })
        .end(JSON.stringify({ object: "error", message: `The model \`${String(body.model)}\` does not exist.`, type: "NotFoundError", code: 404 }));
      return;
    }
    const messages = body.messages as { content: string }[];
    const text = answerFor(messages.at(-1)?.content ?? "");
    if (body.stream) {
      res.writeHead(200, { "content-type": "text/event-stream" });
      const half = Math.floor(text.length / 2);
      for (const piece of [text.slice(0, half), text.slice(half)])
        res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: piece }, finish_reason: null }] })}\n\n`);
      res.write(`data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: 10, completion_tokens: 20, total_tokens: 30 } })}\n\n`);
      res.end("data: [DONE]\n\n");
      return;
    }
    res.writeHead(200, { "content-type": "application/json" }).end(
      JSON.stringify({
        id: "x",
        object: "chat.completion",
        model: body.model,
        choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }],
        usage: { prompt_tokens: 10, completion_tokens: 20, total_tokens: 30 },
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => (data += c));
    req.on("end", () => resolve(data));
    req.on("error", reject);
  });
}
