#!/usr/bin/env bash
# The cost of each timeline feature: one timeline rendered plain, then with each feature
# alone, interleaved, medians of wall time; the ratio of each to the plain render.
#   bench/features.sh [RUNS]          default: 3 runs
# Timeline: 3 clips x 5 s 1280x720@30 H.264+AAC, 0.5 s fades, a 20 s song, -14 LUFS,
# libx264 veryfast crf 23. Rows: still (the middle clip a PNG with zoom_in), overlays
# (two text overlays), voiceover (a 6 s voice from 3 s, ducked 12 dB), and each extra
# output alone: poster (JPEG), sprite (a tile a second), preview (3 s GIF), mp3; captions
# burned in and as a soft track (a cue a second, as lyrics are).
# A new row is one entry in `rows` below: a label and a Python expression that edits the
# timeline `t` (a dict).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
[ -x .build/release/merge-server ] || swift build -c release --product merge-server
MS=$(pwd)/.build/release/merge-server
work=bench/.work/features
mkdir -p "$work"

# Inputs, made once.
for i in 1 2 3; do
  [ -f "$work/clip$i.mp4" ] || "$MS" mock "$work/clip$i.mp4" --duration 5 --size 1280x720 --fps 30 \
      --pattern testsrc2 --seed "$i" --text "clip $i" --tone $((200 + i * 50)) > /dev/null
done
[ -f "$work/still.png" ] || ffmpeg -nostdin -v error -y -f lavfi -i testsrc2=size=1920x1080 -frames:v 1 "$work/still.png"
[ -f "$work/song.m4a" ] || ffmpeg -nostdin -v error -y -f lavfi -i \
  "aevalsrc=exprs='0.6*sin(2*PI*900*t)*exp(-40*mod(t\,0.5))+0.3*sin(2*PI*110*t)':s=48000:d=20" \
  -ac 2 -c:a aac -b:a 192k "$work/song.m4a"
[ -f "$work/voice.wav" ] || ffmpeg -nostdin -v error -y -f lavfi -i \
  "aevalsrc=exprs='0.4*sin(2*PI*300*t)*(0.5+0.5*sin(2*PI*3*t))':s=48000:d=6" -ac 1 "$work/voice.wav"

rows=(
  "plain=pass"
  "still=t['clips'][1] = {'source': 'still.png', 'duration': 5, 'motion': 'zoom_in'}"
  "overlays=t['overlays'] = [{'text': 'Summer', 'start': 0, 'end': 5, 'position': 'center', 'size': 64, 'box': True, 'fade': 0.5}, {'text': 'The end', 'start': 9, 'position': 'bottom'}]"
  "voiceover=t['voiceover'] = {'source': 'voice.wav', 'start': 3, 'ducking': {'depth': 12}}"
  "poster=t['outputs'] = {'poster': {}}"
  "sprite=t['outputs'] = {'sprite': {'interval': 1}}"
  "preview=t['outputs'] = {'preview': {'duration': 3}}"
  "mp3=t['outputs'] = {'mp3': {}}"
  "captions=t['captions'] = {'cues': [{'start': i, 'end': i + 0.9, 'text': f'line {i} of the song'} for i in range(14)]}"
  "soft_captions=t['captions'] = {'burn': False, 'cues': [{'start': i, 'end': i + 0.9, 'text': f'line {i} of the song'} for i in range(14)]}"
)

commands=()
for row in "${rows[@]}"; do
  label=${row%%=*}
  edit=${row#*=}
  python3 - "$work/$label.json" "$edit" <<'PY'
import json, sys
t = {
    "clips": [{"source": "clip1.mp4"}, {"source": "clip2.mp4"}, {"source": "clip3.mp4"}],
    "transition": {"type": "fade", "duration": 0.5},
    "audio": {"source": "song.m4a", "loudness": -14},
    "output": {"preset": "veryfast", "crf": 23},
}
exec(sys.argv[2])
json.dump(t, open(sys.argv[1], "w"))
PY
  commands+=("$label=$MS render --timeline $work/$label.json -o $work/$label.mp4")
done

python3 bench/compare.py --runs "$runs" --warmup 1 \
  --title "features: 3 clips x 5 s 720p30, fades, 20 s song, -14 LUFS; each feature alone vs plain" "${commands[@]}"
