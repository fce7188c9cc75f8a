// lowbit::convert and lowbit::convert_stochastic: float, double or any float_format to any format under
// explicit rounding, overflow and NaN options, with exactly one rounding.
#pragma once

#include <cstdint>

#include "core/exact_arithmetic.hpp"
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

namespace detail {

// A code of format From as the real_parts the rounding engine takes: exact, nothing rounded yet.
template <floating_format From>
constexpr real_parts parts_of(From x) noexcept
{
    const decoded_value v = code_operand<From::info>(x.bits());
    switch (v.cls) {
    case value_class::nan: return nan_parts(v);
    case value_class::infinite: return infinite_parts(v.negative);
    case value_class::zero: return {value_class::zero, v.negative, 0, 0, false};
    case value_class::finite: break;
    }
    return finite_parts(v);
}

}  // namespace detail

// Format to format, rounded once (no detour through float or double; From's value is taken exactly). A NaN
// keeps its sign where both formats have signed NaNs; under nan_encoding::keep_payload an IEEE-like To gets
// the quiet bit and the top payload bits of an IEEE-like From's NaN.
template <floating_format To, floating_format From>
constexpr To convert(From x, const conversion_options& options) noexcept
{
    using storage = typename To::storage_type;
    return To::from_bits(static_cast<storage>(detail::encoder<To::info>::encode(detail::parts_of(x), options, {})));
}

template <floating_format To, floating_format From>
constexpr To convert(From x, rounding mode = rounding::nearest_even, overflow on_overflow = overflow::nonsaturating) noexcept
{
    conversion_options options;
    options.rounding = mode;
    options.overflow = on_overflow;
    return convert<To>(x, options);
}

// Stochastic rounding from another format, with the rule of the float/double overload above.
template <floating_format To, floating_format From>
constexpr To convert_stochastic(From x, std::uint32_t random_bits, const conversion_options& options) noexcept
{
    using storage = typename To::storage_type;
    return To::from_bits(static_cast<storage>(
        detail::encoder<To::info>::encode(detail::parts_of(x), options, detail::random_word{true, random_bits})));
}

template <floating_format To, floating_format From>
constexpr To convert_stochastic(From x, std::uint32_t random_bits, overflow on_overflow = overflow::nonsaturating) noexcept
{
    conversion_options options;
    options.overflow = on_overflow;
    return convert_stochastic<To>(x, random_bits, options);
}

}  // namespace lowbit
