// Throughput of lowbit's scalar conversions, with baselines measured in the same run (memcpy of the same
// bytes, a 256-entry table decode, the hardware F16C float->half converter) so that ratios survive a noisy,
// shared machine. bench/run_and_report.py turns the JSON output into a table of ns/value and ratios.
#include <benchmark/benchmark.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include <cpuid.h>
#include <immintrin.h>

#include <lowbit/lowbit.hpp>

#include "bench_inputs.hpp"

namespace {

// 4 Ki fits L1, 128 Ki fits L2. Every pass sees the same inputs, and at 4 Ki the branch predictor learns
// them: data-dependent branches look free there and only show their cost at 128 Ki.
constexpr std::size_t sizes[] = {std::size_t{4} << 10, std::size_t{128} << 10};

using lowbit_bench::code_inputs;
using lowbit_bench::max_of;
using lowbit_bench::normal_inputs;

template <class In, class Out>
void set_counters(benchmark::State& state, std::size_t n)
{
    const auto items = static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(n);
    state.SetItemsProcessed(items);
    state.SetBytesProcessed(items * static_cast<std::int64_t>(sizeof(In) + sizeof(Out)));
}

// Runs `kernel(in, out, n)` over the whole buffer per iteration. The buffers escape and memory is clobbered
// after every pass, so the compiler can neither hoist the work out of the timing loop nor drop the stores.
template <class In, class Out, class Kernel>
void run(benchmark::State& state, const std::vector<In>& input, Kernel kernel)
{
    const std::size_t n = input.size();
    std::vector<In> in = input;
    std::vector<Out> out(n);
    benchmark::DoNotOptimize(in.data());
    for (auto _ : state) {
        kernel(in.data(), out.data(), n);
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    set_counters<In, Out>(state, n);
}

// ---- lowbit ----------------------------------------------------------------------------------------

template <class T, class F, lowbit::overflow Overflow = lowbit::overflow::nonsaturating>
void encode_loop(const F* in, typename T::storage_type* out, std::size_t n)
{
    for (std::size_t i = 0; i < n; ++i)
        out[i] = lowbit::convert<T>(in[i], lowbit::rounding::nearest_even, Overflow).bits();
}

template <class T>
void decode_loop(const typename T::storage_type* in, float* out, std::size_t n)
{
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<float>(T::from_bits(in[i]));
}

// ---- baselines ---------------------------------------------------------------------------------------

void memcpy_loop(const float* in, float* out, std::size_t n) { std::memcpy(out, in, n * sizeof(float)); }
void memcpy_bytes_loop(const std::uint8_t* in, std::uint8_t* out, std::size_t n) { std::memcpy(out, in, n); }

// The 256-entry table an fp8 decoder would use without a library.
std::array<float, 256> e4m3fn_table()
{
    std::array<float, 256> t{};
    for (unsigned c = 0; c < 256; ++c)
        t[c] = static_cast<float>(lowbit::float8_e4m3fn::from_bits(static_cast<std::uint8_t>(c)));
    return t;
}
const std::array<float, 256> lut = e4m3fn_table();

void table_decode_loop(const std::uint8_t* in, float* out, std::size_t n)
{
    const float* table = lut.data();
    for (std::size_t i = 0; i < n; ++i) out[i] = table[in[i]];
}

// One hardware conversion per value (vcvtps2ph), the scalar counterpart of lowbit's scalar encoder.
// (_cvtss_sh would do, but clang's version is a compound literal that -Wpedantic rejects.)
__attribute__((target("f16c"))) inline std::uint16_t f16c_one(float x)
{
    const __m128i h = _mm_cvtps_ph(_mm_set_ss(x), _MM_FROUND_TO_NEAREST_INT);
    return static_cast<std::uint16_t>(_mm_cvtsi128_si32(h));
}

__attribute__((target("f16c"))) void f16c_scalar_loop(const float* in, std::uint16_t* out, std::size_t n)
{
    for (std::size_t i = 0; i < n; ++i) out[i] = f16c_one(in[i]);
}

// Eight values per instruction: the speed limit a SIMD kernel can aim at.
__attribute__((target("avx,f16c"))) void f16c_x8_loop(const float* in, std::uint16_t* out, std::size_t n)
{
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m128i h = _mm256_cvtps_ph(_mm256_loadu_ps(in + i), _MM_FROUND_TO_NEAREST_INT);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), h);
    }
    for (; i < n; ++i) out[i] = f16c_one(in[i]);
}

