// Every ISA path of the bulk conversions (lowbit/bulk.hpp) against the scalar engine on all 2^32 float32
// inputs (for FP4 and FP6 also the one-pass packed encoders), and on every code for decoding. The float32
// sweeps of all formats and options would take hours on the CI's two cores, so a fixed core set always runs
// (E4M3FN and E5M2, nearest-even, all three overflow modes; bfloat16, float16 and the three FP4/FP6 formats,
// nearest-even, nonsaturating) and the other (format, rounding, overflow) sweeps rotate: slice `day of year
// mod slice count` runs, or the slice given by LOWBIT_EXHAUSTIVE_SLICE (a number, or `all`). What ran is
// printed.
#include <catch2/catch.hpp>

#include <lowbit/bulk.hpp>
#include <lowbit/lowbit.hpp>
#include <lowbit/simd/isa.hpp>
#include <lowbit/simd/packing_dispatch.hpp>

#include "simd_test_state.hpp"

#include <algorithm>
#include <bit>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <iostream>
#include <span>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

using lowbit::simd::isa;

using lowbit_test::isa_restorer;

constexpr std::uint64_t chunk = std::uint64_t{1} << 20;
constexpr std::uint64_t chunk_count = (std::uint64_t{1} << 32) / chunk;

// One chunk of consecutive float bit patterns through T under `options`: the scalar reference, then each
// vector isa's kernel called directly (no global isa switch, so chunks can run on several threads). Each
// kernel runs twice: on the whole chunk, and from an offset that varies with the chunk. Where a fast path
// ends (T's largest value, Inf, NaN) the bit patterns are round numbers, so steps that start with the chunk
// never hold values on both sides of such a limit; the shifted ones do.
template <class T>
std::uint64_t sweep_chunk(const lowbit::conversion_options& options, std::span<const float> in,
                          std::uint64_t start, std::string& first_failure)
{
    std::vector<T> expected(in.size());
    std::vector<T> got(in.size());
    for (std::size_t k = 0; k < in.size(); ++k) expected[k] = lowbit::convert<T>(in[k], options);
    const std::size_t offset = 1 + static_cast<std::size_t>(start / in.size() % 63);
    std::uint64_t mismatches = 0;
    for (const isa which : lowbit::simd::available_isas()) {
        if (which == isa::scalar) continue;
        const auto kernel = lowbit::simd::select_encode<T>(which, options.rounding);
        for (const std::size_t from : {std::size_t{0}, offset}) {
            kernel(in.data() + from, got.data() + from, in.size() - from, options);
            for (std::size_t k = from; k < in.size(); ++k) {
                if (got[k].bits() != expected[k].bits() && mismatches++ == 0) {
                    std::ostringstream text;
                    text << lowbit::simd::isa_name(which) << ": input 0x" << std::hex << start + k << " got 0x"
                         << static_cast<unsigned>(got[k].bits()) << " expected 0x"
                         << static_cast<unsigned>(expected[k].bits()) << std::dec << " (run from element " << from
                         << ")";
                    first_failure = text.str();
                }
            }
        }
    }
    if constexpr (T::info.total_bits == 4 || T::info.total_bits == 6) {
        // The one-pass packed encoders too, against the scalar codes packed by the scalar packer, from the
        // offset: their steps straddle the limits, and their last steps are partial for most chunks.
        constexpr int bits = T::info.total_bits;
        const std::size_t n = in.size() - offset;
        std::vector<std::uint8_t> codes(n);
        for (std::size_t k = 0; k < n; ++k) codes[k] = static_cast<std::uint8_t>(expected[offset + k].bits());
        std::vector<std::uint8_t> want(lowbit::simd::packed_bytes<bits>(n));
        std::vector<std::uint8_t> have(want.size());
        lowbit::simd::scalar::pack_codes<bits>(codes.data(), want.data(), n);
        for (const isa which : lowbit::simd::available_isas()) {
            const auto kernel = lowbit::simd::select_packed_encode<T>(which, options.rounding);
            if (which == isa::scalar || kernel == nullptr) continue;
            kernel(in.data() + offset, have.data(), n, options);
            if (have != want && mismatches++ == 0) {
                const auto at = std::mismatch(have.begin(), have.end(), want.begin());
                std::ostringstream text;
                text << lowbit::simd::isa_name(which) << " packed: chunk 0x" << std::hex << start << ", byte "
                     << std::dec << (at.first - have.begin()) << " of " << have.size();
                first_failure = text.str();
            }
        }
    }
    return mismatches;
}

