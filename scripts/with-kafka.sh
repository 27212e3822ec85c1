#!/usr/bin/env bash
# Runs a command with a Kafka broker: the one in KAFKA_BROKERS if set, else a fresh local one
# started by scripts/kafka/kafka.sh and stopped when the command ends.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ -z "${KAFKA_BROKERS:-}" ]; then
  bash "$root/scripts/kafka/kafka.sh" start
  trap 'bash "$root/scripts/kafka/kafka.sh" stop' EXIT
  KAFKA_BROKERS="$(cd "$root" && cat "$(realpath -m "${TALLY_KAFKA_HOME:-.kafka}")/bootstrap")"
  export KAFKA_BROKERS
fi
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
node "$root/scripts/check-postgres.js"
"$@"
