// Every vector path of the seeded bulk stochastic rounding (lowbit/bulk_stochastic.hpp) against the scalar
// rule on all 2^32 float32 inputs, each input x converted as element index bits(x) of the stream, so every
// input meets its own Philox word. One (format, overflow mode) sweep per run keeps it under a minute on two
// cores: sweep `day of year mod sweep count`, or the one LOWBIT_EXHAUSTIVE_SLICE names (a number, or `all`).
// The seed changes with the sweep so that the days also vary the words. What ran is printed.
#include <catch2/catch.hpp>

#include <lowbit/bulk_stochastic.hpp>
#include <lowbit/lowbit.hpp>
#include <lowbit/random/philox.hpp>
#include <lowbit/simd/isa.hpp>

#include <algorithm>
#include <bit>
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

constexpr std::uint64_t chunk = std::uint64_t{1} << 20;
constexpr std::uint64_t chunk_count = (std::uint64_t{1} << 32) / chunk;

// One chunk of consecutive float bit patterns, as elements `start`.. of `seed`'s stream: the reference from
// the definition (the scalar convert_stochastic with word start + k % 4 of Philox4x32-10 at block
// (start + k) / 4, one Philox call per block), then each vector path called directly (no global isa switch,
// so chunks run on several threads).
template <class T>
std::uint64_t sweep_chunk(std::uint64_t seed, const lowbit::conversion_options& options, std::span<const float> in,
                          std::uint64_t start, std::string& first_failure)
{
    const lowbit::philox4x32_key key{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)};
    std::vector<T> expected(in.size());
    lowbit::philox4x32_counter words{};
    for (std::size_t k = 0; k < in.size(); ++k) {
        const std::uint64_t index = start + k;
        if (k == 0 || index % 4 == 0)
            words = lowbit::philox4x32_10({static_cast<std::uint32_t>(index / 4), static_cast<std::uint32_t>(index >> 34), 0, 0}, key);
        expected[k] = lowbit::convert_stochastic<T>(in[k], words[index % 4], options);
    }
    std::vector<T> got(in.size());
    std::uint64_t mismatches = 0;
    for (const isa which : lowbit::simd::available_isas()) {
        if (which == isa::scalar) continue;
        lowbit::simd::run_stochastic<T>(which, in.data(), got.data(), in.size(), seed, start, options);
        for (std::size_t k = 0; k < in.size(); ++k) {
            if (got[k].bits() != expected[k].bits() && mismatches++ == 0) {
                std::ostringstream text;
                text << lowbit::simd::isa_name(which) << ": input 0x" << std::hex << start + k << " got 0x"
                     << static_cast<unsigned>(got[k].bits()) << " expected 0x"
                     << static_cast<unsigned>(expected[k].bits());
                first_failure = text.str();
            }
        }
    }
    return mismatches;
}

struct sweep {
    std::string name;
    std::function<std::uint64_t(std::uint64_t, std::span<const float>, std::uint64_t, std::string&)> run_chunk;
};

template <class T>
void add_sweeps(std::vector<sweep>& sweeps, const char* format)
{
    static constexpr const char* overflow_names[] = {"nonsaturating", "saturate_finite", "saturate"};
    for (int v = 0; v < 3; ++v) {
        lowbit::conversion_options o;
        o.overflow = static_cast<lowbit::overflow>(v);
        o.nan = static_cast<lowbit::nan_encoding>(v);  // each NaN encoding with one overflow mode
        sweeps.push_back({std::string(format) + " " + overflow_names[v] + " nan=" + std::to_string(v),
                          [o](std::uint64_t seed, std::span<const float> in, std::uint64_t start, std::string& failure) {
                              return sweep_chunk<T>(seed, o, in, start, failure);
                          }});
    }
}

int day_of_year()
{
    const std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
    return local.tm_yday;
}

}  // namespace

