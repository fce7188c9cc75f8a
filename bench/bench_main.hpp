// What lowbit's Google Benchmark programs share besides the baselines: data made once per process, the
// run-context description, and main()'s default minimum time.
#pragma once

#include <benchmark/benchmark.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <lowbit/simd/isa.hpp>

#include "bench_baselines.hpp"

namespace lowbit_bench {

// Default of --benchmark_min_time (seconds per benchmark and repetition; a later command-line flag wins). At
// 64 Mi one pass already takes 10-800 ms, so those run once or a few times per repetition. Set as a flag, not
// with ->MinTime(), which would append "/min_time:0.050" to every benchmark name.
inline constexpr const char* default_min_time = "--benchmark_min_time=0.05";

// The value for `key`, made by make() on first use and kept for the whole process: generating 64 Mi normal
// values takes over a second, and mapping fresh 256 MiB outputs for every run would dominate the wall time.
template <class V, class Make>
V& memo(const std::string& key, Make make)
{
    static std::map<std::string, std::unique_ptr<V>> cache;
    std::unique_ptr<V>& slot = cache[key];
    if (!slot) slot = std::make_unique<V>(make());
    return *slot;
}

// The instruction-set paths and the baselines' kernels, in the JSON context.
inline void describe_machine()
{
    std::string isas;
    for (const lowbit::simd::isa which : lowbit::simd::available_isas())
        isas += (isas.empty() ? "" : ",") + std::string(lowbit::simd::isa_name(which));
    benchmark::AddCustomContext("lowbit_isas", isas);
    describe_baselines();
}

// main() of a benchmark program whose benchmarks `register_all` registers.
inline int run_benchmarks(int argc, char** argv, void (*register_all)())
{
    register_all();
    describe_machine();
    std::vector<char*> args(argv, argv + argc);
    std::string min_time = default_min_time;
    args.insert(args.begin() + 1, min_time.data());  // before the user's flags, which override it
    int count = static_cast<int>(args.size());
    benchmark::Initialize(&count, args.data());
    if (benchmark::ReportUnrecognizedArguments(count, args.data())) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}

}  // namespace lowbit_bench
