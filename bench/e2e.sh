#!/usr/bin/env bash
# End-to-end benchmark: newsflowd as a user would size it, through a Kafka-protocol broker.
#
#   bench/e2e.sh [--count N] [--runs R] [--avg-bytes B] [--duplicates SHARE] [--source FILE]...
#
# Generates N articles (default 100,000) with bench/generate_articles.py: real titles and
# sentences from --source files (default: the CoNLL-2003 articles of ../shared/data/ner next
# to the repository, when there; otherwise the generator's templates), about 2.5 KB per
# message, SHARE of them (default 0.05) re-sent copies. Then, for each scenario, R times
# (default 3): starts `newsflowd devbroker` (input and output topics of 8 partitions) and
# `newsflowd run`, and runs build/bench/e2e_load against them, which sends the articles,
# reads every output back and measures throughput and latency (bench/e2e_load.cc). Scenarios:
#
#   passthrough   empty chain, 2 workers, full load: the ceiling of broker + daemon I/O here
#   full          normalize, langid, dedup, entities; 2 workers; full load
#   full-50%      the same at half the median rate of `full` (a rate-limited producer)
#   full-1w       the full chain with 1 worker, full load (scaling with cores)
#   full-redis    the full chain, 2 workers, full load, dedup in Redis (store: redis): a
#                 redis-server of the run's own on 127.0.0.1 (not in the default list)
#
# Prints one JSON line per run and a table of medians, with full/passthrough and 2 workers/1
# worker ratios. Peak RSS is the daemon's VmHWM. Work files go to $OUT_DIR (default: a
# temporary directory, removed). $NEWSFLOWD and $E2E_LOAD override the binaries.
# The load generator, the broker and the daemon share the machine: figures are for all three
# on its cores, as on a one-box deployment.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
newsflowd="${NEWSFLOWD:-$root/build/app/newsflowd}"
load="${E2E_LOAD:-$root/build/bench/e2e_load}"
python=/usr/bin/python3
count=100000 runs=3 avg_bytes=2000 duplicates=0.05 scenarios="passthrough full full-50% full-1w"
sources=()
while [ $# -gt 0 ]; do
  case "$1" in
    --count) count="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --avg-bytes) avg_bytes="$2"; shift 2 ;;
    --duplicates) duplicates="$2"; shift 2 ;;
    --source) sources+=("$2"); shift 2 ;;
    --scenarios) scenarios="$2"; shift 2 ;;
    *) echo "e2e.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
for f in "$newsflowd" "$load"; do
  [ -x "$f" ] || { echo "e2e.sh: no $f (build first: bash scripts/build.sh build)" >&2; exit 2; }
