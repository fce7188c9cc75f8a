// The parameters of a floating format and everything derived from them, computed at compile time.
#pragma once

#include <cstdint>

namespace lowbit {

// Which codes are reserved for Inf and NaN.
enum class specials : std::uint8_t {
    ieee,    // all-ones exponent: fraction 0 is ±Inf, any other fraction is NaN (E5M2, float16, bfloat16)
    fn,      // no Inf; only the all-ones magnitude is NaN (E4M3FN)
    fnuz,    // no Inf, no -0; the negative-zero code is the single NaN (E4M3FNUZ, E5M2FNUZ)
    finite,  // every code is a number (FP6, FP4)
    e8m0,    // unsigned exponent-only scale: no zero, all-ones is the single NaN (E8M0FNU)
};

enum class sign_bit : bool { absent = false, present = true };
enum class subnormals : bool { absent = false, present = true };

// All properties of a format, derived once from the template parameters.
struct format_info {
    int exponent_bits;
    int mantissa_bits;
    int bias;
    lowbit::specials specials;
    bool is_signed;
    bool has_subnormals;

    int total_bits;
    std::uint32_t sign_mask;       // 0 for unsigned formats
    std::uint32_t magnitude_mask;  // exponent and fraction fields
    std::uint32_t fraction_mask;
    std::uint32_t max_magnitude_code;  // the largest finite magnitude
    // Unbiased exponent of the smallest normal binade: field 1, or field 0 where field 0 is normal (E8M0).
    int min_normal_exponent;
    int max_exponent;  // unbiased exponent of the largest finite value
    bool has_inf;
    bool has_nan;
    bool has_zero;
    bool has_negative_zero;
    std::uint32_t inf_magnitude_code;  // meaningful only if has_inf
    std::uint32_t quiet_nan_code;      // positive quiet NaN: exponent all ones + top fraction bit (IEEE)
    std::uint32_t canonical_nan_code;  // positive all-ones NaN (CUDA's choice)
    std::uint64_t finite_code_count;   // bit patterns that are numbers (±0 counted twice where -0 exists)
};

namespace detail {

constexpr format_info make_format_info(int e, int m, int bias, specials sp, bool is_signed, bool subnormals)
{
    format_info f{};
    f.exponent_bits = e;
    f.mantissa_bits = m;
    f.bias = bias;
    f.specials = sp;
    f.is_signed = is_signed;
    f.has_subnormals = subnormals;
    f.total_bits = e + m + (is_signed ? 1 : 0);
    f.magnitude_mask = (std::uint32_t{1} << (e + m)) - 1;
    f.sign_mask = is_signed ? (std::uint32_t{1} << (e + m)) : 0;
    f.fraction_mask = (std::uint32_t{1} << m) - 1;
    const std::uint32_t top_field = (std::uint32_t{1} << e) - 1;

    f.has_inf = sp == specials::ieee;
    f.has_nan = sp != specials::finite;
    f.has_zero = sp != specials::e8m0;
    f.has_negative_zero = is_signed && sp != specials::fnuz;

    switch (sp) {
    case specials::ieee:
        f.max_magnitude_code = ((top_field - 1) << m) | f.fraction_mask;
        f.inf_magnitude_code = top_field << m;
        f.quiet_nan_code = (top_field << m) | (std::uint32_t{1} << (m - 1));
        f.canonical_nan_code = f.magnitude_mask;
        break;
    case specials::fn:
        f.max_magnitude_code = f.magnitude_mask - 1;
        f.quiet_nan_code = f.canonical_nan_code = f.magnitude_mask;
        break;
    case specials::fnuz:
        f.max_magnitude_code = f.magnitude_mask;
        f.quiet_nan_code = f.canonical_nan_code = f.sign_mask;
        break;
    case specials::finite:
        f.max_magnitude_code = f.magnitude_mask;
        break;
    case specials::e8m0:
        f.max_magnitude_code = f.magnitude_mask - 1;
        f.quiet_nan_code = f.canonical_nan_code = f.magnitude_mask;
        break;
    }
    // Field 0 is the subnormal/zero binade except in E8M0, where it is the smallest power of two.
    f.min_normal_exponent = sp == specials::e8m0 ? -bias : 1 - bias;
    f.max_exponent = static_cast<int>(f.max_magnitude_code >> m) - bias;

    const std::uint64_t magnitudes = std::uint64_t{f.max_magnitude_code} + 1;
    std::uint64_t finite = is_signed ? 2 * magnitudes : magnitudes;
    if (sp == specials::fnuz) finite -= 1;  // the -0 pattern is NaN
    // Without subnormals the field-0 codes with a nonzero fraction are never produced and read as zero
    // (like hardware DAZ), so they still count as finite codes.
    f.finite_code_count = finite;
    return f;
}

}  // namespace detail
}  // namespace lowbit
