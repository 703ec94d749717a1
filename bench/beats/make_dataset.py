#!/usr/bin/env python3
"""Synthesizes the beat-tracking evaluation set, with exact ground truth.

    python3 bench/beats/make_dataset.py [OUT_DIR]      default: bench/.work/beats

Every track is built on a beat grid (constant tempo, a linear ramp or a step) and every
drum, bass and chord onset is placed on that grid at an exact sample, so the ground truth
is the grid itself: NAME.beats.txt holds the times of the beats that were played (one a
line, seconds) and NAME.downbeats.txt the first beat of each bar. Sub-beat events (8ths,
swung 8ths, 16ths) are placed by linear interpolation between neighbouring beats, so they
follow ramps and steps too. Timbres, keys, chords and drum kits are drawn from a seeded
numpy RNG: the same script makes the same files (WAV 16-bit 44.1 kHz mono; every fourth
track is also encoded to mp3 with the ffmpeg CLI and scored from the mp3).

manifest.json lists per track: name, file (the one to score), wav, style, tempo (a number,
or [start, end] for ramps and steps), meter, duration, music_start, beats, downbeats, notes.
"""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
import wave

import numpy as np
from scipy import signal

SR = 44100
SEED = 20240611
TAIL = 1.5          # seconds of decay after the last bar
VERSION = 4         # recorded in manifest.json; beats.sh remakes the set when this file's digest changes


# --------------------------------------------------------------------------------------
# Beat grids
# --------------------------------------------------------------------------------------

def grid_constant(bpm, start, count):
    return start + np.arange(count) * 60.0 / bpm


def grid_ramp(bpm0, bpm1, start, span, count):
    """Tempo linear in time from bpm0 (at start) to bpm1 (at start+span); beat k is where
    the integrated phase reaches k (exact solution of the quadratic)."""
    a = (bpm1 - bpm0) / (2.0 * span)          # phase(t) = (bpm0 t + a t^2) / 60
    k = np.arange(count, dtype=float)
    if abs(a) < 1e-12:
        return start + k * 60.0 / bpm0
    return start + (-bpm0 + np.sqrt(bpm0 * bpm0 + 4.0 * a * 60.0 * k)) / (2.0 * a)


def grid_step(bpm0, bpm1, start, step_beat, count):
    k = np.arange(count, dtype=float)
    t = np.where(k <= step_beat, k * 60.0 / bpm0, step_beat * 60.0 / bpm0 + (k - step_beat) * 60.0 / bpm1)
    return start + t


def beat_time(grid, position):
    """Time of a (fractional) beat position on the grid."""
    i = int(np.floor(position))
    frac = position - i
    if frac < 1e-9:
        return grid[i]
    return grid[i] + frac * (grid[i + 1] - grid[i])


# --------------------------------------------------------------------------------------
# Instruments (each returns a mono float64 template that starts at its onset sample)
# --------------------------------------------------------------------------------------

def env_exp(n, tau, attack=0.0005):
    t = np.arange(n) / SR
    e = np.exp(-t / tau)
    a = max(1, int(attack * SR))
    e[:a] *= np.linspace(0.0, 1.0, a, endpoint=False) + 1.0 / a
    return e


def make_kick(rng, k):
    n = int(min(1.2, k["decay"] * 7) * SR)
    t = np.arange(n) / SR
    f = k["f1"] + (k["f0"] - k["f1"]) * np.exp(-t / k["sweep"])
    y = np.sin(2 * np.pi * np.cumsum(f) / SR) * env_exp(n, k["decay"])
    if k["click"] > 0:
        m = int(0.004 * SR)
        c = signal.sosfilt(signal.butter(2, 2000, "highpass", fs=SR, output="sos"), rng.standard_normal(m))
        y[:m] += k["click"] * c * env_exp(m, 0.001)
    return y


def make_snare(rng, s):
    n = int(0.45 * SR)
    t = np.arange(n) / SR
    noise = signal.sosfilt(signal.butter(2, [s["lo"], s["hi"]], "bandpass", fs=SR, output="sos"),
                           rng.standard_normal(n))
    noise /= np.max(np.abs(noise)) + 1e-9
    body = np.sin(2 * np.pi * s["body"] * t) * env_exp(n, 0.045)
    return s["noise"] * noise * env_exp(n, s["decay"]) + (1 - s["noise"]) * body


def make_hat(rng, h, open_hat=False):
    tau = h["open"] if open_hat else h["closed"]
    n = int(min(1.0, tau * 7) * SR)
    noise = signal.sosfilt(signal.butter(4, h["cut"], "highpass", fs=SR, output="sos"), rng.standard_normal(n))
    noise /= np.max(np.abs(noise)) + 1e-9
    return noise * env_exp(n, tau, attack=0.0002)


