// Renders the report in real headless Chromium: the table must show the numbers, every chart must have drawn,
// nothing may be fetched from the network, and a screenshot (report.png) is written next to the report.
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { writeReport } from "../../src/report/index.js";
import { ChromiumPage, findChromium } from "./chromium.js";
import { sampleInput } from "./sample-input.js";

const chromium = findChromium();
// Set DIANJIN_REPORT_OUT to keep report.html/report.png for a look; otherwise a temp folder is removed afterwards.
const keepDir = process.env.DIANJIN_REPORT_OUT;
const cleanup: string[] = [];
afterAll(async () => {
  for (const d of cleanup) await rm(d, { recursive: true, force: true });
});

interface PageFacts {
  rows: string[][];
  h1: string;
  injected: number;
  scripts: number;
  svgs: {
    id: string;
    width: number;
    height: number;
    paths: { d: number; w: number; h: number; points: number; drawn: number }[];
    bars: number;
    empty: string | null;
  }[];
}

const FACTS = `(() => {
  const rows = [...document.querySelectorAll("table.results tr")].map((tr) => [...tr.children].map((c) => c.textContent.trim()));
  const svgs = [...document.querySelectorAll("svg.chart")].map((svg) => {
    const r = svg.getBoundingClientRect();
    const paths = [...svg.querySelectorAll("path.series")].map((p) => { const b = p.getBBox(); return { d: (p.getAttribute("d") || "").length, w: b.width, h: b.height, points: Number(p.dataset.points), drawn: Number(p.dataset.drawn) }; });
    const bars = [...svg.querySelectorAll("rect.bar")].filter((b) => { const bb = b.getBBox(); return bb.width > 0 && bb.height > 0; }).length;
    const empty = svg.querySelector("text.empty");
    return { id: svg.id, width: r.width, height: r.height, paths, bars, empty: empty ? empty.textContent : null };
  });
  return { rows, svgs, h1: document.querySelector("h1").textContent, injected: document.querySelectorAll("repro, b").length, scripts: document.scripts.length };
})()`;

describe("report in headless Chromium", () => {
  it("renders table values and draws every chart; writes report.png", async (ctx) => {
    ctx.skip(!chromium, "chromium is not installed (apt-get install chromium)");
    const dir = keepDir ?? (await mkdtemp(join(tmpdir(), "dianjin-report-")));
    if (!keepDir) cleanup.push(dir);
    const { htmlPath } = await writeReport(dir, sampleInput());
    const page = await ChromiumPage.launch(chromium!);
    try {
      const requested: string[] = [];
      page.on((m) => {
        if (m.method === "Network.requestWillBeSent") requested.push(String((m.params as { request: { url: string } }).request.url));
      });
      await page.send("Page.enable");
      await page.send("Network.enable");
      await page.send("Emulation.setDeviceMetricsOverride", { width: 1280, height: 800, deviceScaleFactor: 1, mobile: false });
      const loaded = page.waitFor("Page.loadEventFired");
      const url = pathToFileURL(htmlPath).href;
      await page.send("Page.navigate", { url });
      await loaded;

      const facts = await page.evaluate<PageFacts>(FACTS);
      // Table: header, this run, DianJin-R1-7B, two 7B baselines, delta row.
      expect(facts.rows[0]).toEqual(["Model", "CFLUE", "FinQA", "CCC", "MATH-500", "GPQA-Diamond", "Avg (all 5)", "Avg (3 of 5: CFLUE, FinQA, MATH-500)"]);
      // Each score of the run links the rules that produced it (v2: our scorers; EvalScope).
      expect(facts.rows[1]).toEqual(['dj-7b <repro> & "test" (this run)', "79.10 v2", "76.25 v2", "—", "75.20 EvalScope", "—", "—", "76.85"]);
      expect(facts.rows[2]).toEqual(["DianJin-R1-7B (paper)", "80.32", "77.72", "94.50", "76.60", "37.54", "73.34", "78.21"]);
      expect(facts.rows.map((r) => r[0])).toContain("Qwen2.5-7B-Instruct (paper)");
      expect(facts.rows.at(-1)).toEqual(["Δ vs DianJin-R1-7B", "−1.22", "−1.47", "—", "−1.40", "—", "—", "−1.36"]);
      // Escaping: the angle brackets in the name and config are text, not elements.
      expect(facts.h1).toContain("<repro>");
      expect(facts.injected).toBe(0);
      expect(facts.scripts).toBe(0);

      expect(facts.svgs.map((s) => s.id)).toEqual(["eval-bars", "sft-loss", "grpo-score", "grpo-response-length"]);
      for (const s of facts.svgs) {
        expect(s.width, s.id).toBeGreaterThan(300);
        expect(s.height, s.id).toBeGreaterThan(100);
        expect(s.empty, s.id).toBeNull();
      }
      for (const id of ["sft-loss", "grpo-score", "grpo-response-length"]) {
        const s = facts.svgs.find((x) => x.id === id)!;
        expect(s.paths, id).toHaveLength(1);
        expect(s.paths[0]!.d, id).toBeGreaterThan(100);
        expect(s.paths[0]!.w, id).toBeGreaterThan(300);
        expect(s.paths[0]!.h, id).toBeGreaterThan(50);
      }
      const sft = facts.svgs.find((x) => x.id === "sft-loss")!.paths[0]!;
      expect(sft.points).toBe(5000);
      expect(sft.drawn).toBeLessThan(sft.points);
      // 3 scored benchmarks for this run + 5 paper bars.
      expect(facts.svgs.find((x) => x.id === "eval-bars")!.bars).toBe(8);
      // Self-contained: the only request is the report file itself.
      expect(requested).toEqual([url]);

      const metrics = (await page.send("Page.getLayoutMetrics")) as { cssContentSize: { height: number } };
      // Start from a short viewport so the content height is the page's own, then grow to it for a full-page shot.
      const height = Math.ceil(metrics.cssContentSize.height);
      await page.send("Emulation.setDeviceMetricsOverride", { width: 1280, height, deviceScaleFactor: 1, mobile: false });
      const shot = (await page.send("Page.captureScreenshot", { format: "png" })) as { data: string };
      const png = Buffer.from(shot.data, "base64");
      const pngPath = join(dir, "report.png");
      await writeFile(pngPath, png);
      expect(png.subarray(1, 4).toString()).toBe("PNG");
      expect((await stat(pngPath)).size).toBeGreaterThan(20_000);
      if (keepDir) console.log(`report written to ${dir} (report.html, report.md, report.png)`);
    } finally {
      await page.close();
    }
  });
});
