// Test support (not part of the library): readers for the vendored conformance data that
// cmake/lowbit_test_data.cmake extracts from tests/data/*.tar.xz. Provenance and file formats:
// tests/data/README.md. Standard library only.
//
// Layout under data_dir():
//   decode/<ref>_<format>.txt                         every code -> value
//   samples/inputs_f32.bin, samples/inputs_f64.bin    the sample inputs (LE uint32 / uint64 bit patterns)
//   samples/<ref>_<format>_<variant>_<f32|f64>.bin    one 1/2/4-byte LE code per input, same order
//   from16/<ref>_<format>_<variant>_from_<f16|bf16>.bin   65,536 codes, byte i = code for input bits i
#pragma once

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#ifndef LOWBIT_TEST_DATA_DIR
#error "LOWBIT_TEST_DATA_DIR must be defined (see cmake/lowbit_test_data.cmake)"
#endif

namespace lowbit_test {

// First index of the SplitMix64 random tail in inputs_f64.bin / inputs_f32.bin: entries before it are the
// structured inputs (specials, powers of two and neighbours, every format value, midpoints +-ulp, overflow
// boundaries). The vendored files keep the structured part whole, so these hold for any tail subset.
inline constexpr std::size_t f64_random_tail_begin = 473'804;
inline constexpr std::size_t f32_random_tail_begin = 451'952;

// Number of entries of every from16/ file (all 16-bit input bit patterns).
inline constexpr std::size_t from16_count = 65'536;

inline std::filesystem::path data_dir() { return std::filesystem::path(LOWBIT_TEST_DATA_DIR); }

struct decode_entry {
    std::uint32_t code;
    double value;  // the reference's decoded value widened exactly to double (NaN payloads are artefacts)
    enum class kind { finite, inf, nan } cls;
    std::optional<std::uint32_t> native;  // CUDA's raw __half / __nv_bfloat16 result (4th column), if any
};

namespace detail {

[[noreturn]] inline void fail(const std::filesystem::path& path, const std::string& what) {
    throw std::runtime_error("lowbit_test: " + what + ": " + path.string());
}

inline std::size_t checked_file_size(const std::filesystem::path& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) fail(path, "missing test data file");
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) fail(path, "cannot stat test data file (" + ec.message() + ")");
    return static_cast<std::size_t>(size);
}

inline std::string read_file(const std::filesystem::path& path) {
    const std::size_t size = checked_file_size(path);
    std::ifstream in(path, std::ios::binary);
    if (!in) fail(path, "cannot open test data file");
    std::string bytes(size, '\0');
    if (size != 0 && !in.read(bytes.data(), static_cast<std::streamsize>(size)))
        fail(path, "cannot read test data file");
    return bytes;
}

// Little-endian unsigned integer of `width` bytes at bytes[offset].
inline std::uint64_t load_le(const std::string& bytes, std::size_t offset, std::size_t width) {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < width; ++i)
        v |= std::uint64_t{static_cast<unsigned char>(bytes[offset + i])} << (8 * i);
    return v;
}

template <class T>
std::vector<T> read_le_array(const std::filesystem::path& path, std::size_t width, std::size_t expected_count) {
    const std::string bytes = read_file(path);
    if (bytes.size() != expected_count * width)
        fail(path, "size " + std::to_string(bytes.size()) + " bytes, expected " + std::to_string(expected_count) +
                       " entries of " + std::to_string(width) + " bytes");
    std::vector<T> out(expected_count);
    for (std::size_t i = 0; i < expected_count; ++i) out[i] = static_cast<T>(load_le(bytes, i * width, width));
    return out;
}

inline std::filesystem::path inputs_path(int kind_bits) {
    return data_dir() / "samples" / (kind_bits == 64 ? "inputs_f64.bin" : "inputs_f32.bin");
}

