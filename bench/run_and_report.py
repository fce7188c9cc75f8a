#!/usr/bin/env python3
"""Run bench_scalar_conversions and print a markdown table of ns/value and ratios to the baselines.

The machine is shared and noisy, so absolute times matter less than ratios to baselines measured in the
same run: memcpy of the same float32 bytes, a 256-entry table decode of fp8, and the hardware F16C
float->half converter (one vcvtps2ph per value). Each figure is the median over the repetitions.

    bench/run_and_report.py build-bench/bench/bench_scalar_conversions
    bench/run_and_report.py BINARY --repetitions 9 --filter 'encode/f32_to_e4m3fn'
    bench/run_and_report.py --json saved.json          # re-render an earlier run
"""
import argparse
import json
import subprocess
import sys

BASELINES = [  # (column title, benchmark name without size)
    ("× memcpy", "baseline/memcpy_f32"),
    ("× LUT decode", "baseline/lut_e4m3fn_to_f32"),
    ("× F16C", "baseline/f16c_f32_to_f16"),
]
TIME_SCALE_NS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}


def run_benchmark(binary, repetitions, min_time, bench_filter):
    cmd = [binary, "--benchmark_format=json", f"--benchmark_repetitions={repetitions}",
           "--benchmark_report_aggregates_only=true"]
    if min_time is not None:
        cmd.append(f"--benchmark_min_time={min_time}")
    if bench_filter:
        # The baselines always run: the ratios need them.
        cmd.append(f"--benchmark_filter=^baseline/|{bench_filter}")
    print("$ " + " ".join(cmd), file=sys.stderr)
    return json.loads(subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True).stdout)


def ns_per_value(entry):
    size = int(entry["run_name"].rsplit("/", 1)[1])
    return entry["cpu_time"] * TIME_SCALE_NS[entry["time_unit"]] / size


def collect(data):
    """{(name, size): {"median": ns/value, "cv": relative spread}} from aggregate or plain entries."""
    results = {}
    for entry in data["benchmarks"]:
        if entry.get("error_occurred"):
            continue
        name, size = entry["run_name"].rsplit("/", 1)
        key = (name, int(size))
        kind = entry.get("aggregate_name") if entry.get("run_type") == "aggregate" else "median"
        if kind == "median":
            results.setdefault(key, {})["median"] = ns_per_value(entry)
        elif kind == "cv":
            results.setdefault(key, {})["cv"] = entry["cpu_time"]  # cv is a ratio, not a time
    return results


def render(data):
    results = collect(data)
    context = data.get("context", {})
    lines = [f"Host: {context.get('num_cpus', '?')} CPUs at {context.get('mhz_per_cpu', '?')} MHz, "
             f"{context.get('date', '')}. Times are CPU time, median of repetitions; cv = spread.", ""]
    for size in sorted({size for _, size in results}):
        base = {title: results.get((name, size), {}).get("median") for title, name in BASELINES}
        lines.append(f"**{size // 1024} Ki values**")
        lines.append("")
        lines.append("| benchmark | ns/value | cv | " + " | ".join(t for t, _ in BASELINES) + " |")
        lines.append("|---|---:|---:|" + "---:|" * len(BASELINES))
        for (name, n), r in sorted(results.items(), key=lambda kv: (not kv[0][0].startswith("baseline"),)):
            if n != size or "median" not in r:
                continue
            t = r["median"]
            cv = f"{100 * r['cv']:.1f}%" if "cv" in r else "—"
            ratios = [f"{t / b:.2f}" if b else "—" for b in base.values()]
            lines.append(f"| {name} | {t:.3f} | {cv} | " + " | ".join(ratios) + " |")
        lines.append("")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("binary", nargs="?", default="build-bench/bench/bench_scalar_conversions")
    parser.add_argument("--repetitions", type=int, default=5)
    parser.add_argument("--min-time", type=float, default=None, help="seconds per benchmark run")
    parser.add_argument("--filter", default=None, help="regex of benchmarks to run besides the baselines")
    parser.add_argument("--json", default=None, help="render this saved JSON output instead of running")
    parser.add_argument("--save", default=None, help="also write the raw JSON output here")
    args = parser.parse_args()

    if args.json:
        with open(args.json, encoding="utf-8") as f:
            data = json.load(f)
    else:
        data = run_benchmark(args.binary, args.repetitions, args.min_time, args.filter)
        if args.save:
            with open(args.save, "w", encoding="utf-8") as f:
                json.dump(data, f, indent=1)
    print(render(data))


if __name__ == "__main__":
    main()
