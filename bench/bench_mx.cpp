// Throughput of the OCP MX block codecs (lowbit::mx, docs/mx.md) on every instruction-set path this machine
// supports, with the baselines of bench_bulk_conversions (bench_baselines.hpp) measured in the same binary
// and run, because only ratios to them survive a noisy, shared machine:
//
//   baseline/memcpy_f32   memcpy of the float32 source bytes
//   baseline/memcpy_u8    memcpy of one byte per element
//   baseline/pack_f32_u8  a plain float32 -> uint8 pack
//   baseline/cvtps2ph     the silicon float32 -> float16 converter
//   baseline/cvtph2ps     the silicon float16 -> float32 converter
//
// Subjects, each run with the path forced by lowbit::simd::set_isa for every isa in available_isas():
//   quantize/<element>/<rule>/<isa>/<n>   mx::quantize, blocks of 32 (floor for every element, rceil for E4M3)
//   dequantize/<element>/<isa>/<n>        mx::dequantize of the floor-quantized input
//   dot/<element>/<isa>/<n>               mx::dot of two MX vectors of n elements (the input quantized under
//                                         floor and under ceil: two buffers, so both streams come from memory)
// Sizes: 4 Ki elements (L1), 128 Ki (L2), 64 Mi (DRAM); single thread. Inputs: bench_inputs.hpp's normal
// values (sigma 1; MX scales each block, so the magnitude only has to stay clear of float32's extremes).
//
// Counters: items_per_second = elements (per vector for dot); bytes_per_second = bytes read plus written.
// The whole run takes about two minutes and about 2 GB of memory (64 Mi buffers are made once and kept).
#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <typeinfo>
#include <vector>

#include <lowbit/mx.hpp>
#include <lowbit/simd/isa.hpp>
#include <lowbit/types/named_formats.hpp>

#include "bench_baselines.hpp"
#include "bench_main.hpp"
#include "bench_inputs.hpp"

namespace {

namespace mx = lowbit::mx;
using lowbit::float8_e8m0fnu;
using lowbit::simd::isa;
using lowbit_bench::buffer;

constexpr std::size_t sizes[] = {std::size_t{4} << 10, std::size_t{128} << 10, std::size_t{64} << 20};

// ---- data, made on first use and kept for the process ---------------------------------------------------

const buffer<float>& float_inputs(std::size_t n)
{
    return lowbit_bench::memo<buffer<float>>("x/" + std::to_string(n), [n] {
        const std::vector<float> x = lowbit_bench::normal_inputs<float>(n, 1.0);
        return buffer<float>(x.begin(), x.end());
    });
}

// An MX vector: packed elements and block scales.
struct mx_vector {
    buffer<std::uint8_t> elements;
    buffer<float8_e8m0fnu> scales;
};

template <class Elem>
mx_vector empty_mx_vector(std::size_t n)
{
    return {buffer<std::uint8_t>(mx::element_bytes<Elem>(n)), buffer<float8_e8m0fnu>(mx::scale_count(n))};
}

// The input quantized under `rule`, as dequantize and dot read it.
template <class Elem>
const mx_vector& quantized_inputs(std::size_t n, mx::scale_rule rule)
{
    const std::string key = std::string("q/") + typeid(Elem).name() + "/" +
                            std::string(mx::scale_rule_name(rule)) + "/" + std::to_string(n);
    return lowbit_bench::memo<mx_vector>(key, [n, rule] {
        mx_vector q = empty_mx_vector<Elem>(n);
        mx::quantize<Elem>(std::span<const float>(float_inputs(n)), q.elements, q.scales, rule);
        return q;
    });
}

// Outputs, zero-filled on creation so that their pages are mapped before any timing.
template <class T>
buffer<T>& output(std::size_t n)
{
    return lowbit_bench::memo<buffer<T>>(std::string("out/") + typeid(T).name() + "/" + std::to_string(n),
                           [n] { return buffer<T>(n); });
}

template <class Elem>
mx_vector& quantize_output(std::size_t n)
{
    return lowbit_bench::memo<mx_vector>(std::string("qout/") + typeid(Elem).name() + "/" + std::to_string(n),
                           [n] { return empty_mx_vector<Elem>(n); });
}

const buffer<std::uint16_t>& float16_inputs(std::size_t n)
{
    return lowbit_bench::memo<buffer<std::uint16_t>>("f16/" + std::to_string(n), [n] {
        const buffer<float>& x = float_inputs(n);
        buffer<std::uint16_t> codes(n);
        for (std::size_t i = 0; i < n; ++i) codes[i] = lowbit::float16(x[i]).bits();
        return codes;
    });
}

const buffer<std::uint8_t>& byte_inputs(std::size_t n)
{
    return lowbit_bench::memo<buffer<std::uint8_t>>("u8/" + std::to_string(n), [n] {
        buffer<std::uint8_t> bytes(n);
        for (std::size_t i = 0; i < n; ++i) bytes[i] = static_cast<std::uint8_t>(i * 37);
        return bytes;
    });
}

// ---- the timing loop ---------------------------------------------------------------------------------

// Calls `pass` once per iteration; memory is clobbered after every pass so the compiler can neither hoist
// the work out of the loop nor drop the stores. A template, so that no indirect call is timed with the
// 4 Ki baselines (about 0.1 us each).
template <class Pass>
void time_passes(benchmark::State& state, std::size_t elements, std::size_t bytes_per_pass, Pass pass)
{
    for (auto _ : state) {
        pass();
        benchmark::ClobberMemory();
    }
    const auto iterations = static_cast<std::int64_t>(state.iterations());
    state.SetItemsProcessed(iterations * static_cast<std::int64_t>(elements));
    state.SetBytesProcessed(iterations * static_cast<std::int64_t>(bytes_per_pass));
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
        const buffer<float>& x = float_inputs(n);
        buffer<float>& y = output<float>(n);
        time_passes(s, n, 8 * n, [&] { std::memcpy(y.data(), x.data(), 4 * n); });
    });
    add("baseline/memcpy_u8", n, [n](benchmark::State& s) {
        const buffer<std::uint8_t>& x = byte_inputs(n);
        buffer<std::uint8_t>& y = output<std::uint8_t>(n);
        time_passes(s, n, 2 * n, [&] { std::memcpy(y.data(), x.data(), n); });
    });
    add("baseline/pack_f32_u8", n, [n](benchmark::State& s) {
        const auto pack = lowbit_bench::best_pack_f32_u8();
        if (pack == nullptr) return s.SkipWithError("no AVX2 on this CPU");
        const buffer<float>& x = float_inputs(n);
        buffer<std::uint8_t>& y = output<std::uint8_t>(n);
        time_passes(s, n, 5 * n, [&] { pack(x.data(), y.data(), n); });
    });
    add("baseline/cvtps2ph", n, [n](benchmark::State& s) {
        const auto cvt = lowbit_bench::best_cvtps2ph();
        if (cvt == nullptr) return s.SkipWithError("no F16C on this CPU");
        const buffer<float>& x = float_inputs(n);
        buffer<std::uint16_t>& y = output<std::uint16_t>(n);
        time_passes(s, n, 6 * n, [&] { cvt(x.data(), y.data(), n); });
    });
    add("baseline/cvtph2ps", n, [n](benchmark::State& s) {
        const auto cvt = lowbit_bench::best_cvtph2ps();
        if (cvt == nullptr) return s.SkipWithError("no F16C on this CPU");
        const buffer<std::uint16_t>& x = float16_inputs(n);
        buffer<float>& y = output<float>(n);
        time_passes(s, n, 6 * n, [&] { cvt(x.data(), y.data(), n); });
    });
}