// Number of inputs in inputs_f32.bin (kind_bits 32) or inputs_f64.bin (64), from the file size.
inline std::size_t input_count(int kind_bits) {
    const auto path = inputs_path(kind_bits);
    const std::size_t width = kind_bits == 64 ? 8 : 4;
    const std::size_t size = checked_file_size(path);
    if (size == 0 || size % width != 0)
        fail(path, "size " + std::to_string(size) + " is not a positive multiple of " + std::to_string(width));
    return size / width;
}

// 32 or 64 from a "..._f32" / "..._f64" sample stem; 0 if neither.
inline int stem_kind_bits(std::string_view stem) {
    if (stem.size() > 4 && stem.substr(stem.size() - 4) == "_f32") return 32;
    if (stem.size() > 4 && stem.substr(stem.size() - 4) == "_f64") return 64;
    return 0;
}

template <class T>
bool parse_hex(std::string_view text, T& out) {
    if (text.empty()) return false;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out, 16);
    return ec == std::errc{} && ptr == text.data() + text.size();
}

inline const std::vector<std::uint32_t>& cached_inputs_f32() {
    static const std::vector<std::uint32_t> cache = read_le_array<std::uint32_t>(inputs_path(32), 4, input_count(32));
    return cache;
}

inline const std::vector<std::uint64_t>& cached_inputs_f64() {
    static const std::vector<std::uint64_t> cache = read_le_array<std::uint64_t>(inputs_path(64), 8, input_count(64));
    return cache;
}

}  // namespace detail

// decode/<name>.txt, e.g. "mldtypes_float8_e4m3fn", "cuda_fp16", "softposit_posit8_es0".
// Lines "<code hex> <float64 bits, 16 hex digits> <fin|inf|nan> [native hex]", codes 0..2^bits-1 in order.
inline std::vector<decode_entry> load_decode_table(std::string_view name) {
    const auto path = data_dir() / "decode" / (std::string(name) + ".txt");
    const std::string text = detail::read_file(path);
    std::vector<decode_entry> table;
    std::size_t line_no = 0;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string::npos) end = text.size();
        std::string_view line(text.data() + pos, end - pos);
        pos = end + 1;
        ++line_no;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty()) continue;

        std::string_view fields[5];
        std::size_t n = 0;
        for (std::size_t i = 0; i < line.size();) {
            while (i < line.size() && line[i] == ' ') ++i;
            if (i == line.size()) break;
            std::size_t j = i;
            while (j < line.size() && line[j] != ' ') ++j;
            if (n == 5) detail::fail(path, "too many fields on line " + std::to_string(line_no));
            fields[n++] = line.substr(i, j - i);
            i = j;
        }
        const auto bad = [&](const std::string& why) {
            detail::fail(path, why + " on line " + std::to_string(line_no) + " '" + std::string(line) + "'");
        };
        if (n < 3 || n > 4) bad("expected 3 or 4 fields");

        decode_entry e{};
        if (!detail::parse_hex(fields[0], e.code)) bad("bad code");
        if (e.code != table.size()) bad("codes not 0, 1, 2, ... in order");
        std::uint64_t bits = 0;
        if (fields[1].size() != 16 || !detail::parse_hex(fields[1], bits)) bad("bad float64 bit pattern");
        e.value = std::bit_cast<double>(bits);
        if (fields[2] == "fin") {
            e.cls = decode_entry::kind::finite;
            if (!std::isfinite(e.value)) bad("'fin' with a non-finite value");
        } else if (fields[2] == "inf") {
            e.cls = decode_entry::kind::inf;
            if (!std::isinf(e.value)) bad("'inf' with a non-infinite value");
        } else if (fields[2] == "nan") {
            e.cls = decode_entry::kind::nan;
            if (!std::isnan(e.value)) bad("'nan' with a non-NaN value");
        } else {
            bad("bad class (want fin|inf|nan)");
        }
        if (n == 4) {
            std::uint32_t native = 0;
            if (!detail::parse_hex(fields[3], native)) bad("bad native value");
            e.native = native;
        }
        table.push_back(e);
    }
    if (table.size() < 2 || !std::has_single_bit(table.size()))
        detail::fail(path, "table has " + std::to_string(table.size()) + " codes, not a power of two");
    return table;
}

