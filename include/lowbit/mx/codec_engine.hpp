// The work behind every MX quantize and dequantize. On the avx512 path, blocks along rows whose lengths are
// multiples of 32 go through the fused kernels of fused_avx512.hpp (one pass per block). Everything else
// takes the window path: block scales from each block's amax, then the elements in windows of a few hundred
// values that are scaled by their block's power of two into a stack buffer and handed to the
// runtime-dispatched element kernels (bulk FP8 encoders/decoders, lowbit::packed for FP4/FP6). Both paths are
// bit-identical to the scalar one, so every ISA gives the same bytes.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <span>
#include <vector>

#include "../packed.hpp"
#include "../simd/abi.hpp"
#include "../simd/dispatch.hpp"
#include "../simd/isa.hpp"
#include "../types/named_formats.hpp"
#include "block_kernels.hpp"
#include "block_layout.hpp"
#include "element_traits.hpp"
#include "exact_scaling.hpp"
#include "fused_avx512.hpp"
#include "scale_rules.hpp"

namespace lowbit::mx {
inline namespace LOWBIT_SIMD_ABI {
namespace engine {

// Elements per window: a multiple of 8, so that every window starts on a byte boundary of the FP4 and the
// FP6 packing, and small enough for the stack buffers to stay in L1.
inline constexpr std::size_t window_elements = 512;

// out[i] = in[i] * 2^k exactly (see detail::scale_by_power_of_two), for one k. Where every value is ±0 or a
// normal float32 that stays normal, only exponent fields move (the dispatched block kernels); otherwise the
// exact rounding routine does each value. `out` may be `in`: the check reads everything before any write.
inline void scale_values(const float* in, float* out, std::size_t n, int k) noexcept
{
    if (all_shift_exactly(in, n, k)) {
        shift_exponents(in, out, n, k);
        return;
    }
    for (std::size_t i = 0; i < n; ++i) out[i] = detail::scale_by_power_of_two(in[i], k);
}

// Pass 1: every block's scale code, from its amax.
template <element_format Elem>
void compute_scales(const float* in, const detail::block_layout& layout, float8_e8m0fnu* scales, scale_rule rule)
{
    if (layout.element_count() == 0) return;
    if (layout.direction == block_direction::along_rows) {
        const std::size_t per_row = detail::blocks_for(layout.cols, layout.block_size);
        for (std::size_t r = 0; r < layout.rows; ++r) {
            const float* row = in + r * layout.cols;
            for (std::size_t b = 0; b < per_row; ++b) {
                const std::size_t first = b * layout.block_size;
                const std::size_t length = std::min(layout.block_size, layout.cols - first);
                scales[r * per_row + b] = float8_e8m0fnu::from_bits(
                    scale_code_from_amax_bits<Elem>(amax_bits(row + first, length), rule));
            }
        }
        return;
    }
    // Down the columns: the amax of every column of a group of block_size rows, row by row so that the
    // reads are contiguous.
    std::vector<std::uint32_t> column_amax(layout.cols);
    for (std::size_t first_row = 0; first_row < layout.rows; first_row += layout.block_size) {
        std::fill(column_amax.begin(), column_amax.end(), 0u);
        const std::size_t last_row = std::min(layout.rows, first_row + layout.block_size);
        for (std::size_t r = first_row; r < last_row; ++r) {
            const float* row = in + r * layout.cols;
            for (std::size_t c = 0; c < layout.cols; ++c) {
                const std::uint32_t magnitude = std::bit_cast<std::uint32_t>(row[c]) & detail::float_magnitude_mask;
                column_amax[c] = std::max(column_amax[c], magnitude);
            }
        }
        float8_e8m0fnu* scale_row = scales + (first_row / layout.block_size) * layout.cols;
        // GCC 12 at -O3 vectorises this loop and then warns (-Wstringop-overflow) that the vector store may not
        // fit a one-element destination it imagines; the loop writes exactly layout.cols scales.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstringop-overflow"
#endif
        for (std::size_t c = 0; c < layout.cols; ++c)
            scale_row[c] = float8_e8m0fnu::from_bits(scale_code_from_amax_bits<Elem>(column_amax[c], rule));
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
    }
}

// The power of two an element is multiplied by before encoding (x / 2^s, times 64 for MXINT8).
template <element_format Elem>
constexpr int encode_exponent(std::uint8_t scale_code) noexcept
{
    return 127 - static_cast<int>(scale_code) + detail::fixed_point_shift<Elem>;
}

// Window of values [first, first + n) of the tensor scaled by their blocks' encode exponents. A block with
// the NaN scale is stored as zero codes (its values are NaN whatever the codes say).
template <element_format Elem>
void scale_window(const float* in, const detail::block_layout& layout, const float8_e8m0fnu* scales,
                  std::size_t first, std::size_t n, float* scaled)
{
    std::size_t done = 0;
    while (done < n) {
        const detail::block_layout::run run = layout.run_at(first + done, n - done);
        const float* x = in + first + done;
        float* out = scaled + done;
        if (run.stride == 0) {
            const std::uint8_t code = scales[run.scale_index].bits();
            if (code == nan_scale_code)
                std::fill(out, out + run.length, 0.0f);
            else
                scale_values(x, out, run.length, encode_exponent<Elem>(code));
        } else {
            for (std::size_t j = 0; j < run.length; ++j) {
                const std::uint8_t code = scales[run.scale_index + j].bits();
                out[j] = code == nan_scale_code ? 0.0f : detail::scale_by_power_of_two(x[j], encode_exponent<Elem>(code));
            }
        }
        done += run.length;
    }
}

// Scaled values -> element codes at element offset `first` (a multiple of 8) of the packed stream.
template <element_format Elem>
void encode_window(const float* scaled, std::size_t n, std::uint8_t* elements, std::size_t first)
{
    if constexpr (std::same_as<Elem, int8>) {
        for (std::size_t i = 0; i < n; ++i) elements[first + i] = detail::encode_int8_scaled(scaled[i]);
    } else if constexpr (element_traits<Elem>::bits == 8) {
        std::array<Elem, window_elements> codes;
        simd::select_encode<Elem>(simd::active_isa(), detail::element_options.rounding)(scaled, codes.data(), n,
                                                                              detail::element_options);
        static_assert(sizeof(Elem) == 1);
        std::memcpy(elements + first, codes.data(), n);
    } else {
        packed::convert<Elem>(std::span<const float>(scaled, n),
                              std::span<std::uint8_t>(elements + element_bytes<Elem>(first), element_bytes<Elem>(n)),
                              detail::element_options);
    }
}

// Element codes at element offset `first` -> their values before the block scale (MXINT8: the integer q).
template <element_format Elem>
void decode_window(const std::uint8_t* elements, std::size_t first, std::size_t n, float* values)
{
    if constexpr (std::same_as<Elem, int8>) {
        for (std::size_t i = 0; i < n; ++i) values[i] = static_cast<float>(static_cast<std::int8_t>(elements[first + i]));
    } else if constexpr (element_traits<Elem>::bits == 8) {
        std::array<Elem, window_elements> codes;
        std::memcpy(codes.data(), elements + first, n);
        simd::select_decode<Elem>(simd::active_isa())(codes.data(), values, n);
    } else {
        packed::convert<Elem>(
            std::span<const std::uint8_t>(elements + element_bytes<Elem>(first), element_bytes<Elem>(n)),
            std::span<float>(values, n));
    }
}

// The elements of [first, first + n) through the windows, once their blocks' scales are set (`first` a
// multiple of 8).
template <element_format Elem>
void quantize_range(const float* in, const detail::block_layout& layout, std::uint8_t* elements,
                    const float8_e8m0fnu* scales, std::size_t first, std::size_t n)
{
    std::array<float, window_elements> scaled;
    for (std::size_t done = 0; done < n; done += window_elements) {
        const std::size_t length = std::min(window_elements, n - done);
        scale_window<Elem>(in, layout, scales, first + done, length, scaled.data());
        encode_window<Elem>(scaled.data(), length, elements, first + done);
    }
}

// The values of [first, first + n) through the windows (`first` a multiple of 8).
template <element_format Elem>
void dequantize_range(const std::uint8_t* elements, const float8_e8m0fnu* scales, const detail::block_layout& layout,
                      float* out, std::size_t first, std::size_t n)
{
    for (std::size_t window = first; window < first + n; window += window_elements) {
        const std::size_t length = std::min(window_elements, first + n - window);
        float* values = out + window;
        decode_window<Elem>(elements, window, length, values);
        std::size_t done = 0;
        while (done < length) {
            const detail::block_layout::run run = layout.run_at(window + done, length - done);
            float* v = values + done;
            for (std::size_t j = 0; j < run.length;) {
                // Within a stride-0 run one scale covers everything; otherwise one value at a time.
                const std::uint8_t code = scales[run.scale_index + run.stride * j].bits();
                const std::size_t stretch = run.stride == 0 ? run.length : 1;
                const int k = static_cast<int>(code) - 127 - detail::fixed_point_shift<Elem>;
                if (code == nan_scale_code)
                    std::fill(v + j, v + j + stretch, std::numeric_limits<float>::quiet_NaN());
                else
                    scale_values(v + j, v + j, stretch, k);
                j += stretch;
            }
            done += run.length;
        }
    }
}

#if LOWBIT_SIMD_X86
// Whether the fused AVX-512 kernels (fused_avx512.hpp) take this layout: blocks along rows, every block's
// length a multiple of 32 except perhaps the very last one of a vector (which the windows then do), and an
// environment that does not flush subnormals.
inline bool fused_kernels_apply(const detail::block_layout& layout) noexcept
{
    constexpr std::size_t step = fused_avx512::step;
    return simd::active_isa() == simd::isa::avx512 && layout.direction == block_direction::along_rows &&
           layout.block_size % step == 0 && (layout.rows == 1 || layout.cols % step == 0) &&
           !simd::kernel_detail::mxcsr_flushes_subnormals();
}

// Of a row, the leading part whose blocks all have a length that is a multiple of 32.
inline std::size_t fused_part(const detail::block_layout& layout) noexcept
{
    const std::size_t last_block = (detail::blocks_for(layout.cols, layout.block_size) - 1) * layout.block_size;
    return (layout.cols - last_block) % fused_avx512::step == 0 ? layout.cols : last_block;
}
#endif

template <element_format Elem>
void quantize(const float* in, const detail::block_layout& layout, std::uint8_t* elements, float8_e8m0fnu* scales,
              scale_rule rule)
{
    if (layout.element_count() == 0) return;
#if LOWBIT_SIMD_X86
    if (fused_kernels_apply(layout)) {
        const std::size_t per_row = detail::blocks_for(layout.cols, layout.block_size);
        const std::size_t fused = fused_part(layout);
        for (std::size_t r = 0; r < layout.rows; ++r) {
            const std::size_t row = r * layout.cols;
            fused_avx512::quantize<Elem>(in + row, fused, layout.block_size, elements + element_bytes<Elem>(row),
                                         scales + r * per_row, rule);
            if (fused == layout.cols) continue;
            // The short last block of a vector (rows == 1, so `row + fused` is a multiple of 32).
            const std::size_t first = row + fused;
            scales[r * per_row + per_row - 1] = float8_e8m0fnu::from_bits(
                scale_code_from_amax_bits<Elem>(amax_bits(in + first, layout.cols - fused), rule));
            quantize_range<Elem>(in, layout, elements, scales, first, layout.cols - fused);
        }
        return;
    }
#endif
    compute_scales<Elem>(in, layout, scales, rule);
    quantize_range<Elem>(in, layout, elements, scales, 0, layout.element_count());
}

template <element_format Elem>
void dequantize(const std::uint8_t* elements, const float8_e8m0fnu* scales, const detail::block_layout& layout,
                float* out)
{
    if (layout.element_count() == 0) return;
#if LOWBIT_SIMD_X86
    if (fused_kernels_apply(layout)) {
        const std::size_t per_row = detail::blocks_for(layout.cols, layout.block_size);
        const std::size_t fused = fused_part(layout);
        for (std::size_t r = 0; r < layout.rows; ++r) {
            const std::size_t row = r * layout.cols;
            fused_avx512::dequantize<Elem>(elements + element_bytes<Elem>(row), scales + r * per_row, fused,
                                           layout.block_size, out + row);
            if (fused != layout.cols) dequantize_range<Elem>(elements, scales, layout, out, row + fused, layout.cols - fused);
        }
        return;
    }
#endif
    dequantize_range<Elem>(elements, scales, layout, out, 0, layout.element_count());
}

}  // namespace engine
}  // namespace LOWBIT_SIMD_ABI
}  // namespace lowbit::mx
