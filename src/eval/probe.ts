// A quick look before the first request: is anything answering at each base URL? A refused connection fails the
// stage in a second with a clear cause instead of after the client's retries.
import { request } from "undici";

export interface ProbeFailure {
  baseUrl: string;
  message: string;
}

/** GET <base>/models on every replica; only a failed connection counts (401/404 are the client's business). */
export async function probeEndpoints(baseUrls: readonly string[], timeoutMs = 5000): Promise<ProbeFailure[]> {
  const checks = await Promise.all(
    baseUrls.map(async (baseUrl): Promise<ProbeFailure | undefined> => {
      try {
        const res = await request(`${baseUrl.replace(/\/+$/, "")}/models`, { method: "GET", signal: AbortSignal.timeout(timeoutMs) });
        await res.body.dump();
        return undefined;
      } catch (e) {
        const code = (e as { code?: unknown }).code;
        return { baseUrl, message: `${typeof code === "string" ? `${code}: ` : ""}${(e as Error).message}` };
      }
    }),
  );
  return checks.filter((c): c is ProbeFailure => c !== undefined);
}
