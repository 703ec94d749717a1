#!/usr/bin/env bash
# The web studio's end-to-end tests in a real browser: Debian's chromium (installed if
# missing) driven by Playwright for Python (in .build/browser-venv; its own browser
# download is never used), against a live `merge-server serve` (the debug binary) on a
# free loopback port with a temp data directory, mock providers and fixtures made here.
# Screenshots and the first-render figures go to .build/browser-artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
binary=$root/.build/debug/merge-server
artifacts=$root/.build/browser-artifacts
venv=$root/.build/browser-venv

[ -x "$binary" ] || { echo "error: $binary is missing; run swift build first" >&2; exit 1; }
if [ ! -x /usr/bin/chromium ]; then
    echo "browser-tests: installing Debian's chromium" >&2
    sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium > /dev/null
fi
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import playwright" 2> /dev/null; then
    echo "browser-tests: making $venv with Playwright" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q playwright
fi

work=$(mktemp -d)
server_pid=""
keyed_pid=""
cleanup() {
    for pid in $server_pid $keyed_pid; do kill "$pid" 2> /dev/null && wait "$pid" 2> /dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/fixtures" "$work/data" "$artifacts"
rm -f "$artifacts"/*.png

# Fixtures: three mock clips of 3 s (different patterns and tones) and the 120 BPM song.
"$binary" mock "$work/fixtures/clip-a.mp4" --duration 3 --size 640x360 --fps 25 --pattern testsrc2 --text A --tone 440 --seed 1
"$binary" mock "$work/fixtures/clip-b.mp4" --duration 3 --size 640x360 --fps 25 --pattern smptehdbars --text B --tone 550 --seed 2
"$binary" mock "$work/fixtures/clip-c.mp4" --duration 3 --size 640x360 --fps 25 --pattern mandelbrot --text C --tone 660 --seed 3
cp fixtures/song_120bpm.m4a "$work/fixtures/song.m4a"

# start NAME DATA_DIR: a server with no provider keys (mock mode); prints its address.
start() {
    env -u REPLICATE_API_TOKEN -u FAL_KEY -u GEMINI_API_KEY -u OPENAI_API_KEY MERGE_SERVER_LOG_LEVEL=warning \
        "$binary" serve --host 127.0.0.1 --port 0 --data-dir "$2" --workers 1 > "$work/$1.out" 2> "$work/$1.err" &
    local pid=$!
    echo "$pid" > "$work/$1.pid"
    for _ in $(seq 1 300); do
        grep -q "listening on http://" "$work/$1.out" 2> /dev/null && break
        kill -0 "$pid" 2> /dev/null || { cat "$work/$1.err" >&2; echo "error: the server did not start" >&2; exit 1; }
        sleep 0.1
    done
    grep -o "http://[0-9.:]*" "$work/$1.out" | head -1
}
# The main run: a server without API keys (loopback, no key needed).
base=$(start server "$work/data")
server_pid=$(cat "$work/server.pid")
# A second server that has a key: the page signs in with it.
mkdir -p "$work/keyed"
key=$("$binary" keys create --name studio --scope read,render,generate --data-dir "$work/keyed" | tail -1)
keyed=$(start keyed "$work/keyed")
keyed_pid=$(cat "$work/keyed.pid")
[ -n "$base" ] && [ -n "$keyed" ] || { echo "error: no address from the servers" >&2; exit 1; }
echo "browser-tests: servers at $base (no keys) and $keyed (a key)" >&2

# Page weight: the bytes the studio ships, by kind.
studio=Sources/MergeServer/Resources/studio
html=$(cat "$studio"/*.html | wc -c); css=$(cat "$studio"/*.css | wc -c); js=$(cat "$studio"/*.js | wc -c)
echo "page weight: html $html B, css $css B, js $js B, total $((html + css + js)) B" | tee "$artifacts/page-weight.txt"

start=$(date +%s)
status=0
"$venv/bin/python" Tests/Browser/studio_test.py "$base" "$work/fixtures" "$artifacts" Sources/MergeServer/Resources/openapi.yaml \
    "$keyed" "$key" || status=$?
echo "browser-tests: $(($(date +%s) - start)) s in the browser; screenshots in $artifacts" >&2
if [ "$status" -ne 0 ]; then
    echo "--- server stderr ---" >&2
    tail -30 "$work/server.err" "$work/keyed.err" >&2
fi
exit "$status"