done
if [ ${#sources[@]} -eq 0 ]; then
  for f in "$root/../shared/data/ner/conll2003/train.articles.jsonl" "$root/../shared/data/ner/conll2003/dev.articles.jsonl"; do
    [ -f "$f" ] && sources+=("$f")
  done
fi

if [ -n "${OUT_DIR:-}" ]; then
  work="$OUT_DIR"; mkdir -p "$work"
else
  work="$(mktemp -d)"
fi
broker_pid="" daemon_pid="" redis_pid=""
stop_all() {
  [ -n "$daemon_pid" ] && kill -TERM "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null || true
  [ -n "$broker_pid" ] && kill -TERM "$broker_pid" 2>/dev/null && wait "$broker_pid" 2>/dev/null || true
  [ -n "$redis_pid" ] && kill -TERM "$redis_pid" 2>/dev/null && wait "$redis_pid" 2>/dev/null || true
  daemon_pid="" broker_pid="" redis_pid=""
}
trap 'stop_all; [ -z "${OUT_DIR:-}" ] && rm -rf "$work"' EXIT

articles="$work/articles.jsonl"
source_args=()
for s in "${sources[@]}"; do source_args+=(--source "$s"); done
"$python" "$root/bench/generate_articles.py" --count "$count" --avg-bytes "$avg_bytes" \
  --duplicates "$duplicates" "${source_args[@]}" > "$articles"
echo "e2e.sh: $count articles, $(( $(wc -c < "$articles") / count )) bytes per message on average," \
  "${duplicates} re-sent; text from: ${sources[*]:-templates}" >&2

models="$root/models"
# fetch.wait.max.ms: the development broker answers a fetch that found no new data only after
# this wait, even when data arrives meanwhile (a real broker answers at once), which would
# put up to 500 ms (the default) on every article of a rate-limited run.
cat > "$work/passthrough.yaml" <<YAML
logging: {level: warn}
kafka: {consumer: {fetch.wait.max.ms: 10}}
chain: []
YAML
cat > "$work/full.yaml" <<YAML
logging: {level: warn}
kafka: {consumer: {fetch.wait.max.ms: 10}}
chain:
  - normalize
  - {type: langid, model: $models/lid.176.ftz}
  - dedup
  - type: entities
    models: {en: $models/ner-en.bin, es: $models/ner-es.bin, nl: $models/ner-nl.bin}
    gazetteers: $models/gazetteers.tsv
    word_clusters: $models/word-clusters.tsv
    word_vectors: $models/word-vectors.bin
    aliases: $models/entity-aliases.tsv
YAML

redis_port="$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
sed -e "s|^  - dedup$|  - {type: dedup, store: redis, redis: {address: '127.0.0.1:$redis_port'}}|" \
  "$work/full.yaml" > "$work/full-redis.yaml"

# run CONFIG WORKERS RATE: one measured run; prints e2e_load's JSON with the peak RSS added
# (and, with Redis, Redis's memory per remembered article).
run() {
  local config="$1" workers="$2" rate="$3" bootstrap="" result rss redis_fields=""
  if [ "$config" = "$work/full-redis.yaml" ]; then
    command -v redis-server >/dev/null || { echo "e2e.sh: full-redis needs redis-server" >&2; exit 2; }
    redis-server --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no \
      --dir "$work" --logfile "$work/redis.log" &
    redis_pid=$!
    for _ in $(seq 100); do
      [ "$(redis-cli -p "$redis_port" ping 2>/dev/null)" = PONG ] && break
      sleep 0.1
    done
  fi
  "$newsflowd" devbroker --topics articles:8,articles.enriched:8,articles.dlq:2 \
    > "$work/broker.out" 2> "$work/broker.log" &
  broker_pid=$!
  for _ in $(seq 100); do
    bootstrap="$(sed -n 's/^bootstrap: //p' "$work/broker.out")"
    [ -n "$bootstrap" ] && break
    sleep 0.1
  done
  [ -n "$bootstrap" ] || { cat "$work/broker.log" >&2; echo "e2e.sh: the broker did not start" >&2; stop_all; exit 1; }
  "$newsflowd" run --config "$config" --brokers "$bootstrap" --group e2e --workers "$workers" \
    > "$work/daemon.out" 2> "$work/daemon.log" &
  daemon_pid=$!
  # A run may take as long as 200 articles/s would (at least 15 minutes): a 1,000,000-article
  # run on a busy machine is slow, not stuck.
  local timeout=$(( count / 200 > 900 ? count / 200 : 900 ))
  if ! result="$("$load" --brokers "$bootstrap" --articles "$articles" --count "$count" --rate "$rate" \
                 --timeout-s "$timeout")"; then
    cat "$work/daemon.log" >&2
    echo "e2e.sh: the run did not complete: $result" >&2
    stop_all  # this runs in a $(...) subshell: the EXIT trap of the script does not see its pids
    exit 1
  fi
  rss="$(awk '/^VmHWM:/ {print $2}' "/proc/$daemon_pid/status")"
  if [ -n "$redis_pid" ]; then
    local used entries
    used="$(redis-cli -p "$redis_port" info memory | sed -n 's/^used_memory:\([0-9]*\).*/\1/p')"
    entries="$(redis-cli -p "$redis_port" zcard '{newsflow}:z')"
    redis_fields=", \"redis_used_mb\": $(( used / 1048576 )), \"redis_entries\": $entries"
    redis_fields+=", \"redis_bytes_per_entry\": $(( entries > 0 ? used / entries : 0 ))"
  fi
  stop_all
  echo "${result%\}}, \"peak_rss_mb\": $(( rss / 1024 ))$redis_fields}"
}

median_of() {  # median_of FIELD < JSON lines
  "$python" -c 'import json, statistics, sys
print(statistics.median(json.loads(l)[sys.argv[1]] for l in sys.stdin if l.strip()))' "$1"
}

: > "$work/results.jsonl"
full_rate=""
for scenario in $scenarios; do
  case "$scenario" in
    passthrough) config="$work/passthrough.yaml" workers=2 rate=0 ;;
    full) config="$work/full.yaml" workers=2 rate=0 ;;
    full-50%)
      [ -n "$full_rate" ] || { echo "e2e.sh: full-50% needs the full scenario first" >&2; exit 2; }
      config="$work/full.yaml" workers=2 rate="$("$python" -c "print(round($full_rate / 2))")" ;;
    full-1w) config="$work/full.yaml" workers=1 rate=0 ;;
    full-redis) config="$work/full-redis.yaml" workers=2 rate=0 ;;
    *) echo "e2e.sh: unknown scenario $scenario" >&2; exit 2 ;;
  esac
  for i in $(seq "$runs"); do
    line="$(run "$config" "$workers" "$rate")"
    echo "{\"scenario\": \"$scenario\", \"workers\": $workers, ${line#\{}" | tee -a "$work/results.jsonl"
  done
  if [ "$scenario" = full ]; then
    full_rate="$(grep '"scenario": "full"' "$work/results.jsonl" | median_of articles_per_s)"
  fi
done

"$python" - "$work/results.jsonl" <<'EOF'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
by = {}
for r in rows:
    by.setdefault(r["scenario"], []).append(r)
med = lambda rs, k: statistics.median(r[k] for r in rs)
print("\nscenario      workers  articles/s    MB/s   p50 ms   p99 ms  p99.9 ms  peak RSS MB  (median of %d)"
      % max(len(v) for v in by.values()))
for name, rs in by.items():
    print("%-12s %8d %11.0f %7.2f %8.1f %8.1f %9.1f %12.0f" % (
        name, rs[0]["workers"], med(rs, "articles_per_s"), med(rs, "input_mb_per_s"), med(rs, "p50_ms"),
        med(rs, "p99_ms"), med(rs, "p999_ms"), med(rs, "peak_rss_mb")))
if "full" in by and "passthrough" in by:
    print("full / passthrough: %.2f" % (med(by["full"], "articles_per_s") / med(by["passthrough"], "articles_per_s")))
if "full" in by and "full-redis" in by:
    print("Redis store / embedded store: %.2f (Redis: %d MB for %d entries, %d bytes each)" % (
        med(by["full-redis"], "articles_per_s") / med(by["full"], "articles_per_s"),
        med(by["full-redis"], "redis_used_mb"), med(by["full-redis"], "redis_entries"),
        med(by["full-redis"], "redis_bytes_per_entry")))
if "full" in by and "full-1w" in by:
    print("2 workers / 1 worker: %.2f" % (med(by["full"], "articles_per_s") / med(by["full-1w"], "articles_per_s")))
EOF