// F16C is CPUID.1:ECX bit 29; AVX support (checked by the builtin, OS state included) is its precondition.
bool has_f16c()
{
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    return __builtin_cpu_supports("avx") && __get_cpuid(1, &eax, &ebx, &ecx, &edx) && (ecx & (1u << 29)) != 0;
}

// ---- registration ------------------------------------------------------------------------------------

template <class In, class Out, class Kernel>
void add(const std::string& name, Kernel kernel, std::vector<In> (*make)(std::size_t), bool needs_f16c = false)
{
    for (const std::size_t n : sizes) {
        benchmark::RegisterBenchmark((name + "/" + std::to_string(n)).c_str(),
                                     [=](benchmark::State& state) {
                                         if (needs_f16c && !has_f16c()) {
                                             state.SkipWithError("no F16C on this CPU");
                                             return;
                                         }
                                         run<In, Out>(state, make(n), kernel);
                                     })
            ->Unit(benchmark::kMicrosecond);
    }
}

template <class T>
std::vector<float> f32_for(std::size_t n) { return normal_inputs<float>(n, max_of<T>() / 4); }
template <class T>
std::vector<double> f64_for(std::size_t n) { return normal_inputs<double>(n, max_of<T>() / 4); }
std::vector<float> f32_unit(std::size_t n) { return normal_inputs<float>(n, 1.0); }
std::vector<std::uint8_t> random_bytes(std::size_t n)
{
    std::mt19937 rng(0xb17e5u);
    std::vector<std::uint8_t> v(n);
    for (auto& b : v) b = static_cast<std::uint8_t>(rng());
    return v;
}

void register_all()
{
    using namespace lowbit;
    using u8 = std::uint8_t;
    using u16 = std::uint16_t;
    constexpr auto sat = overflow::saturate;

    add<float, float>("baseline/memcpy_f32", memcpy_loop, f32_for<float8_e4m3fn>);
    add<u8, u8>("baseline/memcpy_u8", memcpy_bytes_loop, random_bytes);
    add<u8, float>("baseline/lut_e4m3fn_to_f32", table_decode_loop, code_inputs<float8_e4m3fn>);
    add<float, u16>("baseline/f16c_f32_to_f16", f16c_scalar_loop, f32_for<float16>, true);
    add<float, u16>("baseline/f16c_x8_f32_to_f16", f16c_x8_loop, f32_for<float16>, true);

    add<float, u8>("encode/f32_to_e4m3fn", encode_loop<float8_e4m3fn, float>, f32_for<float8_e4m3fn>);
    add<float, u8>("encode/f32_to_e4m3fn_sat", encode_loop<float8_e4m3fn, float, sat>, f32_for<float8_e4m3fn>);
    add<float, u8>("encode/f32_to_e5m2", encode_loop<float8_e5m2, float>, f32_for<float8_e5m2>);
    add<float, u8>("encode/f32_to_e2m3fn", encode_loop<float6_e2m3fn, float>, f32_for<float6_e2m3fn>);
    add<float, u8>("encode/f32_to_e2m1fn", encode_loop<float4_e2m1fn, float>, f32_for<float4_e2m1fn>);
    add<float, u16>("encode/f32_to_bf16", encode_loop<bfloat16, float>, f32_unit);
    add<float, u16>("encode/f32_to_f16", encode_loop<float16, float>, f32_for<float16>);
    add<double, u8>("encode/f64_to_e4m3fn", encode_loop<float8_e4m3fn, double>, f64_for<float8_e4m3fn>);

    add<u8, float>("decode/e4m3fn_to_f32", decode_loop<float8_e4m3fn>, code_inputs<float8_e4m3fn>);
    add<u8, float>("decode/e5m2_to_f32", decode_loop<float8_e5m2>, code_inputs<float8_e5m2>);
    add<u8, float>("decode/e2m1fn_to_f32", decode_loop<float4_e2m1fn>, code_inputs<float4_e2m1fn>);
}

}  // namespace

int main(int argc, char** argv)
{
    register_all();
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
