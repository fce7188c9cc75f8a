// Exact sum, difference, product and quotient of two values given as (sign, integer significand, exponent),
// reduced to the one thing a correct rounding needs: the leading 64 bits of the exact result and a sticky flag
// for everything below them. Integer arithmetic only; the result goes to the rounding engine (encode.hpp) once.
#pragma once

#include <bit>
#include <cstdint>
#include <type_traits>

#include "decode.hpp"
#include "options.hpp"
#include "real_parts.hpp"

namespace lowbit {
namespace detail {

// Operands are decoded_value: (-1)^negative * significand * 2^scale for finite values, any significand up
// to 64 bits (format codes have at most 32, integers up to 64). For NaN, `significand` carries the payload
// left-aligned with the quiet bit at bit 63, as in real_parts.

// The real_parts of the exact value (-1)^negative * (n + f) * 2^scale, where n is an integer and f is 0 when
// `sticky` is false and some value in (0, 1) when it is true.
constexpr real_parts exact_parts(bool negative, std::uint64_t n, int scale, bool sticky) noexcept
{
    if (n == 0) {
        // Only exact zeros reach here: every caller with a nonzero remainder has n != 0.
        return {value_class::zero, negative, 0, 0, false};
    }
    const int lead = std::countl_zero(n);
    return {value_class::finite, negative, scale + 63 - lead, n << lead, sticky};
}

// The same for n = hi * 2^64 + lo: the leading 64 bits, the rest folded into the sticky flag.
constexpr real_parts exact_parts(bool negative, std::uint64_t hi, std::uint64_t lo, int scale, bool sticky) noexcept
{
    if (hi == 0) return exact_parts(negative, lo, scale, sticky);
    const int lead = std::countl_zero(hi);
    const std::uint64_t top = lead == 0 ? hi : (hi << lead) | (lo >> (64 - lead));
    const std::uint64_t below = lead == 0 ? lo : lo << lead;  // the bits of lo that did not fit
    return {value_class::finite, negative, scale + 64 + 63 - lead, top, sticky || below != 0};
}

constexpr real_parts nan_parts(const decoded_value& v) noexcept
{
    return {value_class::nan, v.negative, 0, v.significand | (std::uint64_t{1} << 63), false};
}

// An invalid operation (Inf - Inf, 0 * Inf, 0 / 0, Inf / Inf): a positive quiet NaN without payload.
constexpr real_parts invalid_parts() noexcept { return {value_class::nan, false, 0, std::uint64_t{1} << 63, false}; }

constexpr real_parts infinite_parts(bool negative) noexcept { return {value_class::infinite, negative, 0, 0, false}; }

constexpr real_parts finite_parts(const decoded_value& v) noexcept
{
    return exact_parts(v.negative, v.significand, v.scale, false);
}

// a + b, or a - b when `subtract`. `mode` decides the sign of an exact zero sum of opposite-signed operands:
// -0 under toward_negative, +0 otherwise (IEEE 754 §6.3).
constexpr real_parts exact_add(decoded_value a, decoded_value b, bool subtract, rounding mode) noexcept
{
    if (a.cls == value_class::nan) return nan_parts(a);
    if (b.cls == value_class::nan) return nan_parts(b);
    b.negative = b.negative != subtract;
    if (a.cls == value_class::infinite) {
        if (b.cls == value_class::infinite && a.negative != b.negative) return invalid_parts();
        return infinite_parts(a.negative);
    }
    if (b.cls == value_class::infinite) return infinite_parts(b.negative);
    const bool zero_sign = mode == rounding::toward_negative;
    if (a.cls == value_class::zero || a.significand == 0) {
        if (b.cls == value_class::zero || b.significand == 0)
            return {value_class::zero, a.negative == b.negative ? a.negative : zero_sign, 0, 0, false};
        return finite_parts(b);
    }
    if (b.cls == value_class::zero || b.significand == 0) return finite_parts(a);

    // Normalise both significands to bit 63 and order by magnitude: |a| >= |b|.
    int lead_a = std::countl_zero(a.significand);
    int lead_b = std::countl_zero(b.significand);
    std::uint64_t sa = a.significand << lead_a;
    std::uint64_t sb = b.significand << lead_b;
    int ea = a.scale + 63 - lead_a;  // floor(log2 |a|)
    int eb = b.scale + 63 - lead_b;
    bool na = a.negative;
    bool nb = b.negative;
    if (eb > ea || (eb == ea && sb > sa)) {
        const std::uint64_t ts = sa;
        sa = sb;
        sb = ts;
        const int te = ea;
        ea = eb;
        eb = te;
        const bool tn = na;
        na = nb;
        nb = tn;
    }
    // A 128-bit window (hi, lo) with a's leading bit at bit 126, so a carry has room at bit 127; b is shifted
    // right by the exponent difference d. Every bit of b stays in the window while d <= 63; beyond that the
    // bits that fall off only set `lost`. Then |a ± b| = (n + f) * 2^(ea - 126) with n the window result and
    // f in (0, 1) exactly when `lost`.
    const unsigned d_raw = static_cast<unsigned>(ea - eb);
    const std::uint64_t a_hi = sa >> 1;
    const std::uint64_t a_lo = sa << 63;
    std::uint64_t b_hi = sb >> 1;
    std::uint64_t b_lo = sb << 63;
    bool lost = false;
    if (d_raw >= 128) {
        b_hi = 0;
        b_lo = 0;
        lost = true;  // b != 0
    } else if (d_raw >= 64) {
        const unsigned s = d_raw - 64;
        lost = b_lo != 0 || (s != 0 && (b_hi << (64 - s)) != 0);
        b_lo = b_hi >> s;
        b_hi = 0;
    } else if (d_raw > 0) {
        const unsigned s = d_raw;
        lost = (b_lo << (64 - s)) != 0;
        b_lo = (b_lo >> s) | (b_hi << (64 - s));
        b_hi >>= s;
    }
    std::uint64_t hi;
    std::uint64_t lo;
    if (na == nb) {
        // (n_a + n_b + f): the floor is the integer sum, the fraction stays.
        lo = a_lo + b_lo;
        hi = a_hi + b_hi + (lo < a_lo ? 1u : 0u);
    } else {
        // n_a - (n_b + f) = (n_a - n_b - 1) + (1 - f) with 1 - f in (0, 1).
        const std::uint64_t sub_lo = b_lo + (lost ? 1u : 0u);
        const std::uint64_t carry = sub_lo < b_lo ? 1u : 0u;
        const std::uint64_t sub_hi = b_hi + carry;
        lo = a_lo - sub_lo;
        hi = a_hi - sub_hi - (a_lo < sub_lo ? 1u : 0u);
        if (hi == 0 && lo == 0 && !lost) return {value_class::zero, zero_sign, 0, 0, false};
    }
    return exact_parts(na, hi, lo, ea - 126, lost);
}

// The 128-bit product of two 64-bit integers, from 32-bit halves (portable; no __int128 under -Wpedantic).
constexpr void multiply_64x64(std::uint64_t x, std::uint64_t y, std::uint64_t& hi, std::uint64_t& lo) noexcept
{
    const std::uint64_t x0 = x & 0xFFFFFFFFu, x1 = x >> 32;
    const std::uint64_t y0 = y & 0xFFFFFFFFu, y1 = y >> 32;
    const std::uint64_t p00 = x0 * y0, p01 = x0 * y1, p10 = x1 * y0, p11 = x1 * y1;
    const std::uint64_t middle = (p00 >> 32) + (p01 & 0xFFFFFFFFu) + (p10 & 0xFFFFFFFFu);
    lo = (middle << 32) | (p00 & 0xFFFFFFFFu);
    hi = p11 + (p01 >> 32) + (p10 >> 32) + (middle >> 32);
}

constexpr real_parts exact_mul(const decoded_value& a, const decoded_value& b) noexcept
{
    if (a.cls == value_class::nan) return nan_parts(a);
    if (b.cls == value_class::nan) return nan_parts(b);
    const bool negative = a.negative != b.negative;
    const bool a_zero = a.cls == value_class::zero || (a.cls == value_class::finite && a.significand == 0);
    const bool b_zero = b.cls == value_class::zero || (b.cls == value_class::finite && b.significand == 0);
    if (a.cls == value_class::infinite || b.cls == value_class::infinite) {
        if (a_zero || b_zero) return invalid_parts();
        return infinite_parts(negative);
    }
    if (a_zero || b_zero) return {value_class::zero, negative, 0, 0, false};
    if (((a.significand | b.significand) >> 32) == 0)  // format codes: the product fits 64 bits
        return exact_parts(negative, a.significand * b.significand, a.scale + b.scale, false);
    std::uint64_t hi = 0;
    std::uint64_t lo = 0;
    multiply_64x64(a.significand, b.significand, hi, lo);
    return exact_parts(negative, hi, lo, a.scale + b.scale, false);
}

constexpr real_parts exact_div(const decoded_value& a, const decoded_value& b) noexcept
{
    if (a.cls == value_class::nan) return nan_parts(a);
    if (b.cls == value_class::nan) return nan_parts(b);
    const bool negative = a.negative != b.negative;
    const bool a_zero = a.cls == value_class::zero || (a.cls == value_class::finite && a.significand == 0);
    const bool b_zero = b.cls == value_class::zero || (b.cls == value_class::finite && b.significand == 0);
    if (a.cls == value_class::infinite) {
        if (b.cls == value_class::infinite) return invalid_parts();
        return infinite_parts(negative);
    }
    if (b.cls == value_class::infinite) return {value_class::zero, negative, 0, 0, false};
    if (b_zero) {
        if (a_zero) return invalid_parts();
        return infinite_parts(negative);  // division by zero is exact: ±Inf, not an overflow
    }
    if (a_zero) return {value_class::zero, negative, 0, 0, false};

    if (((a.significand | b.significand) >> 32) == 0) {
        // Both significands below 2^32: normalise them to bit 31, so x / y lies in (1/2, 2). Two 32-bit steps
        // of long division give q = floor(x * 2^63 / y) >= 2^62, at least 63 quotient bits, and the remainder
        // decides the sticky flag.
        const int lead_a = std::countl_zero(a.significand) - 32;
        const int lead_b = std::countl_zero(b.significand) - 32;
        const std::uint64_t x = a.significand << lead_a;
        const std::uint64_t y = b.significand << lead_b;
        const std::uint64_t step1 = x << 31;
        const std::uint64_t q1 = step1 / y;
        const std::uint64_t r1 = step1 % y;  // < y < 2^32
        const std::uint64_t step2 = r1 << 32;
        const std::uint64_t q2 = step2 / y;  // < 2^32 since r1 < y
        const std::uint64_t r2 = step2 % y;
        const std::uint64_t q = (q1 << 32) | q2;
        // a / b = (x / y) * 2^(a.scale - lead_a - b.scale + lead_b) and x / y = (q + r2 / y) * 2^-63.
        return exact_parts(negative, q, a.scale - lead_a - b.scale + lead_b - 63, r2 != 0);
    }
    // General case (an integer operand): restoring division, one quotient bit per step, of significands
    // normalised to bit 63. q = floor(x * 2^63 / y), with the 65th remainder bit kept in `top`.
    const int lead_a = std::countl_zero(a.significand);
    const int lead_b = std::countl_zero(b.significand);
    std::uint64_t remainder = a.significand << lead_a;
    const std::uint64_t y = b.significand << lead_b;
    std::uint64_t q = 0;
    bool top = false;
    for (int i = 0; i < 64; ++i) {
        q <<= 1;
        if (top || remainder >= y) {
            remainder -= y;  // wraps correctly when `top` holds the 65th bit
            q |= 1;
        }
        top = (remainder >> 63) != 0;
        remainder <<= 1;
    }
    return exact_parts(negative, q, a.scale - lead_a - b.scale + lead_b - 63, top || remainder != 0);
}

// A code of format F as an exact operand. decode() gives NaNs no payload; IEEE-like formats get theirs here
// (the fraction, left-aligned), so that arithmetic and conversion can pass it on under keep_payload.
template <const format_info& F>
constexpr decoded_value code_operand(std::uint32_t code) noexcept
{
    decoded_value v = decode<F>(code);
    if constexpr (F.specials == specials::ieee) {
        if (v.cls == value_class::nan)
            v.significand = static_cast<std::uint64_t>(code & F.fraction_mask) << (64 - F.mantissa_bits);
    }
    return v;
}

// An integer as an exact operand (no rounding: up to 64 significant bits).
template <class I>
constexpr decoded_value integer_operand(I value) noexcept
{
    if (value == 0) return {value_class::zero, false, 0, 0};
    if constexpr (std::is_signed_v<I>) {
        if (value < 0) {
            // Negate in unsigned arithmetic so the most negative value works too.
            const auto magnitude = std::uint64_t{0} - static_cast<std::uint64_t>(static_cast<std::int64_t>(value));
            return {value_class::finite, true, magnitude, 0};
        }
    }
    return {value_class::finite, false, static_cast<std::uint64_t>(value), 0};
}

// A float or double as an exact operand.
template <binary_float F>
constexpr decoded_value host_operand(F x) noexcept
{
    const real_parts p = split(x);
    if (p.cls == value_class::finite) return {p.cls, p.negative, p.significand, p.exponent - 63};
    return {p.cls, p.negative, p.significand, 0};  // NaN keeps its left-aligned payload
}

}  // namespace detail
}  // namespace lowbit
