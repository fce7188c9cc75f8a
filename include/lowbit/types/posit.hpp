// lowbit::posit<N, ES>: posits of the Posit Standard (2022) shape and SoftPosit's older shapes, with
// correctly rounded arithmetic, the standard's NaR/ordering rules, numeric_limits, hash and printing.
#pragma once

#include <bit>
#include <charconv>
#include <compare>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <ostream>
#include <type_traits>

#include "../core/posit_engine.hpp"
#include "../core/real_parts.hpp"

namespace lowbit {

// An N-bit posit with ES exponent bits (2 <= N <= 32, 0 <= ES <= 4), stored in the low bits of the
// smallest unsigned integer that holds N bits. Code 0 is zero and code 100...0 is NaR ("not a real");
// every other code is a real number with a regime, up to ES exponent bits and a fraction.
template <int N, int ES>
class posit {
    static_assert(N >= 2, "lowbit::posit: N (total bits) must be at least 2");
    static_assert(N <= 32, "lowbit::posit: N (total bits) must be at most 32 (no wider storage type)");
    static_assert(ES >= 0, "lowbit::posit: ES (exponent bits) cannot be negative");
    static_assert(ES <= 4, "lowbit::posit: ES (exponent bits) must be at most 4");

    using shape = detail::posit_shape<N, ES>;

public:
    using storage_type = detail::posit_storage<N>;
    static constexpr int nbits = N;
    static constexpr int es = ES;
    static constexpr int max_scale = shape::max_scale;  // maxpos = 2^max_scale, minpos = 2^-max_scale

    // Every posit is a double exactly (at most 29 fraction bits, |scale| <= 480). It is a float exactly when
    // every value is a normal float with at most 23 fraction bits (posit8, posit16; not posit32).
    static constexpr bool decodes_exactly_to_float =
        shape::max_fraction_bits <= 23 && shape::max_scale <= 126;

    constexpr posit() noexcept = default;

    // Rounded as the standard says (see posit_encode): NaN and ±Inf give NaR, ±0 gives 0, and a nonzero
    // finite value never becomes 0 or NaR. Doubles are rounded once, from their exact value.
    explicit constexpr posit(float x) noexcept : code_(narrow(detail::posit_from_float<N, ES>(x))) {}
    explicit constexpr posit(double x) noexcept : code_(narrow(detail::posit_from_float<N, ES>(x))) {}
    template <std::integral I>
    explicit constexpr posit(I x) noexcept : code_(narrow(from_integer(x)))
    {
    }
    // From another posit shape: one rounding of the exact value (NaR stays NaR).
    template <int N2, int ES2>
        requires(N2 != N || ES2 != ES)
    explicit constexpr posit(posit<N2, ES2> other) noexcept : code_(narrow(recode<N2, ES2>(other.bits())))
    {
    }

    // Bits above N are ignored.
    static constexpr posit from_bits(storage_type code) noexcept
    {
        posit r;
        r.code_ = static_cast<storage_type>(code & shape::mask);
        return r;
    }
    constexpr storage_type bits() const noexcept { return code_; }

    static constexpr posit nar() noexcept { return from_bits(static_cast<storage_type>(shape::nar)); }
    static constexpr posit maxpos() noexcept { return from_bits(static_cast<storage_type>(shape::maxpos)); }
    static constexpr posit minpos() noexcept { return from_bits(static_cast<storage_type>(shape::minpos)); }
    constexpr bool is_nar() const noexcept { return code_ == shape::nar; }
    constexpr bool is_zero() const noexcept { return code_ == 0; }
    constexpr bool is_negative() const noexcept { return !is_nar() && (code_ & shape::nar) != 0; }

    // Exact. NaR becomes a quiet NaN.
    explicit constexpr operator double() const noexcept
    {
        const detail::posit_parts p = detail::posit_decode<N, ES>(code_);
        if (p.nar) return detail::quiet_nan<double>(false);
        if (p.zero) return 0.0;
        return detail::compose<double>(p.negative, p.significand >> 32, p.scale - 31);
    }
    // Exact, so only offered where every posit is a float; for the others (posit32) round the exact double:
    // static_cast<float>(static_cast<double>(p)) is one rounding, by the FPU's rounding mode.
    explicit constexpr operator float() const noexcept
        requires decodes_exactly_to_float
    {
        const detail::posit_parts p = detail::posit_decode<N, ES>(code_);
        if (p.nar) return detail::quiet_nan<float>(false);
        if (p.zero) return 0.0f;
        return detail::compose<float>(p.negative, p.significand >> 40, p.scale - 23);
    }

