// lowbit::convert over spans: float32 -> any format of up to 16 bits and back, and format to format (e.g.
// from and to bfloat16 or float16 spans), through runtime-dispatched SIMD kernels (simd/dispatch.hpp) that
// give exactly what the scalar lowbit::convert gives.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>

#include "convert.hpp"
#include "core/options.hpp"
#include "core/span_checks.hpp"
#include "simd/abi.hpp"
#include "simd/dispatch.hpp"
#include "simd/isa.hpp"
#include "types/float_format.hpp"

namespace lowbit {
namespace detail {

// Outside the ABI namespace: it holds no vector code, and a second `detail` inside the inline namespace
// would make `lowbit::detail` ambiguous.
[[noreturn]] inline void throw_length_mismatch(std::size_t in, std::size_t out)
{
    throw std::invalid_argument("lowbit::convert: the output span has " + std::to_string(out) +
                                " elements, expected " + std::to_string(in) + " (the input's length)");
}

}  // namespace detail

inline namespace LOWBIT_SIMD_ABI {

// out[i] = lowbit::convert<T>(in[i], options) for every i, on the active isa (simd::active_isa()). Any length
// and alignment; in.size() != out.size() or overlapping spans throw std::invalid_argument before anything is
// written (so do the other overloads here).
template <floating_format T>
    requires(T::info.total_bits <= 16)
void convert(std::span<const float> in, std::span<T> out, const conversion_options& options)
{
    if (in.size() != out.size()) detail::throw_length_mismatch(in.size(), out.size());
    detail::require_disjoint("lowbit::convert", in, out);
    if (in.empty()) return;
    simd::select_encode<T>(simd::active_isa(), options.rounding)(in.data(), out.data(), in.size(), options);
}

template <floating_format T>
    requires(T::info.total_bits <= 16)
void convert(std::span<const float> in, std::span<T> out, rounding mode = rounding::nearest_even,
             overflow on_overflow = overflow::nonsaturating)
{
    conversion_options options;
    options.rounding = mode;
    options.overflow = on_overflow;
    lowbit::convert<T>(in, out, options);
}

// out[i] = static_cast<float>(in[i]) for every i (exact), on the active isa.
template <floating_format T>
    requires(T::info.total_bits <= 16 && T::decodes_exactly_to_float)
void convert(std::span<const T> in, std::span<float> out)
{
    if (in.size() != out.size()) detail::throw_length_mismatch(in.size(), out.size());
    detail::require_disjoint("lowbit::convert", in, out);
    if (in.empty()) return;
    simd::select_decode<T>(simd::active_isa())(in.data(), out.data(), in.size());
}

// Accepts a span of mutable codes as input too (a span<T> does not deduce span<const T>'s T).
template <floating_format T>
    requires(T::info.total_bits <= 16 && T::decodes_exactly_to_float)
void convert(std::span<T> in, std::span<float> out)
{
    lowbit::convert<T>(std::span<const T>(in), out);
}

// Format to format, e.g. bfloat16 or float16 spans to FP8 and back: out[i] = lowbit::convert<To>(in[i],
// options), From's value taken exactly and rounded once. Runs From's dispatched decoder into float (exact for
// every format of 16 bits or fewer) and To's dispatched encoder, a cache-sized chunk at a time; a NaN element
// is redone by the scalar format-to-format conversion, so NaN signs and payloads follow its rules rather
// than passing through float's.
template <floating_format To, floating_format From>
    requires(To::info.total_bits <= 16 && From::info.total_bits <= 16 && From::decodes_exactly_to_float)
void convert(std::span<const From> in, std::span<To> out, const conversion_options& options)
{
    if (in.size() != out.size()) detail::throw_length_mismatch(in.size(), out.size());
    detail::require_disjoint("lowbit::convert", in, out);
    if (in.empty()) return;
    constexpr std::size_t chunk = 1024;  // 4 KiB of floats: stays in L1 between the two passes
    float staged[chunk];
    const simd::isa path = simd::active_isa();
    const auto decode = simd::select_decode<From>(path);
    const auto encode = simd::select_encode<To>(path, options.rounding);
    for (std::size_t start = 0; start < in.size(); start += chunk) {
        const std::size_t n = in.size() - start < chunk ? in.size() - start : chunk;
        decode(in.data() + start, staged, n);
        encode(staged, out.data() + start, n, options);
        for (std::size_t k = 0; k < n; ++k)
            // On the bits, not std::isnan, which -ffinite-math-only folds to false.
            if ((std::bit_cast<std::uint32_t>(staged[k]) & 0x7FFFFFFFu) > 0x7F800000u) [[unlikely]]
                out[start + k] = lowbit::convert<To>(in[start + k], options);
    }
}

template <floating_format To, floating_format From>
    requires(To::info.total_bits <= 16 && From::info.total_bits <= 16 && From::decodes_exactly_to_float)
void convert(std::span<const From> in, std::span<To> out, rounding mode = rounding::nearest_even,
             overflow on_overflow = overflow::nonsaturating)
{
    conversion_options options;
    options.rounding = mode;
    options.overflow = on_overflow;
    lowbit::convert<To, From>(in, out, options);
}

// Accepts a span of mutable codes as input too.
template <floating_format To, floating_format From>
    requires(To::info.total_bits <= 16 && From::info.total_bits <= 16 && From::decodes_exactly_to_float)
void convert(std::span<From> in, std::span<To> out, const conversion_options& options)
{
    lowbit::convert<To, From>(std::span<const From>(in), out, options);
}

template <floating_format To, floating_format From>
    requires(To::info.total_bits <= 16 && From::info.total_bits <= 16 && From::decodes_exactly_to_float)
void convert(std::span<From> in, std::span<To> out, rounding mode = rounding::nearest_even,
             overflow on_overflow = overflow::nonsaturating)
{
    lowbit::convert<To, From>(std::span<const From>(in), out, mode, on_overflow);
}

}  // namespace LOWBIT_SIMD_ABI
}  // namespace lowbit
