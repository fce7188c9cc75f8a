#!/usr/bin/env bash
# The README's two commands: `quickstart.sh demo` builds and runs examples/quickstart, `quickstart.sh tests`
# builds everything and runs the whole test suite through ctest. Both first install the Debian packages
# they need when missing (as root, or through sudo).
set -euo pipefail

usage() { echo "usage: $0 demo|tests" >&2; exit 2; }
[ $# -eq 1 ] || usage
what=$1
case "$what" in demo|tests) ;; *) usage ;; esac

here=$(cd "$(dirname "$0")/.." && pwd)
build=${LOWBIT_BUILD_DIR:-$here/build}
jobs=${LOWBIT_JOBS:-$(nproc)}

packages=(cmake g++ make xz-utils pkg-config catch2 libfmt-dev libbenchmark-dev)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "== installing ${missing[*]}"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi

echo "== configuring $build"
cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
if [ "$what" = demo ]; then
    cmake --build "$build" -j "$jobs" --target quickstart
    "$build/examples/quickstart"
else
    cmake --build "$build" -j "$jobs"
    ctest --test-dir "$build" -j "$jobs" --output-on-failure
fi
