// Throughput of lowbit's bulk (span) conversions on every instruction-set path this machine supports, with
// vectorised baselines measured in the same binary and run so that ratios survive a noisy, shared machine:
//
//   baseline/memcpy_f32     memcpy of the float32 source bytes (glibc's own vectorised memcpy)
//   baseline/memcpy_u8      memcpy of the 1-byte destination size
//   baseline/pack_f32_u8    a plain float32 -> uint8 pack (bench_baselines.hpp)
//   baseline/cvtps2ph       the silicon float32 -> float16 converter, vcvtps2ph (bench_baselines.hpp)
//   baseline/cvtph2ps       the silicon float16 -> float32 converter, vcvtph2ps (bench_baselines.hpp)
//
// Subjects are lowbit::convert, lowbit::packed::convert and lowbit::convert_stochastic over spans, each run
// with the path forced by lowbit::simd::set_isa for every isa in available_isas(); names are
// kind/format/isa/size, for example encode/e4m3fn/avx512/131072. Kinds: encode (float32 -> codes one per
// element, nearest-even; the _sat formats with overflow::saturate), decode (codes -> float32),
// encode_packed / decode_packed (FP4 two per byte, FP6 four per three bytes), encode_stochastic (Philox
// stream, fixed seed). Sizes: 4 Ki elements (L1), 128 Ki (L2), 64 Mi (DRAM). Single thread. Baseline
// kernels carry target attributes; the binary itself is built without -m flags.
//
// Counters: items_per_second = elements converted; bytes_per_second = bytes read plus bytes written.
// bench/plot_bulk.py runs this binary, prints the table of ns/element and ratios and draws the plot.
#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <random>
#include <span>
#include <string>
#include <type_traits>
#include <typeinfo>
#include <vector>

#include <lowbit/bulk.hpp>
#include <lowbit/bulk_stochastic.hpp>
#include <lowbit/lowbit.hpp>
#include <lowbit/packed.hpp>
#include <lowbit/simd/isa.hpp>

#include "bench_baselines.hpp"
#include "bench_main.hpp"
#include "bench_inputs.hpp"

