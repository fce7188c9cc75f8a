#!/usr/bin/env python3
"""Grouped bar chart of the SQNR that examples/compare_formats measures (docs/mx.md).

One panel per synthetic tensor (gaussian, laplace, outliers); in each, a group of bars per format with one
bar per MX scale rule (floor, ceil, even, rceil), and the plain per-tensor casts as single bars for
reference. SQNR in dB, higher is better.

    # run the example (its flags after --) and draw the PNG:
    /usr/bin/python3 bench/plot_sqnr.py --run build/examples/compare_formats --png docs/img/mx_sqnr.png
    /usr/bin/python3 bench/plot_sqnr.py --run build/examples/compare_formats --png out.png -- --block 16
    # or draw a saved `compare_formats --csv` output:
    /usr/bin/python3 bench/plot_sqnr.py --csv sqnr.csv --png out.png

Needs matplotlib (Debian's python3-matplotlib for /usr/bin/python3).
"""
import argparse
import csv
import io
import math
import subprocess
import sys

RULE_ORDER = ["floor", "ceil", "even", "rceil"]


def read_rows(text):
    """The CSV of compare_formats: format,rule,<tensor>,... -> (tensor names, rows of (format, rule, {tensor: dB}))."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None or header[:2] != ["format", "rule"] or len(header) < 3:
        sys.exit("plot_sqnr.py: not a compare_formats --csv output (the header must start with format,rule)")
    tensors = header[2:]
    rows = []
    for line in reader:
        if not line:
            continue
        if len(line) != len(header):
            sys.exit(f"plot_sqnr.py: row {line} has {len(line)} fields, the header {len(header)}")
        rows.append((line[0], line[1], {t: float(v) for t, v in zip(tensors, line[2:])}))
    return tensors, rows


def series(rows):
    """Formats in first-seen order and, per format, its rules in RULE_ORDER (casts keep their own label)."""
    formats = []
    by_format = {}
    for fmt, rule, values in rows:
        if fmt not in by_format:
            formats.append(fmt)
            by_format[fmt] = {}
        by_format[fmt][rule] = values
    return formats, by_format


def draw(tensors, rows, png, title):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    formats, by_format = series(rows)
    colours = {rule: plt.cm.tab10(i) for i, rule in enumerate(RULE_ORDER)}
    cast_colour = "0.55"
    width = 0.2
    fig, axes = plt.subplots(len(tensors), 1, figsize=(12, 3.4 * len(tensors)), sharex=True)
    if len(tensors) == 1:
        axes = [axes]
    for ax, tensor in zip(axes, tensors):
        for x, fmt in enumerate(formats):
            rules = by_format[fmt]
            mx_rules = [r for r in RULE_ORDER if r in rules]
            # An MX format has one bar per rule, centred on its group; a cast has a single bar.
            bars = mx_rules if mx_rules else list(rules)
            for k, rule in enumerate(bars):
                value = rules[rule][tensor]
                offset = (k - (len(bars) - 1) / 2) * width
                if not math.isfinite(value):
                    # Infinite SQNR (no error) or total loss: a marker instead of a bar of infinite height.
                    ax.annotate("∞" if value > 0 else "-∞", (x + offset, 0), ha="center", va="bottom", fontsize=8)
                    continue
                colour = colours[rule] if rule in colours else cast_colour
                ax.bar(x + offset, value, width, color=colour)
                ax.annotate(f"{value:.1f}", (x + offset, value), ha="center", va="bottom", fontsize=6, rotation=90,
                            xytext=(0, 2), textcoords="offset points")
        ax.set_ylabel("SQNR (dB)")
        ax.set_title(tensor, loc="left", fontsize=10)
        ax.grid(axis="y", alpha=0.3)
        ax.margins(y=0.15)
    axes[-1].set_xticks(range(len(formats)))
    axes[-1].set_xticklabels(formats, rotation=25, ha="right", fontsize=8)
    handles = [plt.Rectangle((0, 0), 1, 1, color=colours[r]) for r in RULE_ORDER]
    handles.append(plt.Rectangle((0, 0), 1, 1, color=cast_colour))
    axes[0].legend(handles, RULE_ORDER + ["cast (no MX scale)"], ncol=5, fontsize=8, loc="upper left")
    fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    fig.savefig(png, dpi=110)
    print(f"wrote {png}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--run", metavar="BINARY", help="the compare_formats binary to run with --csv")
    source.add_argument("--csv", metavar="FILE", help="a saved compare_formats --csv output ('-' for stdin)")
    parser.add_argument("--png", required=True, help="where to write the plot")
    parser.add_argument("--title", default="SQNR of MX formats and scale rules on synthetic tensors (higher is better)")
    parser.add_argument("example_args", nargs="*", help="flags for compare_formats after --, e.g. -- --block 16")
    args = parser.parse_args()
    if args.example_args and not args.run:
        sys.exit("plot_sqnr.py: flags after -- go to the example and need --run")

    if args.run:
        done = subprocess.run([args.run, "--csv", *args.example_args], capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(f"plot_sqnr.py: {args.run} failed ({done.returncode}):\n{done.stderr}")
        text = done.stdout
    elif args.csv == "-":
        text = sys.stdin.read()
    else:
        with open(args.csv, encoding="utf-8") as f:
            text = f.read()

    tensors, rows = read_rows(text)
    print(text, end="")
    draw(tensors, rows, args.png, args.title)


if __name__ == "__main__":
    main()
