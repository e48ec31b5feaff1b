// Whether this machine has python3 (tests that compare with Python itself skip without it, saying so).
import { execFileSync } from "node:child_process";

export function hasPython(): boolean {
  try {
    execFileSync("python3", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
