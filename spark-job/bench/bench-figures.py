#!/usr/bin/env python3
"""Figures of make bench-spark (bench-spark.sh), from what a run leaves in its data root.

  bench-figures.py ROOT NAME N FIRST_WINDOW_END_MS LAST_WINDOW_END_MS WINDOW_MS CLK_TCK OUT [WORDS]   one run -> OUT
                                                                  (JSON; WORDS: a BENCH_VARIANTS run's settings)
  bench-figures.py --compare WORK N TRIGGER_S TOOL_RATE BASELINE                             the runs side by side
  bench-figures.py --files ROOT LABEL                                        data files per table (or sink) now

Times come from progress/<query>.jsonl: a batch starts at its timestamp and is committed at timestamp + duration.
Windowed queries: windows (new topology) or uv, pv, topn (previous). A window ending at e is emitted by the first
batch j whose watermark is >= e; the watermark passed e when batch j-1 (which saw the events that moved it) committed.
"""
import json
import os
import re
import sqlite3
import statistics
import sys
from datetime import datetime

WINDOWED = ("windows", "uv", "pv", "topn")
UV_PV = ("windows", "uv", "pv")


def ms(iso):
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp() * 1000


def progress(root):
    out = {}
    d = os.path.join(root, "progress")
    for f in sorted(os.listdir(d)):
        if f.endswith(".jsonl"):
            lines = [json.loads(l) for l in open(os.path.join(d, f))]
            for l in lines:
                l["start"] = ms(l["timestamp"])
                l["end"] = l["start"] + l["batch_duration_ms"]
                l["wm"] = ms(l["watermark"]) if "watermark" in l else 0
            out[f[:-6]] = sorted(lines, key=lambda l: l["batch_id"])
    return out


def iceberg_tables(root):
    """Each table's current metadata (the parsed metadata.json its catalog row names), by name; {} without a warehouse.
    Only JSON and the catalog's SQLite row are read: the totals a commit records in its snapshot summary are enough."""
    db = os.path.join(root, "warehouse", "catalog.db")
    if not os.path.exists(db):
        return {}
    c = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = c.execute("SELECT table_name, metadata_location FROM iceberg_tables").fetchall()
    finally:
        c.close()
    out = {}
    for name, location in rows:
        path = location[len("file:"):] if location.startswith("file:") else location
        out[name] = json.load(open(path))
    return out


def current_summary(meta):
    sid = meta.get("current-snapshot-id")
    return next((s.get("summary", {}) for s in meta.get("snapshots", []) if s["snapshot-id"] == sid), {})


def files_per_table(root):
    """[(table, data files, bytes, snapshots)]: Iceberg tables from their current snapshot's summary (total-data-files,
    total-files-size), else the Parquet sinks' .parquet files on disk."""
    tables = iceberg_tables(root)
    if tables:
        return [(name, int(current_summary(m).get("total-data-files", 0)), int(current_summary(m).get("total-files-size", 0)),
                 len(m.get("snapshots", []))) for name, m in sorted(tables.items())]
    out = []
    base = os.path.join(root, "parquet")
    for sink in sorted(os.listdir(base)) if os.path.isdir(base) else []:
        files = [os.path.join(d, f) for d, _, fs in os.walk(os.path.join(base, sink)) for f in fs
                 if f.endswith(".parquet") and "_spark_metadata" not in d]
        out.append((sink, len(files), sum(os.path.getsize(f) for f in files), None))
    return out


def files_text(files):
    return "; ".join(f"{t} {n} files {b / 1e6:.1f} MB" + (f" ({s} snapshots)" if s is not None else "")
                     for t, n, b, s in files)


def cpu_at(samples, t):
    """utime+stime (ticks) at wall time t (ms), interpolated between the samples around it."""
    before = [s for s in samples if s[0] <= t]
    after = [s for s in samples if s[0] >= t]
    if not before or not after:
        return None
    (t0, c0), (t1, c1) = before[-1], after[0]
    return c0 if t1 == t0 else c0 + (c1 - c0) * (t - t0) / (t1 - t0)


