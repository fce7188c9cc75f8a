// lowbit::intn<N> / lowbit::uintn<N>: two's complement and unsigned integers of 1 to 8 bits, one per byte.
#pragma once

#include <compare>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <limits>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include "../core/options.hpp"

namespace lowbit {

template <int Bits, bool Signed>
class basic_intn;

// Signed (two's complement, [-2^(N-1), 2^(N-1) - 1]) and unsigned ([0, 2^N - 1]) N-bit integers.
template <int N>
using intn = basic_intn<N, true>;
template <int N>
using uintn = basic_intn<N, false>;

// ml_dtypes names int1, int2, int4, uint1, uint2, uint4; the other widths follow the same pattern.
using int1 = intn<1>;
using int2 = intn<2>;
using int3 = intn<3>;
using int4 = intn<4>;
using int5 = intn<5>;
using int6 = intn<6>;
using int7 = intn<7>;
using int8 = intn<8>;
using uint1 = uintn<1>;
using uint2 = uintn<2>;
using uint3 = uintn<3>;
using uint4 = uintn<4>;
using uint5 = uintn<5>;
using uint6 = uintn<6>;
using uint7 = uintn<7>;
using uint8 = uintn<8>;

// True for every instantiation of basic_intn.
template <class T> struct is_intn : std::false_type {};
template <int N, bool S> struct is_intn<basic_intn<N, S>> : std::true_type {};
template <class T> inline constexpr bool is_intn_v = is_intn<std::remove_cv_t<T>>::value;

template <class T>
concept small_integer = is_intn_v<T>;

namespace detail {

// The integer types accepted as sources: those std::cmp_less accepts (no bool, no character types).
template <class T>
concept intn_source_integer =
    std::integral<T> && !std::same_as<std::remove_cv_t<T>, bool> && !std::same_as<std::remove_cv_t<T>, char> &&
    !std::same_as<std::remove_cv_t<T>, wchar_t> && !std::same_as<std::remove_cv_t<T>, char8_t> &&
    !std::same_as<std::remove_cv_t<T>, char16_t> && !std::same_as<std::remove_cv_t<T>, char32_t>;

// float and double only: wider types would be rounded to double first, and that can move a tie.
template <class T>
concept intn_source_float = std::same_as<T, float> || std::same_as<T, double>;

// Rounds a double to an integral value in the given direction. Independent of the floating-point
// environment (std::nearbyint follows fesetround) and usable in constant expressions. NaN and values of
// magnitude 2^52 or more, which are integral already, come back unchanged.
constexpr double intn_round(double v, rounding mode) noexcept
{
    constexpr double two52 = 4503599627370496.0;
    if (!(v > -two52 && v < two52)) return v;
    const auto whole = static_cast<std::int64_t>(v);  // toward zero, exact
    const auto t = static_cast<double>(whole);
    const double frac = v - t;  // exact (Sterbenz), same sign as v, |frac| < 1
    if (frac == 0.0) return t;
    const double away = frac > 0.0 ? t + 1.0 : t - 1.0;
    const double magnitude = frac > 0.0 ? frac : -frac;
    switch (mode) {
    case rounding::toward_zero: return t;
    case rounding::toward_positive: return frac > 0.0 ? away : t;
    case rounding::toward_negative: return frac < 0.0 ? away : t;
    case rounding::nearest_away: return magnitude >= 0.5 ? away : t;
    case rounding::nearest_even: break;
    }
    if (magnitude > 0.5 || (magnitude == 0.5 && whole % 2 != 0)) return away;
    return t;
}

}  // namespace detail

// An N-bit integer held in the low N bits of a byte; the bits above are always zero. No arithmetic:
// convert to int (value()) to compute, and back with wrap<T>() or saturate<T>().
template <int Bits, bool Signed>
class basic_intn {
    static_assert(Bits >= 1 && Bits <= 8, "basic_intn: 1 to 8 bits");

public:
    using storage_type = std::uint8_t;
    static constexpr int width = Bits;
    static constexpr bool is_signed = Signed;
    static constexpr int min_value = Signed ? -(1 << (Bits - 1)) : 0;
    static constexpr int max_value = Signed ? (1 << (Bits - 1)) - 1 : (1 << Bits) - 1;
    static constexpr storage_type code_mask = static_cast<storage_type>((1u << Bits) - 1u);

