// ggml's block_mxfp4 (GGML_TYPE_MXFP4): 17 bytes per 32 values, the E8M0 scale then 16 bytes whose low
// nibbles hold elements 0..15 and high nibbles elements 16..31. Two encoders write that layout: ggml's
// own reference quantizer reproduced bit for bit, and lowbit's OCP quantizer (any scale rule).
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>

#include "../core/span_checks.hpp"
#include "../simd/abi.hpp"
#include "../types/named_formats.hpp"
#include "block_layout.hpp"
#include "codec_engine.hpp"
#include "element_traits.hpp"
#include "exact_scaling.hpp"
#include "scale_rules.hpp"

namespace lowbit::mx::ggml {

struct block_mxfp4 {
    std::uint8_t e;       // E8M0 scale
    std::uint8_t qs[16];  // qs[j]: element j in bits 3..0, element j + 16 in bits 7..4
};
static_assert(sizeof(block_mxfp4) == 17 && alignof(block_mxfp4) == 1, "block_mxfp4 must match ggml's 17 bytes");

inline constexpr std::size_t block_elements = 32;  // QK_MXFP4
inline constexpr std::size_t block_bytes = 17;

// How values become the bytes of a block.
enum class encoding : std::uint8_t {
    // ggml's quantize_row_mxfp4_ref: e = (uint8_t)(floorf(log2f(amax)) - 2 + 127), no clamp, 0 for an
    // all-zero block; each element takes the nearest of d * {0, 1, 2, 3, 4, 6, 8, 12, -0, -1, ...} with
    // d = 2^(e-128), distances computed in float32, the first (lowest) index winning ties. So ties go toward
    // the smaller magnitude, -0 is never written, and log2f's rounding decides e for amax a hair below a power
    // of two (glibc 2.36 gives floor(log2f(16 - 2^-20)) = 4, one binade above the true floor).
    ggml_exact,
    // lowbit's OCP MXFP4 (mx::quantize<fp4_e2m1>): the chosen scale_rule from the float32 bits, elements
    // nearest-even with saturation (-0 kept), NaN scale 0xFF for blocks with NaN or Inf.
    ocp,
};

// What the bytes of a block mean; the two differ only in e = 0xFF and in the element code 8.
enum class decoding : std::uint8_t {
    ggml_exact,  // ggml's dequantize_row_mxfp4: code 8 is +0, e = 0xFF is 2^128 (values overflow to Inf)
    ocp,         // OCP MX: code 8 is -0, e = 0xFF makes every value of the block NaN
};

namespace detail {

// ggml's kvalues_mxfp4: the E2M1 values doubled, so that d = 2^(e-128) is half the OCP scale.
inline constexpr std::array<std::int8_t, 16> ggml_kvalues = {0, 1, 2, 3, 4, 6, 8, 12, 0, -1, -2, -3, -4, -6, -8, -12};

// E2M1 values of the codes: the library's own table for OCP (code 8 is -0), and ggml's reading, where
// code 8 is +0 (its kvalues table holds 0 there).
inline constexpr const std::array<float, 16>& e2m1_values_ocp = lowbit::detail::value_table<float, float4_e2m1fn::info>;
inline constexpr std::array<float, 16> e2m1_values_ggml = [] {
    std::array<float, 16> values = e2m1_values_ocp;
    values[8] = 0.0f;
    return values;
}();

[[noreturn]] inline void throw_ggml_argument(const char* function, const std::string& problem)
{
    lowbit::mx::detail::throw_bad_argument(function, problem);
}

inline std::size_t checked_block_count(const char* function, std::size_t values, std::size_t blocks)
{
    if (values % block_elements != 0)
        throw_ggml_argument(function, "block_mxfp4 holds 32 values per block; " + std::to_string(values) +
                                          " values is not a multiple of 32");
    if (blocks != values / block_elements)
        throw_ggml_argument(function, std::to_string(values) + " values need " +
                                          std::to_string(values / block_elements) + " blocks, the block span has " +
                                          std::to_string(blocks));
    return blocks;
}

// GGML_E8M0_TO_FP32_HALF: 2^(e-128), built from bits as ggml does (subnormal for e < 2).
constexpr float ggml_half_scale(std::uint8_t e) noexcept
{
    const std::uint32_t bits = e < 2 ? (0x0020'0000u << e) : (static_cast<std::uint32_t>(e - 1) << 23);
    return std::bit_cast<float>(bits);
}

// best_index_mxfp4: the first index with the smallest float32 |kvalue * d - x|. A NaN x matches nothing
// and keeps index 0, as in ggml.
inline std::uint8_t ggml_best_index(float x, float d) noexcept
{
    std::uint8_t best = 0;
    float best_error = std::fabs(static_cast<float>(ggml_kvalues[0]) * d - x);
    for (std::uint8_t i = 1; i < 16; ++i) {
        const float error = std::fabs(static_cast<float>(ggml_kvalues[i]) * d - x);
        if (error < best_error) {
            best = i;
            best_error = error;
        }
    }
    return best;
}

// ggml's scale byte for a block. Where ggml's C is undefined lowbit picks: a negative exponent (amax below
// 2^-125) wraps modulo 256 as the x86-64 builds of ggml do (cvttss2si, low byte); ±Inf in the block
// (an undefined float-to-uint8 conversion in ggml) gives the OCP answer, the NaN scale.
inline std::uint8_t ggml_scale_byte(const float* x, bool& has_infinity) noexcept
{
    float amax = 0.0f;
    has_infinity = false;
    for (std::size_t j = 0; j < block_elements; ++j) {
        const float magnitude = std::fabs(x[j]);
        // On the bits, not std::isinf, which -ffinite-math-only folds to false.
        has_infinity = has_infinity || (std::bit_cast<std::uint32_t>(x[j]) & 0x7FFFFFFFu) == 0x7F800000u;
        if (amax < magnitude) amax = magnitude;  // a NaN never wins this comparison, as in ggml
    }
    if (has_infinity) return nan_scale_code;
    if (!(amax > 0.0f)) return 0;
    const float e = std::floor(std::log2(amax)) - 2.0f + 127.0f;
    return static_cast<std::uint8_t>(static_cast<unsigned>(static_cast<int>(e)) & 0xFFu);
}

inline void encode_ggml_exact(const float* x, std::uint8_t* block)
{
    bool has_infinity = false;
    const std::uint8_t e = ggml_scale_byte(x, has_infinity);
    block[0] = e;
    if (has_infinity) {
        std::fill(block + 1, block + block_bytes, std::uint8_t{0});
        return;
    }
    const float d = ggml_half_scale(e);
    for (std::size_t j = 0; j < 16; ++j) {
        const std::uint8_t low = ggml_best_index(x[j], d);
        const std::uint8_t high = ggml_best_index(x[j + 16], d);
        block[1 + j] = static_cast<std::uint8_t>(low | (high << 4));
    }
}

}  // namespace detail

inline namespace LOWBIT_SIMD_ABI {
namespace engine {

// OCP quantization of `count` blocks: MXFP4 in lowbit's pairwise packing, blocks of 16 at a time, then
// each block's nibbles moved to ggml's split-half order.
inline void encode_ocp_blocks(const float* x, std::size_t count, std::uint8_t* out, scale_rule rule)
{
    constexpr std::size_t blocks_per_step = 16;
    std::array<std::uint8_t, blocks_per_step * 16> pairwise;
    std::array<float8_e8m0fnu, blocks_per_step> scales;
    for (std::size_t first = 0; first < count; first += blocks_per_step) {
        const std::size_t n = std::min(blocks_per_step, count - first);
        const lowbit::mx::detail::block_layout layout{1, n * ggml::block_elements, ggml::block_elements,
                                                      block_direction::along_rows};
        lowbit::mx::engine::quantize<fp4_e2m1>(x + first * ggml::block_elements, layout, pairwise.data(), scales.data(), rule);
        for (std::size_t b = 0; b < n; ++b) {
            const std::uint8_t* codes = pairwise.data() + b * 16;  // element 2i low, 2i+1 high
            const auto code = [codes](std::size_t i) { return static_cast<unsigned>(codes[i / 2] >> (4 * (i % 2))) & 0xFu; };
            std::uint8_t* block = out + (first + b) * ggml::block_bytes;
            block[0] = scales[b].bits();
            for (std::size_t j = 0; j < 16; ++j) block[1 + j] = static_cast<std::uint8_t>(code(j) | (code(j + 16) << 4));
        }
    }
}

}  // namespace engine

// Bytes of ggml blocks (17 per block, as in a GGUF tensor): in.size() must be a multiple of 32 and
// bytes.size() 17 * in.size() / 32, and the two may not overlap, else std::invalid_argument before anything
// is written. `rule` is used by encoding::ocp only (ggml_exact has ggml's own rule, FLOOR with log2f).
inline void quantize_mxfp4(std::span<const float> in, std::span<std::uint8_t> bytes,
                           encoding how = encoding::ggml_exact, scale_rule rule = scale_rule::floor)
{
    constexpr const char* function = "lowbit::mx::ggml::quantize_mxfp4";
    if (bytes.size() % block_bytes != 0)
        detail::throw_ggml_argument(function, "the byte span has " + std::to_string(bytes.size()) +
                                                  " bytes, not a multiple of 17 (the size of block_mxfp4)");
    const std::size_t count = detail::checked_block_count(function, in.size(), bytes.size() / block_bytes);
    lowbit::detail::require_disjoint(function, in, bytes);
    if (how == encoding::ocp) {
        engine::encode_ocp_blocks(in.data(), count, bytes.data(), rule);
        return;
    }
    for (std::size_t b = 0; b < count; ++b)
        detail::encode_ggml_exact(in.data() + b * block_elements, bytes.data() + b * block_bytes);
}

inline void quantize_mxfp4(std::span<const float> in, std::span<block_mxfp4> blocks,
                           encoding how = encoding::ggml_exact, scale_rule rule = scale_rule::floor)
{
    // block_mxfp4 is 17 unsigned bytes without padding: its object representation is the ggml layout.
    quantize_mxfp4(in, std::span<std::uint8_t>(reinterpret_cast<std::uint8_t*>(blocks.data()), blocks.size() * block_bytes),
                   how, rule);
}

// Values of ggml blocks: out.size() must be 32 per block, and `out` may not overlap the blocks. Exact (the
// products are powers of two times small integers; only e = 0xFF under ggml_exact overflows, to ±Inf, as in
// ggml).
inline void dequantize_mxfp4(std::span<const std::uint8_t> bytes, std::span<float> out,
                             decoding how = decoding::ggml_exact)
{
    constexpr const char* function = "lowbit::mx::ggml::dequantize_mxfp4";
    if (bytes.size() % block_bytes != 0)
        detail::throw_ggml_argument(function, "the byte span has " + std::to_string(bytes.size()) +
                                                  " bytes, not a multiple of 17 (the size of block_mxfp4)");
    const std::size_t count = detail::checked_block_count(function, out.size(), bytes.size() / block_bytes);
    lowbit::detail::require_disjoint(function, bytes, out);
    const std::array<float, 16>& values = how == decoding::ocp ? detail::e2m1_values_ocp : detail::e2m1_values_ggml;
    for (std::size_t b = 0; b < count; ++b) {
        const std::uint8_t* block = bytes.data() + b * block_bytes;
        float* y = out.data() + b * block_elements;
        const std::uint8_t e = block[0];
        if (how == decoding::ocp && e == nan_scale_code) {
            std::fill(y, y + block_elements, std::numeric_limits<float>::quiet_NaN());
            continue;
        }
        const int k = static_cast<int>(e) - 127;
        for (std::size_t j = 0; j < 16; ++j) {
            y[j] = lowbit::mx::detail::scale_by_power_of_two(values[block[1 + j] & 0xFu], k);
            y[j + 16] = lowbit::mx::detail::scale_by_power_of_two(values[block[1 + j] >> 4], k);
        }
    }
}

inline void dequantize_mxfp4(std::span<const block_mxfp4> blocks, std::span<float> out,
                             decoding how = decoding::ggml_exact)
{
    dequantize_mxfp4(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(blocks.data()),
                                                   blocks.size() * block_bytes),
                     out, how);
}

}  // namespace LOWBIT_SIMD_ABI
}  // namespace lowbit::mx::ggml
