// Integer-only posit<N, ES> kernels: decode a code, round an exact value to a code (Posit Standard 2022
// bit-string rounding), and the correctly rounded + - * / sqrt built on them.
#pragma once

#include <bit>
#include <cstdint>
#include <type_traits>

#include "real_parts.hpp"

namespace lowbit {
namespace detail {

template <int N>
using posit_storage = std::conditional_t<(N <= 8), std::uint8_t, std::conditional_t<(N <= 16), std::uint16_t, std::uint32_t>>;

// Constants of posit<N, ES> as 32-bit codes (the code sits in the low N bits).
template <int N, int ES>
struct posit_shape {
    static constexpr std::uint32_t mask = N == 32 ? 0xFFFF'FFFFu : (std::uint32_t{1} << N) - 1;
    static constexpr std::uint32_t nar = std::uint32_t{1} << (N - 1);
    static constexpr std::uint32_t maxpos = nar - 1;
    static constexpr std::uint32_t minpos = 1;
    static constexpr int max_regime = N - 2;                 // m of maxpos; minpos has m = -(N - 2)
    static constexpr int max_scale = (N - 2) * (1 << ES);    // maxpos = 2^max_scale, minpos = 2^-max_scale
    static constexpr int max_fraction_bits = N - 3 - ES > 0 ? N - 3 - ES : 0;  // the fraction bits of 1.0
};

// A posit's value: (-1)^negative * significand * 2^(scale - 63), bit 63 of significand set (so `scale` is
// floor(log2 |x|)). At most 30 significand bits are used (N - 3 - ES fraction bits and the hidden one).
struct posit_parts {
    bool nar;
    bool zero;
    bool negative;
    int scale;
    std::uint64_t significand;
};

template <int N, int ES>
constexpr posit_parts posit_decode(std::uint32_t code) noexcept
{
    using S = posit_shape<N, ES>;
    code &= S::mask;
    if (code == 0) return {false, true, false, 0, 0};
    if (code == S::nar) return {true, false, false, 0, 0};
    const bool negative = (code & S::nar) != 0;
    const std::uint32_t magnitude = negative ? (0u - code) & S::mask : code;
    // The N - 1 bits after the sign, left-aligned: the regime run starts at bit 63.
    const std::uint64_t body = std::uint64_t{magnitude} << (65 - N);
    const bool ones = (body >> 63) != 0;
    const int run = ones ? std::countl_one(body) : std::countl_zero(body);  // stops inside the N - 1 bits
    const int regime = ones ? run - 1 : -run;
    const std::uint64_t rest = body << (run + 1);  // run + 1 <= N <= 32; cut-off exponent bits read as 0
    int exponent = 0;
    std::uint64_t fraction = rest;
    if constexpr (ES > 0) {
        exponent = static_cast<int>(rest >> (64 - ES));
        fraction = rest << ES;
    }
    return {false, false, negative, regime * (1 << ES) + exponent, (std::uint64_t{1} << 63) | (fraction >> 1)};
}

// Rounds (-1)^negative * significand * 2^(scale - 63) (bit 63 of significand set), plus a nonzero amount
// below its last bit when `sticky`, to posit<N, ES>: the bit string regime|exponent|fraction is cut after
// N - 1 bits and rounded to nearest, ties to an even code; magnitudes above maxpos give maxpos and
// nonzero magnitudes below minpos give minpos (never 0 or NaR).
template <int N, int ES>
constexpr std::uint32_t posit_encode(bool negative, int scale, std::uint64_t significand, bool sticky) noexcept
{
    using S = posit_shape<N, ES>;
    const int regime = scale >> ES;  // floor division (arithmetic shift, C++20)
    std::uint32_t magnitude = 0;
    if (regime >= S::max_regime) {
        magnitude = S::maxpos;
    } else if (regime < -S::max_regime) {
        magnitude = S::minpos;
    } else {
        const auto exponent = static_cast<std::uint64_t>(scale - regime * (1 << ES));
        // Regime: m + 1 ones and a zero for m >= 0, -m zeros and a one for m < 0 (at most N - 1 bits).
        const int regime_length = regime >= 0 ? regime + 2 : 1 - regime;
        const std::uint64_t regime_bits = regime >= 0 ? ((std::uint64_t{1} << (regime + 1)) - 1) << 1 : 1;
        const std::uint64_t head = (regime_bits << ES) | exponent;
        const int head_length = regime_length + ES;  // 2..35
        const std::uint64_t fraction = significand << 1;  // hidden bit dropped
        const std::uint64_t word = (head << (64 - head_length)) | (fraction >> head_length);
        const bool below = sticky || (fraction << (64 - head_length)) != 0;
        std::uint64_t kept = word >> (65 - N);  // the N - 1 bits after the sign
        const bool guard = ((word >> (64 - N)) & 1) != 0;
        const bool rest = below || (word << N) != 0;
        // kept is never 0 (the regime's terminating one is kept) and never all ones before the increment
        // (that would be regime >= N - 2), so rounding up cannot reach NaR.
        if (guard && (rest || (kept & 1) != 0)) ++kept;
        magnitude = static_cast<std::uint32_t>(kept);
    }
    return negative ? (0u - magnitude) & S::mask : magnitude;
}

// Normalises value * 2^lsb_scale (value != 0) and rounds it.
template <int N, int ES>
constexpr std::uint32_t posit_encode_integer(bool negative, std::uint64_t value, int lsb_scale, bool sticky) noexcept
{
    const int shift = std::countl_zero(value);
    return posit_encode<N, ES>(negative, lsb_scale + 63 - shift, value << shift, sticky);
}

template <int N, int ES, binary_float F>
constexpr std::uint32_t posit_from_float(F x) noexcept
{
    const real_parts p = split(x);
    switch (p.cls) {
    case value_class::zero: return 0;
    case value_class::nan:
    case value_class::infinite: return posit_shape<N, ES>::nar;
    case value_class::finite: break;
    }
    return posit_encode<N, ES>(p.negative, p.exponent, p.significand, false);
}

template <int N, int ES>
constexpr std::uint32_t posit_negate(std::uint32_t code) noexcept
{
    return (0u - code) & posit_shape<N, ES>::mask;  // 0 and NaR are their own negatives
}

template <int N, int ES>
constexpr std::uint32_t posit_add(std::uint32_t a_code, std::uint32_t b_code) noexcept
{
    using S = posit_shape<N, ES>;
    posit_parts a = posit_decode<N, ES>(a_code);
    posit_parts b = posit_decode<N, ES>(b_code);
    if (a.nar || b.nar) return S::nar;
    if (a.zero) return b_code & S::mask;
    if (b.zero) return a_code & S::mask;
    if (a.scale < b.scale || (a.scale == b.scale && a.significand < b.significand)) {
        const posit_parts t = a;
        a = b;
        b = t;
    }
    // |a| >= |b|. Both significands have at most 32 bits (top 32 of the 64); a's sits at bits 62..31.
    const std::uint64_t wa = (a.significand >> 32) << 31;
    const std::uint64_t b_aligned = (b.significand >> 32) << 31;
    const int distance = a.scale - b.scale;
    std::uint64_t wb = 0;
    bool lost = false;
    if (distance == 0) {
        wb = b_aligned;
    } else if (distance < 64) {
        wb = b_aligned >> distance;
        lost = (b_aligned << (64 - distance)) != 0;
    } else {
        lost = true;
    }
    std::uint64_t sum = 0;
    if (a.negative == b.negative) {
        sum = wa + wb;  // < 2^64
    } else {
        // Bits of b were lost only when distance > 31, so the difference keeps >= 61 significant bits
        // and the lost part (strictly between 0 and 1 unit) turns into "one unit less, plus sticky".
        sum = wa - wb - (lost ? 1u : 0u);
        if (sum == 0) return 0;  // exact cancellation
    }
    return posit_encode_integer<N, ES>(a.negative, sum, a.scale - 62, lost);
}

template <int N, int ES>
constexpr std::uint32_t posit_multiply(std::uint32_t a_code, std::uint32_t b_code) noexcept
{
    using S = posit_shape<N, ES>;
    const posit_parts a = posit_decode<N, ES>(a_code);
    const posit_parts b = posit_decode<N, ES>(b_code);
    if (a.nar || b.nar) return S::nar;
    if (a.zero || b.zero) return 0;
    const std::uint64_t product = (a.significand >> 32) * (b.significand >> 32);  // exact, 63 or 64 bits
    return posit_encode_integer<N, ES>(a.negative != b.negative, product, a.scale + b.scale - 62, false);
}

template <int N, int ES>
constexpr std::uint32_t posit_divide(std::uint32_t a_code, std::uint32_t b_code) noexcept
{
    using S = posit_shape<N, ES>;
    const posit_parts a = posit_decode<N, ES>(a_code);
    const posit_parts b = posit_decode<N, ES>(b_code);
    if (a.nar || b.nar || b.zero) return S::nar;
    if (a.zero) return 0;
    // floor(A * 2^62 / B) by two steps of 31 bits (A, B < 2^32, so no step overflows 64 bits).
    const std::uint64_t num = a.significand >> 32;
    const std::uint64_t den = b.significand >> 32;
    const std::uint64_t q1 = (num << 31) / den;
    const std::uint64_t r1 = (num << 31) % den;
    const std::uint64_t q2 = (r1 << 31) / den;
    const std::uint64_t r2 = (r1 << 31) % den;
    const std::uint64_t quotient = (q1 << 31) | q2;  // >= 2^61
    return posit_encode_integer<N, ES>(a.negative != b.negative, quotient, a.scale - b.scale - 62, r2 != 0);
}

// floor(sqrt(x)) and the remainder x - root^2, bit by bit.
struct posit_isqrt_result {
    std::uint64_t root;
    std::uint64_t remainder;
};
constexpr posit_isqrt_result posit_isqrt(std::uint64_t x) noexcept
{
    std::uint64_t rem = x;
    std::uint64_t root = 0;
    std::uint64_t bit = std::uint64_t{1} << 62;
    while (bit > rem) bit >>= 2;
    while (bit != 0) {
        if (rem >= root + bit) {
            rem -= root + bit;
            root = (root >> 1) + bit;
        } else {
            root >>= 1;
        }
        bit >>= 2;
    }
    return {root, rem};
}

template <int N, int ES>
constexpr std::uint32_t posit_sqrt(std::uint32_t code) noexcept
{
    using S = posit_shape<N, ES>;
    const posit_parts a = posit_decode<N, ES>(code);
    if (a.nar || (!a.zero && a.negative)) return S::nar;
    if (a.zero) return 0;
    // |a| = A * 2^(scale - 31) with A < 2^32; take A * 2^t with scale - 31 - t even, t in {31, 32}.
    const int t = (a.scale % 2 == 0) ? 31 : 32;
    const posit_isqrt_result r = posit_isqrt((a.significand >> 32) << t);  // root >= 2^31
    return posit_encode_integer<N, ES>(false, r.root, (a.scale - 31 - t) / 2, r.remainder != 0);
}

// Posits order like the two's-complement integers of their codes (NaR is the most negative).
template <int N>
constexpr std::int32_t posit_signed_code(std::uint32_t code) noexcept
{
    return static_cast<std::int32_t>(code << (32 - N)) >> (32 - N);
}

}  // namespace detail
}  // namespace lowbit
