// Reading a compliance verdict from the text a model committed to, whatever decorates it: a bare label, a label with
// details ("违规（误导销售）", "违规行为：承诺收益"), yes/no and 有/无 answers to "is there a violation?", or a sentence
// ("该对话存在违规行为"). Rules are listed in the README ("Scoring rules", CCC) in the same order as here.

export type CccVerdict = "violation" | "compliant";

// Whole labels, after normalisation. 是/否, yes/no and 有/无 answer "does this dialogue violate the rules?".
const LABELS: Record<string, CccVerdict> = {
  违规: "violation",
  不合规: "violation",
  存在违规: "violation",
  有违规: "violation",
  违反: "violation",
  是: "violation",
  有: "violation",
  违规行为: "violation",
  存在违规行为: "violation",
  有违规行为: "violation",
  客服违规: "violation",
  violation: "violation",
  violated: "violation",
  violating: "violation",
  "non-compliant": "violation",
  noncompliant: "violation",
  "not compliant": "violation",
  "has violation": "violation",
  "compliance violation": "violation",
  yes: "violation",
  合规: "compliant",
  不违规: "compliant",
  未违规: "compliant",
  无违规: "compliant",
  没有违规: "compliant",
  不存在违规: "compliant",
  无违规行为: "compliant",
  没有违规行为: "compliant",
  不存在违规行为: "compliant",
  否: "compliant",
  无: "compliant",
  没有: "compliant",
  compliant: "compliant",
  "no violation": "compliant",
  "not violated": "compliant",
  "non-violation": "compliant",
  "not a violation": "compliant",
  no: "compliant",
};