struct sweep_config {
    std::string name;
    std::function<std::uint64_t(std::span<const float>, std::uint64_t, std::string&)> run_chunk;
};

// The first `core_overflow_modes` overflow modes under nearest-even go to the core set, the rest rotate.
template <class T>
void add_configs(std::vector<sweep_config>& core, std::vector<sweep_config>& rotating, const char* format,
                 int core_overflow_modes)
{
    static constexpr const char* rounding_names[] = {"nearest_even", "nearest_away", "toward_zero",
                                                     "toward_positive", "toward_negative"};
    static constexpr const char* overflow_names[] = {"nonsaturating", "saturate_finite", "saturate"};
    for (int r = 0; r < 5; ++r) {
        for (int v = 0; v < 3; ++v) {
            const bool in_core = r == 0 && v < core_overflow_modes;
            lowbit::conversion_options o;
            o.rounding = static_cast<lowbit::rounding>(r);
            o.overflow = static_cast<lowbit::overflow>(v);
            // The rotating sweeps also vary the NaN encoding (all three reached over the rotation).
            if (!in_core) o.nan = static_cast<lowbit::nan_encoding>((r + v) % 3);
            sweep_config c{std::string(format) + " " + rounding_names[r] + " " + overflow_names[v] + " nan=" +
                               std::to_string(static_cast<int>(o.nan)),
                           [o](std::span<const float> in, std::uint64_t start, std::string& failure) {
                               return sweep_chunk<T>(o, in, start, failure);
                           }};
            (in_core ? core : rotating).push_back(std::move(c));
        }
    }
}

// Runs every selected config over all 2^32 inputs: chunks are split between `threads` workers, each
// filling one chunk of inputs and passing it through every config.
std::vector<std::uint64_t> run_sweeps(const std::vector<const sweep_config*>& configs,
                                      std::vector<std::string>& failures, unsigned threads)
{
    std::vector<std::vector<std::uint64_t>> counts(threads, std::vector<std::uint64_t>(configs.size()));
    std::vector<std::vector<std::string>> texts(threads, std::vector<std::string>(configs.size()));
    std::vector<std::thread> workers;
    for (unsigned t = 0; t < threads; ++t) {
        workers.emplace_back([&configs, &counts, &texts, t, threads] {
            std::vector<float> in(chunk);
            for (std::uint64_t c = t; c < chunk_count; c += threads) {
                const std::uint64_t start = c * chunk;
                for (std::uint64_t k = 0; k < chunk; ++k)
                    in[k] = std::bit_cast<float>(static_cast<std::uint32_t>(start + k));
                for (std::size_t i = 0; i < configs.size(); ++i) {
                    std::string failure;
                    const std::uint64_t m = configs[i]->run_chunk(in, start, failure);
                    if (m != 0 && texts[t][i].empty()) texts[t][i] = failure;
                    counts[t][i] += m;
                }
            }
        });
    }
    for (std::thread& w : workers) w.join();
    std::vector<std::uint64_t> total(configs.size());
    failures.assign(configs.size(), std::string());
    for (unsigned t = 0; t < threads; ++t)
        for (std::size_t i = 0; i < configs.size(); ++i) {
            total[i] += counts[t][i];
            if (failures[i].empty()) failures[i] = texts[t][i];
        }
    return total;
}

int day_of_year()
{
    const std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
    return local.tm_yday;
}

template <class T>
void check_all_codes_decode()
{
    const isa_restorer restore;
    constexpr std::size_t codes = std::size_t{1} << T::info.total_bits;
    // Every code, repeated to at least 512 elements so that the vector loops (32 or 64 codes a step) see
    // each of them, not only the scalar tail.
    const std::size_t length = std::max<std::size_t>(codes, 512);
    std::vector<T> all(length);
    for (std::size_t k = 0; k < length; ++k) all[k] = T::from_bits(static_cast<typename T::storage_type>(k % codes));
    std::vector<float> values(length);
    for (const isa which : lowbit::simd::available_isas()) {
        lowbit::simd::set_isa(which);
        lowbit::convert(std::span<const T>(all), std::span<float>(values));
        std::size_t mismatches = 0;
        for (std::size_t k = 0; k < length; ++k)
            if (std::bit_cast<std::uint32_t>(values[k]) != std::bit_cast<std::uint32_t>(static_cast<float>(all[k])))
                ++mismatches;
        INFO(lowbit::simd::isa_name(which));
        CHECK(mismatches == 0);
    }
}

}  // namespace

