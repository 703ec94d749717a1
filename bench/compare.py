#!/usr/bin/env python3
"""Runs commands side by side, interleaved, and prints medians and ratios.

    compare.py --runs 7 --setup 'rm -f x.mp4' 'ours=merge-server mock x.mp4' 'ffmpeg=ffmpeg ... y.mp4'

Each run of each command is timed (wall clock) and its peak RSS is read from
wait4(). Commands run in alternation (ours, peer, ours, peer, ...) so that noise on
a shared machine hits both alike. The first command is the reference of the ratios.
"""
import argparse
import os
import shlex
import statistics
import subprocess
import sys
import time


def run_once(command, setup):
    if setup:
        subprocess.run(setup, shell=True, check=True)
    start = time.perf_counter()
    process = subprocess.Popen(command, shell=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    stderr = process.stderr.read().decode(errors="replace")
    process.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"error: command failed ({command}):\n{stderr}")
    return elapsed, usage.ru_maxrss / 1024  # ru_maxrss is in KiB on Linux


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--setup", default="", help="shell command run before every run")
    parser.add_argument("--title", default="")
    parser.add_argument("commands", nargs="+", help="LABEL=COMMAND; the first is the reference")
    args = parser.parse_args()

    labelled = []
    for item in args.commands:
        label, _, command = item.partition("=")
        labelled.append((label, command))

    for _ in range(args.warmup):
        for _, command in labelled:
            run_once(command, args.setup)

    times = {label: [] for label, _ in labelled}
    memory = {label: [] for label, _ in labelled}
    for _ in range(args.runs):
        for label, command in labelled:
            elapsed, rss = run_once(command, args.setup)
            times[label].append(elapsed)
            memory[label].append(rss)

    reference = labelled[0][0]
    reference_time = statistics.median(times[reference])
    if args.title:
        print(f"\n{args.title}  (median of {args.runs} interleaved runs)")
    print(f"{'command':<16} {'median s':>9} {'min s':>8} {'max s':>8} {'peak RSS MB':>12} {'time vs ' + reference:>16}")
    for label, _ in labelled:
        median = statistics.median(times[label])
        print(f"{label:<16} {median:>9.3f} {min(times[label]):>8.3f} {max(times[label]):>8.3f} "
              f"{statistics.median(memory[label]):>12.1f} {median / reference_time:>16.2f}")
    for label, _ in labelled[1:]:
        ratio = reference_time / statistics.median(times[label])
        print(f"ratio {reference}/{label} (wall time): {ratio:.2f}")


if __name__ == "__main__":
    main()
