// Integer quantization of float data: symmetric and affine grids, per-tensor/row/group scales, error report.
//
// Grid (spec §7.2), q_min..q_max from bits, signedness and narrow_range:
//   symmetric:  scale = amax / q_max,                                   zero point 0
//   affine:     [lo, hi] = [min(min x, 0), max(max x, 0)]
//               scale = (hi - lo) / (q_max - q_min),  zero point = clamp(q_min - round_ne(lo / scale), q_min, q_max)
//   quantize:   q = clamp(round(x / scale) + zero_point, q_min, q_max)  (round = params.rounding)
//   dequantize: x^ = (q - zero_point) * scale
// Reproducibility: x / scale is evaluated as double(x) / double(scale). For float x and scale and a quotient
// inside the grid, the double quotient can neither cross nor land on an integer or half-integer that the
// exact quotient does not (the exact one is at least 2^-43 away relative, the double error at most 2^-53),
// so every rounding mode yields round(exact x / scale): codes do not depend on FMA contraction, x87 or the
// floating-point environment (only -freciprocal-math, which lets the compiler rewrite the division).
#pragma once

#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "../core/options.hpp"
#include "../types/intn.hpp"

namespace lowbit {

// Which elements share a scale (and zero point). Data is row-major, rows of params.row_length elements.
enum class quant_granularity : std::uint8_t {
    per_tensor,  // one scale for everything
    per_row,     // one scale per row
    per_group,   // one scale per group_size consecutive elements of a row
};

struct int_quant_params {
    int bits = 8;                 // 2..16
    bool is_signed = true;        // signed codes [-2^(b-1), 2^(b-1) - 1] or unsigned [0, 2^b - 1]
    bool symmetric = true;        // zero point 0 (needs signed codes) or affine with an integer zero point
    bool narrow_range = true;     // drop the lowest code: int8 -127..127, int4 -7..7; unsigned 1..2^b - 1
    lowbit::rounding rounding = rounding::nearest_even;  // for x / scale; zero points always round to even
    quant_granularity granularity = quant_granularity::per_tensor;
    std::size_t row_length = 0;   // elements per row; 0: the whole input is one row
    std::size_t group_size = 0;   // per_group: elements per group; must divide the row length
};

// The codes a parameter set produces.
struct int_code_range {
    int q_min;
    int q_max;
};

// What quantization cost, from the input x and its reconstruction x^. Sums run in double in index order.
struct quant_error_report {
    double max_abs_error = 0;             // max |x - x^|
    std::size_t max_abs_error_index = 0;  // first index where it occurs (0 for empty input)
    double signal_energy = 0;             // sum x^2
    double noise_energy = 0;              // sum (x - x^)^2
    double mean_squared_error = 0;        // noise_energy / n (0 for empty input)
    double sqnr_db = 0;                   // 10 log10(signal / noise); +inf when noise is 0, -inf when signal is 0
};

// Code types quantize() writes and dequantize() reads: standard integers up to 32 bits and lowbit's intn.
template <class C>
concept int_quant_code =
    small_integer<C> || (detail::intn_source_integer<C> && !std::is_const_v<C> && sizeof(C) <= 4);

namespace detail {

inline std::string quant_str(std::size_t n) { return std::to_string(n); }

[[noreturn]] inline void quant_fail(const char* who, const std::string& what)
{
    throw std::invalid_argument(std::string(who) + ": " + what);
}

inline void quant_check_size(const char* who, const char* what, std::size_t got, std::size_t expected)
{
    if (got != expected)
        quant_fail(who, std::string(what) + " has " + quant_str(got) + " elements, expected " + quant_str(expected));
}

inline int_code_range quant_range(const char* who, const int_quant_params& p)
{
    if (p.bits < 2 || p.bits > 16) quant_fail(who, "bits must be 2..16, got " + std::to_string(p.bits));
    if (p.symmetric && !p.is_signed)
        quant_fail(who, "symmetric quantization needs signed codes (use symmetric = false for unsigned codes)");
    int q_min = p.is_signed ? -(1 << (p.bits - 1)) : 0;
    const int q_max = p.is_signed ? (1 << (p.bits - 1)) - 1 : (1 << p.bits) - 1;
    if (p.narrow_range) ++q_min;
    return {q_min, q_max};
}

// The input is a sequence of `blocks` contiguous blocks of `block_size` elements, one scale each: with
// groups dividing the row length, groups never straddle rows, so group g is elements [g*gs, (g+1)*gs).
struct quant_blocks {
    std::size_t blocks;
    std::size_t block_size;
};

inline quant_blocks quant_layout(const char* who, std::size_t n, const int_quant_params& p)
{
    if (p.row_length != 0 && n % p.row_length != 0)
        quant_fail(who, "the input has " + quant_str(n) + " elements, not a multiple of the row length " +
                            quant_str(p.row_length));
    const std::size_t row = p.row_length != 0 ? p.row_length : n;
    switch (p.granularity) {
    case quant_granularity::per_tensor: return {1, n};
    case quant_granularity::per_row:
        if (p.row_length == 0) return {1, n};
        return {n / p.row_length, p.row_length};
    case quant_granularity::per_group:
        if (p.group_size == 0) quant_fail(who, "per_group granularity needs a group_size > 0");
        if (row % p.group_size != 0)
            quant_fail(who, "the group size " + quant_str(p.group_size) + " does not divide the row length " +
                                quant_str(row));
        return {n / p.group_size, p.group_size};
    }
    quant_fail(who, "unknown granularity");
}

template <int_quant_code C>
void quant_check_code_type(const char* who, int_code_range r)
{
    const auto lo = static_cast<long long>(std::numeric_limits<C>::lowest());
    const auto hi = static_cast<long long>(std::numeric_limits<C>::max());
    if (r.q_min < lo || r.q_max > hi)
        quant_fail(who, "the code type holds [" + std::to_string(lo) + ", " + std::to_string(hi) +
                            "], the grid needs [" + std::to_string(r.q_min) + ", " + std::to_string(r.q_max) + "]");
}

inline void quant_check_finite(const char* who, std::span<const float> x, const char* what)
{
    for (std::size_t i = 0; i < x.size(); ++i) {
        if (std::isfinite(x[i])) continue;
        const char* kind = std::isnan(x[i]) ? "NaN" : (x[i] > 0 ? "+inf" : "-inf");
        throw std::domain_error(std::string(who) + ": " + what + " element " + quant_str(i) + " is " + kind +
                                "; integer quantization needs finite values");
    }
}

// A scale that rounds to zero in float (a tiny amax) becomes the smallest positive float, so that x / scale
// stays finite and clamps; the grid is then as fine as float allows.
inline float quant_nonzero_scale(double s)
{
    const auto f = static_cast<float>(s);
    return f > 0.0f ? f : std::numeric_limits<float>::denorm_min();
}

struct quant_block_params {
    float scale;
    std::int32_t zero_point;
};

// All-zero block: scale 1 and the zero point the affine formula gives for lo = 0 (q_min; 0 when
// symmetric), so every element quantizes to the zero point and decodes to exactly 0.
inline quant_block_params quant_block(std::span<const float> x, const int_quant_params& p, int_code_range r)
{
    if (p.symmetric) {
        float amax = 0.0f;
        for (const float v : x) amax = std::fabs(v) > amax ? std::fabs(v) : amax;
        if (amax == 0.0f) return {1.0f, 0};
        return {quant_nonzero_scale(static_cast<double>(amax) / r.q_max), 0};
    }
    float lo = 0.0f;
    float hi = 0.0f;
    for (const float v : x) {
        lo = v < lo ? v : lo;
        hi = v > hi ? v : hi;
    }
    if (lo == hi) return {1.0f, r.q_min};
    const float scale = quant_nonzero_scale((static_cast<double>(hi) - static_cast<double>(lo)) /
                                            static_cast<double>(r.q_max - r.q_min));
    double zp = r.q_min - intn_round(static_cast<double>(lo) / static_cast<double>(scale), rounding::nearest_even);
    zp = zp < r.q_min ? r.q_min : (zp > r.q_max ? r.q_max : zp);
    return {scale, static_cast<std::int32_t>(zp)};
}

inline int quant_value(float x, float scale, std::int32_t zero_point, rounding mode, int_code_range r)
{
    double q = intn_round(static_cast<double>(x) / static_cast<double>(scale), mode) + zero_point;
    q = q < r.q_min ? r.q_min : (q > r.q_max ? r.q_max : q);
    return static_cast<int>(q);
}

template <int_quant_code C>
constexpr C quant_store(int q) noexcept
{
    if constexpr (small_integer<C>) {
        return wrap<C>(q);
    } else {
        return static_cast<C>(q);
    }
}

// Zero points: asymmetric needs one per block; symmetric accepts none or one per block (all 0).
inline void quant_check_zero_point_size(const char* who, const int_quant_params& p, std::size_t got,
                                        std::size_t blocks)
{
    if (p.symmetric && got == 0) return;
    if (got != blocks)
        quant_fail(who, "zero_points has " + quant_str(got) + " elements, expected " + quant_str(blocks) +
                            (p.symmetric ? " (or 0: symmetric grids have zero point 0)" : ""));
}

}  // namespace detail

// The code range [q_min, q_max] of a parameter set; std::invalid_argument for bits outside 2..16 or a
// symmetric grid with unsigned codes.
inline int_code_range code_range(const int_quant_params& p) { return detail::quant_range("lowbit::code_range", p); }

// Number of scales (and zero points) for `element_count` elements; std::invalid_argument when the row
// length does not divide the element count or the group size does not divide the row length.
inline std::size_t scale_count(std::size_t element_count, const int_quant_params& p)
{
    detail::quant_range("lowbit::scale_count", p);
    return detail::quant_layout("lowbit::scale_count", element_count, p).blocks;
}

// Scales and zero points (see the grid above) of every block of x. Nothing is written when it throws:
// std::invalid_argument for bad parameters or output sizes, std::domain_error naming the first NaN/Inf.
inline void compute_scales(std::span<const float> x, const int_quant_params& p, std::span<float> scales,
                           std::span<std::int32_t> zero_points)
{
    constexpr const char* who = "lowbit::compute_scales";
    const int_code_range r = detail::quant_range(who, p);
    const auto layout = detail::quant_layout(who, x.size(), p);
    detail::quant_check_size(who, "scales", scales.size(), layout.blocks);
    detail::quant_check_zero_point_size(who, p, zero_points.size(), layout.blocks);
    detail::quant_check_finite(who, x, "input");
    for (std::size_t b = 0; b < layout.blocks; ++b) {
        const auto bp = detail::quant_block(x.subspan(b * layout.block_size, layout.block_size), p, r);
        scales[b] = bp.scale;
        if (!zero_points.empty()) zero_points[b] = bp.zero_point;
    }
}

// Codes for x with given scales and zero points (from compute_scales, or calibrated elsewhere). Scales must
// be finite and positive, zero points inside the code range (0 for symmetric grids; the span may be empty).
template <int_quant_code C>
void quantize_with_scales(std::span<const float> x, const int_quant_params& p, std::span<const float> scales,
                          std::span<const std::int32_t> zero_points, std::span<C> codes)
{
    constexpr const char* who = "lowbit::quantize_with_scales";
    const int_code_range r = detail::quant_range(who, p);
    detail::quant_check_code_type<C>(who, r);
    const auto layout = detail::quant_layout(who, x.size(), p);
    detail::quant_check_size(who, "codes", codes.size(), x.size());
    detail::quant_check_size(who, "scales", scales.size(), layout.blocks);
    detail::quant_check_zero_point_size(who, p, zero_points.size(), layout.blocks);
    for (std::size_t b = 0; b < layout.blocks; ++b) {
        if (!(std::isfinite(scales[b]) && scales[b] > 0.0f))
            detail::quant_fail(who, "scale " + detail::quant_str(b) + " is not finite and positive");
        if (zero_points.empty()) continue;
        const std::int32_t zp = zero_points[b];
        if (p.symmetric ? zp != 0 : (zp < r.q_min || zp > r.q_max))
            detail::quant_fail(who, "zero point " + detail::quant_str(b) + " is " + std::to_string(zp) +
                                        (p.symmetric ? ", symmetric grids need 0" : ", outside the code range"));
    }
    detail::quant_check_finite(who, x, "input");
    for (std::size_t b = 0; b < layout.blocks; ++b) {
        const std::int32_t zp = zero_points.empty() ? 0 : zero_points[b];
        for (std::size_t i = b * layout.block_size; i < (b + 1) * layout.block_size; ++i)
            codes[i] = detail::quant_store<C>(detail::quant_value(x[i], scales[b], zp, p.rounding, r));
    }
}

// compute_scales then quantize_with_scales; nothing is written when it throws. Name the code type when
// passing containers: quantize<std::int8_t>(x, p, codes, scales, zero_points).
template <int_quant_code C>
void quantize(std::span<const float> x, const int_quant_params& p, std::span<C> codes, std::span<float> scales,
              std::span<std::int32_t> zero_points)
{
    constexpr const char* who = "lowbit::quantize";
    const int_code_range r = detail::quant_range(who, p);
    detail::quant_check_code_type<C>(who, r);
    const auto layout = detail::quant_layout(who, x.size(), p);
    detail::quant_check_size(who, "codes", codes.size(), x.size());
    detail::quant_check_size(who, "scales", scales.size(), layout.blocks);
    detail::quant_check_zero_point_size(who, p, zero_points.size(), layout.blocks);
    detail::quant_check_finite(who, x, "input");
    for (std::size_t b = 0; b < layout.blocks; ++b) {
        const std::size_t begin = b * layout.block_size;
        const auto bp = detail::quant_block(x.subspan(begin, layout.block_size), p, r);
        scales[b] = bp.scale;
        if (!zero_points.empty()) zero_points[b] = bp.zero_point;
        for (std::size_t i = begin; i < begin + layout.block_size; ++i)
            codes[i] = detail::quant_store<C>(detail::quant_value(x[i], bp.scale, bp.zero_point, p.rounding, r));
    }
}

// x^ = (q - zero_point) * scale: the product is exact in double and rounded once to float (the same as the
// float expression float(q - zp) * scale). Codes outside the range are decoded by the same formula.
template <int_quant_code C>
void dequantize(std::span<const C> codes, const int_quant_params& p, std::span<const float> scales,
                std::span<const std::int32_t> zero_points, std::span<float> out)
{
    constexpr const char* who = "lowbit::dequantize";
    detail::quant_range(who, p);
    const auto layout = detail::quant_layout(who, codes.size(), p);
    detail::quant_check_size(who, "out", out.size(), codes.size());
    detail::quant_check_size(who, "scales", scales.size(), layout.blocks);
    detail::quant_check_zero_point_size(who, p, zero_points.size(), layout.blocks);
    for (std::size_t b = 0; b < layout.blocks; ++b) {
        const std::int64_t zp = zero_points.empty() ? 0 : zero_points[b];
        const auto scale = static_cast<double>(scales[b]);
        for (std::size_t i = b * layout.block_size; i < (b + 1) * layout.block_size; ++i)
            out[i] = static_cast<float>(static_cast<double>(static_cast<std::int64_t>(codes[i]) - zp) * scale);
    }
}

// Error of a reconstruction x^ of x (same size, else std::invalid_argument; NaN/Inf -> std::domain_error).
inline quant_error_report quantization_error(std::span<const float> x, std::span<const float> x_hat)
{
    constexpr const char* who = "lowbit::quantization_error";
    detail::quant_check_size(who, "x_hat", x_hat.size(), x.size());
    detail::quant_check_finite(who, x, "x");
    detail::quant_check_finite(who, x_hat, "x_hat");
    quant_error_report r;
    for (std::size_t i = 0; i < x.size(); ++i) {
        const auto v = static_cast<double>(x[i]);
        const double e = v - static_cast<double>(x_hat[i]);
        const double a = std::fabs(e);
        if (a > r.max_abs_error) {
            r.max_abs_error = a;
            r.max_abs_error_index = i;
        }
        r.signal_energy += v * v;
        r.noise_energy += e * e;
    }
    if (!x.empty()) r.mean_squared_error = r.noise_energy / static_cast<double>(x.size());
    if (r.noise_energy == 0.0)
        r.sqnr_db = std::numeric_limits<double>::infinity();
    else
        r.sqnr_db = 10.0 * std::log10(r.signal_energy / r.noise_energy);
    return r;
}

}  // namespace lowbit
