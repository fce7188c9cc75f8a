#!/usr/bin/env python3
"""Tables and targets of bench_mx (Google Benchmark JSON).

Runs the MX benchmark (or reads a saved JSON output), takes the median CPU time of the repetitions and prints,
per size, a markdown table of ns/element per instruction-set path with the AVX-512 throughput relative to the
baselines of the same run, then checks the MX issue's performance targets (PASS/FAIL). Ratios are throughput
ratios, baseline time / our time, as in plot_bulk.py: 1.0 = as fast as the baseline.

    # run, print and rewrite the generated block of docs/performance.md (one command):
    python3 bench/mx_tables.py --run build-bench/bench/bench_mx --update-doc docs/performance.md
    # re-render a saved run (--save-json writes one):
    python3 bench/mx_tables.py --json run.json
"""
import argparse

from plot_bulk import ISAS, LARGE, MEDIUM, SMALL, benchmark_json, collect, fmt, ns_of, ratio, size_label, update_doc

DOC_BEGIN = "<!-- mx_tables.py: begin generated block -->"
DOC_END = "<!-- mx_tables.py: end generated block -->"

BASELINES = [("memcpy f32", "baseline/memcpy_f32"), ("memcpy u8", "baseline/memcpy_u8"),
             ("pack f32→u8", "baseline/pack_f32_u8"), ("vcvtps2ph", "baseline/cvtps2ph"),
             ("vcvtph2ps", "baseline/cvtph2ps")]

# The targets: (description, kind, elements, size, baseline, minimum throughput ratio), checked on the
# best isa. MXFP8 is both FP8 elements; every rule the benchmark runs counts.
MXFP8_MXFP4 = ("fp8_e4m3", "fp8_e5m2", "fp4_e2m1")
TARGETS = [
    ("MXFP8/MXFP4 quantize ≥ 0.35× vcvtps2ph (128 Ki)", "quantize", MXFP8_MXFP4, MEDIUM, "baseline/cvtps2ph", 0.35),
    ("MXFP8/MXFP4 quantize ≥ 0.8× f32→u8 pack (64 Mi)", "quantize", MXFP8_MXFP4, LARGE, "baseline/pack_f32_u8", 0.8),
    ("MXFP8/MXFP4 dequantize ≥ 0.6× vcvtph2ps (128 Ki)", "dequantize", MXFP8_MXFP4, MEDIUM, "baseline/cvtph2ps", 0.6),
]


def subjects(results):
    """Subject names without the isa, in the benchmark's order of kinds and elements."""
    order = {"quantize": 0, "dequantize": 1, "dot": 2}
    names = {name.rsplit("/", 1)[0] for name, _ in results if not name.startswith("baseline/")}
    return sorted(names, key=lambda n: (order.get(n.split("/")[0], 9), n))


def best_isa(results):
    present = {name.rsplit("/", 1)[1] for name, _ in results if not name.startswith("baseline/")}
    return next((isa for isa in reversed(ISAS) if isa in present), None)


def silicon_of(subject):
    return "baseline/cvtps2ph" if subject.startswith("quantize") else "baseline/cvtph2ps"


def render_tables(results, best):
    lines = []
    for size in (SMALL, MEDIUM, LARGE):
        if not any(s == size and not name.startswith("baseline/") for name, s in results):
            continue
        base = ", ".join(f"{label} {fmt(ns_of(results, name, size), 3)}" for label, name in BASELINES)
        lines += [f"#### {size_label(size)} elements", "", f"Baselines, ns/element: {base}.", "",
                  f"| subject | {' | '.join(f'{isa} ns/el' for isa in ISAS)} | {best} ÷ F16 silicon "
                  f"| {best} ÷ pack f32→u8 | cv ({best}) |",
                  "|---|" + "---:|" * (len(ISAS) + 3)]
        for subject in subjects(results):
            ours = ns_of(results, f"{subject}/{best}", size)
            if ours is None:
                continue
            cells = [fmt(ns_of(results, f"{subject}/{isa}", size), 3) for isa in ISAS]
            silicon = fmt(ratio(ns_of(results, silicon_of(subject), size), ours))
            pack = fmt(ratio(ns_of(results, "baseline/pack_f32_u8", size), ours)) if subject.startswith("quantize") else "—"
            cv = results.get((f"{subject}/{best}", size), {}).get("cv")
            lines.append(f"| {subject.replace('/', ' ')} | {' | '.join(cells)} | {silicon} | {pack} | "
                         f"{'—' if cv is None else f'{100 * cv:.0f}%'} |")
        lines.append("")
    return lines


def check_targets(results, best):
    lines = [f"| target ({best}) | measured | verdict |", "|---|---|---|"]
    for description, kind, elements, size, baseline, minimum in TARGETS:
        values = []
        for subject in subjects(results):
            if subject.split("/")[0] == kind and subject.split("/")[1] in elements:
                values.append(ratio(ns_of(results, baseline, size), ns_of(results, f"{subject}/{best}", size)))
        values = [v for v in values if v is not None]
        if not values:
            lines.append(f"| {description} | not measured | — |")
            continue
        verdict = "PASS" if min(values) >= minimum else "FAIL"
        lines.append(f"| {description} | {min(values):.2f}–{max(values):.2f}× | {verdict} |")
    return lines


def render(data):
    results = collect(data)
    best = best_isa(results)
    context = data.get("context", {})
    header = [f"Run of {context.get('date', '?')} on {context.get('num_cpus', '?')} CPUs; median CPU time of the "
              "repetitions, ns per element (per element of one vector for dot). Ratios: baseline time ÷ "
              f"{best} time (throughput, 1.0 = as fast as the baseline).", ""]
    return "\n".join(header + check_targets(results, best) + [""] + render_tables(results, best))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--run", metavar="BINARY", help="run this bench_mx binary")
    source.add_argument("--json", help="read this saved Google Benchmark JSON output instead of running")
    parser.add_argument("--repetitions", type=int, default=5)
    parser.add_argument("--min-time", type=float, default=None, help="seconds per benchmark and repetition")
    parser.add_argument("--filter", default=None, help="regex of subjects to run (baselines always run)")
    parser.add_argument("--save-json", help="write the raw JSON output here")
    parser.add_argument("--update-doc", metavar="MARKDOWN",
                        help="replace the generated block of this file (between the mx_tables.py markers)")
    args = parser.parse_args()
    text = render(benchmark_json(args, True))
    print(text)
    if args.update_doc:
        update_doc(args.update_doc, text, DOC_BEGIN, DOC_END)


if __name__ == "__main__":
    main()
