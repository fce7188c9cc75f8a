// MX quantize and dequantize of a vector over spans: packed element codes plus one E8M0 scale per block.
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

// Quantizes `in` in blocks of `block_size` consecutive values (the last block may be shorter): one scale per
// block from `rule`, then every element = Elem(x * 2^-s) rounded to nearest-even and saturated to ±max.
// A block holding NaN or ±Inf gets the NaN scale 0xFF and zero element codes. Buffer sizes must be exactly
// element_bytes<Elem>(in.size()) and scale_count(in.size(), block_size), and no two of the spans may
// overlap; otherwise, or for block size 0, std::invalid_argument is thrown before anything is written.
template <element_format Elem>
void quantize(std::span<const float> in, std::span<std::uint8_t> elements, std::span<float8_e8m0fnu> scales,
              scale_rule rule = scale_rule::floor, std::size_t block_size = default_block_size)
{
    constexpr const char* function = "lowbit::mx::quantize";
    const detail::block_layout layout =
        detail::make_layout(function, {1, in.size()}, block_size, block_direction::along_rows);
    detail::check_buffers<Elem>(function, layout, in.size(), elements.size(), scales.size());
    detail::require_separate_spans(function, in, elements, scales);
    engine::quantize<Elem>(in.data(), layout, elements.data(), scales.data(), rule);
}

// out[i] = decode(element i) * 2^(scale - 127), exact (±Inf if it overflows float32, as E5M2 elements under
// large scales can); every value of a block whose scale is 0xFF is NaN. Size checks as quantize, with
// out.size() the element count; `out` may not overlap the elements or scales.
template <element_format Elem>
void dequantize(std::span<const std::uint8_t> elements, std::span<const float8_e8m0fnu> scales, std::span<float> out,
                std::size_t block_size = default_block_size)
{
    constexpr const char* function = "lowbit::mx::dequantize";
    const detail::block_layout layout =
        detail::make_layout(function, {1, out.size()}, block_size, block_direction::along_rows);
    detail::check_buffers<Elem>(function, layout, out.size(), elements.size(), scales.size());
    detail::require_separate_spans(function, elements, scales, out);
    engine::dequantize<Elem>(elements.data(), scales.data(), layout, out.data());
}

}  // namespace LOWBIT_SIMD_ABI
}  // namespace lowbit::mx