def make_clap(rng):
    n = int(0.3 * SR)
    y = np.zeros(n)
    sos = signal.butter(2, [900, 3000], "bandpass", fs=SR, output="sos")
    for j, off in enumerate([0.0, 0.009, 0.018]):
        i = int(off * SR)
        m = n - i
        y[i:] += signal.sosfilt(sos, rng.standard_normal(m)) * env_exp(m, 0.006 if j < 2 else 0.07)
    return y / (np.max(np.abs(y)) + 1e-9)


def make_rim(rng, freq):
    n = int(0.12 * SR)
    t = np.arange(n) / SR
    y = np.sin(2 * np.pi * freq * t) * env_exp(n, 0.018) + 0.4 * rng.standard_normal(n) * env_exp(n, 0.003)
    return y / np.max(np.abs(y))


def make_ride(rng, base):
    n = int(1.6 * SR)
    t = np.arange(n) / SR
    y = sum(np.sin(2 * np.pi * base * r * t + rng.uniform(0, 6.28)) / (1 + i)
            for i, r in enumerate([1.0, 1.47, 1.98, 2.44, 3.11, 4.17]))
    hp = signal.sosfilt(signal.butter(2, 5000, "highpass", fs=SR, output="sos"), rng.standard_normal(n))
    y = 0.5 * y / 2.5 + 0.5 * hp / (np.max(np.abs(hp)) + 1e-9)
    return y * env_exp(n, 0.35, attack=0.0003)


def make_crash(rng):
    n = int(2.5 * SR)
    noise = signal.sosfilt(signal.butter(2, 3500, "highpass", fs=SR, output="sos"), rng.standard_normal(n))
    return noise / (np.max(np.abs(noise)) + 1e-9) * env_exp(n, 0.7, attack=0.0003)


WAVETABLE_N = 4096


def wavetable(timbre):
    ph = np.arange(WAVETABLE_N) / WAVETABLE_N
    if timbre == "sine":
        parts = [(1, 1.0), (2, 0.15)]
    elif timbre == "organ":
        parts = [(1, 1.0), (2, 0.6), (3, 0.35), (4, 0.2), (6, 0.1), (8, 0.08)]
    elif timbre == "saw":
        parts = [(k, 1.0 / k) for k in range(1, 16)]
    elif timbre == "square":
        parts = [(k, 1.0 / k) for k in range(1, 16, 2)]
    else:  # "soft saw" for pads
        parts = [(k, 1.0 / k ** 1.6) for k in range(1, 10)]
    y = sum(a * np.sin(2 * np.pi * k * ph) for k, a in parts)
    return y / np.max(np.abs(y))


def tone(freqs, dur, timbre, attack, tau, release=0.03, detune=0.0):
    """A chord (or one note) of `dur` seconds plus release; the first sample is the onset."""
    n = int((dur + release) * SR)
    t = np.arange(n) / SR
    table = wavetable(timbre)
    y = np.zeros(n)
    for f in freqs:
        for d in ([0.0] if detune == 0 else [-detune, detune]):
            idx = ((f * (1 + d) * t) % 1.0 * WAVETABLE_N).astype(np.int64)
            y += table[idx]
    y /= len(freqs) * (1 if detune == 0 else 2)
    e = np.exp(-t / tau) if tau else np.ones(n)
    a = max(1, int(attack * SR))
    e[:a] *= np.linspace(0.0, 1.0, a)
    r = int(release * SR)
    cut = n - r
    e[cut:] *= np.linspace(1.0, 0.0, r)
    return y * e


def midi_hz(m):
    return 440.0 * 2 ** ((m - 69) / 12.0)


CHORD = {"maj": (0, 4, 7), "min": (0, 3, 7), "7": (0, 4, 7, 10), "m7": (0, 3, 7, 10), "sus": (0, 5, 7)}
PROGRESSIONS = [
    [(0, "maj"), (7, "maj"), (9, "min"), (5, "maj")],
    [(0, "min"), (8, "maj"), (3, "maj"), (10, "maj")],
    [(0, "min"), (5, "min"), (7, "min"), (0, "min")],
    [(0, "maj"), (5, "maj"), (0, "maj"), (7, "7")],
    [(0, "m7"), (5, "7"), (10, "maj"), (3, "maj")],
    [(0, "maj"), (9, "min"), (5, "maj"), (7, "sus")],
]


# --------------------------------------------------------------------------------------
# Drum patterns: per bar, instrument -> list of (position in beats, velocity)
# --------------------------------------------------------------------------------------

def sixteenths(*steps, v=1.0):
    return [(s / 4.0, v) for s in steps]


