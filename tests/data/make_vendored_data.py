#!/usr/bin/env python3
"""Build lowbit's vendored conformance data (tests/data/*.tar.xz) from the shared reference folder.

    python3 tests/data/make_vendored_data.py [--src DIR] [--out DIR] [--tail-stride N] [--no-posit] [--check]

--src          the conformance folder (README.md, decode/, samples.tar.xz); default: <repo>/../shared/conformance
--out          where the archives go; default: the folder of this script (tests/data)
--tail-stride  keep every N-th entry of the SplitMix64 random tail of the sample inputs (default 1 = all);
               the structured head (generator steps 1-3) is always kept whole
--no-posit     do not build conformance_posit_samples.tar.xz
--check        build everything in memory and compare with the archives in --out; write nothing

Python 3 standard library only. Deterministic: same source + same options -> byte-identical tar streams
(fixed order, mtime, owner and mode; ustar format); the .xz bytes are identical too with the same liblzma.
"""

import argparse
import concurrent.futures
import hashlib
import io
import lzma
import os
import pathlib
import re
import struct
import sys
import tarfile

# First index of the SplitMix64 random tail (generator step 4) in inputs_f64.bin / inputs_f32.bin.
# README: the tail holds 526,196 f64 / 548,048 f32 of the 1,000,000 inputs; verify_tail() re-derives it.
TAIL_START = {"f64": 1_000_000 - 526_196, "f32": 1_000_000 - 548_048}  # 473,804 and 451,952
SEED = {"f64": 0x0123456789ABCDEF, "f32": 0xFEDCBA9876543210}
WIDTH = {"f64": 8, "f32": 4}

ARCHIVE_TABLES = "conformance_tables.tar.xz"
ARCHIVE_SAMPLES = "conformance_samples.tar.xz"
ARCHIVE_POSIT = "conformance_posit_samples.tar.xz"
CONTENTS = "CONTENTS.sha256"
SUMS = "SHA256SUMS"

MTIME = 1704067200  # 2024-01-01T00:00:00Z, fixed for reproducibility
XZ_PRESET = 9 | lzma.PRESET_EXTREME

# Formats per reference. The archive member order groups the same format of different references and
# rounding variants next to each other, so LZMA (64 MiB window) finds the long runs they share.
FORMAT_GROUP = {
    "fp8_e4m3": "fp8_e4m3fn", "float8_e4m3fn": "fp8_e4m3fn",
    "fp8_e5m2": "fp8_e5m2", "float8_e5m2": "fp8_e5m2",
    "e8m0": "e8m0", "float8_e8m0fnu": "e8m0",
    "fp6_e2m3": "fp6_e2m3", "float6_e2m3fn": "fp6_e2m3",
    "fp6_e3m2": "fp6_e3m2", "float6_e3m2fn": "fp6_e3m2",
    "fp4_e2m1": "fp4_e2m1", "float4_e2m1fn": "fp4_e2m1",
    "bf16": "bf16", "bfloat16": "bf16",
    "fp16": "half", "half": "half",
    "float8_e3m4": "fp8_e3m4", "float8_e4m3": "fp8_e4m3", "float8_e4m3fnuz": "fp8_e4m3fnuz",
    "float8_e4m3b11fnuz": "fp8_e4m3b11fnuz", "float8_e5m2fnuz": "fp8_e5m2fnuz",
    "posit8_es0": "posit8_es0", "posit8_es2": "posit8_es2", "posit16_es1": "posit16_es1",
    "posit16_es2": "posit16_es2", "posit32_es2": "posit32_es2",
}
REFS = ("cuda", "mldtypes", "eigen", "softposit", "universal")
STEM_RE = re.compile(r"^(%s)_(.+)_(f32|f64)$" % "|".join(REFS))


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def die(msg):
    sys.exit("make_vendored_data: error: " + msg)


def split_stem(stem):
    """'cuda_fp8_e4m3_rne_sat_f32' -> ('cuda', 'fp8_e4m3', 'rne_sat', 'f32')."""
    m = STEM_RE.match(stem)
    if not m:
        die("unexpected sample file name %r" % stem)
    ref, rest, kind = m.groups()
    for fmt in sorted(FORMAT_GROUP, key=len, reverse=True):
        if rest.startswith(fmt + "_"):
            return ref, fmt, rest[len(fmt) + 1:], kind
    die("unknown format in %r: add it to FORMAT_GROUP" % stem)


def splitmix64(state):
    mask = (1 << 64) - 1
    while True:
        state = (state + 0x9E3779B97F4A7C15) & mask
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
        yield z ^ (z >> 31)