def one_run(root, name, n, first_end, last_end, window, clk, out, words=""):
    prog = progress(root)
    kafka_queries = [q for q, ls in prog.items() if any("end_offsets" in l for l in ls)]
    windowed = [q for q in prog if q in WINDOWED]
    start = min(l["start"] for ls in prog.values() for l in ls if l["input_rows"] > 0)

    def emitting(q, e):
        ls = prog[q]
        j = next(i for i, l in enumerate(ls) if l["wm"] >= e)
        return ls[j - 1] if j > 0 else None, ls[j]

    if windowed:
        end = max(emitting(q, last_end)[1]["end"] for q in windowed)
    else:
        end = min(l["end"] for q in kafka_queries for l in prog[q] if sum(l["end_offsets"].values()) >= n)
    wall = (end - start) / 1000

    samples = []
    for line in open(os.path.join(root, "cpu.log")):
        f = line.split()
        if len(f) > 13:
            samples.append((float(f[0]) * 1000, int(f[11]) + int(f[12])))
    c0, c1 = cpu_at(samples, start), cpu_at(samples, end)
    cpu = (c1 - c0) / clk if c0 is not None and c1 is not None else None

    # -Dstreamingclicks.explain=true: the job logs each query's from_json count (a job without the hook logs none).
    parses = {}
    for m in re.finditer(r"explain: query=(\S+) batch=\d+ from_json=(\d+)", open(os.path.join(root, "job.log")).read()):
        parses[m.group(1)] = int(m.group(2))
    per_record = sum(parses[q] for q in kafka_queries) if all(q in parses for q in kafka_queries) else None

    batches = {}
    for q, ls in prog.items():
        d = [l["batch_duration_ms"] for l in ls if l["input_rows"] > 0]
        batches[q] = {"batches": len(ls), "with_rows": len(d),
                      "median_ms": statistics.median(d) if d else 0, "max_ms": max(d) if d else 0}

    delays, unwritten = [], 0
    uv_pv = [q for q in windowed if q in UV_PV]
    # With the Iceberg format, the batches that committed to table pv (the batch id each commit records).
    tables = iceberg_tables(root)
    pv_batches = {s.get("summary", {}).get("streamingclicks.batch-id") for s in tables.get("pv", {}).get("snapshots", [])}
    if uv_pv:
        for e in range(first_end, last_end + 1, window):
            passed, committed = [], []
            for q in uv_pv:
                prev, j = emitting(q, e)
                if prev is not None:
                    passed.append(prev["end"])
                committed.append(j["end"])
                if tables:
                    if q != "uv" and str(j["batch_id"]) not in pv_batches:
                        unwritten += 1
                    continue
                meta = os.path.join(root, "parquet", "pv" if q == "windows" else q, "_spark_metadata", str(j["batch_id"]))
                meta = meta if os.path.exists(meta) else meta + ".compact"
                if q != "uv" and (not os.path.exists(meta) or "parquet" not in open(meta).read()):
                    unwritten += 1
            if passed:
                delays.append((max(committed) - min(passed)) / 1000)

    load_file = os.path.join(root, "load-start")
    load = (open(load_file).read().strip() if os.path.exists(load_file) else "?") + " → " + \
        open("/proc/loadavg").read().split()[0]
    r = {"name": name, "words": words, "load": load, "rate": n / wall, "wall_s": wall, "cpu_s": cpu, "per_cpu_s": n / cpu if cpu else None,
         "parses": parses, "kafka_queries": kafka_queries, "parses_per_record": per_record, "batches": batches,
         "delay_median_s": statistics.median(delays) if delays else None,
         "delay_max_s": max(delays) if delays else None, "windows": len(delays), "windows_without_pv_files": unwritten,
         "format": "iceberg" if tables else "parquet", "files": files_per_table(root)}
    json.dump(r, open(out, "w"))
    cpu_text = f"{cpu:.1f} CPU-s, {n / cpu:,.0f} events/CPU-s" if cpu else "CPU n/a"
    print(f"[bench] {name}: {n:,} events in {wall:.1f} s of batches: {n / wall:,.0f} events/s; {cpu_text};"
          f" queries reading the topic: {','.join(kafka_queries)}")
    print("[bench] " + name + " batch durations (batches with rows: median/max ms): " + "; ".join(
        f"{q} {b['with_rows']}/{b['batches']} {b['median_ms']:.0f}/{b['max_ms']:.0f}" for q, b in batches.items()))
    if delays:
        print(f"[bench] {name} output delay over {len(delays)} windows: median {r['delay_median_s']:.2f} s,"
              f" max {r['delay_max_s']:.2f} s" + (f" ({unwritten} emitting batches wrote no pv file)" if unwritten else ""))
    print(f"[bench] {name} data files ({r['format']}): {files_text(r['files'])}")


