// Matryoshka (MatQuant) nesting: r-bit codes taken from the most significant bits of unsigned 8-bit codes.
//
// MatQuant (Nair et al., arXiv 2502.06786; spec §7.3) quantizes weights once, affinely, to unsigned 8-bit
// codes q8 (int_quant_params{.bits = 8, .is_signed = false, .symmetric = false, .narrow_range = false}) and
// serves an r-bit model from the same codes with the same scale and zero point:
//   matquant_slice(q8, r) = min(round(q8 / 2^(8-r)), 2^r - 1)    rounded slice, the MatQuant scheme
//   truncate_slice(q8, r) = q8 >> (8 - r)                         plain truncation, biased toward 0
// Either r-bit code q_r is dequantized on the 8-bit grid: (q_r * 2^(8-r) - zero_point) * scale.
// Example int8 -> int4: 151 -> 9.44 -> 9 (144 on the grid); 255 -> 15.94 -> 16 -> clamped to 15 (240).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>

#include "../core/options.hpp"

namespace lowbit {

namespace detail {

constexpr void matquant_check_bits(const char* who, int r)
{
    if (r < 1 || r > 8) throw std::invalid_argument(std::string(who) + ": r must be 1..8, got " + std::to_string(r));
}

constexpr std::uint8_t matquant_round_shift(unsigned q, int shift, rounding mode) noexcept
{
    if (shift == 0) return static_cast<std::uint8_t>(q);
    const unsigned floor = q >> shift;
    const unsigned rest = q & ((1u << shift) - 1u);
    const unsigned half = 1u << (shift - 1);
    bool up = false;
    switch (mode) {
    case rounding::nearest_even: up = rest > half || (rest == half && (floor & 1u) != 0); break;
    case rounding::nearest_away: up = rest >= half; break;
    case rounding::toward_positive: up = rest != 0; break;
    case rounding::toward_zero:
    case rounding::toward_negative: up = false; break;
    }
    return static_cast<std::uint8_t>(floor + (up ? 1u : 0u));  // at most 2^(8-shift), clamped by the caller
}

}  // namespace detail

// The r-bit MatQuant code of an unsigned 8-bit code (1 <= r <= 8, else std::invalid_argument):
// round(q8 / 2^(8-r)) clamped to 2^r - 1. Ties (q8 / 2^(8-r) = k + 1/2) follow `mode`, by default to even
// like the rest of lowbit; the paper says only "round" (rounding::nearest_away gives (q8 + 2^(7-r)) >> (8-r)).
constexpr std::uint8_t matquant_slice(std::uint8_t q8, int r, rounding mode = rounding::nearest_even)
{
    detail::matquant_check_bits("lowbit::matquant_slice", r);
    const std::uint8_t q = detail::matquant_round_shift(q8, 8 - r, mode);
    const auto top = static_cast<std::uint8_t>((1u << r) - 1u);
    return q > top ? top : q;
}

// The r most significant bits of q8: q8 >> (8 - r). Never overflows, but rounds every code down.
constexpr std::uint8_t truncate_slice(std::uint8_t q8, int r)
{
    detail::matquant_check_bits("lowbit::truncate_slice", r);
    return static_cast<std::uint8_t>(q8 >> (8 - r));
}

// An r-bit code placed back on the 8-bit grid: q_r * 2^(8-r) (0..255 for q_r < 2^r), to be dequantized
// with the 8-bit scale and zero point. Bits of q_r above r are ignored.
constexpr std::uint8_t slice_to_grid(std::uint8_t q_r, int r)
{
    detail::matquant_check_bits("lowbit::slice_to_grid", r);
    const unsigned code = q_r & ((1u << r) - 1u);
    return static_cast<std::uint8_t>(code << (8 - r));
}

// (q_r * 2^(8-r) - zero_point) * scale, the product exact in double and rounded once to float.
constexpr float dequantize_slice(std::uint8_t q_r, int r, float scale, std::int32_t zero_point)
{
    const std::int64_t grid = slice_to_grid(q_r, r);
    return static_cast<float>(static_cast<double>(grid - zero_point) * static_cast<double>(scale));
}

namespace detail {

[[noreturn]] inline void matquant_size_fail(const char* who, std::size_t got, std::size_t expected)
{
    throw std::invalid_argument(std::string(who) + ": the output has " + std::to_string(got) +
                                " elements, expected " + std::to_string(expected));
}

}  // namespace detail

// Element-wise forms; `out` must have the input's size (else std::invalid_argument, nothing written).
inline void matquant_slice(std::span<const std::uint8_t> q8, int r, std::span<std::uint8_t> out,
                           rounding mode = rounding::nearest_even)
{
    detail::matquant_check_bits("lowbit::matquant_slice", r);
    if (out.size() != q8.size()) detail::matquant_size_fail("lowbit::matquant_slice", out.size(), q8.size());
    for (std::size_t i = 0; i < q8.size(); ++i) out[i] = matquant_slice(q8[i], r, mode);
}

inline void truncate_slice(std::span<const std::uint8_t> q8, int r, std::span<std::uint8_t> out)
{
    detail::matquant_check_bits("lowbit::truncate_slice", r);
    if (out.size() != q8.size()) detail::matquant_size_fail("lowbit::truncate_slice", out.size(), q8.size());
    for (std::size_t i = 0; i < q8.size(); ++i) out[i] = truncate_slice(q8[i], r);
}

// Sliced codes back on the 8-bit grid, ready for dequantize<std::uint8_t> with the 8-bit parameters.
inline void slice_to_grid(std::span<const std::uint8_t> q_r, int r, std::span<std::uint8_t> out)
{
    detail::matquant_check_bits("lowbit::slice_to_grid", r);
    if (out.size() != q_r.size()) detail::matquant_size_fail("lowbit::slice_to_grid", out.size(), q_r.size());
    for (std::size_t i = 0; i < q_r.size(); ++i) out[i] = slice_to_grid(q_r[i], r);
}

}  // namespace lowbit
