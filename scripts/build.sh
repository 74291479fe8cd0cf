#!/usr/bin/env bash
# Configures and builds newsflow. Usage: scripts/build.sh [BUILD_DIR] [extra cmake args...]
# Default: build/ in Release. Two parallel jobs by default (NEWSFLOW_JOBS to change).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build}"
shift || true
cmake -S "$root" -B "$build" -G Ninja "$@" >/dev/null
cmake --build "$build" -j "${NEWSFLOW_JOBS:-2}"
