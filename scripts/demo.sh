#!/usr/bin/env bash
# `make demo`: synthesizes three mock scenes with the
# release build, renders them into one video with transitions over the fixture song,
# and says where the file is.
set -euo pipefail
cd "$(dirname "$0")/.."
MS=.build/release/merge-server
out=outputs/demo
mkdir -p "$out"
"$MS" mock "$out/scene1.mp4" --duration 4 --pattern testsrc2 --text "MergeServer demo — scene 1" --tone 440 --seed 1
"$MS" mock "$out/scene2.mov" --duration 4 --size 1080x1920 --pattern gradients --text "scene 2 (portrait)" --tone 554 --seed 2
"$MS" mock "$out/scene3.webm" --duration 4 --size 640x480 --fps 25 --pattern smptehdbars --text "scene 3 (VP9, 4:3)" --tone 659 --seed 3
"$MS" render -o "$out/demo.mp4" "$out/scene1.mp4" "$out/scene2.mov" "$out/scene3.webm" \
    --transition circleopen:0.6 --fit blur --audio fixtures/song_120bpm.m4a --loudness -14
echo
echo "The demo video is $(pwd)/$out/demo.mp4"
echo "Inspect it with: $MS probe $out/demo.mp4"
