#!/usr/bin/env python3
"""Table, targets and plot of bench_bulk_conversions (Google Benchmark JSON).

Runs the benchmark (or reads a saved JSON output), takes the median CPU time of the repetitions, prints a
markdown table of ns/element per instruction-set path with the ratios to the baselines of the same run, checks
the targets of the bulk-conversion issue (PASS/FAIL) and draws grouped bars of throughput relative to the
baseline per size. Ratios are throughput ratios: baseline time / our time, so 1.0 = as fast as the baseline.

    # run, print, draw the PNG and rewrite the generated block of docs/performance.md (one command):
    python3 bench/plot_bulk.py --run build-bench/bench/bench_bulk_conversions \\
        --png docs/img/bulk_conversions.png --update-doc docs/performance.md
    # re-render a saved run (--save-json writes one):
    python3 bench/plot_bulk.py --json run.json --png out.png
"""
import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
from collections import defaultdict

TIME_SCALE_NS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}
ISAS = ["scalar", "avx2", "avx512"]
SMALL, MEDIUM, LARGE = 4 << 10, 128 << 10, 64 << 20
DOC_BEGIN = "<!-- plot_bulk.py: begin generated block -->"
DOC_END = "<!-- plot_bulk.py: end generated block -->"

# Column title -> baseline benchmark (without the size).
BASELINES = {
    "memcpy f32": "baseline/memcpy_f32",
    "memcpy u8": "baseline/memcpy_u8",
    "pack f32→u8": "baseline/pack_f32_u8",
    "vcvtps2ph": "baseline/cvtps2ph",
    "vcvtph2ps": "baseline/cvtph2ps",
}

# Subjects in table and plot order: (kind, format).
SUBJECTS = [
    ("encode", "e4m3fn"), ("encode", "e4m3fn_sat"), ("encode", "e5m2"), ("encode", "e5m2_sat"),
    ("encode", "f16"), ("encode", "bf16"), ("encode", "e2m3fn"), ("encode", "e2m1fn"),
    ("encode_packed", "e2m1fn"), ("encode_packed", "e2m3fn"), ("encode_packed", "e3m2fn"),
    ("encode_stochastic", "e4m3fn"), ("encode_stochastic", "e5m2"), ("encode_stochastic", "bf16"),
    ("decode", "e4m3fn"), ("decode", "e5m2"), ("decode", "e2m1fn"), ("decode", "f16"), ("decode", "bf16"),
    ("decode_packed", "e2m1fn"), ("decode_packed", "e2m3fn"), ("decode_packed", "e3m2fn"),
]


def silicon_baseline(kind):
    """The silicon float16 converter a subject is compared with: vcvtps2ph for encoders, vcvtph2ps for decoders."""
    return "baseline/cvtph2ps" if kind.startswith("decode") else "baseline/cvtps2ph"


def plot_baseline(kind, size):
    """The baseline of the plot: the one the issue's target names, the silicon converter, except the f32->u8
    pack for the one-code-per-byte encoders at 64 Mi (DRAM)."""
    if kind in ("encode", "encode_stochastic") and size >= LARGE:
        return "baseline/pack_f32_u8"
    return silicon_baseline(kind)


# The targets: (description, subjects, sizes, baseline, minimum throughput ratio). The best isa
# (avx512 where available) is checked; "avx2 vs avx512" is checked separately for every subject and size.
FP8_ENCODERS = [("encode", f) for f in ("e4m3fn", "e4m3fn_sat", "e5m2", "e5m2_sat")]
FP8_DECODERS = [("decode", f) for f in ("e4m3fn", "e5m2")]
PACKED_ENCODERS = [("encode_packed", f) for f in ("e2m1fn", "e2m3fn", "e3m2fn")]
PACKED_DECODERS = [("decode_packed", f) for f in ("e2m1fn", "e2m3fn", "e3m2fn")]
TARGETS = [
    ("f32 → FP8 ≥ 0.6× vcvtps2ph (4 Ki, 128 Ki)", FP8_ENCODERS, (SMALL, MEDIUM), "baseline/cvtps2ph", 0.6),
    ("f32 → FP8 ≥ 0.85× f32→u8 pack (64 Mi)", FP8_ENCODERS, (LARGE,), "baseline/pack_f32_u8", 0.85),
    ("FP8 → f32 ≥ 0.8× vcvtph2ps (4 Ki, 128 Ki)", FP8_DECODERS, (SMALL, MEDIUM), "baseline/cvtph2ps", 0.8),
    ("f32 → packed FP4/FP6 ≥ 0.5× vcvtps2ph (all sizes)", PACKED_ENCODERS, (SMALL, MEDIUM, LARGE),
     "baseline/cvtps2ph", 0.5),
    ("packed FP4/FP6 → f32 ≥ 0.5× vcvtph2ps (all sizes)", PACKED_DECODERS, (SMALL, MEDIUM, LARGE),
     "baseline/cvtph2ps", 0.5),
]
AVX2_TARGET = 0.5

