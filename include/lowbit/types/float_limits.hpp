// std::numeric_limits for every float_format instantiation (the standard library forwards const and
// volatile T to it). Choices where C++ or the format specs are silent are documented in docs/scalar-api.md.
#pragma once

#include <array>
#include <bit>
#include <cstdint>
#include <limits>

#include "../core/decode.hpp"
#include "../core/format_info.hpp"
#include "../core/real_parts.hpp"
#include "float_format.hpp"

namespace lowbit {
namespace detail {

// Just enough of an unsigned big integer to compare 10^n with a format's extreme values exactly: every
// value of a format is at most 31 significant bits times 2^k with |k| < 1100, and |n| < 330.
class decimal_probe {
    static constexpr int limbs = 80;  // 2560 bits
    std::array<std::uint32_t, limbs> limb_{};

public:
    constexpr explicit decimal_probe(std::uint64_t v) noexcept
    {
        limb_[0] = static_cast<std::uint32_t>(v);
        limb_[1] = static_cast<std::uint32_t>(v >> 32);
    }
    constexpr void multiply(std::uint32_t factor) noexcept
    {
        std::uint64_t carry = 0;
        for (auto& l : limb_) {
            const std::uint64_t p = std::uint64_t{l} * factor + carry;
            l = static_cast<std::uint32_t>(p);
            carry = p >> 32;
        }
    }
    constexpr void shift_left(int bits) noexcept
    {
        const int whole = bits / 32;
        const int part = bits % 32;
        for (int i = limbs - 1; i >= 0; --i) {
            const int from = i - whole;
            std::uint32_t v = from >= 0 ? limb_[static_cast<std::size_t>(from)] << part : 0;
            if (part != 0 && from - 1 >= 0) v |= limb_[static_cast<std::size_t>(from - 1)] >> (32 - part);
            limb_[static_cast<std::size_t>(i)] = v;
        }
    }
    friend constexpr int compare(const decimal_probe& a, const decimal_probe& b) noexcept
    {
        for (int i = limbs - 1; i >= 0; --i) {
            const auto x = a.limb_[static_cast<std::size_t>(i)];
            const auto y = b.limb_[static_cast<std::size_t>(i)];
            if (x != y) return x < y ? -1 : 1;
        }
        return 0;
    }
};

// Sign of 10^n - significand * 2^scale, exactly.
constexpr int compare_power_of_ten(int n, std::uint64_t significand, int scale) noexcept
{
    decimal_probe lhs(1);
    decimal_probe rhs(significand);
    int lhs_shift = 0;
    int rhs_shift = scale;
    if (n >= 0) {
        for (int i = 0; i < n; ++i) lhs.multiply(5);
        lhs_shift = n;
    } else {
        for (int i = 0; i < -n; ++i) rhs.multiply(5);
        rhs_shift -= n;
    }
    const int common = lhs_shift < rhs_shift ? lhs_shift : rhs_shift;
    lhs.shift_left(lhs_shift - common);
    rhs.shift_left(rhs_shift - common);
    return compare(lhs, rhs);
}

constexpr int floor_div(int a, int b) noexcept { return a / b - ((a % b != 0 && (a < 0) != (b < 0)) ? 1 : 0); }

// floor(log10(v)) for v = significand * 2^scale > 0: the largest n with 10^n <= v.
constexpr int floor_log10(std::uint64_t significand, int scale) noexcept
{
    const int log2 = scale + 63 - std::countl_zero(significand);
    int n = floor_div(log2 * 30103, 100000) - 1;  // at most one or two below the answer
    while (compare_power_of_ten(n + 1, significand, scale) <= 0) ++n;
    return n;
}

// ceil(log10(v)): the smallest n with 10^n >= v.
constexpr int ceil_log10(std::uint64_t significand, int scale) noexcept
{
    const int n = floor_log10(significand, scale);
    return compare_power_of_ten(n, significand, scale) == 0 ? n : n + 1;
}

// floor(k * log10(2)) for 0 <= k < 2^20, with log10(2) to 12 digits (exact for these k).
constexpr int floor_times_log10_2(int k) noexcept
{
    return static_cast<int>(static_cast<std::uint64_t>(k) * 301029995664ull / 1000000000000ull);
}

// The codes numeric_limits returns, and its derived constants.
template <const format_info& F>
struct limits_codes {
    static constexpr std::uint32_t min_normal = F.specials == specials::e8m0 ? 0 : std::uint32_t{1} << F.mantissa_bits;
    static constexpr std::uint32_t max = F.max_magnitude_code;
    static constexpr std::uint32_t lowest = F.is_signed ? F.sign_mask | F.max_magnitude_code : 0;
    static constexpr bool has_denormals = F.has_subnormals && F.mantissa_bits > 0;
    static constexpr std::uint32_t denorm_min = has_denormals ? 1 : min_normal;
    // What T(+Inf) and T(NaN) give: Inf, else the NaN, else max (ml_dtypes' infinity(); lowbit's NaN->max).
    static constexpr std::uint32_t infinity = F.has_inf ? F.inf_magnitude_code : F.has_nan ? F.quiet_nan_code : max;
    static constexpr std::uint32_t quiet_nan = F.has_nan ? F.quiet_nan_code : max;
    // IEEE: all-ones exponent, quiet bit clear, lowest fraction bit set. Needs two fraction bits.
    static constexpr bool has_signaling_nan = F.specials == specials::ieee && F.mantissa_bits >= 2;
    static constexpr std::uint32_t signaling_nan = has_signaling_nan ? F.inf_magnitude_code | 1 : quiet_nan;
    // An IEEE 754 binary interchange format in all but width: Inf, quiet and signaling NaNs, subnormals,
    // a sign, and bias = emax = 2^(E-1) - 1.
    static constexpr bool is_iec559 = F.specials == specials::ieee && F.is_signed && F.has_subnormals &&
                                      has_signaling_nan && F.bias == (1 << (F.exponent_bits - 1)) - 1;