def verify_tail(kind, data):
    """Check that the tail really starts at TAIL_START[kind]: every 'raw bit pattern' draw (a&3==0)
    of the SplitMix64 stream must reappear verbatim at its index (f32 takes the low 32 bits of b)."""
    w = WIDTH[kind]
    n = len(data) // w
    fmt = "<Q" if w == 8 else "<I"
    gen = splitmix64(SEED[kind])
    checked = 0
    for i in range(TAIL_START[kind], n):
        a, b = next(gen), next(gen)
        if a & 3 == 0:
            want = b if w == 8 else b & 0xFFFFFFFF
            if struct.unpack_from(fmt, data, i * w)[0] != want:
                die("inputs_%s.bin: entry %d is not SplitMix64 draw %d; the random tail does not start "
                    "at %d" % (kind, i, i - TAIL_START[kind], TAIL_START[kind]))
            checked += 1
    if checked < 1000:
        die("inputs_%s.bin: too few raw draws checked (%d)" % (kind, checked))
    return checked


def kept_indices(n, kind, stride):
    head = list(range(TAIL_START[kind]))
    return head + list(range(TAIL_START[kind], n, stride))


def take(data, width, idx):
    if len(idx) == len(data) // width:
        return data
    return b"".join(data[i * width:(i + 1) * width] for i in idx)


def check_manifest(files, manifest_name, prefix):
    """Verify every <prefix>*.bin against the upstream MANIFEST.sha256 shipped next to them."""
    lines = files[prefix + manifest_name].decode().splitlines()
    listed = {}
    for line in lines:
        h, name = line.split(None, 1)
        listed[prefix + name.strip().lstrip("*")] = h
    bins = {k for k in files if k.startswith(prefix) and k.endswith(".bin")}
    if set(listed) != bins:
        die("%s%s does not list exactly the .bin files present" % (prefix, manifest_name))
    for name, h in listed.items():
        if sha256(files[name]) != h:
            die("%s: sha256 mismatch against %s%s" % (name, prefix, manifest_name))


def make_manifest(files, prefix):
    names = sorted(k for k in files if k.startswith(prefix) and k.endswith(".bin"))
    return "".join("%s  %s\n" % (sha256(files[n]), n[len(prefix):]) for n in names).encode()