# Instructions whose presence in lowbit's own code (not the baselines) shows the BF16/F16C paths are used.
SILICON_INSTRUCTIONS = {
    "AVX512-BF16 (f32 → bf16)": ("vcvtneps2bf16", "vcvtne2ps2bf16"),
    "F16C / AVX-512 vcvtps2ph (f32 → f16)": ("vcvtps2ph",),
    "F16C / AVX-512 vcvtph2ps (f16 → f32)": ("vcvtph2ps",),
}


def run_benchmark(binary, repetitions, min_time, bench_filter, interleave):
    cmd = [binary, "--benchmark_format=json", f"--benchmark_repetitions={repetitions}",
           "--benchmark_report_aggregates_only=true"]
    if interleave:
        cmd.append("--benchmark_enable_random_interleaving=true")
    if min_time is not None:
        cmd.append(f"--benchmark_min_time={min_time}")
    if bench_filter:
        cmd.append(f"--benchmark_filter=^baseline/|{bench_filter}")  # the ratios need the baselines
    print("$ " + " ".join(cmd), file=sys.stderr)
    return json.loads(subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True).stdout)


def benchmark_json(args, interleave):
    """The run's JSON: read from args.json, or run args.run (writing args.save_json if given)."""
    if args.json:
        with open(args.json, encoding="utf-8") as f:
            return json.load(f)
    data = run_benchmark(args.run, args.repetitions, args.min_time, args.filter, interleave)
    if args.save_json:
        with open(args.save_json, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=1)
    return data


def collect(data):
    """{(name, size): {"ns": median ns/element, "cv": spread}} from aggregate or per-repetition entries."""
    samples = defaultdict(list)
    results = {}
    for entry in data["benchmarks"]:
        if entry.get("error_occurred"):
            continue
        name, size = entry["run_name"].rsplit("/", 1)
        key = (name, int(size))
        ns = entry["cpu_time"] * TIME_SCALE_NS[entry["time_unit"]] / int(size)
        if entry.get("run_type") == "aggregate":
            if entry.get("aggregate_name") == "median":
                results.setdefault(key, {})["ns"] = ns
            elif entry.get("aggregate_name") == "cv":
                results.setdefault(key, {})["cv"] = entry["cpu_time"]  # a ratio, not a time
        else:
            samples[key].append(ns)
    for key, values in samples.items():  # runs without aggregates: take the median ourselves
        r = results.setdefault(key, {})
        r.setdefault("ns", statistics.median(values))
        if len(values) > 1 and "cv" not in r:
            r["cv"] = statistics.stdev(values) / statistics.mean(values)
    return results


def ns_of(results, name, size):
    return results.get((name, size), {}).get("ns")


def ratio(baseline_ns, ours_ns):
    return baseline_ns / ours_ns if baseline_ns and ours_ns else None


def fmt(x, digits=2):
    return "—" if x is None else f"{x:.{digits}f}"


def best_isa(results):
    present = {name.rsplit("/", 1)[1] for name, _ in results if not name.startswith("baseline/")}
    for isa in reversed(ISAS):
        if isa in present:
            return isa
    return None


def subjects_present(results):
    names = {name for name, _ in results}
    return [s for s in SUBJECTS if any(f"{s[0]}/{s[1]}/{isa}" in names for isa in ISAS)]


