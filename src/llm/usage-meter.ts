// Token and cost totals per logical model, over successful responses.
import type { ModelUsage, Usage } from "./types.js";

export class UsageMeter {
  private readonly totals = new Map<string, ModelUsage>();

  constructor(private readonly prices: ReadonlyMap<string, { prompt: number; completion: number }>) {}

  add(model: string, usage: Usage): void {
    const t = this.totals.get(model) ?? { requests: 0, promptTokens: 0, completionTokens: 0, totalTokens: 0 };
    t.requests += 1;
    t.promptTokens += usage.promptTokens;
    t.completionTokens += usage.completionTokens;
    t.totalTokens += usage.totalTokens;
    const price = this.prices.get(model);
    if (price) t.cost = (t.promptTokens * price.prompt + t.completionTokens * price.completion) / 1_000_000;
    this.totals.set(model, t);
  }

  snapshot(): Record<string, ModelUsage> {
    return Object.fromEntries([...this.totals].map(([k, v]) => [k, { ...v }]));
  }
}
