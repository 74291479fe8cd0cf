#!/usr/bin/env bash
# Sets up, builds, and runs the daemon on its embedded Kafka-protocol broker: the demo
# articles in tests/data go in with kcat, and the enriched articles that come out of the
# output topic are printed as JSON Lines (logs go to stderr).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bash scripts/setup.sh >&2
bash scripts/build.sh build >&2

bin=build/app/newsflowd
articles=tests/data/articles.jsonl
work="$(mktemp -d)"
"$bin" run --embedded-broker --group demo >"$work/stdout" 2>"$work/daemon.log" &
daemon=$!
cleanup() {
  kill -TERM "$daemon" 2>/dev/null && wait "$daemon" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

for _ in $(seq 100); do grep -q '^bootstrap: ' "$work/stdout" && break; sleep 0.1; done
bootstrap="$(sed -n 's/^bootstrap: //p' "$work/stdout")"
[ -n "$bootstrap" ] || { cat "$work/daemon.log" >&2; echo "demo: the daemon did not start" >&2; exit 1; }
echo "demo: embedded broker on $bootstrap; producing $(wc -l <"$articles") articles with kcat" >&2

# Keyed by article id ("id<TAB>json"), as a crawler would publish them.
/usr/bin/python3 -c '
import json, sys
for line in open(sys.argv[1]):
    print(json.loads(line).get("id", "") + "\t" + line.rstrip("\n"))' "$articles" |
  kcat -P -b "$bootstrap" -t articles -K $'\t'

timeout 60 kcat -C -b "$bootstrap" -t articles.enriched -o beginning -c "$(wc -l <"$articles")" -q
echo "demo: done; daemon log:" >&2
kill -TERM "$daemon" && wait "$daemon" || true
cat "$work/daemon.log" >&2