def size_label(size):
    return f"{size >> 20} Mi" if size >= 1 << 20 else f"{size >> 10} Ki"


def cv_of(results, kind, fmt_name, isa, size):
    cv = results.get((f"{kind}/{fmt_name}/{isa}", size), {}).get("cv")
    return "—" if cv is None else f"{100 * cv:.0f}%"


def render_tables(results, best):
    sizes = sorted({size for _, size in results})
    lines = []
    for size in sizes:
        lines += [f"#### {size_label(size)} elements", ""]
        lines += ["Baselines, ns/element: " + ", ".join(
            f"{title} {fmt(ns_of(results, name, size), 3)}" for title, name in BASELINES.items()) + ".", ""]
        lines.append("| conversion | " + " | ".join(f"{i} ns/el" for i in ISAS) +
                     " | " + " | ".join(f"× {t}" for t in ("F16 silicon", "pack f32→u8", "memcpy f32")) +
                     f" | avx2 / avx512 | cv ({best}) |")
        lines.append("|---|" + "---:|" * (len(ISAS) + 5))
        for kind, fmt_name in subjects_present(results):
            times = {isa: ns_of(results, f"{kind}/{fmt_name}/{isa}", size) for isa in ISAS}
            ours = times.get(best)
            silicon = ratio(ns_of(results, silicon_baseline(kind), size), ours)
            pack = ratio(ns_of(results, "baseline/pack_f32_u8", size), ours) if kind.startswith("encode") else None
            mem = ratio(ns_of(results, "baseline/memcpy_f32", size), ours)
            avx2 = ratio(times.get("avx512"), times.get("avx2"))
            lines.append(f"| {kind} {fmt_name} | " + " | ".join(fmt(times[i], 3) for i in ISAS) +
                         f" | {fmt(silicon)} | {fmt(pack)} | {fmt(mem)} | {fmt(avx2)} | "
                         f"{cv_of(results, kind, fmt_name, best, size)} |")
        lines.append("")
    lines.append(f"Ratios are throughput ratios of the {best} path (baseline time / our time; 1.00 = as fast as "
                 "the baseline). \"F16 silicon\" is vcvtps2ph for encoders and vcvtph2ps for decoders; "
                 "\"avx2 / avx512\" is the AVX2 path's throughput relative to the AVX-512 path's; cv is the "
                 "spread of the repetitions (standard deviation / mean of the CPU time).")
    return lines


def verdict_of(values, minimum):
    if not values or any(v is None for v in values):
        return "n/a"
    return "PASS" if all(v >= minimum for v in values) else "FAIL"


def check_targets(results, best):
    """[(target, detail, verdict)] with verdict PASS, FAIL or n/a; one row per target and subject, PASS only
    if every size passes."""
    rows = []
    for title, subjects, sizes, baseline, minimum in TARGETS:
        for kind, fmt_name in subjects:
            values = [ratio(ns_of(results, baseline, size), ns_of(results, f"{kind}/{fmt_name}/{best}", size))
                      for size in sizes]
            detail = f"{kind} {fmt_name} ({best}): " + ", ".join(
                f"{size_label(size)} {fmt(v)}×" for size, v in zip(sizes, values))
            rows.append((title, detail, verdict_of(values, minimum)))
    if best == "avx512":
        title = f"AVX2 path ≥ {AVX2_TARGET}× its AVX-512 figure"
        for kind, fmt_name in subjects_present(results):
            for size in sorted({s for _, s in results}):
                r = ratio(ns_of(results, f"{kind}/{fmt_name}/avx512", size),
                          ns_of(results, f"{kind}/{fmt_name}/avx2", size))
                if r is not None:
                    rows.append((title, f"{kind} {fmt_name}, {size_label(size)}: {fmt(r)}×",
                                 verdict_of([r], AVX2_TARGET)))
    return rows


