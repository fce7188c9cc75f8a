// Dot products of MX vectors: MX . MX with exact element products, and MX . float32. Both accumulate in
// float32 in one fixed order (below), so every ISA and every build gives the same bits.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>

#include "../simd/abi.hpp"
#include "../types/named_formats.hpp"
#include "block_layout.hpp"
#include "codec_engine.hpp"
#include "element_traits.hpp"
#include "exact_scaling.hpp"
#include "scale_rules.hpp"

namespace lowbit::mx {

// The accumulation order of both dot products (docs/mx.md):
//  1. within a block, the products p_i go to 8 float32 lanes, lane (i - block start) mod 8, each lane
//     summed in increasing i;
//  2. the block's partial sum is ((l0 + l1) + (l2 + l3)) + ((l4 + l5) + (l6 + l7));
//  3. the partial sum is multiplied by the block's scale(s), rounded once (exact unless it leaves float32's
//     normal range);
//  4. the scaled partial sums are added to a float32 total in block order, starting from +0.
// A block with a NaN scale (in either vector) makes the result NaN.
inline constexpr std::size_t dot_lanes = 8;

inline namespace LOWBIT_SIMD_ABI {
namespace engine {

// The running state of steps 1-4.
struct dot_accumulator {
    std::array<float, dot_lanes> lanes{};
    std::size_t position = 0;  // index within the current block
    float total = 0.0f;
    bool nan = false;

    // Adds products p[0..n) that continue the current block at `position` (no block boundary inside).
    void add(const float* p, std::size_t n) noexcept
    {
        std::size_t t = 0;
        for (; t < n && (position + t) % dot_lanes != 0; ++t) lanes[(position + t) % dot_lanes] += p[t];
        for (; t + dot_lanes <= n; t += dot_lanes)
            for (std::size_t j = 0; j < dot_lanes; ++j) lanes[j] += p[t + j];
        for (; t < n; ++t) lanes[(position + t) % dot_lanes] += p[t];
        position += n;
    }

    // Ends the block: its partial sum times 2^k, or NaN when a scale is NaN.
    void finish_block(int k, bool nan_scale) noexcept
    {
        const float partial = ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
        if (nan_scale)
            nan = true;
        else
            total += detail::scale_by_power_of_two(partial, k);
        lanes = {};
        position = 0;
    }

    float result() const noexcept { return nan ? std::numeric_limits<float>::quiet_NaN() : total; }
};

// Walks the blocks of `count` elements window by window: `products(first, n, out)` writes the products of
// elements [first, first + n) (first is a multiple of 8), `block_exponent(b, nan)` gives block b's scale
// exponent and whether it is NaN.
template <class Products, class BlockExponent>
float accumulate_dot(std::size_t count, std::size_t block_size, Products products, BlockExponent block_exponent)
{
    dot_accumulator acc;
    std::array<float, window_elements> p;
    std::size_t block = 0;
    for (std::size_t first = 0; first < count; first += window_elements) {
        const std::size_t n = std::min(window_elements, count - first);
        products(first, n, p.data());
        std::size_t done = 0;
        while (done < n) {
            const std::size_t block_end = std::min(count, (block + 1) * block_size);
            const std::size_t take = std::min(n - done, block_end - (first + done));
            acc.add(p.data() + done, take);
            done += take;
            if (first + done == block_end) {
                bool nan_scale = false;
                const int k = block_exponent(block, nan_scale);
                acc.finish_block(k, nan_scale);
                ++block;
            }
        }
    }
    return acc.result();
}

}  // namespace engine

// sum_i a_i * b_i of two MX vectors of `count` elements with the same block size (formats may differ).
// Every element product is exact in float32 (at most 14 significant bits: two 7-bit MXINT8 magnitudes; 4 x 4 for FP8); the order is the one above.
// Buffer sizes must match `count` and `block_size` exactly, else std::invalid_argument.
template <element_format A, element_format B = A>
float dot(std::span<const std::uint8_t> a, std::span<const float8_e8m0fnu> a_scales, std::span<const std::uint8_t> b,
          std::span<const float8_e8m0fnu> b_scales, std::size_t count, std::size_t block_size = default_block_size)
{
    constexpr const char* function = "lowbit::mx::dot";
    const detail::block_layout layout = detail::make_layout(function, {1, count}, block_size, block_direction::along_rows);
    detail::check_buffers<A>(function, layout, count, a.size(), a_scales.size());
    detail::check_buffers<B>(function, layout, count, b.size(), b_scales.size());
    return engine::accumulate_dot(
        count, block_size,
        [&](std::size_t first, std::size_t n, float* p) {
            std::array<float, engine::window_elements> va;
            std::array<float, engine::window_elements> vb;
            engine::decode_window<A>(a.data(), first, n, va.data());
            engine::decode_window<B>(b.data(), first, n, vb.data());
            for (std::size_t i = 0; i < n; ++i) p[i] = va[i] * vb[i];  // exact: no rounding to contract away
        },
        [&](std::size_t block, bool& nan) {
            const std::uint8_t sa = a_scales[block].bits();
            const std::uint8_t sb = b_scales[block].bits();
            nan = sa == nan_scale_code || sb == nan_scale_code;
            return static_cast<int>(sa) + static_cast<int>(sb) - 254 - detail::fixed_point_shift<A> -
                   detail::fixed_point_shift<B>;
        });
}

// sum_i a_i * x_i of an MX vector and float32 values (count = x.size()). Each product decode(a_i) * x_i is
// rounded once to float32 (computed exactly in double first, so that no compiler can fuse it into an FMA
// with the sum); the block scale is applied to each block's partial sum as above.
template <element_format Elem>
float dot_with_floats(std::span<const std::uint8_t> elements, std::span<const float8_e8m0fnu> scales,
                      std::span<const float> x, std::size_t block_size = default_block_size)
{
    constexpr const char* function = "lowbit::mx::dot_with_floats";
    const detail::block_layout layout = detail::make_layout(function, {1, x.size()}, block_size, block_direction::along_rows);
    detail::check_buffers<Elem>(function, layout, x.size(), elements.size(), scales.size());
    return engine::accumulate_dot(
        x.size(), block_size,
        [&](std::size_t first, std::size_t n, float* p) {
            std::array<float, engine::window_elements> v;
            engine::decode_window<Elem>(elements.data(), first, n, v.data());
            // MXINT8 decodes to the integer q; its value q / 64 is taken here (exact in double) so that the
            // one rounding happens on the true product even where x is near float32's limits.
            constexpr double element_unit = detail::fixed_point_shift<Elem> == 6 ? 1.0 / 64.0 : 1.0;
            for (std::size_t i = 0; i < n; ++i)
                p[i] = static_cast<float>(static_cast<double>(v[i]) * element_unit * static_cast<double>(x[first + i]));
        },
        [&](std::size_t block, bool& nan) {
            const std::uint8_t s = scales[block].bits();
            nan = s == nan_scale_code;
            return static_cast<int>(s) - 127;
        });
}

}  // namespace LOWBIT_SIMD_ABI
}  // namespace lowbit::mx
