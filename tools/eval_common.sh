# Shared by the tools/eval_*.sh scorers: sourced, not run. Defines
#   need FILE WHAT [HINT]              exit 2 with a message naming the tool when FILE is missing
#   eval_workdir                       sets $work: $OUT_DIR (kept) or a temporary directory
#   eval_config "CHAIN ENTRY"          writes $work/config.yaml: normalize + that entry, no
#                                      pipeline info in the output
#   eval_process INPUT WHAT            runs newsflowd process with it: $work/out.jsonl and
#                                      errors.jsonl, and prints "N WHAT, R rejected, T s wall"
# and sets $root (the repository), $newsflowd ($NEWSFLOWD or the build's) and $python.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
newsflowd="${NEWSFLOWD:-$root/build/app/newsflowd}"
python=/usr/bin/python3
tool="$(basename "$0")"

need() {
  [ -e "$1" ] || { echo "$tool: no $2 at $1${3:+ ($3)}" >&2; exit 2; }
}

eval_workdir() {
  if [ -n "${OUT_DIR:-}" ]; then
    work="$OUT_DIR"; mkdir -p "$work"
  else
    work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
  fi
}

eval_config() {
  cat > "$work/config.yaml" <<YAML
output:
  pipeline_info: none
chain:
  - normalize
  - $1
YAML
}

eval_process() {
  local start end
  start=$(date +%s.%N)
  "$newsflowd" process --config "$work/config.yaml" --input "$1" --output "$work/out.jsonl" \
    --errors "$work/errors.jsonl" --quiet
  end=$(date +%s.%N)
  echo "newsflowd process: $(wc -l < "$1") $2, $(wc -l < "$work/errors.jsonl") rejected, $(echo "$end - $start" | bc) s wall"
}