def silicon_use(binary):
    """{label: [functions of lowbit containing the instruction]} from the binary's disassembly, or None."""
    if not binary or not shutil.which("objdump"):
        return None
    try:
        text = subprocess.run(["objdump", "-d", "-C", "--no-show-raw-insn", binary], check=True,
                              stdout=subprocess.PIPE, text=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    found = {label: set() for label in SILICON_INSTRUCTIONS}
    function = ""
    header = re.compile(r"^[0-9a-f]+ <(.*)>:$")
    for line in text.splitlines():
        m = header.match(line)
        if m:
            function = m.group(1)
            continue
        if "lowbit::" not in function:  # the baselines are in the benchmark's anonymous namespace
            continue
        parts = line.split("\t")
        if len(parts) < 2:
            continue
        mnemonic = parts[1].split()[0] if parts[1].split() else ""
        for label, mnemonics in SILICON_INSTRUCTIONS.items():
            if mnemonic in mnemonics:
                found[label].add(function)
    return found


def render_summary(results, best, context, binary):
    rows = check_targets(results, best)
    lines = ["| target | measured | verdict |", "|---|---|---|"]
    for title, detail, verdict in rows:
        if not title.startswith("AVX2 path"):
            lines.append(f"| {title} | {detail} | **{verdict}** |")
    avx2 = [r for r in rows if r[0].startswith("AVX2 path")]
    if avx2:
        failing = [d for _, d, v in avx2 if v == "FAIL"]
        worst = min(avx2, key=lambda r: float(r[1].rsplit(": ", 1)[1].rstrip("×")))
        lines.append(f"| {avx2[0][0]} | {len(avx2) - len(failing)} of {len(avx2)} (subject, size) pairs reach it, "
                     f"{len(failing)} below; lowest: {worst[1]} | **{'PASS' if not failing else 'FAIL'}** |")
    uses = silicon_use(binary)
    for label, mnemonics in SILICON_INSTRUCTIONS.items():
        cpu_flag = "cpu_avx512_bf16" if "BF16" in label else "cpu_f16c"
        has_cpu = context.get(cpu_flag, "?")
        if uses is None:
            lines.append(f"| lowbit uses {label} | not checked (needs the binary and objdump) | n/a |")
            continue
        funcs = uses[label]
        detail = (f"{'/'.join(mnemonics)} in {len(funcs)} lowbit function(s)" if funcs
                  else f"no {'/'.join(mnemonics)} in lowbit's code") + f"; CPU has it: {has_cpu}"
        lines.append(f"| lowbit uses {label} | {detail} | **{'PASS' if funcs else 'FAIL'}** |")
    if avx2:
        failing = [d for _, d, v in avx2 if v == "FAIL"]
        if failing:
            lines += ["", "AVX2 pairs below target: " + "; ".join(failing) + "."]
    return lines, rows


def render(data, binary=None):
    results = collect(data)
    best = best_isa(results)
    context = data.get("context", {})
    reps = {e.get("repetitions") for e in data["benchmarks"] if e.get("repetitions")}
    lines = [f"Host: {context.get('num_cpus', '?')} CPUs at {context.get('mhz_per_cpu', '?')} MHz, "
             f"{context.get('date', '')}; lowbit paths: {context.get('lowbit_isas', '?')}; "
             f"baselines: pack = {context.get('baseline_pack_f32_u8', '?')}, "
             f"F16 = {context.get('baseline_cvt_f16', '?')}, memcpy = {context.get('baseline_memcpy', '?')}. "
             f"CPU time per element, median of {'/'.join(str(r) for r in sorted(reps)) or '?'} repetitions.", ""]
    summary, _ = render_summary(results, best, context, binary)
    lines += ["#### Targets", ""] + summary + [""]
    lines += render_tables(results, best)
    return "\n".join(lines), results, best


SHORT_KIND = {"encode": "enc", "decode": "dec", "encode_packed": "enc pk", "decode_packed": "dec pk",
              "encode_stochastic": "enc SR"}


def plot(results, best, path, title):
    try:
        import matplotlib
    except ImportError:
        sys.exit(f"{sys.executable} has no matplotlib: apt-get install -y python3-matplotlib and run this script "
                 "with Debian's /usr/bin/python3 (or pip install matplotlib)")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = sorted({size for _, size in results})
    subjects = subjects_present(results)
    isas = [i for i in ISAS if any(name.endswith("/" + i) for name, _ in results)]
    targets = {}
    for _, subs, tsizes, baseline, minimum in TARGETS:
        for s in subs:
            for size in tsizes:
                if baseline == plot_baseline(s[0], size):
                    targets[(s, size)] = minimum
    colors = {"scalar": "#9e9e9e", "avx2": "#4c72b0", "avx512": "#dd8452"}
    fig, axes = plt.subplots(len(sizes), 1, figsize=(max(10, 0.62 * len(subjects) + 2), 3.3 * len(sizes)),
                             squeeze=False)
    width = 0.8 / max(1, len(isas))
    for ax, size in zip(axes[:, 0], sizes):
        for k, isa in enumerate(isas):
            xs, ys = [], []
            for j, (kind, fmt_name) in enumerate(subjects):
                r = ratio(ns_of(results, plot_baseline(kind, size), size),
                          ns_of(results, f"{kind}/{fmt_name}/{isa}", size))
                if r is not None:
                    xs.append(j - 0.4 + width * (k + 0.5))
                    ys.append(r)
            ax.bar(xs, ys, width, label=isa, color=colors.get(isa))
        for j, s in enumerate(subjects):
            if (s, size) in targets:
                ax.hlines(targets[(s, size)], j - 0.45, j + 0.45, colors="black", linewidth=2)
        ax.axhline(1.0, color="black", linewidth=0.6, linestyle=":")
        ax.set_yscale("log")
        ax.set_xticks(range(len(subjects)))
        ax.set_xticklabels([f"{f}\n{SHORT_KIND.get(k, k)}" for k, f in subjects], fontsize=7)
        enc = "f32→u8 pack (packed: vcvtps2ph)" if size >= LARGE else "vcvtps2ph"
        ax.set_ylabel("throughput ÷ baseline")
        ax.set_title(f"{size_label(size)} elements — encoders vs {enc}, decoders vs vcvtph2ps "
                     f"(black bars: targets)", fontsize=9)
        ax.grid(axis="y", which="both", alpha=0.3)
    axes[0, 0].legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), fontsize=8, ncol=len(isas), frameon=False)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    print(f"wrote {path}", file=sys.stderr)