def pattern(style, bar, meter, swing_ratio=2.0 / 3.0):
    """Events of one bar. bar counts from 0; bar % 8 == 7 gets a fill in some styles."""
    p = {}
    if style in ("rock", "fast", "ramp", "step", "late", "noise_rock", "intro"):
        p["kick"] = [(0, 1.0), (2, 0.95)] + ([(2.5, 0.7)] if bar % 2 else [])
        p["snare"] = [(1, 1.0), (3, 1.0)]
        p["hat"] = [(i / 2.0, 0.8 if i % 2 == 0 else 0.55) for i in range(8)]
    elif style in ("house", "noise_house"):
        p["kick"] = [(b, 1.0) for b in range(4)]
        p["clap"] = [(1, 0.8), (3, 0.8)]
        p["ohat"] = [(b + 0.5, 0.7) for b in range(4)]
        p["hat"] = [(b + 0.25, 0.3) for b in range(4)] + [(b + 0.75, 0.3) for b in range(4)]
    elif style == "shuffle":      # shuffle rock: swung 8th hats, kick 1 & 3, snare 2 & 4
        p["kick"] = [(0, 1.0), (2, 0.9)] + ([(2 + swing_ratio, 0.6)] if bar % 2 else [])
        p["snare"] = [(1, 1.0), (3, 1.0)]
        p["hat"] = [(b + d, 0.75 if d == 0 else 0.5) for b in range(4) for d in (0, swing_ratio)]
    elif style in ("swing", "noise_swing"):
        p["ride"] = [(0, 0.8), (1, 0.8), (1 + swing_ratio, 0.5), (2, 0.8), (3, 0.8), (3 + swing_ratio, 0.5)]
        p["hat"] = [(1, 0.6), (3, 0.6)]
        p["kick"] = [(0, 0.6), (2, 0.4)]
        p["snare"] = [(2 + swing_ratio, 0.35)] + ([(3 + swing_ratio, 0.45)] if bar % 2 else [])
    elif style in ("dembow", "noise_dembow"):
        p["kick"] = [(b, 1.0) for b in range(4)]
        p["rim"] = sixteenths(3, 6, 11, 14, v=0.9)
        p["hat"] = [(i / 2.0, 0.45) for i in range(8)]
    elif style in ("breakbeat", "jungle"):
        if bar % 2 == 0:
            p["kick"] = sixteenths(0, 2, 10, 11)
            p["snare"] = sixteenths(4, 12, v=1.0) + sixteenths(7, 9, 15, v=0.45)
        else:
            p["kick"] = sixteenths(0, 2, 10)
            p["snare"] = sixteenths(4, 12, v=1.0) + sixteenths(7, 9, 14, v=0.45)
        p["ride"] = [(i / 2.0, 0.5) for i in range(8)]
    elif style == "halftime":
        p["kick"] = sixteenths(0) + (sixteenths(10, v=0.8) if bar % 2 else sixteenths(11, v=0.8))
        p["snare"] = [(2, 1.0)]
        p["hat"] = [(i / 2.0, 0.7 if i % 2 == 0 else 0.45) for i in range(8)]
    elif style in ("dnb", "late_dnb"):
        p["kick"] = sixteenths(0, 10)
        p["snare"] = sixteenths(4, 12) + (sixteenths(15, v=0.35) if bar % 2 else [])
        p["hat"] = [(i / 2.0, 0.55) for i in range(8)]
        p["shaker"] = [(i / 4.0, 0.25) for i in range(16) if i % 2]
    elif style == "waltz":
        p["kick"] = [(0, 1.0)]
        p["hat"] = [(1, 0.6), (2, 0.6)]
        p["snare"] = [(1, 0.25), (2, 0.25)]
    elif style in ("ambient", "ballad"):
        pass
    else:
        raise ValueError(style)
    return p


# --------------------------------------------------------------------------------------
# Track synthesis
# --------------------------------------------------------------------------------------

def add_at(buf, start, sig, gain):
    end = min(len(buf), start + len(sig))
    if end > start:
        buf[start:end] += gain * sig[: end - start]


def pink_noise(rng, n):
    spec = np.fft.rfft(rng.standard_normal(n))
    f = np.fft.rfftfreq(n, 1.0 / SR)
    f[0] = f[1]
    y = np.fft.irfft(spec / np.sqrt(f), n)
    return y / np.std(y)


def rms(x):
    return float(np.sqrt(np.mean(x * x)) + 1e-12)


