#!/usr/bin/env bash
# Set up (once) and run the service on the embedded SQLite store.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
exec .venv/bin/eventbus serve "$@"
