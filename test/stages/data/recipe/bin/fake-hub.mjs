#!/usr/bin/env node
// Stand-in for `huggingface-cli download` / `modelscope download`: writes each requested file under the local dir
// (as a small valid JSON array), appends its argv to $FAKE_HUB_LOG, fails when $FAKE_HUB_FAIL is set.
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

const args = process.argv.slice(2);
if (process.env.FAKE_HUB_LOG) appendFileSync(process.env.FAKE_HUB_LOG, `${JSON.stringify(args)}\n`);
if (process.env.FAKE_HUB_FAIL) {
  console.error("401 Client Error: Unauthorized for url");
  process.exit(1);
}
if (args[0] !== "download") process.exit(2);
const dirFlag = args.indexOf("--local-dir") !== -1 ? args.indexOf("--local-dir") : args.indexOf("--local_dir");
const dir = args[dirFlag + 1];
const positional = [];
for (let i = 1; i < args.length; i++) {
  if (args[i].startsWith("--")) {
    if (!["--dataset"].includes(args[i])) i++;
    continue;
  }
  positional.push(args[i]);
}
for (const file of positional.slice(1)) {
  mkdirSync(dirname(join(dir, file)), { recursive: true });
  const record = file.includes("train/")
    ? { instruction: `q ${file}`, output: "<think>\nr\n</think>\n\n<answer>\n\\boxed{A}\n</answer>" }
    : { 名称: "x", task: "单项选择题", question: "题目一二三", choices: "{'A': '1', 'B': '2'}", answer: "A", analysis: null };
  writeFileSync(join(dir, file), JSON.stringify([record]));
}