def compare(work, n, trigger_s, tool_rate, baseline):
    runs = {}
    # all, then the BENCH_VARIANTS runs (all+<name>) in the order they ran, then the others.
    variants = sorted((f for f in os.listdir(work) if f.startswith("result-all+")),
                      key=lambda f: os.path.getmtime(os.path.join(work, f)))
    for f in ["result-all"] + variants + ["result-baseline", "result-ingest"]:
        if os.path.exists(os.path.join(work, f)):
            runs[f[len("result-"):]] = json.load(open(os.path.join(work, f)))
    label = {"all": "new job, every output", "baseline": f"previous topology ({baseline})",
             "ingest": "ingest query alone"}
    for name, r in runs.items():
        if name.startswith("all+"):
            label[name] = f"every output, {name[4:]}: `{r.get('words') or 'as all'}`"

    def parses(r):
        if r["parses_per_record"] is not None:
            each = " + ".join(q + " " + str(r["parses"][q]) for q in r["kafka_queries"])
            return f"{r['parses_per_record']} ({each})"
        # The previous jar has no plan log; its ParseOnceTest asserts one from_json per query, and each query reads
        # the topic.
        return f"{len(r['kafka_queries'])} (1 per query by its ParseOnceTest x {len(r['kafka_queries'])} queries)"

    print(f"[bench] N = {n:,}; trigger {trigger_s} s")
    print("| run | events/s | events/CPU-s | ratio to ConsumerPerformance | parses per record |"
          " batch ms (median/max, per query) | output delay median/max | load average (1 min) start → end |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for name, r in runs.items():
        per_cpu = f"{r['per_cpu_s']:,.0f}" if r["per_cpu_s"] else "n/a"
        ratio = f"{r['rate'] / tool_rate:.3f}" if tool_rate else "n/a"
        b = ", ".join(f"{q} {v['median_ms']:.0f}/{v['max_ms']:.0f}" for q, v in r["batches"].items())
        d = f"{r['delay_median_s']:.2f} / {r['delay_max_s']:.2f} s ({r['windows']} windows)" \
            if r["delay_median_s"] is not None else "-"
        print(f"| {label[name]} | {r['rate']:,.0f} | {per_cpu} | {ratio} | {parses(r)} | {b} | {d} |"
              f" {r.get('load', '?')} |")
    if tool_rate:
        print(f"| ConsumerPerformance | {tool_rate:,.0f} | | 1 | 0 | | | |")
    parts = []
    if "all" in runs:
        a = runs["all"]
        if tool_rate:
            parts.append(f"all outputs / ConsumerPerformance = {a['rate'] / tool_rate:.3f} (aim >= 0.2)")
        if "baseline" in runs:
            parts.append(f"all outputs / previous topology = {a['rate'] / runs['baseline']['rate']:.1f}x (aim >= 10x)")
        if a["delay_median_s"] is not None:
            parts.append(f"median output delay {a['delay_median_s']:.2f} s = {a['delay_median_s'] / trigger_s:.1f}"
                         f" triggers (aim <= 2)")
        for name, r in runs.items():
            if name.startswith("all+"):
                cpu = f"{r['per_cpu_s'] / a['per_cpu_s']:.2f}x" if r["per_cpu_s"] and a["per_cpu_s"] else "n/a"
                parts.append(f"{name[4:]} / all = {r['rate'] / a['rate']:.2f}x events/s, {cpu} per CPU-s")
    print("[bench] data files per table (Iceberg: the current snapshot's; Parquet: the sink's files on disk):")
    for name, r in runs.items():
        if r.get("files"):
            print(f"[bench]   {name} ({r['format']}): {files_text(r['files'])}")
    if "ingest" in runs and tool_rate:
        parts.append(f"ingest alone / ConsumerPerformance = {runs['ingest']['rate'] / tool_rate:.3f}")
    print("[bench] " + "; ".join(parts))


if __name__ == "__main__":
    if sys.argv[1] == "--files":
        print(f"[bench] {sys.argv[3]}: {files_text(files_per_table(sys.argv[2]))}")
    elif sys.argv[1] == "--compare":
        compare(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), sys.argv[6])
    else:
        a = sys.argv[1:]
        one_run(a[0], a[1], int(a[2]), int(a[3]), int(a[4]), int(a[5]), int(a[6]), a[7], a[8] if len(a) > 8 else "")
