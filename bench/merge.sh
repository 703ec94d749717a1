#!/usr/bin/env bash
# Timeline rendering: `merge-server render` against the ffmpeg CLI doing the same with
# one filter_complex (xfade chain + afade + loudnorm) and MoviePy 2 (crossfade + song),
# side by side, interleaved, medians of wall time and peak RSS.
#   bench/merge.sh [RUNS] [CLIP_COUNTS...]     default: 3 runs; 10, 30 and 100 clips
# Clips: 5 s 1280x720@30 H.264+AAC; 0.5 s fade at each join; a 45 s song; loudness -14;
# libx264 veryfast crf 23.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
shift || true
if [ $# -gt 0 ]; then counts=("$@"); else counts=(10 30 100); fi
[ -x .build/release/merge-server ] || swift build -c release
MS=$(pwd)/.build/release/merge-server
work=bench/.work/merge
mkdir -p "$work"

# Inputs, made once: 100 distinct mock clips and a 45 s song with a beat.
for i in $(seq -w 1 100); do
  [ -f "$work/clip$i.mp4" ] || "$MS" mock "$work/clip$i.mp4" --duration 5 --size 1280x720 --fps 30 \
      --pattern testsrc2 --seed "$((10#$i))" --text "clip $i" --tone $((200 + 10#$i * 5)) > /dev/null
done
[ -f "$work/song.m4a" ] || ffmpeg -nostdin -v error -y -f lavfi -i \
  "aevalsrc=exprs='0.6*sin(2*PI*900*t)*exp(-40*mod(t\,0.5))+0.3*sin(2*PI*110*t)':s=48000:d=45" \
  -ac 2 -c:a aac -b:a 192k "$work/song.m4a"

# The ffmpeg CLI's way: every clip an input, one xfade chain, the song trimmed, faded, loudnorm.
ffmpeg_command() {
  local n=$1 out=$2 inputs="" chain="" last="0:v" offset
  for i in $(seq 1 "$n"); do inputs+=" -i $work/clip$(printf %03d "$i").mp4"; done
  for i in $(seq 1 $((n - 1))); do
    offset=$(python3 -c "print($i * 4.5)")
    chain+="[$last][$i:v]xfade=transition=fade:duration=0.5:offset=$offset[v$i];"
    last="v$i"
  done
  local total
  total=$(python3 -c "print($n * 4.5 + 0.5)")
  [ "$n" -eq 1 ] && chain="[0:v]null[v0];" && last="v0"
  echo "ffmpeg -nostdin -v error -y $inputs -stream_loop -1 -i $work/song.m4a -filter_complex \"${chain}[$n:a]atrim=0:$total,afade=t=out:st=$(python3 -c "print($total - 1)"):d=1,loudnorm=I=-14:TP=-1[a]\" -map [$last] -map [a] -c:v libx264 -preset veryfast -crf 23 -c:a aac -b:a 192k -ar 48000 $out"
}

clip_list() { for i in $(seq 1 "$1"); do printf '%s ' "$work/clip$(printf %03d "$i").mp4"; done; }

# MoviePy is a benchmark peer only (PyPI), never a dependency of the product.
python3 -c "import moviepy" 2>/dev/null || python3 -m pip install --quiet moviepy==2.2.1 2>/dev/null || true
moviepy=""
python3 -c "import moviepy" 2>/dev/null && moviepy=yes || echo "(MoviePy could not be installed; it is left out)"

for n in "${counts[@]}"; do
  commands=("merge-server=$MS render -o $work/ours.mp4 $(clip_list "$n") --transition fade:0.5 --audio $work/song.m4a --loudness -14"
            "ffmpeg-cli=$(ffmpeg_command "$n" "$work/ffmpeg.mp4")")
  if [ -n "$moviepy" ] && [ "$n" -le 10 ]; then
    commands+=("moviepy=python3 bench/moviepy_merge.py $work/moviepy.mp4 $work/song.m4a $(clip_list "$n")")
  fi
  python3 bench/compare.py --runs "$runs" --warmup 0 --title "render: $n clips x 5 s 720p30, fade 0.5 s, 45 s song, -14 LUFS" "${commands[@]}"
  for f in "$work/ours.mp4" "$work/ffmpeg.mp4"; do
    printf '%-12s %s\n' "$(basename "$f")" "$(ffprobe -v error -show_entries format=duration:stream=codec_name,width,height,nb_frames -of csv=p=0 "$f" | tr '\n' ' ')"
  done
done

# Fast path: 10 compatible clips, hard cuts, the same song and loudness work. The peer
# is the concat demuxer with stream copy plus the same audio filters.
list="$work/concat.txt"
for i in $(seq 1 10); do echo "file '$(pwd)/$work/clip$(printf %03d "$i").mp4'"; done > "$list"
python3 bench/compare.py --runs "$((runs * 3))" --warmup 1 --title "fast path: 10 compatible clips, cuts, 45 s song, -14 LUFS" \
  "merge-server=$MS render -o $work/ours-copy.mp4 $(clip_list 10) --audio $work/song.m4a --loudness -14" \
  "ffmpeg-concat=ffmpeg -nostdin -v error -y -f concat -safe 0 -i $list -stream_loop -1 -i $work/song.m4a -filter_complex [1:a]atrim=0:50,afade=t=out:st=49:d=1,loudnorm=I=-14:TP=-1[a] -map 0:v -map [a] -c:v copy -c:a aac -b:a 192k -ar 48000 -shortest $work/ffmpeg-copy.mp4"