def synth_track(spec, rng):
    style, meter = spec["style"], spec["meter"]
    start = spec.get("start", 0.0)
    target = spec["duration"]

    # Beat grid: enough beats for whole bars until `target`, plus one extra bar to interpolate.
    kind = spec["grid"]
    if kind == "constant":
        bar_len = meter * 60.0 / spec["bpm"]
        bars = int((target - start - TAIL) / bar_len)
        count = (bars + 1) * meter + 1
        grid = grid_constant(spec["bpm"], start, count)
    elif kind == "ramp":
        mean = 0.5 * (spec["bpm0"] + spec["bpm1"])
        bars = int((target - start - TAIL) / (meter * 60.0 / mean))
        span = bars * meter * 60.0 / mean     # so that the ramp ends near the last bar
        count = (bars + 1) * meter + 1
        grid = grid_ramp(spec["bpm0"], spec["bpm1"], start, span, count)
    elif kind == "step":
        mean = 0.5 * (spec["bpm0"] + spec["bpm1"])
        bars = int((target - start - TAIL) / (meter * 60.0 / mean))
        step_beat = (bars // 2) * meter
        count = (bars + 1) * meter + 1
        grid = grid_step(spec["bpm0"], spec["bpm1"], start, step_beat, count)
    else:
        raise ValueError(kind)
    while grid[bars * meter] + TAIL > target + 6:   # keep within the asked length (ramps)
        bars -= 1
    played = bars * meter
    beats = grid[:played]
    downbeats = beats[::meter]
    total = int(np.ceil((grid[played] + TAIL) * SR))
    music = np.zeros(total)

    # Kit and timbres for this track.
    kick = {"f0": rng.uniform(110, 190), "f1": rng.uniform(42, 62), "sweep": rng.uniform(0.015, 0.05),
            "decay": rng.uniform(0.12, 0.35), "click": rng.choice([0.0, 0.2, 0.5])}
    snare = {"lo": rng.uniform(800, 2000), "hi": rng.uniform(4000, 9000), "body": rng.uniform(170, 250),
             "decay": rng.uniform(0.06, 0.16), "noise": rng.uniform(0.55, 0.85)}
    hat = {"cut": rng.uniform(6000, 9500), "closed": rng.uniform(0.012, 0.04), "open": rng.uniform(0.12, 0.25)}
    variants = 4
    inst = {
        "kick": [make_kick(rng, kick) for _ in range(variants)],
        "snare": [make_snare(rng, snare) for _ in range(variants)],
        "hat": [make_hat(rng, hat) for _ in range(variants)],
        "ohat": [make_hat(rng, hat, open_hat=True) for _ in range(variants)],
        "shaker": [make_hat(rng, dict(hat, closed=0.01)) for _ in range(variants)],
        "clap": [make_clap(rng) for _ in range(variants)],
        "rim": [make_rim(rng, rng.uniform(1600, 2600))] * variants,
        "ride": [make_ride(rng, rng.uniform(380, 620)) for _ in range(2)],
    }
    crash = make_crash(rng)
    level = {"kick": 1.0, "snare": 0.75, "hat": 0.22, "ohat": 0.2, "shaker": 0.12, "clap": 0.6,
             "rim": 0.45, "ride": 0.22}

    drums = np.zeros(total)
    fills = style in ("rock", "fast", "breakbeat", "dnb", "late", "step", "ramp", "jungle", "intro") and rng.random() < 0.7
    for bar in range(bars):
        if bar < spec.get("intro_bars", 0):       # a long intro of chords and bass, no drums
            continue
        ev = pattern(style, bar, meter, spec.get("swing", 2.0 / 3.0))
        if fills and bar % 8 == 7 and "snare" in ev:
            ev["snare"] = [e for e in ev["snare"] if e[0] < meter - 1] + sixteenths(12, 13, 14, 15, v=0.7)
        if fills and bar % 8 == 0 and bar > 0:
            add_at(drums, int(round(beat_time(grid, bar * meter) * SR)), crash, 0.25)
        for name, events in ev.items():
            for pos, vel in events:
                t = beat_time(grid, bar * meter + pos)
                sample = inst[name][rng.integers(len(inst[name]))]
                add_at(drums, int(round(t * SR)), sample, level[name] * vel * rng.uniform(0.92, 1.0))

    # Harmony: one chord per bar, changing on the downbeat, so the downbeat is audible in the
    # harmony too (and is the only cue in the ambient tracks).
    key = int(rng.integers(40, 48))                     # bass root E2..B2
    prog = PROGRESSIONS[int(rng.integers(len(PROGRESSIONS)))]
    chord_timbre = spec.get("timbre") or str(rng.choice(["organ", "saw", "square", "sine", "soft"]))
    bass_timbre = str(rng.choice(["sine", "saw", "square"]))
    bass = np.zeros(total)
    keys = np.zeros(total)
    for bar in range(bars):
        root, quality = prog[bar % len(prog)]
        chord = [midi_hz(key + 12 + root + i) for i in CHORD[quality]]
        b0 = bar * meter
        t0 = beat_time(grid, b0)
        t1 = beat_time(grid, b0 + meter)
        s0 = int(round(t0 * SR))
        if style == "ambient":
            att = rng.uniform(0.35, 0.8)
            pad = tone(chord + [midi_hz(key + 24 + root)], (t1 - t0) + 0.8, "soft", att, None, release=0.8,
                       detune=0.004)
            add_at(keys, s0, pad, 0.5)
            add_at(bass, s0, tone([midi_hz(key + root)], t1 - t0 + 0.6, "sine", att, None, release=0.6), 0.35)
            continue
        if style == "ballad":
            # No drums: a pad changing on the downbeat, a soft arpeggio note on every beat
            # and the bass on 1 (and 3): the pulse is only in the harmony.
            add_at(keys, s0, tone(chord, (t1 - t0) + 0.3, "soft", rng.uniform(0.08, 0.2), None, release=0.3,
                                  detune=0.003), 0.3)
            for b in range(meter):
                ta, tb = beat_time(grid, b0 + b), beat_time(grid, b0 + b + 1)
                note = chord[b % len(chord)] * 2
                add_at(keys, int(round(ta * SR)), tone([note], (tb - ta) * 1.5, "sine", 0.008, 0.7), 0.22)
            for pos in ([0] if meter == 3 else [0, 2]):
                ta, tb = beat_time(grid, b0 + pos), beat_time(grid, b0 + pos + (meter if meter == 3 else 2))
                add_at(bass, int(round(ta * SR)), tone([midi_hz(key + root)], (tb - ta) * 0.95, "sine", 0.02, 1.5), 0.4)
            continue
        # Bass: on 1 (and 3 in 4/4), octave jump on the "and" of 4 in some styles.
        bass_pos = [0] if meter == 3 else ([0, 2] if style not in ("house", "dembow", "noise_house", "noise_dembow")
                                           else [0, 0.5, 1.5, 2.5, 3.5])
        for pos in bass_pos:
            nxt = [q for q in bass_pos if q > pos]
            end = nxt[0] if nxt else meter
            ta, tb = beat_time(grid, b0 + pos), beat_time(grid, b0 + end)
            f = midi_hz(key + root + (12 if pos % 1 else 0))
            add_at(bass, int(round(ta * SR)), tone([f], (tb - ta) * 0.9, bass_timbre, 0.004, 0.6), 0.45)
        # Chords: per style.
        if style in ("house", "noise_house"):
            hits = [(b + 0.5, 0.18) for b in range(4)]          # off-beat stabs
        elif style in ("dembow", "noise_dembow"):
            hits = [(0, 0.3), (0.75, 0.3), (1.5, 0.3), (2.0, 0.3), (2.75, 0.3), (3.5, 0.3)]
        elif style in ("swing", "noise_swing"):
            hits = [(b, 0.2) for b in range(4)]                 # comping on every beat
        elif style == "waltz":
            hits = [(1, 0.22), (2, 0.22)]                       # oom-pah-pah
        else:
            hits = [(0, meter)]                                 # sustained, changing on the downbeat
        if hits == [(0, meter)]:
            add_at(keys, s0, tone(chord, (t1 - t0) * 0.97, chord_timbre, 0.01, 3.0), 0.25)
        else:
            for pos, length in hits:
                ta = beat_time(grid, b0 + pos)
                tb = beat_time(grid, b0 + min(meter, pos + length))
                add_at(keys, int(round(ta * SR)), tone(chord, tb - ta, chord_timbre, 0.003, 0.25), 0.28)

    drum_gain = spec.get("drum_gain", 1.0)
    music = drum_gain * drums / 2.0 + bass + keys
    # Light room: a short exponentially decaying noise reverb, the same on every track's bus.
    if spec.get("reverb", True):
        ir_n = int(0.25 * SR)
        ir = rng.standard_normal(ir_n) * np.exp(-np.arange(ir_n) / (0.06 * SR))
        ir[0] = 0
        wet = signal.fftconvolve(music, ir)[:total]
        music = music + 0.25 * wet * rms(music) / (rms(wet) + 1e-12)

    active = slice(int(start * SR), int(grid[played] * SR))
    noise_kind = spec.get("noise")
    if noise_kind:        # 0 dB SNR over the music part
        n = pink_noise(rng, total) if noise_kind == "pink" else rng.standard_normal(total)
        music = music + n * rms(music[active]) / rms(n[active])
    if start > 0 and spec.get("room"):
        room = signal.sosfilt(signal.butter(2, 1500, "lowpass", fs=SR, output="sos"), pink_noise(rng, total))
        hum = np.sin(2 * np.pi * 50 * np.arange(total) / SR)
        music = music + (0.004 * room / np.max(np.abs(room)) + 0.002 * hum) * rms(music[active]) / 0.1
    music *= 0.89 / np.max(np.abs(music))
    return music, beats, downbeats


# --------------------------------------------------------------------------------------
# General MIDI tracks: the same patterns written as MIDI and rendered by fluidsynth with
# the FluidR3 GM soundfont, so real instrument samples are in the set too.
# --------------------------------------------------------------------------------------

SOUNDFONT = "/usr/share/sounds/sf2/FluidR3_GM.sf2"
GM_DRUM = {"kick": 36, "snare": 38, "hat": 42, "ohat": 46, "shaker": 70, "clap": 39, "rim": 37, "ride": 51,
           "crash": 49}
TICKS = 480


def have_gm():
    return shutil.which("fluidsynth") is not None and os.path.exists(SOUNDFONT)


def var_len(n):
    out = [n & 0x7F]
    n >>= 7
    while n:
        out.append(0x80 | (n & 0x7F))
        n >>= 7
    return bytes(reversed(out))


def write_midi(path, bpm, events):
    """A format-0 file; events are (tick, status, data1, data2), note-offs sorted first."""
    body = bytearray()
    tempo = int(round(60_000_000 / bpm))
    body += b"\x00\xff\x51\x03" + tempo.to_bytes(3, "big")
    last = 0
    for tick, status, a, b in sorted(events, key=lambda e: (e[0], (e[1] & 0xF0) != 0x80)):
        body += var_len(tick - last) + bytes([status, a]) + (bytes([b]) if (status & 0xF0) != 0xC0 else b"")
        last = tick
    body += b"\x00\xff\x2f\x00"
    with open(path, "wb") as f:
        f.write(b"MThd" + (6).to_bytes(4, "big") + (0).to_bytes(2, "big") + (1).to_bytes(2, "big")
                + TICKS.to_bytes(2, "big"))
        f.write(b"MTrk" + len(body).to_bytes(4, "big") + bytes(body))


def synth_gm_track(spec, rng, workdir):
    style, meter, bpm = spec["style"], spec["meter"], spec["bpm"]
    bar_ticks = meter * TICKS
    bars = int((spec["duration"] - TAIL) / (meter * 60.0 / bpm))
    events = []

    def note(channel, pitch, tick, length, velocity):
        v = int(np.clip(round(25 + 100 * velocity * rng.uniform(0.9, 1.0)), 1, 127))
        events.append((int(tick), 0x90 | channel, pitch, v))
        events.append((int(tick + max(1, length)), 0x80 | channel, pitch, 0))

    chords_program, bass_program = spec["programs"]
    events += [(0, 0xC0, chords_program, 0), (0, 0xC1, bass_program, 0)]
    key = int(rng.integers(40, 48))
    prog = PROGRESSIONS[int(rng.integers(len(PROGRESSIONS)))]
    drum_style = spec.get("drums")
    for bar in range(bars):
        t0 = bar * bar_ticks
        if drum_style and bar >= spec.get("intro_bars", 0):
            for name, hits in pattern(drum_style, bar, meter).items():
                for pos, vel in hits:
                    note(9, GM_DRUM[name], t0 + round(pos * TICKS), TICKS // 4, vel * (0.75 if name in ("hat", "shaker") else 1))
        root, quality = prog[bar % len(prog)]
        chord = [key + 12 + root + i for i in CHORD[quality]]
        if spec.get("comp") == "beats":          # chords struck on every beat
            for b in range(meter):
                for p in chord:
                    note(0, p + 12, t0 + b * TICKS, TICKS * 0.9, 0.55 if b else 0.7)
        elif spec.get("comp") == "arpeggio":     # one chord tone per beat over a held chord
            for p in chord:
                note(0, p, t0, bar_ticks * 0.98, 0.35)
            for b in range(meter):
                note(0, chord[b % len(chord)] + 12, t0 + b * TICKS, TICKS * 1.4, 0.6)
        else:                                    # held, changing on the downbeat
            for p in chord:
                note(0, p, t0, bar_ticks * 0.97, 0.5)
        for pos in ([0] if meter == 3 else [0, 2]):
            note(1, key + root, t0 + pos * TICKS, TICKS * (meter if meter == 3 else 2) * 0.9, 0.8)
    mid = os.path.join(workdir, spec["name"] + ".mid")
    rendered = os.path.join(workdir, spec["name"] + ".gm.wav")
    write_midi(mid, bpm, events)
    subprocess.run(["fluidsynth", "-ni", "-q", "-g", "0.5", "-r", str(SR), "-F", rendered, SOUNDFONT, mid],
                   check=True, capture_output=True)
    with wave.open(rendered, "rb") as w:
        channels, frames = w.getnchannels(), w.readframes(w.getnframes())
    x = np.frombuffer(frames, dtype="<i2").astype(float).reshape(-1, channels).mean(axis=1) / 32768.0
    os.remove(rendered)
    beats = np.arange(bars * meter) * 60.0 / bpm
    total = int(np.ceil((bars * meter * 60.0 / bpm + TAIL) * SR))
    x = np.pad(x, (0, max(0, total - len(x))))[:total]
    x *= 0.89 / (np.max(np.abs(x)) + 1e-12)
    return x, beats, beats[::meter]


def write_wav(path, x):
    pcm = np.clip(np.round(x * 32767), -32768, 32767).astype("<i2")
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SR)
        w.writeframes(pcm.tobytes())


# --------------------------------------------------------------------------------------
# The track list
# --------------------------------------------------------------------------------------

def track_specs():
    specs = []

    def add(name, style, meter=4, **kw):
        kw.setdefault("grid", "constant")
        specs.append(dict(name=name, style=style, meter=meter, **kw))

    for bpm, dur in [(72, 45), (85, 40), (100, 35), (120, 35), (140, 32)]:
        add(f"rock_{bpm}", "rock", bpm=bpm, duration=dur)
    for bpm, dur in [(118, 35), (124, 32), (128, 40), (135, 30)]:
        add(f"house_{bpm}", "house", bpm=bpm, duration=dur)
    for bpm, dur in [(90, 40), (112, 35), (144, 32)]:
        add(f"swing_{bpm}", "swing", bpm=bpm, duration=dur)
    add("swing_shuffle_100", "shuffle", bpm=100, duration=36)
    for bpm, dur in [(88, 38), (95, 35), (102, 32)]:
        add(f"dembow_{bpm}", "dembow", bpm=bpm, duration=dur)
    for bpm, dur in [(96, 36), (128, 32), (136, 30)]:
        add(f"breakbeat_{bpm}", "breakbeat", bpm=bpm, duration=dur)
    for bpm, dur in [(76, 45), (120, 34), (140, 30)]:
        add(f"halftime_{bpm}", "halftime", bpm=bpm, duration=dur)
    for bpm, dur in [(170, 30), (172, 32), (174, 30), (175, 34)]:
        add(f"dnb_{bpm}", "dnb", bpm=bpm, duration=dur)
    for bpm, dur in [(70, 50), (80, 45), (92, 40)]:
        add(f"ambient_{bpm}", "ambient", bpm=bpm, duration=dur, timbre="soft")
    for bpm, dur in [(96, 36), (138, 32), (168, 30)]:
        add(f"waltz_{bpm}", "waltz", meter=3, bpm=bpm, duration=dur)
    for b0, b1, dur in [(100, 130, 50), (80, 110, 50), (140, 115, 45)]:
        add(f"ramp_{b0}_{b1}", "ramp", grid="ramp", bpm0=b0, bpm1=b1, duration=dur)
    for b0, b1, dur in [(120, 140, 44), (90, 110, 48), (150, 128, 44)]:
        add(f"step_{b0}_{b1}", "step", grid="step", bpm0=b0, bpm1=b1, duration=dur)
    for style, bpm, kind in [("noise_rock", 120, "white"), ("noise_house", 126, "pink"),
                             ("noise_dembow", 94, "pink"), ("noise_swing", 108, "white")]:
        add(f"{style}_{bpm}_{kind}", style, bpm=bpm, duration=34, noise=kind)
    for style, bpm, start, room in [("late", 110, 4.0, False), ("late", 122, 5.5, True), ("late_dnb", 172, 3.5, True)]:
        add(f"{style}_{bpm}_{'room' if room else 'silence'}", style, bpm=bpm, duration=34 + start, start=start,
            room=room)
    for bpm, dur in [(160, 30), (168, 30), (176, 30), (184, 30), (190, 30)]:
        add(f"fast_{bpm}", "fast", bpm=bpm, duration=dur)
    # Families added for issue 14.
    for b0, b1, dur in [(110, 92, 44)]:
        add(f"step_{b0}_{b1}", "step", grid="step", bpm0=b0, bpm1=b1, duration=dur)
    for bpm, dur in [(170, 30), (174, 32), (178, 30)]:
        add(f"jungle_{bpm}", "jungle", bpm=bpm, duration=dur)
    for bpm, meter, dur in [(66, 4, 50), (76, 4, 45), (84, 3, 40)]:
        add(f"ballad_{bpm}", "ballad", meter=meter, bpm=bpm, duration=dur)
    for bpm, dur in [(96, 46), (124, 42)]:
        add(f"intro_{bpm}", "intro", bpm=bpm, duration=dur, intro_bars=8)
    # General MIDI (fluidsynth + FluidR3_GM): (style of the drums or None, bpm, meter, chords, bass, comping).
    for drums, bpm, meter, programs, comp in [
            ("rock", 92, 4, (29, 33), None), ("rock", 132, 4, (0, 34), "beats"), ("house", 124, 4, (4, 38), "beats"),
            ("swing", 118, 4, (0, 32), "beats"), ("dembow", 96, 4, (80, 38), None), ("dnb", 174, 4, (89, 38), None),
            ("halftime", 140, 4, (81, 38), None), ("waltz", 150, 3, (0, 32), "beats"),
            ("breakbeat", 104, 4, (16, 33), None), ("intro", 110, 4, (48, 33), None),
            (None, 72, 4, (0, 32), "arpeggio"), (None, 88, 3, (46, 32), "arpeggio")]:
        name = f"gm_{drums or 'piano'}_{bpm}"
        add(name, "gm", meter=meter, bpm=bpm, duration=36 if bpm > 100 else 42, gm=True, drums=drums,
            programs=programs, comp=comp, intro_bars=8 if drums == "intro" else 0)
    return specs


STYLE_GROUP = {"shuffle": "swing", "jungle": "jungle-170", "gm": "gm-midi", "noise_rock": "noise", "noise_house": "noise", "noise_dembow": "noise",
               "noise_swing": "noise",
               "late": "late-start", "late_dnb": "late-start"}


def script_digest():
    with open(os.path.abspath(__file__), "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()[:16]


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "bench/.work/beats"
    if len(sys.argv) > 2 or out in ("-h", "--help"):
        print(__doc__)
        return 0 if out in ("-h", "--help") else 2
    os.makedirs(out, exist_ok=True)
    have_ffmpeg = shutil.which("ffmpeg") is not None
    if not have_ffmpeg:
        print("warning: ffmpeg not found; every track is written as WAV only", file=sys.stderr)
    began = time.time()
    rng_master = np.random.default_rng(SEED)
    manifest = []
    specs = track_specs()
    if not have_gm():
        print(f"warning: fluidsynth or {SOUNDFONT} is missing (apt-get install fluidsynth fluid-soundfont-gm); "
              "the General MIDI tracks are left out", file=sys.stderr)
        specs = [s for s in specs if not s.get("gm")]
    for i, spec in enumerate(specs):
        rng = np.random.default_rng(rng_master.integers(2 ** 63))
        x, beats, downbeats = synth_gm_track(spec, rng, out) if spec.get("gm") else synth_track(spec, rng)
        name = spec["name"]
        wav = f"{name}.wav"
        write_wav(os.path.join(out, wav), x)
        for suffix, times in (("beats", beats), ("downbeats", downbeats)):
            with open(os.path.join(out, f"{name}.{suffix}.txt"), "w") as f:
                f.writelines(f"{t:.6f}\n" for t in times)
        file = wav
        if have_ffmpeg and i % 4 == 1:
            mp3 = f"{name}.mp3"
            result = subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", os.path.join(out, wav),
                                     "-c:a", "libmp3lame", "-b:a", "192k", os.path.join(out, mp3)],
                                    capture_output=True, text=True)
            if result.returncode == 0:
                file = mp3
            else:
                print(f"warning: mp3 encoding failed for {name}: {result.stderr.strip()}", file=sys.stderr)
        tempo = spec.get("bpm") or [spec["bpm0"], spec["bpm1"]]
        notes = []
        if spec.get("noise"):
            notes.append(f"{spec['noise']} noise at 0 dB SNR")
        if spec.get("start"):
            notes.append(f"music starts at {spec['start']} s after {'room noise' if spec.get('room') else 'silence'}")
        if spec["grid"] == "step":
            notes.append(f"tempo step at {beats[len(beats) // (2 * spec['meter']) * spec['meter']]:.2f} s")
        manifest.append({
            "name": name, "file": file, "wav": wav, "style": STYLE_GROUP.get(spec["style"], spec["style"]),
            "tempo": tempo, "meter": spec["meter"], "duration": round(len(x) / SR, 3),
            "music_start": float(spec.get("start", 0.0)), "beats": f"{name}.beats.txt",
            "downbeats": f"{name}.downbeats.txt", "notes": "; ".join(notes),
        })
        if sys.stdout.isatty():
            print(f"\r[{i + 1}/{len(specs)}] {name:<28}", end="", flush=True)
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump({"version": VERSION, "generator": script_digest(), "sample_rate": SR, "seed": SEED,
                   "tracks": manifest}, f, indent=1)
    mp3s = sum(1 for t in manifest if t["file"].endswith(".mp3"))
    print(f"{chr(13) if sys.stdout.isatty() else ''}{len(manifest)} tracks ({mp3s} as mp3), {sum(t['duration'] for t in manifest) / 60:.1f} min of audio, "
          f"in {time.time() - began:.1f} s -> {out}/manifest.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