// Forces the path; a benchmark of an isa the machine lacks is never registered, so this only guards.
bool use(benchmark::State& s, isa which)
{
    if (lowbit::simd::set_isa(which) && lowbit::simd::active_isa() == which) return true;
    s.SkipWithError("set_isa failed");
    return false;
}

std::string path(std::string_view kind, std::string_view element, std::string_view rule, isa which)
{
    std::string name = std::string(kind) + "/" + std::string(element) + "/";
    if (!rule.empty()) name += std::string(rule) + "/";
    return name + std::string(lowbit::simd::isa_name(which));
}

std::size_t mx_bytes(const mx_vector& v) { return v.elements.size() + v.scales.size(); }

template <class Elem>
void add_quantize(std::size_t n, isa which, mx::scale_rule rule)
{
    add(path("quantize", mx::element_name<Elem>(), mx::scale_rule_name(rule), which), n, [=](benchmark::State& s) {
        if (!use(s, which)) return;
        const buffer<float>& x = float_inputs(n);
        mx_vector& q = quantize_output<Elem>(n);
        time_passes(s, n, 4 * n + mx_bytes(q), [&] {
            mx::quantize<Elem>(std::span<const float>(x), q.elements, q.scales, rule);
        });
    });
}

template <class Elem>
void add_dequantize(std::size_t n, isa which)
{
    add(path("dequantize", mx::element_name<Elem>(), "", which), n, [=](benchmark::State& s) {
        if (!use(s, which)) return;
        const mx_vector& q = quantized_inputs<Elem>(n, mx::scale_rule::floor);
        buffer<float>& y = output<float>(n);
        time_passes(s, n, mx_bytes(q) + 4 * n, [&] {
            mx::dequantize<Elem>(std::span<const std::uint8_t>(q.elements), std::span<const float8_e8m0fnu>(q.scales),
                                 y);
        });
    });
}

template <class Elem>
void add_dot(std::size_t n, isa which)
{
    add(path("dot", mx::element_name<Elem>(), "", which), n, [=](benchmark::State& s) {
        if (!use(s, which)) return;
        const mx_vector& a = quantized_inputs<Elem>(n, mx::scale_rule::floor);
        const mx_vector& b = quantized_inputs<Elem>(n, mx::scale_rule::ceil);
        time_passes(s, n, mx_bytes(a) + mx_bytes(b), [&] {
            benchmark::DoNotOptimize(mx::dot<Elem>(std::span<const std::uint8_t>(a.elements),
                                                   std::span<const float8_e8m0fnu>(a.scales),
                                                   std::span<const std::uint8_t>(b.elements),
                                                   std::span<const float8_e8m0fnu>(b.scales), n));
        });
    });
}

template <class Elem>
void add_codec(std::size_t n, isa which)
{
    add_quantize<Elem>(n, which, mx::scale_rule::floor);
    add_dequantize<Elem>(n, which);
}

void register_all()
{
    for (const std::size_t n : sizes) {
        add_baselines(n);
        for (const isa which : lowbit::simd::available_isas()) {
            add_codec<mx::fp8_e4m3>(n, which);
            add_quantize<mx::fp8_e4m3>(n, which, mx::scale_rule::rceil);  // NVIDIA's rule, for its extra cost
            add_codec<mx::fp8_e5m2>(n, which);
            add_codec<mx::fp6_e3m2>(n, which);
            add_codec<mx::fp4_e2m1>(n, which);
            add_codec<mx::int8>(n, which);
            add_dot<mx::fp8_e4m3>(n, which);
            add_dot<mx::fp4_e2m1>(n, which);
        }
    }
}

}  // namespace

int main(int argc, char** argv) { return lowbit_bench::run_benchmarks(argc, argv, &register_all); }
