// Comparisons of two values of one float_format with IEEE 754 meaning, and the IEEE totalOrder predicate.
#pragma once

#include <compare>
#include <cstdint>

#include "../core/decode.hpp"
#include "../core/format_info.hpp"
#include "float_format.hpp"

namespace lowbit {
namespace detail {

// What a code is, from its bits (no conversion to float). Shared by comparisons, classification,
// hashing and the math functions.
template <const format_info& F>
struct code_class {
    static constexpr std::uint32_t magnitude(std::uint32_t code) noexcept { return code & F.magnitude_mask; }
    static constexpr bool sign(std::uint32_t code) noexcept { return (code & F.sign_mask) != 0; }
    static constexpr std::uint32_t field(std::uint32_t code) noexcept
    {
        return magnitude(code) >> F.mantissa_bits;
    }

    // NaN, Inf and zero are whatever the decoder says they are, so the policy rules live in one place.
    static constexpr bool is_nan(std::uint32_t code) noexcept { return decode(F, code).cls == value_class::nan; }
    static constexpr bool is_inf(std::uint32_t code) noexcept
    {
        return decode(F, code).cls == value_class::infinite;
    }
    // Zero, including -0 and, in formats without subnormals, the field-0 codes that read as zero.
    static constexpr bool is_zero(std::uint32_t code) noexcept { return decode(F, code).cls == value_class::zero; }
    // The magnitude with every zero code folded onto 0, so that equal values have equal magnitudes.
    static constexpr std::uint32_t canonical_magnitude(std::uint32_t code) noexcept
    {
        return is_zero(code) ? 0 : magnitude(code);
    }
    // The sign of the value (the FNUZ NaN, the sign bit alone, is unsigned).
    static constexpr bool negative(std::uint32_t code) noexcept
    {
        return sign(code) && !(F.specials == specials::fnuz && code == F.sign_mask);
    }
    // A signed integer that orders non-NaN values as the reals they stand for (+0 and -0 both map to 0).
    static constexpr std::int64_t ordinal(std::uint32_t code) noexcept
    {
        const auto m = static_cast<std::int64_t>(canonical_magnitude(code));
        return sign(code) ? -m : m;
    }
};

}  // namespace detail

// IEEE comparisons: NaN is unordered (every comparison but != is false), +0 == -0. FNUZ formats have one
// NaN and no -0; E8M0 has no zero. Formats without subnormals read their field-0 codes as zero, so those
// codes equal 0.
template <floating_format T>
constexpr bool operator==(T a, T b) noexcept
{
    using C = detail::code_class<T::info>;
    if (C::is_nan(a.bits()) || C::is_nan(b.bits())) return false;
    return C::ordinal(a.bits()) == C::ordinal(b.bits());
}

template <floating_format T>
constexpr std::partial_ordering operator<=>(T a, T b) noexcept
{
    using C = detail::code_class<T::info>;
    if (C::is_nan(a.bits()) || C::is_nan(b.bits())) return std::partial_ordering::unordered;
    return C::ordinal(a.bits()) <=> C::ordinal(b.bits());
}

// Spelled out rather than left to the rewritten <=>, which would build a partial_ordering for each test.
template <floating_format T>
constexpr bool operator!=(T a, T b) noexcept
{
    return !(a == b);
}
template <floating_format T>
constexpr bool operator<(T a, T b) noexcept
{
    using C = detail::code_class<T::info>;
    if (C::is_nan(a.bits()) || C::is_nan(b.bits())) return false;
    return C::ordinal(a.bits()) < C::ordinal(b.bits());
}
template <floating_format T>
constexpr bool operator<=(T a, T b) noexcept
{
    using C = detail::code_class<T::info>;
    if (C::is_nan(a.bits()) || C::is_nan(b.bits())) return false;
    return C::ordinal(a.bits()) <= C::ordinal(b.bits());
}
template <floating_format T>
constexpr bool operator>(T a, T b) noexcept
{
    return b < a;
}
template <floating_format T>
constexpr bool operator>=(T a, T b) noexcept
{
    return b <= a;
}

// An unsigned key whose order is IEEE 754 totalOrder:
//   -NaN (larger payload first) < -Inf < -max < ... < -0 < +0 < ... < +max < +Inf < +NaN (larger payload last),
// with signaling NaNs nearer zero than quiet ones. Every code gets a distinct key. Formats without a signed
// NaN (FNUZ, E8M0, fn's +NaN) put their positive/unsigned NaN last; the FNUZ NaN, whose bits are those of
// -0, sorts after +max. Formats without subnormals order their field-0 codes (all equal to zero) by bits,
// between -0 and the smallest normal on their side. Unsigned formats order by code.
template <floating_format T>
constexpr typename T::storage_type total_order_key(T x) noexcept
{
    using S = typename T::storage_type;
    constexpr const format_info& F = T::info;
    const std::uint32_t code = x.bits();
    if constexpr (!F.is_signed) {
        return static_cast<S>(code);
    } else if constexpr (F.specials == specials::fnuz) {
        // Negative codes descend from key 0, then +0 .. +max, then the NaN on the last key.
        constexpr std::uint32_t all = F.sign_mask | F.magnitude_mask;
        if (code == F.sign_mask) return static_cast<S>(all);
        if (code & F.sign_mask) return static_cast<S>(all - code);
        return static_cast<S>(code + F.sign_mask - 1);
    } else {
        constexpr std::uint32_t all = F.sign_mask | F.magnitude_mask;
        if (code & F.sign_mask) return static_cast<S>(~code & all);
        return static_cast<S>(code | F.sign_mask);
    }
}

// IEEE 754 totalOrder(a, b): true when a precedes b or is the same code in the order of total_order_key.
// Use total_order_key(a) < total_order_key(b) as a strict weak order for sorting.
template <floating_format T>
constexpr bool total_order(T a, T b) noexcept
{
    return total_order_key(a) <= total_order_key(b);
}

}  // namespace lowbit
