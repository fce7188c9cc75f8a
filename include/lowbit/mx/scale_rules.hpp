// The shared block scale: from a block's largest magnitude to an E8M0 code, under the four rules in use
// (formats-spec.md §3.2-3.3). Integer arithmetic on the float32 bits throughout; never log2f.
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "../simd/abi.hpp"
#include "../types/named_formats.hpp"
#include "element_traits.hpp"
#include "exact_scaling.hpp"

namespace lowbit::mx {

enum class scale_rule : std::uint8_t {
    floor,  // OCP MX v1.0: s = floor(log2 amax) - emax. May clip the block max to the element max.
    ceil,   // torchao CEIL: s = ceil(log2 amax) - emax. Never clips; may waste a binade.
    even,   // torchao EVEN: s = floor(log2(amax rounded to the element's fraction bits)) - emax.
    rceil,  // NVIDIA (cuBLAS, TransformerEngine), torchao RCEIL: 2^s = fl32(amax * fl32(1/max)) rounded up
            // to a power of two. Never clips.
};

inline constexpr scale_rule all_scale_rules[] = {scale_rule::floor, scale_rule::ceil, scale_rule::even,
                                                 scale_rule::rceil};

constexpr std::string_view scale_rule_name(scale_rule rule) noexcept
{
    switch (rule) {
    case scale_rule::floor: return "floor";
    case scale_rule::ceil: return "ceil";
    case scale_rule::even: return "even";
    case scale_rule::rceil: return "rceil";
    }
    return "floor";
}

// E8M0 codes with a meaning of their own.
inline constexpr std::uint8_t nan_scale_code = 0xFF;
inline constexpr std::uint8_t smallest_scale_code = 0x00;  // 2^-127
inline constexpr std::uint8_t largest_scale_code = 0xFE;   // 2^127

namespace detail {

// floor(log2 v) of a positive finite float32 given by its bits, subnormals included (down to -149).
constexpr int floor_log2_magnitude(std::uint32_t magnitude_bits) noexcept
{
    const auto field = static_cast<int>(magnitude_bits >> 23);
    if (field != 0) return field - 127;
    return static_cast<int>(std::bit_width(magnitude_bits)) - 1 - 149;
}

// The significand of a positive finite float32 normalised to 24 bits (implicit bit at bit 23), so that
// the rules below treat float32 subnormals with exact arithmetic too.
constexpr std::uint32_t normalized_significand(std::uint32_t magnitude_bits) noexcept
{
    const auto field = magnitude_bits >> 23;
    if (field != 0) return (magnitude_bits & float_fraction_mask) | float_implicit_bit;
    return magnitude_bits << (24 - static_cast<int>(std::bit_width(magnitude_bits)));
}

// fl32(1/max): the reciprocal the NVIDIA recipe multiplies by (one rounding, done by the compiler).
template <element_format Elem>
inline constexpr float reciprocal_of_max = 1.0f / element_traits<Elem>::max_value;

// ceil(log2 q) for RCEIL's product q, clamped to [-127, 127] like PTX cvt.rp.satfinite.ue8m0 does.
constexpr int ceil_log2_saturated(std::uint32_t q_bits) noexcept
{
    if (q_bits == 0) return -127;  // the product underflowed: the smallest scale
    const int floor_log2 = floor_log2_magnitude(q_bits);
    const bool power_of_two = std::has_single_bit(normalized_significand(q_bits));
    return std::clamp(floor_log2 + (power_of_two ? 0 : 1), -127, 127);
}

}  // namespace detail

// The E8M0 code of the block scale for a block whose largest magnitude has the float32 bits
// `amax_bits` (the sign bit is ignored). NaN or Inf -> 0xFF; 0 -> 0x00; otherwise the rule's exponent s
// clamped below at -127 (code 0). FLOOR cannot exceed 127; CEIL and EVEN can only for MXINT8 (emax 0) with
// amax above 2^127, and give 0xFF then as torchao and microxcaling do; RCEIL saturates at 2^127.
template <element_format Elem>
constexpr std::uint8_t scale_code_from_amax_bits(std::uint32_t amax_bits, scale_rule rule) noexcept
{
    using traits = element_traits<Elem>;
    const std::uint32_t magnitude = amax_bits & detail::float_magnitude_mask;
    if (magnitude >= detail::float_infinity_bits) return nan_scale_code;
    if (magnitude == 0) return smallest_scale_code;

    int s = 0;
    switch (rule) {
    case scale_rule::floor: s = detail::floor_log2_magnitude(magnitude) - traits::emax; break;
    case scale_rule::ceil: {
        const bool power_of_two = std::has_single_bit(detail::normalized_significand(magnitude));
        s = detail::floor_log2_magnitude(magnitude) + (power_of_two ? 0 : 1) - traits::emax;
        break;
    }
    case scale_rule::even: {
        // Rounding to `fraction_bits` moves amax into the next binade exactly when the dropped part reaches
        // half an ulp of the kept bits above an all-ones fraction; half-up (torchao adds half an ulp to the
        // bits) and ties-to-even agree on that, because the upper neighbour of an all-ones fraction is even.
        const std::uint32_t half_ulp = std::uint32_t{1} << (23 - traits::fraction_bits - 1);
        const bool carries = detail::normalized_significand(magnitude) + half_ulp >= (std::uint32_t{1} << 24);
        s = detail::floor_log2_magnitude(magnitude) + (carries ? 1 : 0) - traits::emax;
        break;
    }
    case scale_rule::rceil: {
        const std::uint32_t reciprocal = std::bit_cast<std::uint32_t>(detail::reciprocal_of_max<Elem>);
        return static_cast<std::uint8_t>(
            detail::ceil_log2_saturated(detail::multiply_magnitudes(magnitude, reciprocal)) + 127);
    }
    }
    if (s > 127) return nan_scale_code;
    return static_cast<std::uint8_t>(std::max(s, -127) + 127);
}

// The block scale for a block whose largest magnitude is `amax` (its sign is ignored).
template <element_format Elem>
constexpr float8_e8m0fnu shared_scale(float amax, scale_rule rule = scale_rule::floor) noexcept
{
    return float8_e8m0fnu::from_bits(scale_code_from_amax_bits<Elem>(std::bit_cast<std::uint32_t>(amax), rule));
}

// Loops the compiler vectorises sit in the ABI namespace of simd/abi.hpp (like the bulk conversions), so
// translation units built with different -m flags never share their machine code.
inline namespace LOWBIT_SIMD_ABI {
namespace engine {

// The largest |x| of a block as float32 bits: the integer maximum of the magnitude bits orders every finite
// value, puts +Inf above them and any NaN above +Inf, so one pass finds amax and the non-finite cases.
inline std::uint32_t amax_bits_of(const float* values, std::size_t n) noexcept
{
    std::uint32_t largest = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const std::uint32_t magnitude = std::bit_cast<std::uint32_t>(values[i]) & detail::float_magnitude_mask;
        largest = magnitude > largest ? magnitude : largest;
    }
    return largest;
}

}  // namespace engine

// The block scale of `block` under `rule`: shared_scale of its largest magnitude (NaN or Inf in the block
// give the NaN scale 0xFF, an all-zero block gives 0x00).
template <element_format Elem>
float8_e8m0fnu block_scale(std::span<const float> block, scale_rule rule = scale_rule::floor) noexcept
{
    return float8_e8m0fnu::from_bits(
        scale_code_from_amax_bits<Elem>(engine::amax_bits_of(block.data(), block.size()), rule));
}

}  // namespace LOWBIT_SIMD_ABI
}  // namespace lowbit::mx
