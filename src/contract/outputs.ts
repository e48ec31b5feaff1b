// What a stage hands to later ones: named paths or URLs, recorded in state.json as they are. A stage declares them
// once, in its outputs.ts, as a typed handle; a later stage reads them through the handle ("the model SFT
// produced"), never through a path built from another stage's folder.

export type StageOutputs = Readonly<Record<string, string>>;

/** What a stage sees of the stages before it (a stage context's `upstream`). */
interface Upstream {
  upstream: Partial<Record<string, { key: string; outputs: StageOutputs }>>;
}

export interface OutputHandle<T extends StageOutputs> {
  readonly stage: string;
  /** What the producing stage records. */
  make(outputs: T): T;
  /** The producer's outputs as this stage sees them (from the plan or state); undefined when it is not upstream. */
  of(ctx: Upstream): Partial<T> | undefined;
  /** The producer's stage key as this stage sees it (names what it made, e.g. the model evaluated). */
  key(ctx: Upstream): string | undefined;
  /** Whether the experiment has the producing stage at all (for config rules, before any plan exists). */
  configured(config: { stages: Readonly<Record<string, unknown>> }): boolean;
}

export function outputHandle<T extends StageOutputs>(stage: string): OutputHandle<T> {
  return {
    stage,
    make: (outputs) => outputs,
    of: (ctx) => ctx.upstream[stage]?.outputs as Partial<T> | undefined,
    key: (ctx) => ctx.upstream[stage]?.key,
    configured: (config) => config.stages[stage] !== undefined,
  };
}
