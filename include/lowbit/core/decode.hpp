// Exact decoding of a float_format code into float or double (every value of a format is representable).
#pragma once

#include <cstdint>

#include "format_info.hpp"
#include "real_parts.hpp"

namespace lowbit {
namespace detail {

// A code's value as (-1)^negative * significand * 2^scale, or its class if it is not finite.
struct decoded_value {
    value_class cls;
    bool negative;
    std::uint64_t significand;
    int scale;
};

// The decoder proper takes the format as a run-time argument, so that tools can decode formats chosen at run
// time (examples/format_table); the compile-time wrappers below inline it with the format folded in.
constexpr decoded_value decode(const format_info& F, std::uint32_t code) noexcept
{
    const std::uint32_t magnitude = code & F.magnitude_mask;
    const bool negative = (code & F.sign_mask) != 0;
    const int m = F.mantissa_bits;
    const std::uint32_t field = magnitude >> m;
    const std::uint32_t fraction = magnitude & F.fraction_mask;
    const std::uint32_t top_field = (std::uint32_t{1} << F.exponent_bits) - 1;

    switch (F.specials) {
    case specials::ieee:
        if (field == top_field)
            return {fraction == 0 ? value_class::infinite : value_class::nan, negative, 0, 0};
        break;
    case specials::fn:
        if (magnitude == F.magnitude_mask) return {value_class::nan, negative, 0, 0};
        break;
    case specials::fnuz:
        if (code == F.sign_mask) return {value_class::nan, false, 0, 0};  // the single, unsigned NaN
        break;
    case specials::e8m0:
        if (magnitude == F.magnitude_mask) return {value_class::nan, false, 0, 0};
        return {value_class::finite, false, 1, static_cast<int>(field) - F.bias};
    case specials::finite: break;
    }
    if (field == 0) {
        // Without subnormals the field-0 codes read as zero, like hardware DAZ.
        if (fraction == 0 || !F.has_subnormals) return {value_class::zero, negative, 0, 0};
        return {value_class::finite, negative, fraction, F.min_normal_exponent - m};
    }
    return {value_class::finite, negative, (std::uint64_t{1} << m) | fraction,
            static_cast<int>(field) - F.bias - m};
}

template <const format_info& F>
constexpr decoded_value decode(std::uint32_t code) noexcept
{
    return decode(F, code);
}

template <binary_float Out>
constexpr Out decode_to(const format_info& F, std::uint32_t code) noexcept
{
    const decoded_value v = decode(F, code);
    switch (v.cls) {
    case value_class::nan: return quiet_nan<Out>(v.negative);
    case value_class::infinite: return infinity<Out>(v.negative);
    case value_class::zero:
    case value_class::finite: break;
    }
    return compose<Out>(v.negative, v.significand, v.scale);
}

template <binary_float Out, const format_info& F>
constexpr Out decode_to(std::uint32_t code) noexcept
{
    return decode_to<Out>(F, code);
}

}  // namespace detail
}  // namespace lowbit
