#!/usr/bin/env bash
# Runs a single-node Apache Kafka (KRaft, broker + controller in one JVM) on 127.0.0.1 for
# tests and benchmarks, with no Docker: the broker's jars come from Maven Central through
# scripts/kafka/pom.xml. State lives in .kafka/ at the repository root:
#   .kafka/libs/        the jars (copied from ~/.m2 after the first fetch)
#   .kafka/data/        the KRaft log dir (wiped on every start: tests want a clean broker)
#   .kafka/logs/        broker.log (stdout/stderr of the JVM; broker.previous.log after a restart)
#   .kafka/bootstrap    host:port that clients use (read by tests via KAFKA_BROKERS)
#   .kafka/pid          the JVM's pid
# TALLY_KAFKA_HOME moves all of it elsewhere (benchmarks use their own broker that way).
# Usage: kafka.sh start | stop | restart | status | fetch
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
home="$(cd "$root" && realpath -m "${TALLY_KAFKA_HOME:-.kafka}")"
pom="$root/scripts/kafka/pom.xml"
start_timeout_seconds=90

log() { echo "[kafka] $*" >&2; }

fetch() {
  if [ -f "$home/libs/.complete" ] && [ "$home/libs/.complete" -nt "$pom" ]; then return; fi
  command -v mvn >/dev/null || { log "mvn not found: install Apache Maven (apt-get install maven)"; exit 1; }
  command -v java >/dev/null || { log "java not found: install a JDK 17+ (apt-get install openjdk-17-jre-headless)"; exit 1; }
  log "fetching broker jars with Maven (cached in ~/.m2 after the first run)"
  rm -rf "$home/libs"
  mvn -q -B -f "$pom" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$home/libs"
  touch "$home/libs/.complete"
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

is_running() { [ -f "$home/pid" ] && kill -0 "$(cat "$home/pid")" 2>/dev/null; }

write_config() {
  local broker_port="$1" controller_port="$2"
  cat > "$home/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:${controller_port}
listeners=PLAINTEXT://127.0.0.1:${broker_port},CONTROLLER://127.0.0.1:${controller_port}
advertised.listeners=PLAINTEXT://127.0.0.1:${broker_port}
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=${home}/data
num.partitions=4
auto.create.topics.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=8
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
message.max.bytes=4194304
log.retention.hours=24
PROPS
}

start() {
  if is_running; then log "already running at $(cat "$home/bootstrap")"; return; fi
  fetch
  rm -rf "$home/data" "$home/logs"; mkdir -p "$home/data" "$home/logs"
  local broker_port controller_port
  broker_port="${KAFKA_PORT:-$(free_port)}"
  controller_port="$(free_port)"
  write_config "$broker_port" "$controller_port"
  local cp="$home/libs/*"
  java -cp "$cp" kafka.tools.StorageTool format --ignore-formatted \
    --cluster-id "$(java -cp "$cp" kafka.tools.StorageTool random-uuid)" \
    --config "$home/server.properties" > "$home/logs/format.log" 2>&1 \
    || { log "formatting the log dir failed; see $home/logs/format.log"; exit 1; }
  launch "$broker_port"
  log "broker ready at 127.0.0.1:${broker_port} (logs: $home/logs/broker.log)"
}

# Starts the JVM on the existing config and log dir (used by start, and by restart, which keeps
# every topic and committed offset: the chaos run restarts the broker mid-stream).
launch() {
  local broker_port="$1" cp="$home/libs/*"
  nohup java -Xms256m -Xmx1g -XX:+UseG1GC -Djava.awt.headless=true \
    -Dorg.slf4j.simpleLogger.defaultLogLevel=info -Dorg.slf4j.simpleLogger.showDateTime=true \
    -cp "$cp" kafka.Kafka "$home/server.properties" > "$home/logs/broker.log" 2>&1 &
  echo $! > "$home/pid"
  echo "127.0.0.1:${broker_port}" > "$home/bootstrap"
  wait_ready "$broker_port"
}

restart() {
  [ -f "$home/server.properties" ] || { log "nothing to restart: run start first"; exit 1; }
  stop
  mv -f "$home/logs/broker.log" "$home/logs/broker.previous.log"
  local broker_port
  broker_port="$(sed -n 's/^listeners=PLAINTEXT:\/\/127.0.0.1:\([0-9]*\),.*/\1/p' "$home/server.properties")"
  launch "$broker_port"
  log "broker restarted at 127.0.0.1:${broker_port}"
}

wait_ready() {
  local port="$1" deadline=$((SECONDS + start_timeout_seconds))
  until grep -q "Kafka Server started" "$home/logs/broker.log" 2>/dev/null \
        && (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    if ! is_running; then log "broker exited during start; last lines of its log:"; tail -20 "$home/logs/broker.log" >&2; exit 1; fi
    if [ $SECONDS -ge $deadline ]; then log "broker not ready after ${start_timeout_seconds}s; see $home/logs/broker.log"; stop; exit 1; fi
    sleep 0.3
  done
}

stop() {
  if ! is_running; then rm -f "$home/pid"; return; fi
  local pid; pid="$(cat "$home/pid")"
  kill -TERM "$pid"
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -0 "$pid" 2>/dev/null && { log "broker did not stop in 20s; killing it"; kill -KILL "$pid"; }
  rm -f "$home/pid"
  log "broker stopped"
}

status() {
  if is_running; then echo "running at $(cat "$home/bootstrap") (pid $(cat "$home/pid"))"; else echo "stopped"; exit 1; fi
}

case "${1:-}" in
  start) start ;;
  restart) restart ;;
  stop) stop ;;
  status) status ;;
  fetch) fetch ;;
  *) echo "usage: $0 start|stop|restart|status|fetch" >&2; exit 2 ;;
esac