namespace {

using lowbit_bench::buffer;
using lowbit_bench::max_of;
using lowbit_bench::normal_inputs;
using isa = lowbit::simd::isa;

constexpr std::size_t small_size = std::size_t{4} << 10;    // in L1
constexpr std::size_t medium_size = std::size_t{128} << 10; // in L2
constexpr std::size_t large_size = std::size_t{64} << 20;   // 256 MiB of float32: DRAM
constexpr std::size_t sizes[] = {small_size, medium_size, large_size};

// ---- buffers ------------------------------------------------------------------------------------------
// Inputs and outputs are 64-byte aligned (lowbit_bench::buffer), generated or allocated on first
// use and kept for the whole process: generating 64 Mi normal values takes over a second, and mapping fresh
// 256 MiB outputs for every run would dominate the wall time. That holds about 3.5 GB at most (the 64 Mi
// float32 inputs of the seven distinct sigmas, the codes, one output per element type).

// float32 inputs for encoding to T: normal with sigma = max/4, except sigma = 1 for bfloat16 (as in the
// scalar benchmark: values of ordinary magnitude rather than ones near float's overflow).
template <class T>
double sigma_for()
{
    if constexpr (std::is_same_v<T, lowbit::bfloat16>) return 1.0;
    else return max_of<T>() / 4;
}

const buffer<float>& float_inputs(double sigma, std::size_t n)
{
    return lowbit_bench::memo<buffer<float>>("f32/" + std::to_string(sigma) + "/" + std::to_string(n), [&] {
        const std::vector<float> x = normal_inputs<float>(n, sigma);
        return buffer<float>(x.begin(), x.end());
    });
}

template <class T>
const buffer<float>& encode_inputs(std::size_t n)
{
    return float_inputs(sigma_for<T>(), n);
}

// Codes of T: the nearest-even encodings of encode_inputs<T>.
template <class T>
const buffer<T>& decode_inputs(std::size_t n)
{
    return lowbit_bench::memo<buffer<T>>(std::string("codes/") + typeid(T).name() + "/" + std::to_string(n), [&] {
        const buffer<float>& x = encode_inputs<T>(n);
        buffer<T> codes(n);
        for (std::size_t i = 0; i < n; ++i) codes[i] = T(x[i]);
        return codes;
    });
}

const buffer<std::uint8_t>& random_bytes(std::size_t n)
{
    return lowbit_bench::memo<buffer<std::uint8_t>>("bytes/" + std::to_string(n), [&] {
        std::mt19937 rng(0xb17e5u);
        buffer<std::uint8_t> v(n);
        for (auto& b : v) b = static_cast<std::uint8_t>(rng());
        return v;
    });
}

// ---- the timing loop ---------------------------------------------------------------------------------

// The output buffer of `count` elements of type Out, zero-filled (so its pages are mapped) before any timing.
template <class Out>
buffer<Out>& output(std::size_t count)
{
    return lowbit_bench::memo<buffer<Out>>(std::string("out/") + typeid(Out).name() + "/" + std::to_string(count),
                             [&] { return buffer<Out>(count); });
}

// Runs body(in, out) over whole buffers per iteration; `elements` is the number of values converted (the
// packed formats hold several per byte). The buffers escape and memory is clobbered after every pass, so the
// compiler can neither hoist the work out of the loop nor drop the stores.
template <class Out, class In, class Body>
void run(benchmark::State& state, const buffer<In>& in, std::size_t out_count, std::size_t elements, Body body)
{
    buffer<Out>& out = output<Out>(out_count);
    const std::span<const In> x(in);
    const std::span<Out> y(out);
    benchmark::DoNotOptimize(in.data());
    for (auto _ : state) {
        body(x, y);
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    const auto iterations = static_cast<std::int64_t>(state.iterations());
    state.SetItemsProcessed(iterations * static_cast<std::int64_t>(elements));
    state.SetBytesProcessed(iterations * static_cast<std::int64_t>(in.size() * sizeof(In) + out.size() * sizeof(Out)));
}

// ---- registration ------------------------------------------------------------------------------------

void add(const std::string& name, std::size_t n, std::function<void(benchmark::State&)> body)
{
    benchmark::RegisterBenchmark((name + "/" + std::to_string(n)).c_str(), std::move(body))
        ->Unit(benchmark::kMicrosecond);
}

void add_baselines(std::size_t n)
{
    add("baseline/memcpy_f32", n, [n](benchmark::State& s) {
        run<float>(s, encode_inputs<lowbit::float8_e4m3fn>(n), n, n, [](std::span<const float> x, std::span<float> y) {
            std::memcpy(y.data(), x.data(), x.size_bytes());
        });
    });
    add("baseline/memcpy_u8", n, [n](benchmark::State& s) {
        run<std::uint8_t>(s, random_bytes(n), n, n, [](std::span<const std::uint8_t> x, std::span<std::uint8_t> y) {
            std::memcpy(y.data(), x.data(), x.size_bytes());
        });
    });
    add("baseline/pack_f32_u8", n, [n](benchmark::State& s) {
        auto* pack = lowbit_bench::best_pack_f32_u8();
        if (pack == nullptr) return s.SkipWithError("no AVX2 on this CPU");
        run<std::uint8_t>(s, encode_inputs<lowbit::float8_e4m3fn>(n), n, n,
                          [pack](std::span<const float> x, std::span<std::uint8_t> y) {
                              pack(x.data(), y.data(), x.size());
                          });
    });
    add("baseline/cvtps2ph", n, [n](benchmark::State& s) {
        auto* cvt = lowbit_bench::best_cvtps2ph();
        if (cvt == nullptr) return s.SkipWithError("no F16C on this CPU");
        run<std::uint16_t>(s, encode_inputs<lowbit::float16>(n), n, n,
                           [cvt](std::span<const float> x, std::span<std::uint16_t> y) {
                               cvt(x.data(), y.data(), x.size());
                           });
    });
    add("baseline/cvtph2ps", n, [n](benchmark::State& s) {
        auto* cvt = lowbit_bench::best_cvtph2ps();
        if (cvt == nullptr) return s.SkipWithError("no F16C on this CPU");
        const buffer<lowbit::float16>& h = decode_inputs<lowbit::float16>(n);
        const buffer<std::uint16_t>& codes = lowbit_bench::memo<buffer<std::uint16_t>>("f16 codes/" + std::to_string(n), [&] {
                buffer<std::uint16_t> c(n);
                for (std::size_t i = 0; i < n; ++i) c[i] = h[i].bits();
                return c;
            });
        run<float>(s, codes, n, n,
                   [cvt](std::span<const std::uint16_t> x, std::span<float> y) { cvt(x.data(), y.data(), x.size()); });
    });
}

// Forces the path; a benchmark of an isa the machine lacks is never registered, so this only guards.
bool use(benchmark::State& s, isa which)
{
    if (lowbit::simd::set_isa(which) && lowbit::simd::active_isa() == which) return true;
    s.SkipWithError("set_isa failed");
    return false;
}

std::string path(const char* kind, const char* format, isa which)
{
    return std::string(kind) + "/" + format + "/" + std::string(lowbit::simd::isa_name(which));
}

template <class T>
void add_encode(const char* format, std::size_t n, isa which,
                lowbit::overflow on_overflow = lowbit::overflow::nonsaturating)
{
    add(path("encode", format, which), n, [=](benchmark::State& s) {
        if (!use(s, which)) return;
        run<T>(s, encode_inputs<T>(n), n, n, [on_overflow](std::span<const float> x, std::span<T> y) {
            lowbit::convert<T>(x, y, lowbit::rounding::nearest_even, on_overflow);
        });
    });
}

template <class T>
void add_decode(const char* format, std::size_t n, isa which)
{
    add(path("decode", format, which), n, [=](benchmark::State& s) {
        if (!use(s, which)) return;
        run<float>(s, decode_inputs<T>(n), n, n,
                   [](std::span<const T> x, std::span<float> y) { lowbit::convert<T>(x, y); });
    });
}

template <class T>
void add_stochastic(const char* format, std::size_t n, isa which)
{
    add(path("encode_stochastic", format, which), n, [=](benchmark::State& s) {
        if (!use(s, which)) return;
        run<T>(s, encode_inputs<T>(n), n, n, [](std::span<const float> x, std::span<T> y) {
            lowbit::convert_stochastic<T>(x, y, lowbit::stochastic_stream{0x5eedu, 0});
        });
    });
}

template <class T>
const buffer<std::uint8_t>& packed_inputs(std::size_t n)
{
    return lowbit_bench::memo<buffer<std::uint8_t>>(std::string("packed/") + typeid(T).name() + "/" + std::to_string(n), [&] {
        buffer<std::uint8_t> bytes(lowbit::packed::bytes_for<T>(n));
        lowbit::packed::convert<T>(std::span<const float>(encode_inputs<T>(n)), std::span<std::uint8_t>(bytes),
                                   lowbit::rounding::nearest_even, lowbit::overflow::nonsaturating);
        return bytes;
    });
}

template <class T>
void add_packed(const char* format, std::size_t n, isa which)
{
    add(path("encode_packed", format, which), n, [=](benchmark::State& s) {
        if (!use(s, which)) return;
        run<std::uint8_t>(s, encode_inputs<T>(n), lowbit::packed::bytes_for<T>(n), n,
                          [](std::span<const float> x, std::span<std::uint8_t> y) {
                              lowbit::packed::convert<T>(x, y, lowbit::rounding::nearest_even,
                                                         lowbit::overflow::nonsaturating);
                          });
    });
    add(path("decode_packed", format, which), n, [=](benchmark::State& s) {
        if (!use(s, which)) return;
        run<float>(s, packed_inputs<T>(n), n, n,
                   [](std::span<const std::uint8_t> x, std::span<float> y) { lowbit::packed::convert<T>(x, y); });
    });
}

void register_all()
{
    using namespace lowbit;
    constexpr auto sat = overflow::saturate;
    for (const std::size_t n : sizes) {
        add_baselines(n);
        for (const isa which : simd::available_isas()) {
            add_encode<float8_e4m3fn>("e4m3fn", n, which);
            add_encode<float8_e4m3fn>("e4m3fn_sat", n, which, sat);
            add_encode<float8_e5m2>("e5m2", n, which);
            add_encode<float8_e5m2>("e5m2_sat", n, which, sat);
            add_encode<float16>("f16", n, which);
            add_encode<bfloat16>("bf16", n, which);
            add_encode<float6_e2m3fn>("e2m3fn", n, which);
            add_encode<float4_e2m1fn>("e2m1fn", n, which);
            add_decode<float8_e4m3fn>("e4m3fn", n, which);
            add_decode<float8_e5m2>("e5m2", n, which);
            add_decode<float4_e2m1fn>("e2m1fn", n, which);
            add_decode<float16>("f16", n, which);
            add_decode<bfloat16>("bf16", n, which);
            add_packed<float4_e2m1fn>("e2m1fn", n, which);
            add_packed<float6_e2m3fn>("e2m3fn", n, which);
            add_packed<float6_e3m2fn>("e3m2fn", n, which);
            add_stochastic<float8_e4m3fn>("e4m3fn", n, which);
            add_stochastic<float8_e5m2>("e5m2", n, which);
            add_stochastic<bfloat16>("bf16", n, which);
        }
    }
}

}  // namespace

int main(int argc, char** argv) { return lowbit_bench::run_benchmarks(argc, argv, &register_all); }
