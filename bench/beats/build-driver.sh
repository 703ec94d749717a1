#!/usr/bin/env bash
# Builds bench/.work/beats-driver: `beats FILE --json` over Media alone (see driver.swift).
#   bench/beats/build-driver.sh && MERGE_SERVER=$PWD/bench/.work/beats-driver bench/beats.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --target Media
out=bench/.work/beats-driver
mkdir -p bench/.work
swiftc -O -I .build/release/Modules \
  -Xcc -fmodule-map-file=Sources/CFFmpeg/module.modulemap -Xcc -fmodule-map-file=Sources/CFontconfig/module.modulemap \
  $(pkg-config --cflags-only-I libavformat fontconfig | sed 's/-I/-Xcc -I/g') \
  bench/beats/driver.swift .build/release/Media.build/*.o \
  $(pkg-config --libs libavformat libavcodec libavfilter libavutil libswresample libswscale fontconfig) -o "$out"
echo "$out"