def update_doc(path, block, begin_marker=DOC_BEGIN, end_marker=DOC_END):
    """Replace the text between two marker lines of a markdown file (mx_tables.py passes its own)."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    begin, end = text.find(begin_marker), text.find(end_marker)
    if begin < 0 or end < begin:
        sys.exit(f"{path}: markers {begin_marker!r} ... {end_marker!r} not found")
    text = text[:begin + len(begin_marker)] + "\n" + block.rstrip() + "\n" + text[end:]
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"updated {path}", file=sys.stderr)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--run", metavar="BINARY", help="run this bench_bulk_conversions binary")
    source.add_argument("--json", help="read this saved Google Benchmark JSON output instead of running")
    parser.add_argument("--binary", help="with --json: the binary, for the instruction check (objdump)")
    parser.add_argument("--repetitions", type=int, default=5)
    parser.add_argument("--min-time", type=float, default=None,
                        help="seconds per benchmark and repetition (the binary's default is 0.05)")
    parser.add_argument("--filter", default=None, help="regex of subjects to run (baselines always run)")
    parser.add_argument("--no-interleave", action="store_true",
                        help="run the repetitions of one benchmark back to back instead of in random order")
    parser.add_argument("--save-json", help="write the raw JSON output here")
    parser.add_argument("--png", help="draw the plot here")
    parser.add_argument("--update-doc", metavar="MARKDOWN",
                        help="replace the generated block of this file (between the plot_bulk.py markers)")
    args = parser.parse_args()

    data = benchmark_json(args, not args.no_interleave)
    text, results, best = render(data, args.run or args.binary)
    print(text)
    if args.png:
        context = data.get("context", {})
        plot(results, best, args.png,
             f"lowbit bulk conversions, single thread, throughput relative to baselines in the same run "
             f"({context.get('date', '')[:10]})")
    if args.update_doc:
        update_doc(args.update_doc, text)


if __name__ == "__main__":
    main()
