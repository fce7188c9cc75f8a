// The choices every narrowing conversion makes explicit: rounding, overflow and what NaN becomes.
#pragma once

#include <cstdint>

namespace lowbit {

// IEEE 754 rounding-direction attributes. Directed modes also decide what overflow means:
// a rounding that points toward zero never leaves the finite range (IEEE: the result is ±max).
enum class rounding : std::uint8_t {
    nearest_even,     // ties to the code whose last significand bit is 0 (IEEE default, ml_dtypes, CUDA rn)
    nearest_away,     // ties away from zero (PTX cvt.rna, microxcaling "nearest")
    toward_zero,      // truncation
    toward_positive,  // ceiling
    toward_negative,  // floor
};

// What a finite value beyond the largest finite magnitude becomes, and whether ±Inf inputs are clamped.
enum class overflow : std::uint8_t {
    nonsaturating,    // ±Inf where the format has Inf, else NaN where it has NaN, else ±max (ml_dtypes default)
    saturate_finite,  // finite overflow -> ±max; ±Inf inputs keep their Inf/NaN meaning (ml_dtypes saturating)
    saturate,         // finite overflow and ±Inf -> ±max (CUDA __NV_SATFINITE / PTX .satfinite)
};

// Which NaN code a NaN input produces, in formats that have NaN codes.
enum class nan_encoding : std::uint8_t {
    quiet_with_sign,  // the format's quiet NaN with the input's sign (ml_dtypes, Eigen); FNUZ/E8M0 have one NaN
    canonical,        // the positive all-ones NaN, sign dropped (CUDA's float entry points: 0x7F, 0x7FFF)
    keep_payload,     // sign, quiet bit, and the top payload bits that fit (x86 narrowing, CUDA's double entry)
};

// What a NaN input becomes in a format with no NaN code (FP6, FP4, any `finite` format).
enum class nan_without_code : std::uint8_t {
    positive_max,        // +max, sign dropped (CUDA __nv_cvt_*_to_fp6/fp4); lowbit's default
    negative_zero_code,  // the -0 code for +NaN and +0 for -NaN (ml_dtypes defines quiet_NaN() as -0)
};

// What a negative input becomes in an unsigned format (E8M0).
enum class unsigned_negative : std::uint8_t {
    invalid,    // NaN when nonsaturating, the lowest code when saturating (ml_dtypes). Zero in a format
                // without zero is treated the same way; a negative value that rounds to zero gives +0.
    magnitude,  // the sign is ignored and |x| is converted; zero becomes the smallest code (CUDA, PyTorch)
};

// How a directed rounding toward zero treats overflow.
enum class directed_overflow : std::uint8_t {
    ieee,          // rounding toward zero stays finite: the result is ±max whatever the overflow mode
    like_nearest,  // overflow is judged on the truncated code and handled by the overflow mode
                   // (ml_dtypes kTruncate: in E4M3FN, 480 truncates onto the NaN code and stays NaN)
};

// Everything a conversion may be told. Defaults reproduce `T(x)`: nearest-even, nonsaturating.
struct conversion_options {
    lowbit::rounding rounding = rounding::nearest_even;
    lowbit::overflow overflow = overflow::nonsaturating;
    lowbit::nan_encoding nan = nan_encoding::quiet_with_sign;
    lowbit::nan_without_code nan_without_code = nan_without_code::positive_max;
    lowbit::unsigned_negative unsigned_negative = unsigned_negative::invalid;
    lowbit::directed_overflow directed_overflow = directed_overflow::ieee;
};

}  // namespace lowbit