    constexpr posit operator+() const noexcept { return *this; }
    constexpr posit operator-() const noexcept { return from_raw(detail::posit_negate<N, ES>(code_)); }

    // Each result is the exact result rounded once; NaR in gives NaR out, x / 0 is NaR.
    friend constexpr posit operator+(posit a, posit b) noexcept { return from_raw(detail::posit_add<N, ES>(a.code_, b.code_)); }
    friend constexpr posit operator-(posit a, posit b) noexcept
    {
        return from_raw(detail::posit_add<N, ES>(a.code_, detail::posit_negate<N, ES>(b.code_)));
    }
    friend constexpr posit operator*(posit a, posit b) noexcept { return from_raw(detail::posit_multiply<N, ES>(a.code_, b.code_)); }
    friend constexpr posit operator/(posit a, posit b) noexcept { return from_raw(detail::posit_divide<N, ES>(a.code_, b.code_)); }
    constexpr posit& operator+=(posit b) noexcept { return *this = *this + b; }
    constexpr posit& operator-=(posit b) noexcept { return *this = *this - b; }
    constexpr posit& operator*=(posit b) noexcept { return *this = *this * b; }
    constexpr posit& operator/=(posit b) noexcept { return *this = *this / b; }

    // Posit Standard 2022: posits compare as the two's-complement integers of their codes, so the order is
    // total, NaR equals NaR and is below every real.
    friend constexpr bool operator==(posit a, posit b) noexcept { return a.code_ == b.code_; }
    friend constexpr std::strong_ordering operator<=>(posit a, posit b) noexcept
    {
        return detail::posit_signed_code<N>(a.code_) <=> detail::posit_signed_code<N>(b.code_);
    }

private:
    template <int, int> friend class posit;

    static constexpr storage_type narrow(std::uint32_t code) noexcept { return static_cast<storage_type>(code); }
    static constexpr posit from_raw(std::uint32_t code) noexcept { return from_bits(narrow(code)); }

    template <std::integral I>
    static constexpr std::uint32_t from_integer(I x) noexcept
    {
        if (x == 0) return 0;
        bool negative = false;
        std::uint64_t magnitude = 0;
        if constexpr (std::is_signed_v<I>) {
            negative = x < 0;
            const auto wide = static_cast<std::int64_t>(x);
            magnitude = negative ? std::uint64_t{0} - static_cast<std::uint64_t>(wide) : static_cast<std::uint64_t>(wide);
        } else {
            magnitude = static_cast<std::uint64_t>(x);
        }
        return detail::posit_encode_integer<N, ES>(negative, magnitude, 0, false);
    }

    template <int N2, int ES2>
    static constexpr std::uint32_t recode(std::uint32_t code) noexcept
    {
        const detail::posit_parts p = detail::posit_decode<N2, ES2>(code);
        if (p.nar) return shape::nar;
        if (p.zero) return 0;
        return detail::posit_encode<N, ES>(p.negative, p.scale, p.significand, false);
    }

