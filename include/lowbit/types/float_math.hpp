// Classification (isnan, fpclassify, ...) and the <cmath>-style functions that only move between codes
// (abs, copysign, nextafter, next_up/next_down, frexp, ldexp, ulp) for every float_format, found by ADL.
// All work on the integer code: none depends on the FPU rounding mode, FTZ/DAZ or -ffast-math.
#pragma once

#include <bit>
#include <cmath>  // FP_NAN, FP_INFINITE, FP_ZERO, FP_SUBNORMAL, FP_NORMAL
#include <cstdint>
#include <limits>

#include "../core/decode.hpp"
#include "../core/encode.hpp"
#include "../core/options.hpp"
#include "../core/real_parts.hpp"
#include "float_compare.hpp"
#include "float_format.hpp"

namespace lowbit {
namespace detail {

template <floating_format T>
constexpr T with_code(std::uint32_t code) noexcept
{
    return T::from_bits(static_cast<typename T::storage_type>(code));
}

// The code past the last value in one direction (next_up of the largest value, next_down of the smallest):
// +-Inf where the format has it (IEEE nextUp(max) = +Inf), else its NaN, else the value itself.
template <const format_info& F>
constexpr std::uint32_t beyond_range(std::uint32_t code, bool upward) noexcept
{
    if (F.has_inf && (upward || F.is_signed)) return (upward ? 0 : F.sign_mask) | F.inf_magnitude_code;
    if (F.has_nan) return F.quiet_nan_code;
    return code;
}

// The smallest positive code: the smallest subnormal, or the smallest normal without subnormals.
template <const format_info& F>
constexpr std::uint32_t smallest_positive_code() noexcept
{
    if (F.specials == specials::e8m0) return 0;
    return F.has_subnormals && F.mantissa_bits > 0 ? 1 : std::uint32_t{1} << F.mantissa_bits;
}

// nextUp on codes, for every code that is not NaN.
template <const format_info& F>
constexpr std::uint32_t next_up_code(std::uint32_t code) noexcept
{
    using C = code_class<F>;
    if (C::is_zero(code)) return smallest_positive_code<F>();
    const std::uint32_t m = C::magnitude(code);
    if (!C::sign(code)) {
        if (F.has_inf && m == F.inf_magnitude_code) return code;  // +Inf stays
        if (m == F.max_magnitude_code) return beyond_range<F>(code, true);
        return code + 1;
    }
    // Negative: one step toward zero. -Inf goes to -max.
    if (F.has_inf && m == F.inf_magnitude_code) return F.sign_mask | F.max_magnitude_code;
    const std::uint32_t smaller = m - 1;
    // The next value up from the smallest negative is -0 (+0 in FNUZ, which has no -0).
    if (smaller < smallest_positive_code<F>()) return F.has_negative_zero ? F.sign_mask : 0;
    return F.sign_mask | smaller;
}

template <const format_info& F>
constexpr std::uint32_t next_down_code(std::uint32_t code) noexcept
{
    using C = code_class<F>;
    if constexpr (F.is_signed) {
        // nextDown(x) = -nextUp(-x). Negating a zero or the FNUZ 0x00 is +0 here, so zeros go to the
        // smallest negative value as IEEE asks.
        if (C::is_zero(code)) return F.sign_mask | smallest_positive_code<F>();
        const std::uint32_t up = next_up_code<F>(code ^ F.sign_mask);
        if (C::is_nan(up)) return up;
        if (C::is_zero(up)) return 0;  // x was the smallest positive: -(-0) is +0
        return up ^ F.sign_mask;
    } else {
        if (F.has_inf && code == F.inf_magnitude_code) return F.max_magnitude_code;
        if (code == smallest_positive_code<F>() && !F.has_zero) return beyond_range<F>(code, false);
        if (C::is_zero(code)) return beyond_range<F>(code, false);
        if (code == smallest_positive_code<F>()) return 0;
        return code - 1;
    }
}

template <const format_info& F>
constexpr std::uint32_t quieted(std::uint32_t nan_code) noexcept
{
    if (F.specials == specials::ieee) return nan_code | (std::uint32_t{1} << (F.mantissa_bits - 1));
    return nan_code;
}

}  // namespace detail

// ---- Classification: the same answers std:: gives for double(x).

template <floating_format T>
constexpr bool isnan(T x) noexcept
{
    return detail::code_class<T::info>::is_nan(x.bits());
}
template <floating_format T>
constexpr bool isinf(T x) noexcept
{
    return detail::code_class<T::info>::is_inf(x.bits());
}
template <floating_format T>
constexpr bool isfinite(T x) noexcept
{
    return !isnan(x) && !isinf(x);
}
// The sign of the value: false for the FNUZ NaN (the bits of -0, but unsigned) and in unsigned formats.
template <floating_format T>
constexpr bool signbit(T x) noexcept
{
    return detail::code_class<T::info>::negative(x.bits());
}
// FP_NAN, FP_INFINITE, FP_ZERO, FP_SUBNORMAL or FP_NORMAL. E8M0's code 0 (2^-127) is normal; in formats
// without subnormals the field-0 codes are FP_ZERO.
template <floating_format T>
constexpr int fpclassify(T x) noexcept
{
    using C = detail::code_class<T::info>;
    const std::uint32_t code = x.bits();
    if (C::is_nan(code)) return FP_NAN;
    if (C::is_inf(code)) return FP_INFINITE;
    if (C::is_zero(code)) return FP_ZERO;
    if (T::info.specials != specials::e8m0 && C::field(code) == 0) return FP_SUBNORMAL;
    return FP_NORMAL;
}
template <floating_format T>
constexpr bool isnormal(T x) noexcept
{
    return fpclassify(x) == FP_NORMAL;
}

// ---- Sign manipulation (IEEE abs, copySign: they change the sign bit only, NaNs included).

// |x|. The FNUZ NaN stays NaN; unsigned formats return x.
template <floating_format T>
constexpr T abs(T x) noexcept
{
    using C = detail::code_class<T::info>;
    if (C::is_nan(x.bits()) && !C::negative(x.bits())) return x;
    return detail::with_code<T>(x.bits() & ~T::info.sign_mask);
}

// The magnitude of x with the sign of y (signbit(y)). FNUZ: a NaN x stays NaN and a zero x stays +0,
// since there is no -NaN or -0; unsigned formats return x.
template <floating_format T>
constexpr T copysign(T x, T y) noexcept
{
    using C = detail::code_class<T::info>;
    const std::uint32_t code = x.bits();
    if constexpr (T::info.specials == specials::fnuz) {
        if (C::is_nan(code) || C::magnitude(code) == 0) return x;
    }
    return detail::with_code<T>((code & ~T::info.sign_mask) | (signbit(y) ? T::info.sign_mask : 0));
}

// ---- Neighbours.

// IEEE nextUp: the least value that compares greater than x. nextUp(-min_subnormal) is -0 (+0 in FNUZ),
// nextUp(+-0) the smallest positive value, nextUp(+Inf) = +Inf, nextUp(-Inf) = -max. A NaN is returned
// quieted. Past the largest finite value: +Inf where the format has Inf, else its NaN (FN, FNUZ, E8M0),
// else max itself (FP6, FP4) -- always numeric_limits<T>::infinity(), the same as nonsaturating overflow.
template <floating_format T>
constexpr T next_up(T x) noexcept
{
    using C = detail::code_class<T::info>;
    if (C::is_nan(x.bits())) return detail::with_code<T>(detail::quieted<T::info>(x.bits()));
    return detail::with_code<T>(detail::next_up_code<T::info>(x.bits()));
}

// IEEE nextDown(x) = -nextUp(-x): nextDown(-max) is -Inf, else the NaN, else -max. In unsigned formats
// the smallest value (0, or E8M0's 2^-127) goes to the NaN, or stays where there is none.
template <floating_format T>
constexpr T next_down(T x) noexcept
{
    using C = detail::code_class<T::info>;
    if (C::is_nan(x.bits())) return detail::with_code<T>(detail::quieted<T::info>(x.bits()));
    return detail::with_code<T>(detail::next_down_code<T::info>(x.bits()));
}

// C's nextafter: the next value after `from` in the direction of `to`; `to` itself when they compare equal
// (so nextafter(-0, +0) is +0), a NaN when either is NaN (`from` if it is one).
template <floating_format T>
constexpr T nextafter(T from, T to) noexcept
{
    if (isnan(from)) return from;
    if (isnan(to)) return to;
    if (from == to) return to;
    return from < to ? next_up(from) : next_down(from);
}

// ---- Exponent and significand.

// True when frexp's significand, any value in [0.5, 1) with the format's precision, is always a value of
// the format: the binade [0.5, 1) is normal (and complete). False for FP4 E2M1 and FP6 E2M3, where 0.75
// and 0.5625 are not codes.
template <floating_format T>
inline constexpr bool frexp_is_representable =
    T::info.min_normal_exponent <= -1 &&
    (T::info.max_exponent > -1 || (T::info.max_exponent == -1 && T::info.specials != specials::fn));

// std::frexp: x = m * 2^*exp with |m| in [0.5, 1), exactly. Zeros, infinities and NaNs are returned
// unchanged with *exp = 0. Only for formats where every such m is a code (frexp_is_representable);
// elsewhere use std::frexp(static_cast<double>(x), exp), which is exact.
template <floating_format T>
constexpr T frexp(T x, int* exp) noexcept
{
    static_assert(frexp_is_representable<T>,
                  "lowbit::frexp: the format cannot hold every significand in [0.5, 1); use "
                  "std::frexp(static_cast<double>(x), exp) instead");
    constexpr const format_info& F = T::info;
    const detail::decoded_value v = detail::decode<T::info>(x.bits());
    if (v.cls != detail::value_class::finite) {
        *exp = 0;
        return x;
    }
    const int top = 63 - std::countl_zero(v.significand);  // value = significand * 2^scale
    *exp = v.scale + top + 1;
    const std::uint32_t fraction =
        F.mantissa_bits >= top
            ? static_cast<std::uint32_t>(v.significand << (F.mantissa_bits - top)) & F.fraction_mask
            : 0;  // unreachable: a code's significand has at most mantissa_bits + 1 bits
    const auto field = static_cast<std::uint32_t>(F.bias - 1);
    return detail::with_code<T>((v.negative ? F.sign_mask : 0) | (field << F.mantissa_bits) | fraction);
}

// std::ldexp: x * 2^n, rounded once to nearest-even with nonsaturating overflow (as T(double) would round
// the exact product). Computed on the integer significand, so it is exact for every n: no double
// intermediate, no FPU.
template <floating_format T>
constexpr T ldexp(T x, int n) noexcept
{
    const detail::decoded_value v = detail::decode<T::info>(x.bits());
    if (v.cls != detail::value_class::finite) return x;  // zeros (signed), Inf and NaN are unchanged
    // Beyond +-2^16 every value has over- or underflowed in every format; clamping keeps ints in range.
    constexpr int limit = 1 << 16;
    const int shift = n > limit ? limit : (n < -limit ? -limit : n);
    const int lead = std::countl_zero(v.significand);
    detail::real_parts parts{};
    parts.cls = detail::value_class::finite;
    parts.negative = v.negative;
    parts.exponent = v.scale + (63 - lead) + shift;
    parts.significand = v.significand << lead;
    return detail::with_code<T>(detail::encoder<T::info>::encode(parts, conversion_options{}, {}));
}

// The spacing of the format at x, as an exact double: the distance from |x| to the next value away from
// zero, where |x| is below the largest finite value. At +-max it is the spacing of max's binade (as if
// the format continued), at +-0 the smallest positive value. ulp(+-Inf) = +Inf, ulp(NaN) = NaN. A double
// because the smallest spacing of a format without subnormals is not one of its values.
template <floating_format T>
constexpr double ulp(T x) noexcept
{
    constexpr const format_info& F = T::info;
    const detail::decoded_value v = detail::decode<T::info>(x.bits());
    switch (v.cls) {
    case detail::value_class::nan: return std::numeric_limits<double>::quiet_NaN();
    case detail::value_class::infinite: return std::numeric_limits<double>::infinity();
    case detail::value_class::zero:
        return F.has_subnormals ? detail::compose<double>(false, 1, F.min_normal_exponent - F.mantissa_bits)
                                : detail::compose<double>(false, 1, F.min_normal_exponent);
    case detail::value_class::finite: break;
    }
    const int exponent = v.scale + (63 - std::countl_zero(v.significand));  // floor(log2|x|)
    const int binade = exponent < F.min_normal_exponent ? F.min_normal_exponent : exponent;
    return detail::compose<double>(false, 1, binade - F.mantissa_bits);
}

}  // namespace lowbit
