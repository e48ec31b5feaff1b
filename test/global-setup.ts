// Builds dist/ once before the tests: integration tests run the real CLI (the bundled bin) as a user would.
import { execa } from "execa";

export default async function setup(): Promise<void> {
  // For the edit loop when dist/ was just built by hand.
  if (process.env.DIANJIN_SKIP_BUILD === "1") return;
  await execa("npm", ["run", "--silent", "build"], { cwd: new URL("..", import.meta.url), stdio: "inherit" });
}