    static constexpr int max_exponent10 = [] {
        const decoded_value v = decode<F>(max);
        return floor_log10(v.significand, v.scale);
    }();
    static constexpr int min_exponent10 = [] {
        const decoded_value v = decode<F>(min_normal);
        return ceil_log10(v.significand, v.scale);
    }();
};

}  // namespace detail
}  // namespace lowbit

// `struct` as in libstdc++'s primary template (the tag matters only to -Wmismatched-tags).
namespace std {
template <int E, int M, int B, lowbit::specials S, lowbit::sign_bit G, lowbit::subnormals N>
struct numeric_limits<lowbit::float_format<E, M, B, S, G, N>> {
private:
    using T = lowbit::float_format<E, M, B, S, G, N>;
    static constexpr const lowbit::format_info& F = T::info;
    using codes = lowbit::detail::limits_codes<T::info>;
    static constexpr T code(std::uint32_t c) noexcept
    {
        return T::from_bits(static_cast<typename T::storage_type>(c));
    }

public:
    static constexpr bool is_specialized = true;
    static constexpr bool is_signed = F.is_signed;
    static constexpr bool is_integer = false;
    static constexpr bool is_exact = false;
    static constexpr bool has_infinity = F.has_inf;
    static constexpr bool has_quiet_NaN = F.has_nan;
    static constexpr bool has_signaling_NaN = codes::has_signaling_nan;
    static constexpr std::float_denorm_style has_denorm = codes::has_denormals ? std::denorm_present : std::denorm_absent;
    static constexpr bool has_denorm_loss = false;
    static constexpr std::float_round_style round_style = std::round_to_nearest;  // T(x) rounds to nearest-even
    static constexpr bool is_iec559 = codes::is_iec559;
    static constexpr bool is_bounded = true;
    static constexpr bool is_modulo = false;
    static constexpr int digits = M + 1;
    static constexpr int digits10 = lowbit::detail::floor_times_log10_2(M);
    static constexpr int max_digits10 = 2 + lowbit::detail::floor_times_log10_2(M + 1);  // ceil(1 + digits*log10 2)
    static constexpr int radix = 2;
    // C++ counts exponents for a significand in [0.5, 1): one more than the unbiased exponents.
    static constexpr int min_exponent = F.min_normal_exponent + 1;
    static constexpr int min_exponent10 = codes::min_exponent10;
    static constexpr int max_exponent = F.max_exponent + 1;
    static constexpr int max_exponent10 = codes::max_exponent10;
    static constexpr bool traps = false;           // conversions are integer code, nothing traps
    static constexpr bool tinyness_before = false;  // no underflow flag is raised

    // Smallest positive normal (E8M0: 2^-127, its code 0).
    static constexpr T min() noexcept { return code(codes::min_normal); }
    // -max; in unsigned formats the smallest value (0, or E8M0's 2^-127).
    static constexpr T lowest() noexcept { return code(codes::lowest); }
    static constexpr T max() noexcept { return code(codes::max); }
    // 2^-M, the distance from 1 to the next value (1 in E8M0), rounded like T(x) in formats where it is
    // not a value.
    static constexpr T epsilon() noexcept { return T(lowbit::detail::compose<double>(false, 1, -M)); }
    static constexpr T round_error() noexcept { return T(0.5); }
    // +Inf; where there is none, what T(+Inf) gives: the NaN (FN, FNUZ, E8M0) or max (FP6, FP4).
    static constexpr T infinity() noexcept { return code(codes::infinity); }
    // The positive quiet NaN (E4M3FN 0x7F, E5M2 0x7E, FNUZ 0x80, E8M0 0xFF, half 0x7E00); formats without
    // NaN return what T(NaN) gives by default, +max.
    static constexpr T quiet_NaN() noexcept { return code(codes::quiet_nan); }
    // IEEE formats with two or more fraction bits: exponent all ones, fraction 0...01. Elsewhere quiet_NaN().
    static constexpr T signaling_NaN() noexcept { return code(codes::signaling_nan); }
    // Smallest positive subnormal; min() in formats without subnormals.
    static constexpr T denorm_min() noexcept { return code(codes::denorm_min); }
};
}  // namespace std
