#!/usr/bin/env bash
# The whole test suite: lint, type-check, then the unit, integration and e2e tiers against a
# real Kafka broker (fetched and started here) and the PostgreSQL server at DATABASE_URL.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
echo "== lint (eslint, prettier)"; npm run lint --silent
echo "== type-check"; npx tsc -p tsconfig.json --noEmit
echo "== build"; npx tsc -p tsconfig.build.json
echo "== chromium (browser test)"; bash scripts/ensure-chromium.sh
echo "== tests (unit, integration, e2e)"
results="$(mktemp)"
status=0
bash scripts/with-kafka.sh npx jest --maxWorkers=2 --json --outputFile="$results" "$@" || status=$?
node scripts/test-summary.js "$results"
rm -f "$results"
exit "$status"