TEST_CASE("exhaustive: bulk stochastic rounding on every vector path matches the scalar rule on all float32 inputs",
          "[conversion][exhaustive][stochastic][simd]")
{
    using namespace lowbit;
    std::vector<sweep> sweeps;  // float8_e4m3fn first: sweep 0 is the one a fixed slice of 0 runs
    add_sweeps<float8_e4m3fn>(sweeps, "float8_e4m3fn");
    add_sweeps<float8_e5m2>(sweeps, "float8_e5m2");
    add_sweeps<float8_e4m3>(sweeps, "float8_e4m3");
    add_sweeps<float8_e4m3fnuz>(sweeps, "float8_e4m3fnuz");
    add_sweeps<float8_e4m3b11fnuz>(sweeps, "float8_e4m3b11fnuz");
    add_sweeps<float8_e3m4>(sweeps, "float8_e3m4");
    add_sweeps<float8_e5m2fnuz>(sweeps, "float8_e5m2fnuz");
    add_sweeps<float6_e2m3fn>(sweeps, "float6_e2m3fn");
    add_sweeps<float6_e3m2fn>(sweeps, "float6_e3m2fn");
    add_sweeps<float4_e2m1fn>(sweeps, "float4_e2m1fn");
    add_sweeps<bfloat16>(sweeps, "bfloat16");
    add_sweeps<float16>(sweeps, "float16");

    std::size_t first = 0;
    std::size_t last = sweeps.size();
    const char* requested = std::getenv("LOWBIT_EXHAUSTIVE_SLICE");
    if (requested == nullptr || std::string(requested) != "all") {
        first = requested != nullptr ? std::strtoul(requested, nullptr, 10) % sweeps.size()
                                     : static_cast<std::size_t>(day_of_year()) % sweeps.size();
        last = first + 1;
    }
    bool any_vector_path = false;
    std::cout << "exhaustive_stochastic: vector paths:";
    for (const isa which : lowbit::simd::available_isas())
        if (which != isa::scalar) {
            std::cout << ' ' << lowbit::simd::isa_name(which);
            any_vector_path = true;
        }
    std::cout << (any_vector_path ? "" : " none (nothing to compare)") << '\n';

    const unsigned threads = std::max(1u, std::min(2u, std::thread::hardware_concurrency()));
    for (std::size_t s = first; s < last; ++s) {
        const std::uint64_t seed = 0x5EED5EED00000000u + s * 0x9E3779B97F4A7C15u;
        std::cout << "exhaustive_stochastic: sweep " << s << " of " << sweeps.size() << ": " << sweeps[s].name
                  << ", seed 0x" << std::hex << seed << std::dec
                  << " (set LOWBIT_EXHAUSTIVE_SLICE=<n>|all to choose)" << std::endl;
        std::vector<std::uint64_t> counts(threads);
        std::vector<std::string> failures(threads);
        std::vector<std::thread> workers;
        for (unsigned t = 0; t < threads; ++t) {
            workers.emplace_back([&sweeps, &counts, &failures, s, seed, t, threads] {
                std::vector<float> in(chunk);
                for (std::uint64_t c = t; c < chunk_count; c += threads) {
                    const std::uint64_t start = c * chunk;
                    for (std::uint64_t k = 0; k < chunk; ++k)
                        in[k] = std::bit_cast<float>(static_cast<std::uint32_t>(start + k));
                    std::string failure;
                    const std::uint64_t m = sweeps[s].run_chunk(seed, in, start, failure);
                    if (m != 0 && failures[t].empty()) failures[t] = failure;
                    counts[t] += m;
                }
            });
        }
        for (std::thread& w : workers) w.join();
        std::uint64_t total = 0;
        std::string failure;
        for (unsigned t = 0; t < threads; ++t) {
            total += counts[t];
            if (failure.empty()) failure = failures[t];
        }
        INFO(sweeps[s].name << ": " << total << " mismatches; first: " << failure);
        CHECK(total == 0);
    }
}