    storage_type code_ = 0;
};

// Posit Standard (2022): es = 2 for every width.
using posit8 = posit<8, 2>;
using posit16 = posit<16, 2>;
using posit32 = posit<32, 2>;
// SoftPosit's posit8_t / posit16_t / posit32_t (pre-2022 draft shapes). Same sizes, different values:
// 2.0 is 0x60 in softposit8 and 0x48 in posit8.
using softposit8 = posit<8, 0>;
using softposit16 = posit<16, 1>;
using softposit32 = posit<32, 2>;

// Correctly rounded; NaR for negative inputs and NaR.
template <int N, int ES>
constexpr posit<N, ES> sqrt(posit<N, ES> a) noexcept
{
    using P = posit<N, ES>;
    return P::from_bits(static_cast<typename P::storage_type>(detail::posit_sqrt<N, ES>(a.bits())));
}
// Exact; abs(NaR) is NaR.
template <int N, int ES>
constexpr posit<N, ES> abs(posit<N, ES> a) noexcept
{
    return a.is_negative() ? -a : a;
}

template <class T> struct is_posit : std::false_type {};
template <int N, int ES> struct is_posit<posit<N, ES>> : std::true_type {};
template <class T> inline constexpr bool is_posit_v = is_posit<std::remove_cv_t<T>>::value;
template <class T>
concept posit_type = is_posit_v<T>;

// The rounding entry point matching lowbit::convert for the float formats: the standard's rounding
// (nearest-even on the bit string, saturating, NaN/Inf -> NaR). Posits have no other rounding mode.
template <posit_type P, detail::binary_float F>
constexpr P convert(F x) noexcept
{
    return P(x);
}

// Prints the exact value through the shortest double that reads back as it (so it also reads back as the
// posit); NaR prints as "NaR". Stream width and precision are not applied.
template <int N, int ES>
std::ostream& operator<<(std::ostream& os, posit<N, ES> x)
{
    if (x.is_nar()) return os << "NaR";
    char buffer[32];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, static_cast<double>(x));
    return os.write(buffer, result.ptr - buffer);
}

}  // namespace lowbit

// NaR is reported as the quiet NaN (it is what invalid operations and NaN inputs give), with the caveat that
// NaR == NaR and NaR < every real, unlike IEEE NaN. No infinity, no denormals, no signaling NaN.
template <int N, int ES>
struct std::numeric_limits<lowbit::posit<N, ES>> {
private:
    using P = lowbit::posit<N, ES>;
    // floor(s * log10(2)) for |s| < 1700.
    static constexpr int log10_of_pow2(int s) noexcept { return (s * 78913) >> 18; }

public:
    static constexpr bool is_specialized = true;
    static constexpr bool is_signed = true;
    static constexpr bool is_integer = false;
    static constexpr bool is_exact = false;
    static constexpr bool has_infinity = false;
    static constexpr bool has_quiet_NaN = true;
    static constexpr bool has_signaling_NaN = false;
    static constexpr std::float_denorm_style has_denorm = std::denorm_absent;
    static constexpr bool has_denorm_loss = false;
    static constexpr std::float_round_style round_style = std::round_to_nearest;
    static constexpr bool is_iec559 = false;
    static constexpr bool is_bounded = true;
    static constexpr bool is_modulo = false;
    // Significand bits (hidden one included) at 1.0, where posits are most precise.
    static constexpr int digits = N - 2 - ES > 1 ? N - 2 - ES : 1;
    static constexpr int digits10 = ((digits - 1) * 78913) >> 18;
    static constexpr int max_digits10 = ((digits * 78913) >> 18) + 2;
    static constexpr int radix = 2;
    static constexpr int min_exponent = -P::max_scale + 1;
    static constexpr int min_exponent10 = -log10_of_pow2(P::max_scale);
    static constexpr int max_exponent = P::max_scale + 1;
    static constexpr int max_exponent10 = log10_of_pow2(P::max_scale);
    static constexpr bool traps = false;
    static constexpr bool tinyness_before = false;

    static constexpr P min() noexcept { return P::minpos(); }
    static constexpr P max() noexcept { return P::maxpos(); }
    static constexpr P lowest() noexcept { return -P::maxpos(); }
    // The gap between 1 and the next posit, rounded to a posit (exact unless N - 3 - ES <= 0).
    static constexpr P epsilon() noexcept
    {
        const P one(1);
        return P::from_bits(static_cast<typename P::storage_type>(one.bits() + 1u)) - one;
    }
    static constexpr P round_error() noexcept { return P(0.5); }
    static constexpr P infinity() noexcept { return P::nar(); }  // has_infinity is false; ±Inf convert to NaR
    static constexpr P quiet_NaN() noexcept { return P::nar(); }
    static constexpr P signaling_NaN() noexcept { return P::nar(); }
    static constexpr P denorm_min() noexcept { return P::minpos(); }
};

template <int N, int ES>
struct std::hash<lowbit::posit<N, ES>> {
    std::size_t operator()(lowbit::posit<N, ES> x) const noexcept
    {
        return std::hash<typename lowbit::posit<N, ES>::storage_type>{}(x.bits());
    }
};
