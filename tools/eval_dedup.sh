#!/usr/bin/env bash
# Scores the dedup processor on the dedup development stream through the real binary.
#
#   tools/eval_dedup.sh [STREAM.jsonl] [-- extra score.py flags]
#
# STREAM.jsonl: messages in arrival order (default ../shared/eval/dedup/stream.jsonl next to the repository);
# truth.jsonl and score.py are read next to it (or $TRUTH, $SCORE_PY). Runs
# `newsflowd process` ($NEWSFLOWD, default build/app/newsflowd) with a chain of only
# normalize + dedup (policy mark, a fresh in-memory state) and `output.pipeline_info: none`,
# extracts {"id", "duplicate_of"} per output record and runs score.py. Work files go to
# $OUT_DIR (default a temporary directory, removed afterwards): config.yaml, out.jsonl,
# pred.jsonl. DEDUP_OPTIONS adds options to the dedup entry, as a YAML flow mapping body:
# DEDUP_OPTIONS='min_containment: 0.8, shingle_words: 4'.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/eval_common.sh"
stream="${1:-$root/../shared/eval/dedup/stream.jsonl}"
shift || true
[ "${1:-}" = "--" ] && shift
truth="${TRUTH:-$(dirname "$stream")/truth.jsonl}"
score_py="${SCORE_PY:-$(dirname "$stream")/score.py}"

need "$stream" stream
need "$truth" truth "set TRUTH"
need "$score_py" score.py "set SCORE_PY"
need "$newsflowd" binary "build first"
eval_workdir
eval_config "{type: dedup, policy: mark${DEDUP_OPTIONS:+, $DEDUP_OPTIONS}}"

eval_process "$stream" messages

"$python" -c 'import json, sys
for line in sys.stdin:
    r = json.loads(line)
    d = (r.get("enrichment") or {}).get("dedup") or {}
    print(json.dumps({"id": r["id"], "duplicate_of": d.get("duplicate_of")}))' \
  < "$work/out.jsonl" > "$work/pred.jsonl"

"$python" "$score_py" "$truth" "$work/pred.jsonl" "$@"
