#!/usr/bin/env bash
# A single-node Apache Kafka broker (KRaft: broker and controller in one JVM) on loopback, from Maven jars.
#
#   scripts/kafka.sh up       fetch the jars (once), format the storage (once), start, wait until it answers
#   scripts/kafka.sh down     stop it (SIGTERM, then SIGKILL after $KAFKA_STOP_TIMEOUT seconds); data is kept
#   scripts/kafka.sh status   say whether it runs and answers (exit 0 only when it answers)
#   scripts/kafka.sh probe [host:port,...]   exit 0 when a Kafka broker answers a metadata request there
#   scripts/kafka.sh check    exit 0 when java and mvn are there (exit 3 and say what is missing otherwise)
#
# Environment: KAFKA_PORT (19092), KAFKA_CONTROLLER_PORT (19093), KAFKA_HOME_DIR (<repo>/.cache/kafka),
# KAFKA_HEAP_OPTS ("-Xms256m -Xmx512m"), KAFKA_JVM_OPTS (extra JVM flags), KAFKA_START_TIMEOUT (90 s),
# KAFKA_STOP_TIMEOUT (30 s).
# Exit codes: 0 done, 1 failed, 2 usage, 3 a required tool (java, mvn, node) is missing.
set -euo pipefail

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KAFKA_PORT="${KAFKA_PORT:-19092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-19093}"
KAFKA_HOME_DIR="${KAFKA_HOME_DIR:-$REPO_DIR/.cache/kafka}"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}"
KAFKA_JVM_OPTS="${KAFKA_JVM_OPTS:-}"
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
KAFKA_STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"

POM="$REPO_DIR/kafka/pom.xml"
TEMPLATE="$REPO_DIR/kafka/server.properties"
LOG4J="$REPO_DIR/kafka/log4j.properties"

