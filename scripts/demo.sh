#!/usr/bin/env bash
# Sets up, builds, and enriches the demo articles in tests/data, printing enriched JSON Lines.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bash scripts/setup.sh >&2
bash scripts/build.sh build >&2
./build/app/newsflowd process --input tests/data/articles.jsonl
