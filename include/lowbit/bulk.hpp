// lowbit::convert over spans: float32 -> any format of up to 16 bits and back, through runtime-dispatched
// SIMD kernels (simd/dispatch.hpp) that give exactly what the scalar lowbit::convert gives.
#pragma once

#include <cstddef>
#include <span>
#include <stdexcept>
#include <string>

#include "convert.hpp"
#include "core/options.hpp"
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
// and alignment; in.size() != out.size() throws std::invalid_argument before anything is written.
template <floating_format T>
    requires(T::info.total_bits <= 16)
void convert(std::span<const float> in, std::span<T> out, const conversion_options& options)
{
    if (in.size() != out.size()) detail::throw_length_mismatch(in.size(), out.size());
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

}  // namespace LOWBIT_SIMD_ABI
}  // namespace lowbit
