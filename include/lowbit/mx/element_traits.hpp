// The six OCP MX element formats and what the MX layer needs to know about each: the largest power of two
// (emax), the largest magnitude, the fraction bits the EVEN scale rule rounds to, the stored width, and the
// scalar element encoder/decoder.
#pragma once

#include <bit>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "../convert.hpp"
#include "../core/options.hpp"
#include "../types/float_format.hpp"
#include "../types/intn.hpp"
#include "../types/named_formats.hpp"
#include "exact_scaling.hpp"

namespace lowbit::mx {

// The element names of the OCP MX v1.0 specification, as lowbit types.
using fp8_e4m3 = float8_e4m3fn;  // MXFP8 (E4M3, no Inf, max 448)
using fp8_e5m2 = float8_e5m2;    // MXFP8 (E5M2, IEEE-like, max 57344)
using fp6_e3m2 = float6_e3m2fn;  // MXFP6, max 28
using fp6_e2m3 = float6_e2m3fn;  // MXFP6, max 7.5
using fp4_e2m1 = float4_e2m1fn;  // MXFP4, max 6
using int8 = lowbit::int8;       // MXINT8: the byte q means q * 2^-6 (1 sign, 1 integer, 6 fraction bits)

template <class T>
concept element_format = std::same_as<T, fp8_e4m3> || std::same_as<T, fp8_e5m2> || std::same_as<T, fp6_e3m2> ||
                         std::same_as<T, fp6_e2m3> || std::same_as<T, fp4_e2m1> || std::same_as<T, int8>;

template <class Elem>
struct element_traits;

template <class Elem>
    requires floating_format<Elem>
struct element_traits<Elem> {
    static constexpr int emax = Elem::info.max_exponent;
    static constexpr float max_value = static_cast<float>(Elem::from_bits(
        static_cast<typename Elem::storage_type>(Elem::info.max_magnitude_code)));
    // EVEN rounds amax to the element's fraction width before taking its binade.
    static constexpr int fraction_bits = Elem::info.mantissa_bits;
    static constexpr int bits = Elem::info.total_bits;
};

template <>
struct element_traits<int8> {
    // Fixed point 1.xxxxxx: the largest power of two is 2^0, the largest value 127/64 (0x80 is never produced).
    static constexpr int emax = 0;
    static constexpr float max_value = 127.0f / 64.0f;
    static constexpr int fraction_bits = 6;
    static constexpr int bits = 8;
};

// The name used in messages and tables: "fp8_e4m3", ..., "int8".
template <element_format Elem>
constexpr std::string_view element_name() noexcept
{
    if constexpr (std::same_as<Elem, fp8_e4m3>) return "fp8_e4m3";
    else if constexpr (std::same_as<Elem, fp8_e5m2>) return "fp8_e5m2";
    else if constexpr (std::same_as<Elem, fp6_e3m2>) return "fp6_e3m2";
    else if constexpr (std::same_as<Elem, fp6_e2m3>) return "fp6_e2m3";
    else if constexpr (std::same_as<Elem, fp4_e2m1>) return "fp4_e2m1";
    else return "int8";
}

namespace detail {

// MXINT8's element: the two's complement byte nearest to t (t = x / 2^s * 64, already scaled), ties to
// even, clamped to [-127, 127]. Integer-only; NaN never reaches here (a NaN block has the NaN scale).
constexpr std::uint8_t encode_int8_scaled(float t) noexcept
{
    const auto bits = std::bit_cast<std::uint32_t>(t);
    const std::uint32_t magnitude = bits & float_magnitude_mask;
    std::uint32_t q = 0;
    if (magnitude >= 0x42FE'0000u) {  // |t| >= 127: everything from here rounds to 127 or beyond
        q = 127;
    } else if (magnitude > 0x3F00'0000u) {  // |t| > 0.5 (0.5 itself is a tie that goes to the even 0)
        const auto field = static_cast<int>(magnitude >> 23);  // 126..133
        const std::uint32_t significand = (magnitude & float_fraction_mask) | float_implicit_bit;
        const int shift = 150 - field;  // 17..24: bits below the integer point
        q = significand >> shift;
        const std::uint32_t dropped = significand & ((1u << shift) - 1u);
        const std::uint32_t half = 1u << (shift - 1);
        if (dropped > half || (dropped == half && (q & 1u) != 0)) ++q;
    }
    const std::uint32_t code = (bits & float_sign_mask) != 0 ? (0u - q) : q;
    return static_cast<std::uint8_t>(code & 0xFFu);
}

// The conversion of an already scaled value: nearest-even, and finite values beyond the element's max
// become ±max. `saturate` and `saturate_finite` agree on finite input, the only input that reaches here;
// `saturate` (CUDA satfinite) is the one quantizers use throughout lowbit (decisions.md item 2).
inline constexpr conversion_options element_options = [] {
    conversion_options o;
    o.rounding = rounding::nearest_even;
    o.overflow = overflow::saturate;
    return o;
}();

// 2^extra_scale_exponent<Elem> is folded into the block scale: MXINT8 stores q with value q * 2^-6, so it
// is encoded from x * 2^(6 - s) and decoded as the integer q times 2^(s - 6).
template <element_format Elem>
inline constexpr int fixed_point_shift = std::same_as<Elem, int8> ? 6 : 0;

// One element code (low bits of a byte) from a value already multiplied by 2^(fixed_point_shift - s).
template <element_format Elem>
constexpr std::uint8_t encode_element(float scaled) noexcept
{
    if constexpr (std::same_as<Elem, int8>)
        return encode_int8_scaled(scaled);
    else
        return static_cast<std::uint8_t>(lowbit::convert<Elem>(scaled, element_options).bits());
}

// The value of one element code before the block scale (for MXINT8: the integer q, not q / 64).
template <element_format Elem>
constexpr float decode_element(std::uint8_t code) noexcept
{
    if constexpr (std::same_as<Elem, int8>)
        return static_cast<float>(static_cast<std::int8_t>(code));
    else
        return static_cast<float>(Elem::from_bits(static_cast<typename Elem::storage_type>(code)));
}

}  // namespace detail
}  // namespace lowbit::mx
