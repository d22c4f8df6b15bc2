#!/usr/bin/env bash
# The whole check, from a fresh clone: npm packages, Kafka jars and broker, Postgres databases, then format,
# lint, types, unit, integration and end-to-end tests, and a smoke run of the start command.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
step() { printf '\n[test:all] %s (%ss)\n' "$1" "$(( $(date +%s) - started ))"; }

step "installing npm packages"
# `npm install` rather than `npm ci`: npm drops other platforms' optional binaries (e.g. @unrs/resolver-binding-*)
# from a lock written on Linux, and `npm ci` then refuses the lock as out of sync. With the committed lock,
# `npm install` installs exactly its versions.
npm install --no-audit --no-fund
cp package-lock.json node_modules/.tessera-installed-lock

step "starting Kafka and Postgres"
node scripts/infra.mjs up

step "format, lint, types"
npm run --silent format:check
npm run --silent lint
npm run --silent typecheck

step "unit tests"
npm test --silent

step "integration tests (real Kafka and Postgres)"
npm run --silent test:integration

step "build"
npm run --silent build

step "end-to-end tests (each service as its own process)"
npm run --silent test:e2e

step "start command smoke run"
node scripts/start-all.mjs --smoke

step "all passed"