def build_tar(members):
    """members: list of (archive path, bytes). Returns the uncompressed, deterministic ustar stream."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        dirs_done = set()
        for path, data in members:
            parts = path.split("/")[:-1]
            for k in range(1, len(parts) + 1):
                d = "/".join(parts[:k])
                if d not in dirs_done:
                    dirs_done.add(d)
                    ti = tarfile.TarInfo(d)
                    ti.type, ti.mode, ti.mtime = tarfile.DIRTYPE, 0o755, MTIME
                    ti.uid = ti.gid = 0
                    ti.uname = ti.gname = ""
                    tar.addfile(ti)
            ti = tarfile.TarInfo(path)
            ti.size, ti.mode, ti.mtime = len(data), 0o644, MTIME
            ti.uid = ti.gid = 0
            ti.uname = ti.gname = ""
            tar.addfile(ti, io.BytesIO(data))
    return buf.getvalue()


def compress(tar_bytes):
    return lzma.compress(tar_bytes, format=lzma.FORMAT_XZ, check=lzma.CHECK_CRC64, preset=XZ_PRESET)


def tar_members(xz_bytes):
    out = {}
    with tarfile.open(fileobj=io.BytesIO(xz_bytes), mode="r:xz") as tar:
        for m in tar.getmembers():
            if m.isfile():
                out[m.name] = tar.extractfile(m).read()
    return out


def sample_order(path):
    ref, fmt, variant, kind = split_stem(pathlib.PurePosixPath(path).stem)
    return (kind, FORMAT_GROUP[fmt], variant, ref)


def main():
    here = pathlib.Path(__file__).resolve().parent
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--src", type=pathlib.Path, default=here.parent.parent.parent / "shared" / "conformance")
    ap.add_argument("--out", type=pathlib.Path, default=here)
    ap.add_argument("--tail-stride", type=int, default=1)
    ap.add_argument("--no-posit", action="store_true")
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    src, out = args.src.resolve(), args.out.resolve()
    if args.tail_stride < 1:
        die("--tail-stride must be >= 1")

    # ---- read the source --------------------------------------------------------------------------
    readme = (src / "README.md").read_bytes()
    decode = {}
    for p in sorted((src / "decode").glob("*.txt")):
        decode["decode/" + p.name] = p.read_bytes()
    if not decode:
        die("no decode tables in %s/decode" % src)
    files = {}
    with tarfile.open(src / "samples.tar.xz", mode="r:xz") as tar:
        for m in tar.getmembers():
            if m.isfile():
                files[m.name] = tar.extractfile(m).read()
    check_manifest(files, "MANIFEST.sha256", "samples/")
    check_manifest(files, "MANIFEST.sha256", "from16/")
    print("source verified against its MANIFEST.sha256 files: %d samples/, %d from16/ entries"
          % (sum(k.startswith("samples/") for k in files), sum(k.startswith("from16/") for k in files)))

    # ---- choose the index subset ------------------------------------------------------------------
    keep = {}
    for kind in ("f64", "f32"):
        data = files["samples/inputs_%s.bin" % kind]
        n = len(data) // WIDTH[kind]
        checked = verify_tail(kind, data)
        keep[kind] = kept_indices(n, kind, args.tail_stride)
        print("inputs_%s: %d entries, random tail starts at %d (%d raw draws verified); keeping %d"
              % (kind, n, TAIL_START[kind], checked, len(keep[kind])))

    sample_files = {}
    for name, data in files.items():
        if not (name.startswith("samples/") and name.endswith(".bin")):
            continue
        stem = pathlib.PurePosixPath(name).stem
        kind = stem[-3:]
        n = len(files["samples/inputs_%s.bin" % kind]) // WIDTH[kind]
        if len(data) % n:
            die("%s: size %d is not a multiple of the %d inputs" % (name, len(data), n))
        sample_files[name] = take(data, len(data) // n, keep[kind])

    manifest = make_manifest(sample_files, "samples/")
    if args.tail_stride == 1 and manifest != files["samples/MANIFEST.sha256"]:
        die("regenerated samples/MANIFEST.sha256 differs from the upstream one")

    # ---- archive layout ---------------------------------------------------------------------------
    tables = [("README.md", readme)]
    tables += sorted(decode.items())
    tables += sorted((k, v) for k, v in files.items() if k.startswith("from16/"))

    is_posit = lambda n: "posit" in n
    samples = [("samples/" + k, sample_files["samples/" + k]) for k in ("inputs_f32.bin", "inputs_f64.bin")]
    samples += [("samples/MANIFEST.sha256", manifest)]
    samples += [(k, files[k]) for k in ("samples/PROBES.md", "samples/SAMPLE_DIFFS.md")]
    codes = [k for k in sample_files if not k.endswith(("inputs_f32.bin", "inputs_f64.bin"))]
    samples += [(k, sample_files[k]) for k in sorted((k for k in codes if not is_posit(k)), key=sample_order)]
    archives = {ARCHIVE_TABLES: tables, ARCHIVE_SAMPLES: samples}
    if not args.no_posit:
        archives[ARCHIVE_POSIT] = [(k, sample_files[k])
                                   for k in sorted((k for k in codes if is_posit(k)), key=sample_order)]

    # ---- build (the two big archives compress in parallel; lzma releases the GIL) -------------------
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        futures = {name: pool.submit(lambda m: compress(build_tar(m)), mem) for name, mem in archives.items()}
        built = {name: f.result() for name, f in futures.items()}

    contents = []
    for name, members in archives.items():
        contents += [(path, sha256(data)) for path, data in members]
    contents_txt = "".join("%s  %s\n" % (h, p) for p, h in sorted(contents)).encode()
    sums_txt = "".join("%s  %s\n" % (sha256(built[n]), n) for n in sorted(built)).encode()

    total = sum(len(b) for b in built.values())
    for name in sorted(built):
        print("%-36s %10d bytes  sha256 %s" % (name, len(built[name]), sha256(built[name])))
    print("%-36s %10d bytes" % ("total", total))

    if args.check:
        ok = True
        for name, data in built.items():
            p = out / name
            if not p.exists():
                print("MISSING  %s" % p)
                ok = False
                continue
            old = p.read_bytes()
            if old == data:
                print("same     %s" % name)
            elif tar_members(old) == tar_members(data):
                print("same contents, different xz bytes (another liblzma?)  %s" % name)
            else:
                print("DIFFERS  %s" % name)
                ok = False
        for name, data in ((CONTENTS, contents_txt),):
            p = out / name
            if not p.exists() or p.read_bytes() != data:
                print("DIFFERS  %s" % name)
                ok = False
        sys.exit(0 if ok else 1)

    out.mkdir(parents=True, exist_ok=True)
    written = dict(built)
    written[CONTENTS] = contents_txt
    written[SUMS] = sums_txt
    for name, data in written.items():
        tmp = out / (name + ".tmp")
        tmp.write_bytes(data)
        os.replace(tmp, out / name)
    if args.no_posit and (out / ARCHIVE_POSIT).exists():
        (out / ARCHIVE_POSIT).unlink()
        print("removed stale %s" % ARCHIVE_POSIT)
    print("wrote %s" % ", ".join(sorted(written)))


if __name__ == "__main__":
    main()