// samples/inputs_f32.bin: float bit patterns; samples/inputs_f64.bin: double bit patterns (read once, cached).
inline std::vector<std::uint32_t> load_inputs_f32() { return detail::cached_inputs_f32(); }
inline std::vector<std::uint64_t> load_inputs_f64() { return detail::cached_inputs_f64(); }

// samples/<file_stem>.bin, e.g. "cuda_fp8_e4m3_rne_sat_f32": one code per input of inputs_<f32|f64>.bin
// (by the stem's suffix), bytes_per_code = 1 (<= 8-bit formats), 2 (16-bit) or 4 (posit32).
inline std::vector<std::uint32_t> load_codes(std::string_view file_stem, int bytes_per_code) {
    const auto path = data_dir() / "samples" / (std::string(file_stem) + ".bin");
    if (bytes_per_code != 1 && bytes_per_code != 2 && bytes_per_code != 4)
        detail::fail(path, "bytes_per_code must be 1, 2 or 4, not " + std::to_string(bytes_per_code));
    const int kind_bits = detail::stem_kind_bits(file_stem);
    if (kind_bits == 0) detail::fail(path, "sample stem must end in _f32 or _f64");
    return detail::read_le_array<std::uint32_t>(path, static_cast<std::size_t>(bytes_per_code),
                                                detail::input_count(kind_bits));
}

// Whether samples/<file_stem>.bin exists (some references offer only one of the f32/f64 entry points).
inline bool has_codes(std::string_view file_stem) {
    return std::filesystem::exists(data_dir() / "samples" / (std::string(file_stem) + ".bin"));
}

// Whether from16/<stem>.bin exists.
inline bool has_from16(std::string_view stem) {
    return std::filesystem::exists(data_dir() / "from16" / (std::string(stem) + ".bin"));
}

// Bytes per code of samples/<file_stem>.bin, inferred from its size (1, 2 or 4).
inline int sample_code_bytes(std::string_view file_stem) {
    const auto path = data_dir() / "samples" / (std::string(file_stem) + ".bin");
    const int kind_bits = detail::stem_kind_bits(file_stem);
    if (kind_bits == 0) detail::fail(path, "sample stem must end in _f32 or _f64");
    const std::size_t size = detail::checked_file_size(path);
    const std::size_t count = detail::input_count(kind_bits);
    for (const std::size_t width : {std::size_t{1}, std::size_t{2}, std::size_t{4}})
        if (size == count * width) return static_cast<int>(width);
    detail::fail(path, "size " + std::to_string(size) + " is not 1, 2 or 4 bytes per input (" +
                           std::to_string(count) + " inputs)");
}

// from16/<stem>.bin, e.g. "cuda_fp8_e4m3_rne_sat_from_f16": element i = code for 16-bit input pattern i.
inline std::vector<std::uint8_t> load_from16(std::string_view stem) {
    const auto path = data_dir() / "from16" / (std::string(stem) + ".bin");
    return detail::read_le_array<std::uint8_t>(path, 1, from16_count);
}

// Stems of every samples/ code file present (sorted; inputs_* excluded), e.g. to check each is tested.
inline std::vector<std::string> available_sample_stems() {
    const auto dir = data_dir() / "samples";
    std::error_code ec;
    std::vector<std::string> stems;
    for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const auto& p = it->path();
        if (p.extension() != ".bin") continue;
        std::string stem = p.stem().string();
        if (stem.rfind("inputs_", 0) != 0) stems.push_back(std::move(stem));
    }
    if (ec) detail::fail(dir, "cannot list test data directory (" + ec.message() + ")");
    std::sort(stems.begin(), stems.end());
    return stems;
}

}  // namespace lowbit_test