say() { printf 'kafka: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

# KAFKA_HOME_DIR made absolute (log.dirs must be); `up` creates it.
KAFKA_HOME_DIR="$(realpath -m "$KAFKA_HOME_DIR")"
LIBS="$KAFKA_HOME_DIR/libs"
DATA="$KAFKA_HOME_DIR/data"
PROPS="$KAFKA_HOME_DIR/server.properties"
PID_FILE="$KAFKA_HOME_DIR/kafka.pid"
LOG_FILE="$KAFKA_HOME_DIR/server.log"
BROKER="127.0.0.1:$KAFKA_PORT"

INSTALL_HINT="install them with: apt-get install -y openjdk-17-jre-headless maven"

# --- tools ------------------------------------------------------------------------------------------------

java_major() {
  # "17.0.15", "11.0.2", "1.8.0_392" -> 17, 11, 8
  local v
  v="$(java -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n1)"
  v="${v#1.}"
  printf '%s\n' "${v%%[.+-]*}"
}

# $1 = "fetch" when the jars still have to be downloaded (then mvn is needed too).
check_tools() {
  local missing=()
  command -v node >/dev/null 2>&1 || missing+=("node")
  if ! command -v java >/dev/null 2>&1; then
    missing+=("java (a JRE 11 or newer)")
  else
    local major
    major="$(java_major)"
    if [[ -z "$major" || ! "$major" =~ ^[0-9]+$ || "$major" -lt 11 ]]; then
      missing+=("java 11 or newer (found: $(java -version 2>&1 | head -n1))")
    fi
  fi
  if [[ "${1:-}" == "fetch" ]] && ! command -v mvn >/dev/null 2>&1; then
    missing+=("mvn (Apache Maven, to fetch the Kafka jars)")
  fi
  if [[ ${#missing[@]} -gt 0 ]]; then
    local IFS=", "
    say "missing: ${missing[*]}; $INSTALL_HINT"
    exit 3
  fi
}

# --- the jars ---------------------------------------------------------------------------------------------

pom_hash() { sha256sum "$POM" | cut -d' ' -f1; }

libs_cached() {
  [[ -f "$LIBS/.pom.sha256" && "$(cat "$LIBS/.pom.sha256")" == "$(pom_hash)" ]] &&
    compgen -G "$LIBS/kafka_2.13-*.jar" >/dev/null
}

fetch_libs() {
  if libs_cached; then
    return 0
  fi
  say "fetching the Kafka jars with Maven into $LIBS (once; cached by the hash of kafka/pom.xml)"
  local tmp="$KAFKA_HOME_DIR/libs.tmp.$$" started=$SECONDS
  rm -rf "$tmp"
  # (sed: Maven 3.8 prints bare colour resets even in batch mode)
  if ! mvn -q -B -Dstyle.color=never -f "$POM" dependency:copy-dependencies -DincludeScope=runtime \
    -DoutputDirectory="$tmp" 2>&1 | sed -u 's/\x1b\[[0-9;]*m//g' >&2; then
    rm -rf "$tmp"
    die "mvn could not fetch the jars of kafka/pom.xml (is Maven Central reachable? see the output above)"
  fi
  pom_hash >"$tmp/.pom.sha256"
  rm -rf "$LIBS"
  mv "$tmp" "$LIBS"
  say "fetched $(find "$LIBS" -name '*.jar' | wc -l) jars in $((SECONDS - started)) s"
}

kafka_java() {
  # shellcheck disable=SC2086 # the *_OPTS are lists of flags
  java $KAFKA_HEAP_OPTS $KAFKA_JVM_OPTS -Djava.awt.headless=true -Dlog4j.configuration="file:$LOG4J" \
    -cp "$LIBS/*" "$@"
}

# --- config and storage -----------------------------------------------------------------------------------

write_props() {
  local tmp="$PROPS.tmp.$$"
  sed -e "s|@KAFKA_PORT@|$KAFKA_PORT|g" \
    -e "s|@KAFKA_CONTROLLER_PORT@|$KAFKA_CONTROLLER_PORT|g" \
    -e "s|@KAFKA_DATA_DIR@|$DATA|g" \
    "$TEMPLATE" >"$tmp"
  mv "$tmp" "$PROPS"
}

format_storage() {
  if [[ -f "$DATA/meta.properties" ]]; then
    return 0
  fi
  local cluster_id
  if [[ -s "$KAFKA_HOME_DIR/cluster.id" ]]; then
    cluster_id="$(cat "$KAFKA_HOME_DIR/cluster.id")"
  else
    cluster_id="$(KAFKA_HEAP_OPTS="-Xmx128m" kafka_java kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n1)"
    [[ -n "$cluster_id" ]] || die "kafka.tools.StorageTool random-uuid printed no id"
    printf '%s\n' "$cluster_id" >"$KAFKA_HOME_DIR/cluster.id"
  fi
  say "formatting the KRaft storage in $DATA (cluster id $cluster_id; once)"
  local out
  if ! out="$(KAFKA_HEAP_OPTS="-Xmx256m" kafka_java kafka.tools.StorageTool format -t "$cluster_id" -c "$PROPS" 2>&1)"; then
    printf '%s\n' "$out" >&2
    die "formatting the storage failed"
  fi
}

# --- the process ------------------------------------------------------------------------------------------

# Does pid $1 run? (a zombie does not: `up` is the parent of the broker it starts until it exits)
alive() {
  kill -0 "$1" 2>/dev/null || return 1
  [[ "$(sed -n 's/^[0-9]* (.*) \([A-Z]\).*/\1/p' "/proc/$1/stat" 2>/dev/null)" != "Z" ]]
}

# Is $1 the pid of the broker of this KAFKA_HOME_DIR? (never signal anything else)
is_our_broker() {
  local pid="$1" cmdline
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ -r "/proc/$pid/cmdline" ]] || return 1
  cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
  [[ "$cmdline" == *"kafka.Kafka $PROPS"* ]]
}

# The pid of the running broker of this KAFKA_HOME_DIR, or nothing (and a stale pid file removed).
running_pid() {
  local pid=""
  if [[ -f "$PID_FILE" ]]; then
    pid="$(cat "$PID_FILE" 2>/dev/null || true)"
    if is_our_broker "$pid"; then
      printf '%s\n' "$pid"
      return 0
    fi
    rm -f "$PID_FILE"
  fi
  # The pid file was lost but the process is there: find it by its exact command line.
  for pid in $(pgrep -f "kafka\.Kafka $PROPS" 2>/dev/null || true); do
    if is_our_broker "$pid"; then
      printf '%s\n' "$pid" >"$PID_FILE"
      printf '%s\n' "$pid"
      return 0
    fi
  done
  return 1
}

# Exit 0 when a Kafka broker answers a real client request at one of $1 (comma-separated host:port).
# With kafkajs (a dependency of the project): admin.listTopics(). Without it (before npm ci): a raw
# Metadata v0 request over TCP that must list at least one broker.
probe() {
  local brokers="${1:-$BROKER}" timeout_ms="${2:-3000}"
  command -v node >/dev/null 2>&1 || { say "missing: node"; return 3; }
  (cd "$REPO_DIR" && node - "$brokers" "$timeout_ms" <<'EOF'
const [brokers, timeoutMs] = [process.argv[2].split(",").map((s) => s.trim()).filter(Boolean), Number(process.argv[3])];
const timer = setTimeout(() => process.exit(1), timeoutMs);
let kafkajs = null;
try { kafkajs = require(require.resolve("kafkajs", { paths: [process.cwd()] })); } catch { kafkajs = null; }

async function withKafkajs() {
  const { Kafka, logLevel } = kafkajs;
  const kafka = new Kafka({ clientId: "kafka-sh-probe", brokers, logLevel: logLevel.NOTHING,
    connectionTimeout: 1000, requestTimeout: 2000, retry: { retries: 0 } });
  const admin = kafka.admin({ retry: { retries: 0 } });
  await admin.connect();
  try { await admin.listTopics(); } finally { await admin.disconnect().catch(() => {}); }
}

function rawMetadata(hostPort) {
  const net = require("node:net");
  const i = hostPort.lastIndexOf(":");
  const host = hostPort.slice(0, i), port = Number(hostPort.slice(i + 1));
  return new Promise((resolve, reject) => {
    const clientId = Buffer.from("kafka-sh-probe");
    const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length + 4);
    let o = 0;
    o = body.writeInt16BE(3, o);            // api key: Metadata
    o = body.writeInt16BE(0, o);            // api version 0
    o = body.writeInt32BE(4242, o);         // correlation id
    o = body.writeInt16BE(clientId.length, o);
    o += clientId.copy(body, o);
    body.writeInt32BE(0, o);                // no topics named: v0 lists them all
    const size = Buffer.alloc(4);
    size.writeInt32BE(body.length, 0);
    const socket = net.connect({ host, port });
    let got = Buffer.alloc(0);
    socket.on("connect", () => socket.write(Buffer.concat([size, body])));
    socket.on("data", (chunk) => {
      got = Buffer.concat([got, chunk]);
      if (got.length >= 4 && got.length >= 4 + got.readInt32BE(0)) {
        socket.destroy();
        const ok = got.length >= 12 && got.readInt32BE(4) === 4242 && got.readInt32BE(8) >= 1;
        ok ? resolve() : reject(new Error("not a Kafka metadata answer"));
      }
    });
    socket.on("error", reject);
    socket.on("close", () => reject(new Error("closed")));
  });
}

(async () => {
  if (kafkajs) await withKafkajs();
  else await Promise.any(brokers.map(rawMetadata));
})().then(() => { clearTimeout(timer); process.exit(0); }, () => process.exit(1));
EOF
  )
}

# Ready: our process runs, says it has started, and answers (not some other broker on the same port).
wait_until_answering() {
  local pid="$1" deadline=$((SECONDS + KAFKA_START_TIMEOUT))
  while ((SECONDS < deadline)); do
    if ! alive "$pid"; then
      say "the broker exited while starting; the end of $LOG_FILE:"
      tail -n 30 "$LOG_FILE" >&2 || true
      rm -f "$PID_FILE"
      return 1
    fi
    if grep -q "Kafka Server started" "$LOG_FILE" 2>/dev/null && probe "$BROKER" 2000 && alive "$pid"; then
      return 0
    fi
    sleep 0.5
  done
  say "the broker did not answer on $BROKER within $KAFKA_START_TIMEOUT s; the end of $LOG_FILE:"
  tail -n 30 "$LOG_FILE" >&2 || true
  return 1
}

stop_pid() {
  local pid="$1" deadline
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$((SECONDS + KAFKA_STOP_TIMEOUT))
  while alive "$pid" && ((SECONDS < deadline)); do
    sleep 0.2
  done
  if alive "$pid"; then
    say "pid $pid still runs after $KAFKA_STOP_TIMEOUT s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    deadline=$((SECONDS + 10))
    while alive "$pid" && ((SECONDS < deadline)); do sleep 0.1; done
  fi
}

# Something listens on 127.0.0.1:$1?
port_in_use() { (: <"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

ports_free_or_die() {
  local port holder
  for port in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
    if port_in_use "$port"; then
      holder="$(ss -ltnpH "sport = :$port" 2>/dev/null | sed -n 's/.*users:((\(.*\)))$/\1/p' | head -n1 || true)"
      die "127.0.0.1:$port is already in use${holder:+ by $holder}; stop that, or choose other ports with KAFKA_PORT / KAFKA_CONTROLLER_PORT"
    fi
  done
}

# One up or down at a time per KAFKA_HOME_DIR (two test runs starting at once share one broker).
lock_home() {
  mkdir -p "$KAFKA_HOME_DIR"
  exec 9>"$KAFKA_HOME_DIR/.lock"
  flock -w 600 9 || die "another scripts/kafka.sh holds $KAFKA_HOME_DIR/.lock for over 600 s"
}

# --- commands ---------------------------------------------------------------------------------------------

cmd_up() {
  local pid started=$SECONDS
  lock_home
  if pid="$(running_pid)"; then
    if probe "$BROKER"; then
      say "already running (pid $pid) and answering on $BROKER"
      return 0
    fi
    say "running (pid $pid) but not answering yet on $BROKER: waiting"
    wait_until_answering "$pid" || return 1
    say "up on $BROKER (pid $pid)"
    return 0
  fi
  if probe "$BROKER"; then
    say "a Kafka broker already answers on $BROKER (not started from $KAFKA_HOME_DIR): using it as is"
    return 0
  fi

  if libs_cached; then check_tools; else check_tools fetch; fi
  fetch_libs
  write_props
  format_storage
  ports_free_or_die

  [[ -f "$LOG_FILE" ]] && mv -f "$LOG_FILE" "$LOG_FILE.prev"
  say "starting the broker on $BROKER (controller 127.0.0.1:$KAFKA_CONTROLLER_PORT), logs in $LOG_FILE"
  # setsid: its own session, so that it outlives the shell (or npm, or test run) that started it.
  # shellcheck disable=SC2086
  setsid java $KAFKA_HEAP_OPTS $KAFKA_JVM_OPTS -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$LOG4J" -Dkafka.logs.dir="$KAFKA_HOME_DIR" \
    -cp "$LIBS/*" kafka.Kafka "$PROPS" >"$LOG_FILE" 2>&1 </dev/null 9>&- &
  pid=$!
  printf '%s\n' "$pid" >"$PID_FILE"
  if ! wait_until_answering "$pid"; then
    if alive "$pid"; then
      stop_pid "$pid"
    fi
    rm -f "$PID_FILE"
    return 1
  fi
  say "up on $BROKER (pid $pid) in $((SECONDS - started)) s"
}

cmd_down() {
  local pid
  [[ -d "$KAFKA_HOME_DIR" ]] && lock_home
  if ! pid="$(running_pid)"; then
    if probe "$BROKER" 1500; then
      say "not started from $KAFKA_HOME_DIR, but a broker answers on $BROKER: leaving it alone"
    else
      say "not running"
    fi
    return 0
  fi
  local started=$SECONDS
  say "stopping the broker (pid $pid)"
  stop_pid "$pid"
  rm -f "$PID_FILE"
  say "stopped in $((SECONDS - started)) s (data kept in $DATA)"
}

cmd_status() {
  local pid
  if pid="$(running_pid)"; then
    if probe "$BROKER"; then
      echo "running (pid $pid), answering on $BROKER"
      return 0
    fi
    echo "running (pid $pid), not answering on $BROKER"
    return 1
  fi
  if probe "$BROKER" 1500; then
    echo "not started from $KAFKA_HOME_DIR, but a broker answers on $BROKER"
    return 0
  fi
  echo "not running"
  return 1
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  probe) probe "${2:-$BROKER}" "${3:-3000}" ;;
  check) if libs_cached; then check_tools; else check_tools fetch; fi ;;
  *)
    echo "usage: $0 up|down|status|probe [host:port,...]|check" >&2
    exit 2
    ;;
esac
