// Float32 products that MX needs, computed on the bit patterns: x * 2^k and a * b, both rounded once to
// nearest-even, so the results never depend on the FPU rounding mode, FTZ or DAZ.
#pragma once

#include <bit>
#include <cstdint>

namespace lowbit::mx::detail {

inline constexpr std::uint32_t float_sign_mask = 0x8000'0000u;
inline constexpr std::uint32_t float_magnitude_mask = 0x7FFF'FFFFu;
inline constexpr std::uint32_t float_infinity_bits = 0x7F80'0000u;
inline constexpr std::uint32_t float_implicit_bit = 0x0080'0000u;
inline constexpr std::uint32_t float_fraction_mask = 0x007F'FFFFu;

// A positive finite float32 as significand * 2^lsb_exponent with an integer significand.
struct float_parts {
    std::uint64_t significand;
    int lsb_exponent;
};

constexpr float_parts split_magnitude(std::uint32_t magnitude_bits) noexcept
{
    const auto field = static_cast<int>(magnitude_bits >> 23);
    const std::uint32_t fraction = magnitude_bits & float_fraction_mask;
    if (field == 0) return {fraction, -149};  // subnormal: no implicit bit, the smallest exponent
    return {fraction | float_implicit_bit, field - 150};
}

// significand * 2^lsb_exponent (significand > 0) rounded to the nearest float32 magnitude, ties to even;
// +Inf bits on overflow. One rounding, with float32's subnormal range, as an IEEE multiply would give.
constexpr std::uint32_t round_to_float_magnitude(std::uint64_t significand, int lsb_exponent) noexcept
{
    const int top_bit = static_cast<int>(std::bit_width(significand)) - 1;
    const int exponent = top_bit + lsb_exponent;  // floor(log2) of the exact value
    if (exponent > 127) return float_infinity_bits;
    int target_lsb = exponent - 23 < -149 ? -149 : exponent - 23;
    const int shift = target_lsb - lsb_exponent;
    std::uint64_t kept = 0;
    if (shift <= 0) {
        kept = significand << -shift;  // fewer than 24 significant bits: exact
    } else if (shift < 64) {
        kept = significand >> shift;
        const std::uint64_t dropped = significand & ((std::uint64_t{1} << shift) - 1);
        const std::uint64_t half = std::uint64_t{1} << (shift - 1);
        if (dropped > half || (dropped == half && (kept & 1u) != 0)) ++kept;
    }  // shift >= 64: the value is below 2^-150 (half the smallest subnormal) and rounds to zero
    if (kept == (std::uint64_t{1} << 24)) {  // rounding carried into the next binade
        kept >>= 1;
        ++target_lsb;
        if (target_lsb + 23 > 127) return float_infinity_bits;
    }
    // A normal result has the implicit bit at bit 23, which adds 1 to the exponent field; a subnormal one
    // (target_lsb == -149, kept < 2^23) has field 0, and a carry into bit 23 gives the smallest normal.
    return (static_cast<std::uint32_t>(target_lsb + 149) << 23) + static_cast<std::uint32_t>(kept);
}

// x * 2^k, correctly rounded (ldexp semantics): exact unless the result is a float32 subnormal or overflows.
// NaN, ±Inf and ±0 come back unchanged. Any k, also those for which 2^k is no normal float32.
constexpr float scale_by_power_of_two(float x, int k) noexcept
{
    const auto bits = std::bit_cast<std::uint32_t>(x);
    const std::uint32_t magnitude = bits & float_magnitude_mask;
    if (magnitude == 0 || magnitude >= float_infinity_bits) return x;
    const auto field = static_cast<int>(magnitude >> 23);
    if (field != 0 && field + k >= 1 && field + k <= 254)  // normal in and out: only the exponent moves
        return std::bit_cast<float>(bits + (static_cast<std::uint32_t>(k) << 23));
    const float_parts p = split_magnitude(magnitude);
    return std::bit_cast<float>((bits & float_sign_mask) | round_to_float_magnitude(p.significand, p.lsb_exponent + k));
}

// a * b for positive finite float32 magnitudes (given as bits), rounded once to nearest-even; the product of
// two 24-bit significands has at most 48 bits, so it is held exactly before rounding.
constexpr std::uint32_t multiply_magnitudes(std::uint32_t a_bits, std::uint32_t b_bits) noexcept
{
    if (a_bits == 0 || b_bits == 0) return 0;
    const float_parts a = split_magnitude(a_bits);
    const float_parts b = split_magnitude(b_bits);
    return round_to_float_magnitude(a.significand * b.significand, a.lsb_exponent + b.lsb_exponent);
}

}  // namespace lowbit::mx::detail
