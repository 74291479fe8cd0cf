#!/usr/bin/env bash
# Scores the langid processor on a language-identification set through the real binary.
#
#   tools/eval_langid.sh [DEV.jsonl] [-- extra score.py flags]
#
# DEV.jsonl: {"id","lang","bucket","text",...} per line (default ../shared/eval/langid/dev.jsonl next to the repository);
# its score.py (next to it, or $SCORE_PY) prints the per-bucket table. Runs
# `newsflowd process` ($NEWSFLOWD, default build/app/newsflowd) with a chain of only
# normalize + langid and `output.pipeline_info: none`. Work files go to $OUT_DIR (default a
# temporary directory, removed afterwards): in.jsonl, out.jsonl, pred.jsonl, config.yaml.
# Besides score.py's table it prints the precision of reliable=true. LANGID_OPTIONS adds
# options to the langid entry, as a YAML flow mapping body: LANGID_OPTIONS='cld2: false'.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/eval_common.sh"
dev="${1:-$root/../shared/eval/langid/dev.jsonl}"
shift || true
[ "${1:-}" = "--" ] && shift
score_py="${SCORE_PY:-$(dirname "$dev")/score.py}"

need "$dev" "test set"
need "$score_py" score.py "set SCORE_PY"
need "$newsflowd" binary "build first"
eval_workdir
eval_config "{type: langid, model: '$root/models/lid.176.ftz'${LANGID_OPTIONS:+, $LANGID_OPTIONS}}"

"$python" - "$dev" "$work/in.jsonl" <<'PY'
import json, sys
with open(sys.argv[1], encoding="utf-8") as f, open(sys.argv[2], "w", encoding="utf-8") as o:
    for line in f:
        if line.strip():
            r = json.loads(line)
            o.write(json.dumps({"id": r["id"], "text": r["text"]}, ensure_ascii=False) + "\n")
PY

start=$(date +%s.%N)
"$newsflowd" process --config "$work/config.yaml" --input "$work/in.jsonl" \
  --output "$work/out.jsonl" --quiet
end=$(date +%s.%N)

"$python" - "$dev" "$work/out.jsonl" "$work/pred.jsonl" "$start" "$end" <<'PY'
import json, sys
gold = {}
with open(sys.argv[1], encoding="utf-8") as f:
    for line in f:
        if line.strip():
            r = json.loads(line)
            gold[r["id"]] = r["lang"]
n = rel = rel_ok = 0
with open(sys.argv[2], encoding="utf-8") as f, open(sys.argv[3], "w", encoding="utf-8") as o:
    for line in f:
        r = json.loads(line)
        lang = r["enrichment"]["language"]
        o.write(json.dumps({"id": r["id"], "lang": lang["code"]}) + "\n")
        n += 1
        if lang["reliable"]:
            rel += 1
            rel_ok += lang["code"] == gold.get(r["id"])
secs = float(sys.argv[5]) - float(sys.argv[4])
print(f"{n} records in {secs:.1f} s (whole binary, all workers)")
if rel:
    print(f"reliable=true: {rel} of {n} ({100 * rel / n:.1f}%), precision {100 * rel_ok / rel:.2f}%")
print()
PY

"$python" "$score_py" "$work/pred.jsonl" --test "$dev" "$@"