    // Zero.
    constexpr basic_intn() noexcept = default;

    // Wrapping (two's complement modulo 2^N), like ml_dtypes' intN(x) and static_cast<std::int8_t>.
    template <detail::intn_source_integer I>
    explicit constexpr basic_intn(I x) noexcept : code_(wrap_code(x))
    {
    }

    // Round to nearest, ties to even, then saturate; NaN gives 0 (see saturate()). ml_dtypes and NumPy
    // truncate toward zero here instead, and leave out-of-range values undefined.
    template <detail::intn_source_float F>
    explicit constexpr basic_intn(F x) noexcept : code_(saturate_code(static_cast<double>(x), rounding::nearest_even))
    {
    }

    // The raw code. Bits above N are ignored, as in ml_dtypes; checked_from_bits() rejects them instead.
    static constexpr basic_intn from_bits(storage_type code) noexcept
    {
        basic_intn r;
        r.code_ = static_cast<storage_type>(code & code_mask);
        return r;
    }
    static constexpr basic_intn checked_from_bits(std::uint64_t code)
    {
        if (code > code_mask)
            throw std::out_of_range("lowbit::basic_intn::checked_from_bits: the code has bits above the type's width");
        return from_bits(static_cast<storage_type>(code));
    }
    constexpr storage_type bits() const noexcept { return code_; }

    // The integer value: the code sign-extended from bit N-1 (signed) or zero-extended (unsigned).
    constexpr int value() const noexcept
    {
        if constexpr (Signed) {
            constexpr int sign = 1 << (Bits - 1);
            return (code_ & sign) != 0 ? static_cast<int>(code_) - (1 << Bits) : static_cast<int>(code_);
        } else {
            return static_cast<int>(code_);
        }
    }

    // Exact for every arithmetic type that holds the value (as static_cast<T>(value()) otherwise).
    template <class T>
        requires std::is_arithmetic_v<T>
    explicit constexpr operator T() const noexcept
    {
        return static_cast<T>(value());
    }

    template <detail::intn_source_integer I>
    static constexpr storage_type wrap_code(I x) noexcept
    {
        return static_cast<storage_type>(static_cast<std::make_unsigned_t<I>>(x) & code_mask);
    }
    template <detail::intn_source_integer I>
    static constexpr storage_type saturate_code(I x) noexcept
    {
        if (std::cmp_less(x, min_value)) return wrap_code(min_value);
        if (std::cmp_greater(x, max_value)) return wrap_code(max_value);
        return wrap_code(x);
    }
    // NaN -> 0, -Inf -> min, +Inf -> max, else round in `mode` and clamp.
    static constexpr storage_type saturate_code(double x, rounding mode) noexcept
    {
        if (x != x) return 0;
        if (x <= static_cast<double>(min_value)) return wrap_code(min_value);
        if (x >= static_cast<double>(max_value)) return wrap_code(max_value);
        double r = detail::intn_round(x, mode);  // |x| < 256 here, so the result is exact and in int range
        if (r < min_value) r = min_value;
        if (r > max_value) r = max_value;
        return wrap_code(static_cast<int>(r));
    }

