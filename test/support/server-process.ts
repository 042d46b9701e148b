import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";

const MAIN = join(__dirname, "..", "..", "src", "main.js");

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly url: string;
  stdout(): string;
  stderr(): string;
  /** Time from spawn to the "API listening" log line. */
  readonly listeningMs: number;
  exited(): Promise<number | null>;
}

/** Every child this module spawned and that has not exited, ready or not. */
const spawned = new Set<ChildProcess>();

/** SIGTERM each server still running, and wait for it to exit. */
export async function stopServerProcesses(processes: Iterable<ServerProcess>): Promise<void> {
  for (const p of processes) {
    if (p.child.exitCode === null && p.child.signalCode === null) {
      p.child.kill("SIGTERM");
      await p.exited();
    }
  }
}

/** For a harness stopped from outside: SIGKILL every server it started, even one still starting. */
export function killAllServerProcesses(): void {
  for (const child of spawned) child.kill("SIGKILL");
}

/**
 * Starts the real entry point (dist/src/main.js) and waits, bounded, for its "API listening" line (or,
 * for ROLE=engine, "engine state loaded"). nodeArgs go before the script (e.g. `--cpu-prof`, which
 * NODE_OPTIONS does not accept).
 */
export async function startServerProcess(env: Record<string, string>, nodeArgs: readonly string[] = []): Promise<ServerProcess> {
  const ready = env.ROLE === "engine" ? /"msg":"engine state loaded"/ : /"url":"(http:[^"]+)".*"msg":"API listening"/;
  const startedAt = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, MAIN], {
    env: { ...process.env, PORT: "0", LOG_LEVEL: "info", DATABASE_URL: "", ADMIN_API_KEY: "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  spawned.add(child);
  const exit = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => {
      spawned.delete(child);
      resolve(code);
    }),
  );
  let out = "";
  let err = "";
  child.stdout!.on("data", (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (err += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready within 60 s\n${out}\n${err}`)), 60_000);
    const check = () => {
      const match = ready.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] ?? "");
      }
    };
    child.stdout!.on("data", check);
    void exit.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before listening\n${out}\n${err}`));
    });
  });
  return { child, url, stdout: () => out, stderr: () => err, listeningMs: performance.now() - startedAt, exited: () => exit };
}
