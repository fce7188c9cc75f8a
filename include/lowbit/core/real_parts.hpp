// Exact integer view of float and double values: split into class, sign, exponent and significand,
// and build a float or double back from such parts. Integer work only, so results do not depend on
// the FPU rounding mode, FTZ/DAZ or -ffast-math.
#pragma once

#include <bit>
#include <concepts>
#include <cstdint>

namespace lowbit {
namespace detail {

enum class value_class : std::uint8_t { zero, finite, infinite, nan };

// A real number as the converters see it. For finite nonzero values:
//   |x| = significand * 2^(exponent - 63), with bit 63 of significand set,
// so `exponent` is floor(log2|x|). For NaN, `significand` holds the payload left-aligned (its bit 63 is
// the quiet bit of the source format).
// `sticky` says that the exact value is strictly larger in magnitude than the significand shows, by less
// than one unit of its bit 0: exact arithmetic (exact_arithmetic.hpp) keeps the floor of a longer result
// and this flag instead of the bits it cannot hold, which is all one correct rounding needs.
struct real_parts {
    value_class cls;
    bool negative;
    int exponent;
    std::uint64_t significand;
    bool sticky = false;
};

template <class T>
concept binary_float = std::same_as<T, float> || std::same_as<T, double>;

// Layout of the two host formats the library converts from and to.
template <binary_float F> struct ieee_layout;
template <> struct ieee_layout<float> {
    using bits_type = std::uint32_t;
    static constexpr int fraction_bits = 23;
    static constexpr int exponent_bits = 8;
    static constexpr int bias = 127;
};
template <> struct ieee_layout<double> {
    using bits_type = std::uint64_t;
    static constexpr int fraction_bits = 52;
    static constexpr int exponent_bits = 11;
    static constexpr int bias = 1023;
};

template <binary_float F>
constexpr real_parts split(F x) noexcept
{
    using L = ieee_layout<F>;
    using bits_t = typename L::bits_type;
    constexpr int total = L::fraction_bits + L::exponent_bits + 1;
    constexpr bits_t fraction_mask = (bits_t{1} << L::fraction_bits) - 1;
    constexpr bits_t exponent_all_ones = (bits_t{1} << L::exponent_bits) - 1;

    const auto bits = std::bit_cast<bits_t>(x);
    const bool negative = (bits >> (total - 1)) != 0;
    const auto field = static_cast<bits_t>((bits >> L::fraction_bits) & exponent_all_ones);
    const bits_t fraction = bits & fraction_mask;
    // Left-align the fraction so bit 63 is the first bit after the binary point.
    constexpr int align = 64 - L::fraction_bits;

    if (field == exponent_all_ones) {
        if (fraction == 0) return {value_class::infinite, negative, 0, 0};
        return {value_class::nan, negative, 0, std::uint64_t{fraction} << align};
    }
    if (field == 0) {
        if (fraction == 0) return {value_class::zero, negative, 0, 0};
        // Subnormal: normalise so the leading one sits at bit 63.
        const int lead = std::countl_zero(static_cast<std::uint64_t>(fraction));
        return {value_class::finite, negative, 63 - lead + 1 - L::bias - L::fraction_bits,
                std::uint64_t{fraction} << lead};
    }
    const std::uint64_t significand = (std::uint64_t{fraction} | (std::uint64_t{1} << L::fraction_bits))
                                      << (63 - L::fraction_bits);
    return {value_class::finite, negative, static_cast<int>(field) - L::bias, significand};
}

// Builds the float or double equal to (-1)^negative * significand * 2^scale. The value must be
// representable exactly (the decoders only call it for narrower formats); significand may be 0.
template <binary_float F>
constexpr F compose(bool negative, std::uint64_t significand, int scale) noexcept
{
    using L = ieee_layout<F>;
    using bits_t = typename L::bits_type;
    constexpr int total = L::fraction_bits + L::exponent_bits + 1;
    const bits_t sign = negative ? bits_t{1} << (total - 1) : 0;
    if (significand == 0) return std::bit_cast<F>(sign);

    const int top = 63 - std::countl_zero(significand);  // position of the leading one
    const int exponent = scale + top;                     // floor(log2 |value|)
    constexpr int min_normal = 1 - L::bias;
    if (exponent >= min_normal) {
        const std::uint64_t aligned = significand << (L::fraction_bits - top);  // exact by precondition
        const auto fraction = static_cast<bits_t>(aligned) & ((bits_t{1} << L::fraction_bits) - 1);
        const auto field = static_cast<bits_t>(exponent + L::bias);
        return std::bit_cast<F>(static_cast<bits_t>(sign | (field << L::fraction_bits) | fraction));
    }
    // Subnormal result: the integer significand in units of the smallest subnormal.
    constexpr int min_subnormal_scale = min_normal - L::fraction_bits;
    const auto units = static_cast<bits_t>(significand << (scale - min_subnormal_scale));
    return std::bit_cast<F>(static_cast<bits_t>(sign | units));
}

template <binary_float F>
constexpr F quiet_nan(bool negative) noexcept
{
    using L = ieee_layout<F>;
    using bits_t = typename L::bits_type;
    constexpr int total = L::fraction_bits + L::exponent_bits + 1;
    constexpr bits_t exponent_all_ones = (bits_t{1} << L::exponent_bits) - 1;
    const bits_t bits = (negative ? bits_t{1} << (total - 1) : 0) | (exponent_all_ones << L::fraction_bits) |
                        (bits_t{1} << (L::fraction_bits - 1));
    return std::bit_cast<F>(bits);
}

template <binary_float F>
constexpr F infinity(bool negative) noexcept
{
    using L = ieee_layout<F>;
    using bits_t = typename L::bits_type;
    constexpr int total = L::fraction_bits + L::exponent_bits + 1;
    constexpr bits_t exponent_all_ones = (bits_t{1} << L::exponent_bits) - 1;
    return std::bit_cast<F>(
        static_cast<bits_t>((negative ? bits_t{1} << (total - 1) : 0) | (exponent_all_ones << L::fraction_bits)));
}

}  // namespace detail
}  // namespace lowbit
