// The Kafka broker of a test run: one that already answers (127.0.0.1:$KAFKA_PORT, or $KAFKA_BROKERS), or
// the local single-node broker of scripts/kafka.sh, started for the run and stopped after it.
// Without java (or, before the jars are cached, mvn) the Kafka tests are skipped, with the reason.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

export type KafkaForTests = { brokers: string } | { skipped: string };

/** Bounds of the script's commands; `up` may download the jars (~50 MB) before the broker starts. */
const UP_TIMEOUT_MS = Number(process.env.KAFKA_UP_TIMEOUT_MS ?? 300_000);
const DOWN_TIMEOUT_MS = 60_000;
const PROBE_TIMEOUT_MS = 15_000;

let startedByUs = false;

/** The repository root: the nearest folder above this file (in test/ or dist/test/) with scripts/kafka.sh. */
function repoDir(): string {
  let dir = __dirname;
  for (;;) {
    if (existsSync(join(dir, "scripts", "kafka.sh")) && existsSync(join(dir, "kafka", "pom.xml"))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`scripts/kafka.sh not found above ${__dirname}`);
    dir = up;
  }
}

interface ScriptResult {
  code: number | null;
  output: string;
  timedOut: boolean;
}

/** Runs `bash scripts/kafka.sh <args>`, bounded; its output is kept and, when `echo`, shown on stderr. */
function runScript(args: string[], timeoutMs: number, echo: boolean): Promise<ScriptResult> {
  return new Promise((resolve) => {
    const child = spawn("bash", [join(repoDir(), "scripts", "kafka.sh"), ...args], {
      cwd: repoDir(),
      env: process.env,
      stdio: ["ignore", "pipe", "pipe"],
      // Its own process group, so that a timeout ends mvn too (the broker runs in a session of its own).
      detached: true,
    });
    let output = "";
    const keep = (chunk: Buffer) => {
      output += chunk.toString();
      if (echo) process.stderr.write(chunk);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        child.kill("SIGKILL");
      }
    }, timeoutMs);
    child.on("error", (err) => {
      clearTimeout(timer);
      resolve({ code: null, output: output + String(err), timedOut });
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output, timedOut });
    });
  });
}

/** Whether a Kafka broker answers a metadata request at `brokers` (comma-separated host:port). */
export async function kafkaAnswers(brokers: string): Promise<boolean> {
  const probe = await runScript(["probe", brokers], PROBE_TIMEOUT_MS, false);
  return probe.code === 0;
}

function lastLines(text: string, n: number): string {
  return text.trim().split("\n").slice(-n).join(" | ");
}

/**
 * A broker for the test run. Uses $KAFKA_BROKERS when set (skipped when it does not answer), else one that
 * answers on 127.0.0.1:$KAFKA_PORT (19092), else starts the local one with `scripts/kafka.sh up`.
 * Skipped, with the reason, when java or mvn is missing or the broker could not be started.
 */
export async function ensureKafka(): Promise<KafkaForTests> {
  const explicit = process.env.KAFKA_BROKERS?.trim();
  if (explicit) {
    return (await kafkaAnswers(explicit)) ? { brokers: explicit } : { skipped: `no Kafka broker answers at KAFKA_BROKERS=${explicit}` };
  }
  const local = `127.0.0.1:${process.env.KAFKA_PORT || "19092"}`;
  if (await kafkaAnswers(local)) return { brokers: local };

  const check = await runScript(["check"], PROBE_TIMEOUT_MS, false);
  if (check.code === 3) return { skipped: lastLines(check.output.replace(/^kafka: /gm, ""), 1) };
  if (check.code !== 0) return { skipped: `scripts/kafka.sh check failed (exit ${check.code}): ${lastLines(check.output, 3)}` };

  const up = await runScript(["up"], UP_TIMEOUT_MS, true);
  if (up.code === 0) {
    // "up" also succeeds when the broker of .cache/kafka was already starting; that one is not ours to stop.
    if (/starting the broker/.test(up.output)) startedByUs = true;
    return { brokers: local };
  }
  // Killed on the timeout: whatever it half-started is not left behind (on its own failures it cleans up).
  if (up.timedOut) await runScript(["down"], DOWN_TIMEOUT_MS, true);
  const why = up.timedOut ? `did not finish within ${UP_TIMEOUT_MS / 1000} s` : `failed (exit ${up.code})`;
  return { skipped: `scripts/kafka.sh up ${why}: ${lastLines(up.output, 3)}` };
}

/** Stops the broker that ensureKafka() started (and nothing else). */
export async function stopKafkaIfStarted(): Promise<void> {
  if (!startedByUs) return;
  startedByUs = false;
  const down = await runScript(["down"], DOWN_TIMEOUT_MS, true);
  if (down.code !== 0) process.stderr.write(`scripts/kafka.sh down failed (exit ${down.code})\n`);
}
