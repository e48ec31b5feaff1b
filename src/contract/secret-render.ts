// A secret read from a variable reaches its tool only through the environment: never a rendered file, an argv
// element or a plain env entry that `plan` prints. Known tool arguments move to the variable the tool reads
// (LLaMA-Factory's hub_token → HF_TOKEN); any other place a secret would be written is a config error.
import { basename } from "node:path";
import { ConfigError } from "../errors.js";
import type { SecretUse } from "./experiment.js";
import type { StageContext, StageModule, StageRender } from "./stage.js";

/** Tool arguments that have an environment variable the tool reads instead. */
export const ARG_TO_ENV: Record<string, string> = {
  hub_token: "HF_TOKEN",
  ms_hub_token: "MODELSCOPE_API_TOKEN",
  om_hub_token: "MODELERS_HUB_TOKEN",
};

function refuse(ctx: StageContext, secret: SecretUse, where: string): never {
  throw new ConfigError(ctx.experiment.file, [
    {
      path: secret.path,
      message: `holds the value of the secret variable ${secret.name}, which would be written in clear into ${where}; pass it through the tool's environment instead (tools.<tool>.env: { NAME: "\${${secret.name}}" })`,
    },
  ]);
}

export function protectSecrets(ctx: StageContext, render: StageRender): StageRender {
  const secrets = ctx.experiment.secrets ?? [];
  if (!secrets.length) return render;
  const env = { ...render.env };
  const secretEnv = { ...render.secretEnv };
  const files = { ...render.files };
  // A value this short would match everywhere; secretValues() does not mask it either.
  for (const secret of secrets.filter((s) => s.value.length >= 4)) {
    for (const [key, value] of Object.entries(env)) {
      if (!value.includes(secret.value)) continue;
      if (value !== secret.value) refuse(ctx, secret, `the environment entry ${key}`);
      delete env[key];
      secretEnv[key] = secret.name;
    }
    for (const [name, file] of Object.entries(files)) {
      if (!file.content.includes(secret.value)) continue;
      const lines = file.content.split("\n");
      const kept = lines.filter((line) => {
        if (!line.includes(secret.value)) return true;
        const key = /^\s*([A-Za-z0-9_]+)\s*:/.exec(line)?.[1];
        if (!key || !ARG_TO_ENV[key]) refuse(ctx, secret, basename(file.path));
        secretEnv[ARG_TO_ENV[key]!] = secret.name;
        return false;
      });
      files[name] = { ...file, content: kept.join("\n") };
    }
    if (render.argv.some((a) => a.includes(secret.value))) refuse(ctx, secret, "the tool's command line");
  }
  return { ...render, env, files, ...(Object.keys(secretEnv).length ? { secretEnv } : {}) };
}

/** The stage with its render passed through protectSecrets, for plan and run alike. */
export function withSecretsProtected<M extends StageModule>(stage: M): M {
  return { ...stage, render: async (ctx, resume) => protectSecrets(ctx, await stage.render(ctx, resume)) };
}
