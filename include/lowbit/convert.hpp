// lowbit::convert and lowbit::convert_stochastic: float or double to any format under explicit rounding,
// overflow and NaN options, with exactly one rounding.
#pragma once

#include <cstdint>

#include "core/options.hpp"
#include "core/real_parts.hpp"
#include "types/float_format.hpp"

namespace lowbit {

template <floating_format T, detail::binary_float F>
constexpr T convert(F x, const conversion_options& options) noexcept
{
    return T::from_bits(T::encode(x, options));
}

template <floating_format T, detail::binary_float F>
constexpr T convert(F x, rounding mode = rounding::nearest_even, overflow on_overflow = overflow::nonsaturating) noexcept
{
    conversion_options options;
    options.rounding = mode;
    options.overflow = on_overflow;
    return convert<T>(x, options);
}

// Stochastic rounding with caller-supplied randomness. Of the exact magnitude |x|, let D be the bits below
// the last place the result keeps (the binade's ulp, or the subnormal ulp). The first 32 bits of D, read
// as an unsigned integer d, are added to `random_bits`; a carry out of 32 bits rounds the magnitude up
// one ulp, otherwise it is truncated. With uniform `random_bits` the result is the upper neighbour with
// probability d / 2^32 (exactly (|x| - lower) / ulp when D has at most 32 bits; bits of D past the 32nd are
// ignored). Exact values are never changed. The sign is applied afterwards, so -x rounds like x. A
// result beyond max is treated as overflow (options.overflow); options.rounding is not used.
template <floating_format T, detail::binary_float F>
constexpr T convert_stochastic(F x, std::uint32_t random_bits, const conversion_options& options) noexcept
{
    return T::from_bits(T::encode(x, options, detail::random_word{true, random_bits}));
}

template <floating_format T, detail::binary_float F>
constexpr T convert_stochastic(F x, std::uint32_t random_bits,
                               overflow on_overflow = overflow::nonsaturating) noexcept
{
    conversion_options options;
    options.overflow = on_overflow;
    return convert_stochastic<T>(x, random_bits, options);
}

}  // namespace lowbit