/** Lowercase, NFKC, no LaTeX wrappers, no surrounding quotes/punctuation, single spaces. */
export function normalizeLabel(text: string): string {
  let t = text.normalize("NFKC");
  for (let previous = ""; previous !== t;) {
    previous = t;
    t = t.replace(/\\(?:text|textbf|mathrm|mbox)\s*\{([^{}]*)\}/g, "$1");
  }
  return t
    .replace(/<\/?answer>/g, "")
    .toLowerCase()
    .replace(/[$"'“”‘’「」《》*]/g, "")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/^[\s.,:;!?。，：；！？、]+|[\s.,:;!?。，：；！？、]+$/g, "");
}

// "最终答案：", "结论是", "Final answer:", "是否违规？" before the label.
const LEAD_IN =
  /^(?:(?:最终)?(?:答案|结论|判断(?:结果)?|判定(?:结果)?|审核结果|质检结果)\s*(?:是|为)?\s*[:：]?|(?:final\s+)?(?:answer|verdict|conclusion|label)\s*(?:is)?\s*[:：]?|(?:该|此|本)?(?:对话|客服)?是否(?:存在)?违规(?:行为)?\s*[?？]?\s*[:：]?)\s*/i;
// "违规：否", "是否违规: 是", "violation: no": the yes/no decides, not the word before it.
const KEYED_YES_NO = /^(?:是否)?(?:存在)?(?:违规|违反)(?:行为)?\s*[?？]?\s*[:：]\s*(是|否|有|无|yes|no)$|^violation\s*[?]?\s*:\s*(yes|no)$/;
// What may follow a label: details in brackets, after a colon or a dash.
const DETAILS = /\s*(?:[(（【[].*|[:：].*|\s[-—–]+\s.*|——.*)$/;
const YES_NO_FIRST = /^(?:(是|否|有|无)(?:[,，。;；.]|\s)|(yes|no)[,，.;；:])/;
// A conclusion marker: in a longer answer only the text after the last one is read.
const CONCLUSION = /因此|所以|综上所述?|综合来看|最终|结论|therefore|thus|in conclusion|overall/gi;

// Phrases found in sentences, longest first so "不合规" is read before "合规" and "不存在违规" before "违规".
const PHRASES: ReadonlyArray<readonly [string, CccVerdict]> = (
  [
    ["不合规", "violation"],
    ["非合规", "violation"],
    ["非违规", "compliant"],
    ["不符合合规", "violation"],
    ["违规", "violation"],
    ["违反", "violation"],
    ["non-compliant", "violation"],
    ["noncompliant", "violation"],
    ["not compliant", "violation"],
    ["violation", "violation"],
    ["violates", "violation"],
    ["violated", "violation"],
    ["不违规", "compliant"],
    ["未违规", "compliant"],
    ["无违规", "compliant"],
    ["没有违规", "compliant"],
    ["不存在违规", "compliant"],
    ["未存在违规", "compliant"],
    ["未发现违规", "compliant"],
    ["没有发现违规", "compliant"],
    ["并无违规", "compliant"],
    ["不构成违规", "compliant"],
    ["未违反", "compliant"],
    ["没有违反", "compliant"],
    ["不违反", "compliant"],
    ["合规", "compliant"],
    ["no violation", "compliant"],
    ["not a violation", "compliant"],
    ["does not violate", "compliant"],
    ["did not violate", "compliant"],
    ["not violated", "compliant"],
    ["compliant", "compliant"],
    ["in compliance", "compliant"],
  ] as Array<[string, CccVerdict]>
).sort((a, b) => b[0].length - a[0].length);

export type LabelReading = { verdict: CccVerdict; how: string } | { verdict: null; how: string; ambiguous?: true };

function lookup(key: string, extra: Record<string, CccVerdict>): CccVerdict | undefined {
  for (const [k, v] of Object.entries(extra)) if (normalizeLabel(k) === key) return v;
  return LABELS[key];
}

/** Verdicts named by the phrases of a sentence (negated phrases masked first), in the text after its last conclusion marker. */
function sentenceVerdicts(text: string): Set<CccVerdict> {
  let t = text;
  const markers = [...t.matchAll(CONCLUSION)];
  const last = markers.at(-1);
  if (last && /\S/.test(t.slice((last.index ?? 0) + last[0].length))) t = t.slice((last.index ?? 0) + last[0].length);
  // A question echoed in the answer ("客户询问是否违规") names no verdict.
  t = t.replace(/是否(?:存在)?(?:违规|合规|违反)/g, " ");
  const found = new Set<CccVerdict>();
  for (const [phrase, verdict] of PHRASES) {
    if (!t.includes(phrase)) continue;
    found.add(verdict);
    t = t.split(phrase).join(" ");
  }
  return found;
}

/** The verdict a committed answer states, and how it was read; null verdict when it states none or both. */
export function readVerdict(text: string, extra: Record<string, CccVerdict> = {}): LabelReading {
  const key = normalizeLabel(text);
  if (key === "") return { verdict: null, how: "empty answer" };
  const whole = lookup(key, extra);
  if (whole) return { verdict: whole, how: `label "${key}"` };
  const keyed = KEYED_YES_NO.exec(key);
  if (keyed) return { verdict: LABELS[(keyed[1] ?? keyed[2])!]!, how: `"${key}" answers whether there is a violation` };
  const bare = normalizeLabel(key.replace(LEAD_IN, ""));
  const head = normalizeLabel(bare.replace(DETAILS, ""));
  const decorated = lookup(bare, extra) ?? lookup(head, extra);
  if (decorated) return { verdict: decorated, how: `label "${lookup(bare, extra) ? bare : head}" in "${key}"` };
  const first = YES_NO_FIRST.exec(bare);
  if (first) {
    const word = first[1] ?? first[2]!;
    return { verdict: LABELS[word]!, how: `"${word}" answers whether there is a violation` };
  }
  const found = sentenceVerdicts(key);
  if (found.size === 1) {
    const [verdict] = found as Set<CccVerdict>;
    return { verdict: verdict!, how: `the sentence states ${verdict}` };
  }
  if (found.size === 2) return { verdict: null, how: `"${key}" names both a violation and compliance`, ambiguous: true };
  return { verdict: null, how: `no verdict in "${key}"` };
}

/**
 * Map a label to violation / compliant, Chinese or English ("违规", "不合规", "Non-compliant" → violation;
 * "合规", "未违规", "No violation" → compliant), decorated or in a sentence. `extra` adds project-specific labels.
 */
export function cccVerdict(label: string, extra: Record<string, CccVerdict> = {}): CccVerdict | null {
  return readVerdict(label, extra).verdict;
}
