#!/usr/bin/env bash
# The durable queue on SQLite and on PostgreSQL, side by side in one run (bench/QueueBench):
# jobs accepted per second (8 concurrent enqueuers, the transaction a POST commits), jobs
# worked per second (the server's JobEngine, 4 workers, a handler that does nothing) and
# pickup latency p50/p99 (enqueue call to handler start, 300 jobs one at a time into an
# idle engine woken by the store's notification). Median of RUNS runs of each store,
# interleaved. Targets on a 2-core machine: SQLite >= 5000 accepted/s and pickup p99 <= 10 ms;
# PostgreSQL >= 3000 accepted/s and p99 <= 25 ms.
#   bench/queue.sh [RUNS] [JOBS]       default: 3 runs of 10000 jobs
# PostgreSQL is a throwaway cluster of scripts/postgres.sh (fsync and synchronous_commit
# on), stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
jobs=${2:-10000}
swift build -c release --product bench-queue > /dev/null
bench=.build/release/bench-queue
work=$(pwd)/bench/.work/queue
rm -rf "$work" && mkdir -p "$work"
trap 'scripts/postgres.sh stop "$work/pg" > /dev/null 2>&1 || true' EXIT
pg_url=$(scripts/postgres.sh start "$work/pg")

results=$work/results.txt
for run in $(seq 1 "$runs"); do
  echo "sqlite $("$bench" "$work/run$run.sqlite" "$jobs")" | tee -a "$results"
  db="q$run"
  psql "$pg_url" -qc "CREATE DATABASE $db" > /dev/null
  echo "postgres $("$bench" "${pg_url%/*}/$db" "$jobs")" | tee -a "$results"
done

python3 - "$results" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    engine, *pairs = line.split()
    rows.setdefault(engine, []).append({k: float(v) for k, v in (p.split("=") for p in pairs)})
targets = {"sqlite": (5000, 10), "postgres": (3000, 25)}
print()
print(f"queue: {int(rows['sqlite'][0]['jobs'])} jobs, 8 enqueuers, 4 workers, 300 pickups; median of {len(rows['sqlite'])} run(s)")
print(f"{'':10s} {'accepted/s':>11s} {'target':>7s} {'worked/s':>9s} {'pickup p50':>11s} {'p99 (ms)':>9s} {'target':>7s}")
for engine in ("sqlite", "postgres"):
    m = lambda key: statistics.median(r[key] for r in rows[engine])
    accepted, p99 = m("accepted_per_s"), m("pickup_p99_ms")
    ta, tp = targets[engine]
    print(f"{engine:10s} {accepted:11.0f} {'>=' + str(ta):>7s} {m('worked_per_s'):9.0f} {m('pickup_p50_ms'):11.2f} {p99:9.2f} {'<=' + str(tp):>7s}"
          f"   {'ok' if accepted >= ta and p99 <= tp else 'MISSED'}")
s, p = (statistics.median(r["accepted_per_s"] for r in rows[e]) for e in ("sqlite", "postgres"))
print(f"postgres / sqlite accepted: {p / s:.2f}")
PY
