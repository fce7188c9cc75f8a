// MX quantize and dequantize of a row-major matrix, blocked along its rows or along its columns.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "../simd/abi.hpp"
#include "../types/named_formats.hpp"
#include "block_layout.hpp"
#include "codec_engine.hpp"
#include "element_traits.hpp"
#include "scale_rules.hpp"

namespace lowbit::mx {
inline namespace LOWBIT_SIMD_ABI {

// `in` is shape.rows x shape.cols, row-major. Element codes are stored in the same row-major order (packed
// as in the vector API: element r * cols + c of the stream); scales form the row-major matrix of
// scale_shape(shape, direction, block_size). A block that reaches the end of its row (along_rows) or column
// (along_columns) may be short. Wrong span sizes, overlapping spans (as in the vector API) or block size
// 0: std::invalid_argument, nothing written.
template <element_format Elem>
void quantize_matrix(std::span<const float> in, matrix_shape shape, block_direction direction,
                     std::span<std::uint8_t> elements, std::span<float8_e8m0fnu> scales,
                     scale_rule rule = scale_rule::floor, std::size_t block_size = default_block_size)
{
    constexpr const char* function = "lowbit::mx::quantize_matrix";
    const detail::block_layout layout = detail::make_layout(function, shape, block_size, direction);
    detail::check_buffers<Elem>(function, layout, in.size(), elements.size(), scales.size());
    detail::require_separate_spans(function, in, elements, scales);
    engine::quantize<Elem>(in.data(), layout, elements.data(), scales.data(), rule);
}

template <element_format Elem>
void dequantize_matrix(std::span<const std::uint8_t> elements, std::span<const float8_e8m0fnu> scales,
                       matrix_shape shape, block_direction direction, std::span<float> out,
                       std::size_t block_size = default_block_size)
{
    constexpr const char* function = "lowbit::mx::dequantize_matrix";
    const detail::block_layout layout = detail::make_layout(function, shape, block_size, direction);
    detail::check_buffers<Elem>(function, layout, out.size(), elements.size(), scales.size());
    detail::require_separate_spans(function, elements, scales, out);
    engine::dequantize<Elem>(elements.data(), scales.data(), layout, out.data());
}

}  // namespace LOWBIT_SIMD_ABI
}  // namespace lowbit::mx
