#!/usr/bin/env bash
# Mock clip synthesis: `merge-server mock` against the ffmpeg CLI making the same
# clip (5 s 1280x720@30 testsrc2, 440 Hz tone, libx264 veryfast crf 23 + AAC 192k,
# mp4), whole processes, interleaved runs, medians. Target: ratio ours/ffmpeg <= 1.0.
#   bench/mock.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-9}
[ -x .build/release/merge-server ] || swift build -c release
work=bench/.work
mkdir -p "$work"
MS=$(pwd)/.build/release/merge-server

python3 bench/compare.py --runs "$runs" --title "mock: 5 s 1280x720@30 H.264+AAC" \
  "merge-server=$MS mock $work/ours.mp4 --duration 5 --size 1280x720 --fps 30 --pattern testsrc2 --tone 440" \
  "ffmpeg-cli=ffmpeg -nostdin -v error -y -f lavfi -i testsrc2=size=1280x720:rate=30:duration=5 -f lavfi -i sine=frequency=440:sample_rate=48000:duration=5 -c:v libx264 -preset veryfast -crf 23 -pix_fmt yuv420p -g 60 -c:a aac -b:a 192k -ac 2 -movflags +faststart $work/ffmpeg.mp4"

# The two outputs must be the same kind of file for the comparison to mean anything.
for f in "$work/ours.mp4" "$work/ffmpeg.mp4"; do
  ffprobe -v error -show_entries stream=codec_name,width,height,r_frame_rate,nb_frames,sample_rate,channels -of csv=p=0 "$f" | tr '\n' ' '
  echo " <- $(basename "$f") $(stat -c %s "$f") bytes"
done
