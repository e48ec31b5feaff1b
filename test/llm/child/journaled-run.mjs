// Child process for the kill -9 test: runs N chat requests through runJournaled with the compiled llm module.
// argv: <dir holding llm/index.js> <baseUrl> <journal file> <item count> <concurrency>
// Prints one JSON line with the outcomes when it finishes (if it is not killed first).
const [moduleDir, baseUrl, journalFile, count, concurrency] = process.argv.slice(2);
const { Journal, LlmClient, runJournaled } = await import(`${moduleDir}/llm/index.js`);

const client = new LlmClient({ models: { m: { baseUrl, apiKeyEnv: "DJ_CHILD_KEY" } }, concurrency: Number(concurrency), backoff: { baseMs: 1, maxMs: 5 } });
const journal = await Journal.open(journalFile);
const items = Array.from({ length: Number(count) }, (_, i) => ({ model: "m", messages: [{ role: "user", content: `item ${i}` }], params: { temperature: 0 } }));
const out = await runJournaled(items, (req, ctx) => client.chat(req, { signal: ctx.signal }), { journal, concurrency: Number(concurrency) });
await journal.close();
await client.close();
process.stdout.write(`${JSON.stringify(out.map((o) => (o.status === "succeeded" ? { ok: o.value.content } : { failed: o.reason })))}\n`);
