// Secrets come from the environment only. Anything that looks like one is masked before it is written anywhere.

// Whole name parts only: HF_TOKEN and WANDB_API_KEY are secrets, max_tokens and tokenizer are not.
const SECRET_NAME = /(^|_)(API_?KEY|ACCESS_KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIALS?|AUTH)($|_)/i;
/** Names that hold the *name* of a variable (api_key_env: OPENAI_API_KEY) are not secrets themselves. */
const NAMES_A_VARIABLE = /_env$/i;
const MASK = "***";

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name) && !NAMES_A_VARIABLE.test(name);
}

/** The last word names a secret: hub_token, WANDB_API_KEY, swanlab_lark_secret; not ignore_pad_token_for_loss. */
const SECRET_KEY = /(^|_)(API_?KEY|ACCESS_KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIALS?|AUTH)$/i;

/** A config key whose value is a secret (stricter than isSecretName, which also matches a word inside a name). */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/** Values the loaded config read from secret variables (names listed in `secrets:` too): masked like the rest. */
const registered = new Set<string>();

export function registerSecretValue(value: string): void {
  if (value.length >= 4) registered.add(value);
}

/** Values of secret-looking environment variables (long enough to be worth masking), and registered ones. */
export function secretValues(env: NodeJS.ProcessEnv = process.env): string[] {
  const values = new Set<string>(registered);
  for (const [name, value] of Object.entries(env)) {
    if (value && value.length >= 6 && isSecretName(name)) values.add(value);
  }
  return [...values].sort((a, b) => b.length - a.length);
}

export function redactText(text: string, secrets: readonly string[] = secretValues()): string {
  let out = text;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(MASK);
  return out;
}

/** Deep copy with secret-named keys masked and secret values replaced wherever they appear. */
export function redactValue<T>(value: T, secrets: readonly string[] = secretValues()): T {
  const walk = (v: unknown, key?: string): unknown => {
    if (typeof v === "string") return key && isSecretName(key) && v !== "" ? MASK : redactText(v, secrets);
    if (Array.isArray(v)) return v.map((x) => walk(x));
    if (v && typeof v === "object") {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k)]));
    }
    return v;
  };
  return walk(value) as T;
}