    friend constexpr bool operator==(basic_intn a, basic_intn b) noexcept { return a.code_ == b.code_; }
    friend constexpr std::strong_ordering operator<=>(basic_intn a, basic_intn b) noexcept
    {
        return a.value() <=> b.value();
    }

private:
    storage_type code_ = 0;
};

// The low N bits of x's two's complement representation: x modulo 2^N.
template <small_integer T, detail::intn_source_integer I>
constexpr std::remove_cv_t<T> wrap(I x) noexcept
{
    using U = std::remove_cv_t<T>;
    return U::from_bits(U::wrap_code(x));
}

// x clamped to [T::min_value, T::max_value].
template <small_integer T, detail::intn_source_integer I>
constexpr std::remove_cv_t<T> saturate(I x) noexcept
{
    using U = std::remove_cv_t<T>;
    return U::from_bits(U::saturate_code(x));
}

// x rounded in `mode` (default nearest-even), then clamped; ±Inf clamp to the ends. NaN gives 0 (as CUDA's
// __float2int_rn does); use checked<T>() to reject NaN instead.
template <small_integer T, detail::intn_source_float F>
constexpr std::remove_cv_t<T> saturate(F x, rounding mode = rounding::nearest_even) noexcept
{
    using U = std::remove_cv_t<T>;
    return U::from_bits(U::saturate_code(static_cast<double>(x), mode));
}

// x itself; std::out_of_range when T cannot hold it.
template <small_integer T, detail::intn_source_integer I>
constexpr std::remove_cv_t<T> checked(I x)
{
    using U = std::remove_cv_t<T>;
    if (std::cmp_less(x, U::min_value) || std::cmp_greater(x, U::max_value))
        throw std::out_of_range("lowbit::checked: the integer is outside the range of the target type");
    return U::from_bits(U::wrap_code(x));
}

// x rounded in `mode`; std::domain_error for NaN, std::out_of_range when the rounded value (or ±Inf) is
// outside T's range.
template <small_integer T, detail::intn_source_float F>
constexpr std::remove_cv_t<T> checked(F x, rounding mode = rounding::nearest_even)
{
    using U = std::remove_cv_t<T>;
    const auto v = static_cast<double>(x);
    if (v != v) throw std::domain_error("lowbit::checked: NaN has no integer value");
    const double r = detail::intn_round(v, mode);
    if (!(r >= U::min_value && r <= U::max_value))
        throw std::out_of_range("lowbit::checked: the rounded value is outside the range of the target type");
    return U::from_bits(U::wrap_code(static_cast<int>(r)));
}

// Prints the integer value (never as a character). Templated on the stream so that this header needs only
// <iosfwd>; the caller's <ostream> supplies the int inserter.
template <class CharT, class Traits, int N, bool S>
std::basic_ostream<CharT, Traits>& operator<<(std::basic_ostream<CharT, Traits>& os, basic_intn<N, S> x)
{
    return os << x.value();
}

}  // namespace lowbit

// Hashes the code, so equal values hash equally.
template <int N, bool S>
struct std::hash<lowbit::basic_intn<N, S>> {
    std::size_t operator()(lowbit::basic_intn<N, S> x) const noexcept { return std::hash<std::uint8_t>{}(x.bits()); }
};

// Every member, with the meaning it has for the built-in integers. There is no arithmetic (so no traps);
// is_modulo follows the built-in types because wrap<T>() is the natural conversion. std provides the
// const/volatile forms from these.
template <int N, bool S>
struct std::numeric_limits<lowbit::basic_intn<N, S>> {
private:
    using T = lowbit::basic_intn<N, S>;

public:
    static constexpr bool is_specialized = true;
    static constexpr T min() noexcept { return lowbit::wrap<T>(T::min_value); }
    static constexpr T max() noexcept { return lowbit::wrap<T>(T::max_value); }
    static constexpr T lowest() noexcept { return min(); }
    static constexpr int digits = S ? N - 1 : N;
    static constexpr int digits10 = digits * 643 / 2136;  // floor(digits * log10(2)), as libstdc++ computes it
    static constexpr int max_digits10 = 0;
    static constexpr bool is_signed = S;
    static constexpr bool is_integer = true;
    static constexpr bool is_exact = true;
    static constexpr int radix = 2;
    static constexpr T epsilon() noexcept { return T(); }
    static constexpr T round_error() noexcept { return T(); }
    static constexpr int min_exponent = 0;
    static constexpr int min_exponent10 = 0;
    static constexpr int max_exponent = 0;
    static constexpr int max_exponent10 = 0;
    static constexpr bool has_infinity = false;
    static constexpr bool has_quiet_NaN = false;
    static constexpr bool has_signaling_NaN = false;
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"  // has_denorm is deprecated in C++23
#endif
    static constexpr std::float_denorm_style has_denorm = std::denorm_absent;
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif
    static constexpr bool has_denorm_loss = false;
    static constexpr T infinity() noexcept { return T(); }
    static constexpr T quiet_NaN() noexcept { return T(); }
    static constexpr T signaling_NaN() noexcept { return T(); }
    static constexpr T denorm_min() noexcept { return T(); }
    static constexpr bool is_iec559 = false;
    static constexpr bool is_bounded = true;
    static constexpr bool is_modulo = !S;
    static constexpr bool traps = false;
    static constexpr bool tinyness_before = false;
    static constexpr std::float_round_style round_style = std::round_toward_zero;
};