TEST_CASE("exhaustive: every ISA path matches the scalar engine on all float32 inputs", "[conversion][exhaustive][simd]")
{
    using namespace lowbit;
    std::vector<sweep_config> core;
    std::vector<sweep_config> rotating;
    // Core: the two OCP FP8 formats under all overflow modes, the silicon-assisted bfloat16/float16 paths
    // and the packed FP4/FP6 encoders' fast path (nearest-even, nonsaturating).
    add_configs<float8_e4m3fn>(core, rotating, "float8_e4m3fn", 3);
    add_configs<float8_e5m2>(core, rotating, "float8_e5m2", 3);
    add_configs<float8_e4m3>(core, rotating, "float8_e4m3", 0);
    add_configs<float8_e4m3fnuz>(core, rotating, "float8_e4m3fnuz", 0);
    add_configs<float8_e4m3b11fnuz>(core, rotating, "float8_e4m3b11fnuz", 0);
    add_configs<float8_e3m4>(core, rotating, "float8_e3m4", 0);
    add_configs<float8_e5m2fnuz>(core, rotating, "float8_e5m2fnuz", 0);
    add_configs<float6_e2m3fn>(core, rotating, "float6_e2m3fn", 1);
    add_configs<float6_e3m2fn>(core, rotating, "float6_e3m2fn", 1);
    add_configs<float4_e2m1fn>(core, rotating, "float4_e2m1fn", 1);
    add_configs<bfloat16>(core, rotating, "bfloat16", 1);
    add_configs<float16>(core, rotating, "float16", 1);

    // 169 rotating sweeps in slices of 6: one slice a day covers everything in 29 days.
    constexpr std::size_t slice_size = 6;
    const std::size_t slices = (rotating.size() + slice_size - 1) / slice_size;
    std::size_t first = 0;
    std::size_t last = 0;
    const char* requested = std::getenv("LOWBIT_EXHAUSTIVE_SLICE");
    if (requested != nullptr && std::string(requested) == "all") {
        last = rotating.size();
    } else {
        const std::size_t slice = requested != nullptr ? std::strtoul(requested, nullptr, 10) % slices
                                                       : static_cast<std::size_t>(day_of_year()) % slices;
        first = slice * slice_size;
        last = std::min(first + slice_size, rotating.size());
        std::cout << "exhaustive_simd: rotating slice " << slice << " of " << slices
                  << " (set LOWBIT_EXHAUSTIVE_SLICE=<n>|all to choose)\n";
    }
    std::cout << "exhaustive_simd: vector paths:";
    for (const isa which : lowbit::simd::available_isas())
        if (which != isa::scalar) std::cout << ' ' << lowbit::simd::isa_name(which);
    std::cout << '\n';

    std::vector<const sweep_config*> selected;
    for (const sweep_config& c : core) selected.push_back(&c);
    for (std::size_t k = first; k < last; ++k) selected.push_back(&rotating[k]);
    for (const sweep_config* c : selected) std::cout << "exhaustive_simd: sweeping " << c->name << '\n';
    std::cout << std::flush;

    const auto started = std::chrono::steady_clock::now();
    std::vector<std::string> failures;
    const std::vector<std::uint64_t> mismatches = run_sweeps(selected, failures, 2);
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
    std::cout << "exhaustive_simd: " << selected.size() << " sweeps of 2^32 inputs in " << took.count() << " s\n";
    for (std::size_t i = 0; i < selected.size(); ++i) {
        std::cout << "exhaustive_simd: " << selected[i]->name << ": " << mismatches[i] << " mismatches\n";
        INFO(selected[i]->name << ": " << failures[i]);
        CHECK(mismatches[i] == 0);
    }
}

TEST_CASE("exhaustive: every ISA path decodes every code of every format like the scalar decoder",
          "[conversion][exhaustive][simd]")
{
    using namespace lowbit;
    check_all_codes_decode<float8_e4m3fn>();
    check_all_codes_decode<float8_e4m3>();
    check_all_codes_decode<float8_e4m3fnuz>();
    check_all_codes_decode<float8_e4m3b11fnuz>();
    check_all_codes_decode<float8_e3m4>();
    check_all_codes_decode<float8_e5m2>();
    check_all_codes_decode<float8_e5m2fnuz>();
    check_all_codes_decode<float8_e8m0fnu>();
    check_all_codes_decode<float6_e2m3fn>();
    check_all_codes_decode<float6_e3m2fn>();
    check_all_codes_decode<float4_e2m1fn>();
    check_all_codes_decode<bfloat16>();
    check_all_codes_decode<float16>();
}
