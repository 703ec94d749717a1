#!/usr/bin/env bash
# `make run` until the HTTP server lands: synthesizes demo clips with the release
# build and says where they are.
set -euo pipefail
cd "$(dirname "$0")/.."
MS=.build/release/merge-server
out=outputs/demo
mkdir -p "$out"
"$MS" mock "$out/scene1.mp4" --duration 4 --pattern testsrc2 --text "MergeServer demo — scene 1" --tone 440 --seed 1
"$MS" mock "$out/scene2.mp4" --duration 4 --pattern smptehdbars --text "scene 2" --tone 554 --seed 2
"$MS" mock "$out/scene3.webm" --duration 4 --pattern gradients --text "scene 3 (VP9 + Opus)" --tone 659 --seed 3
echo
echo "Demo clips are in $(pwd)/$out:"
ls -l "$out"
echo
echo "Inspect one with: $MS probe $out/scene1.mp4"
