#!/usr/bin/env bash
# Chunk-parallel render: a 10-minute timeline rendered by one worker (one process on
# core 0) against two workers (separate processes pinned to core 0 and core 1) that
# share its chunks and its sound, then a join by stream copy. Prints the median wall
# time of RUNS runs of each, their ratio (target <= 0.55), and the CPU seconds (user +
# sys of every process) of the chunked path against the one-pass render (overhead
# target <= 5 %).
#   bench/chunks.sh [RUNS] [CHUNK_SECONDS]     default: 1 run; 100 s chunks (6 chunks, 3 per worker)
# Timeline: 20 mock clips x 30 s, 640x360@30 H.264+AAC; joins alternate cut and a 0.5 s
# fade; the fixture song looped under it, -14 LUFS; libx264 veryfast crf 23.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-1}
chunk_seconds=${2:-100}
[ -x .build/release/merge-server ] || swift build -c release --product merge-server
MS=${MERGE_SERVER_BIN:-$(pwd)/.build/release/merge-server}
work=$(pwd)/bench/.work/chunks
mkdir -p "$work"

for i in $(seq -w 1 20); do
  [ -f "$work/clip$i.mp4" ] || "$MS" mock "$work/clip$i.mp4" --duration 30 --size 640x360 --fps 30 \
      --pattern testsrc2 --seed "$((10#$i))" --text "clip $i" --tone $((200 + 10#$i * 5)) > /dev/null
done
python3 - "$work" <<'EOF'
import json, os, sys
work = sys.argv[1]
clips = [{"source": f"{work}/clip{i:02d}.mp4"} for i in range(1, 21)]
transitions = [{"type": "cut"} if j % 2 == 0 else {"type": "fade", "duration": 0.5} for j in range(19)]
json.dump({"clips": clips, "transitions": transitions, "timing": "preserve",
           "audio": {"source": os.path.abspath("fixtures/song_120bpm.m4a"), "loop": True, "fade_out": 2, "loudness": -14},
           "output": {"width": 640, "height": 360, "fps": 30}}, open(f"{work}/timeline.json", "w"))
EOF

cpu_log=$work/cpu.log
# Runs a command under /usr/bin/time, adding its user + sys seconds to the CPU log.
timed() { /usr/bin/time -f "%U %S" -a -o "$cpu_log" "$@"; }
cpu_total() { awk '{ s += $1 + $2 } END { printf "%.2f", s }' "$cpu_log"; }

one_worker() {
  timed taskset -c 0 "$MS" render --timeline "$work/timeline.json" -o "$work/one.mp4" > /dev/null 2>&1
}

# A worker pinned to one core takes the next part nobody has claimed (mkdir is atomic).
worker() {
  local core=$1 part
  for part in audio $(seq 0 $(($2 - 1))); do
    mkdir "$work/claims/$part" 2> /dev/null || continue
    if [ "$part" = audio ]; then
      timed taskset -c "$core" "$MS" chunk audio "$work/plan.json" -o "$work/parts/sound.mp4" > /dev/null
    else
      timed taskset -c "$core" "$MS" chunk video "$work/plan.json" --index "$part" -o "$work/parts/chunk$part.mp4"
    fi
  done
}

two_workers() {
  rm -rf "$work/claims" "$work/parts" && mkdir -p "$work/claims" "$work/parts"
  timed taskset -c 0 "$MS" render --timeline "$work/timeline.json" -o "$work/two.mp4" \
      --chunk-plan "$work/plan.json" --chunk-seconds "$chunk_seconds" 2> "$work/plan.txt"
  local count
  count=$(python3 -c "import json; print(len(json.load(open('$work/plan.json'))['chunks']))")
  worker 0 "$count" & local a=$!
  worker 1 "$count" & local b=$!
  wait "$a" "$b"
  local files=()
  for i in $(seq 0 $((count - 1))); do files+=("$work/parts/chunk$i.mp4"); done
  timed taskset -c 0 "$MS" chunk join "$work/plan.json" "${files[@]}" --audio "$work/parts/sound.mp4" -o "$work/two.mp4" > /dev/null
}

one_times=() two_times=() one_cpu=() two_cpu=()
for run in $(seq 1 "$runs"); do
  for mode in one two; do
    rm -f "$cpu_log"
    start=$(date +%s.%N)
    if [ $mode = one ]; then one_worker; else two_workers; fi
    elapsed=$(python3 -c "import time; print(f'{time.time() - $start:.2f}')")
    if [ $mode = one ]; then one_times+=("$elapsed") one_cpu+=("$(cpu_total)"); else two_times+=("$elapsed") two_cpu+=("$(cpu_total)"); fi
  done
done

median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }
ow=$(median "${one_times[@]}") tw=$(median "${two_times[@]}") oc=$(median "${one_cpu[@]}") tc=$(median "${two_cpu[@]}")
echo
echo "chunked render: 10 min timeline (20 x 30 s 640x360@30, cut/fade joins, looped song, -14 LUFS), $chunk_seconds s chunks, $runs run(s)"
echo "$(cat "$work/plan.txt")"
printf '%-34s %12s %14s\n' "" "wall (s)" "CPU (s)"
printf '%-34s %12s %14s\n' "1 worker (taskset -c 0)" "$ow" "$oc"
printf '%-34s %12s %14s\n' "2 workers (taskset -c 0 / -c 1)" "$tw" "$tc"
python3 -c "print(f'{\"ratio 2 workers / 1 worker\":34s} {$tw / $ow:12.3f}   (target <= 0.55)'); print(f'{\"chunking overhead in CPU\":34s} {($tc - $oc) / $oc * 100:11.1f} %   (target <= 5 %)')"
for f in one two; do
  printf '%-8s %s\n' "$f.mp4" "$(ffprobe -v error -count_frames -show_entries format=duration:stream=codec_name,nb_read_frames,duration -of csv=p=0 "$work/$f.mp4" | tr '\n' ' ')"
done
