// Where the blocks of an MX tensor lie: a vector cut into runs of block_size, or a row-major matrix cut
// along its rows or along its columns; the sizes of the element and scale buffers, and the checks that
// reject buffers of the wrong size, or overlapping ones, before anything is written.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>

#include "../core/span_checks.hpp"
#include "../packed.hpp"
#include "element_traits.hpp"

namespace lowbit::mx {

inline constexpr std::size_t default_block_size = 32;

// How a row-major matrix is cut into blocks.
enum class block_direction : std::uint8_t {
    along_rows,     // a block is block_size consecutive elements of one row; scales are rows x ceil(cols/bs)
    along_columns,  // a block is block_size consecutive elements of one column; scales are ceil(rows/bs) x cols
};

struct matrix_shape {
    std::size_t rows = 0;
    std::size_t cols = 0;
    friend constexpr bool operator==(const matrix_shape&, const matrix_shape&) = default;
};

// Bytes that hold `count` packed element codes: one per byte for FP8 and INT8, two per byte for FP4 (element
// 2i in the low nibble), four per three bytes for FP6 (dense little-endian bit stream), as lowbit::packed.
template <element_format Elem>
constexpr std::size_t element_bytes(std::size_t count) noexcept
{
    if constexpr (element_traits<Elem>::bits == 8)
        return count;
    else
        return packed::bytes_for<Elem>(count);
}

namespace detail {

[[noreturn]] inline void throw_bad_argument(const char* function, const std::string& problem)
{
    throw std::invalid_argument(std::string(function) + ": " + problem);
}

constexpr std::size_t blocks_for(std::size_t count, std::size_t block_size) noexcept
{
    return count / block_size + (count % block_size != 0 ? 1 : 0);
}

inline void check_block_size(const char* function, std::size_t block_size)
{
    if (block_size == 0) throw_bad_argument(function, "the block size must be at least 1, it is 0");
}

inline std::string shape_text(matrix_shape s)
{
    return std::to_string(s.rows) + "x" + std::to_string(s.cols);
}

// The blocks of a rows x cols row-major tensor (a vector is 1 x count, cut along its row). Blocks that
// reach the end of a row (along_rows) or of a column (along_columns) may be shorter than block_size.
struct block_layout {
    std::size_t rows;
    std::size_t cols;
    std::size_t block_size;
    block_direction direction;

    constexpr std::size_t element_count() const noexcept { return rows * cols; }
    constexpr matrix_shape scale_shape() const noexcept
    {
        if (direction == block_direction::along_rows) return {rows, blocks_for(cols, block_size)};
        return {blocks_for(rows, block_size), cols};
    }
    constexpr std::size_t scale_count() const noexcept
    {
        const matrix_shape s = scale_shape();
        return s.rows * s.cols;
    }

    // From element i on, the longest stretch (up to `limit` elements) whose scales are scale_index,
    // scale_index + stride, ...: stride 0 within a block of a row, stride 1 along a row when blocks run
    // down the columns (each element of a row belongs to its column's block).
    struct run {
        std::size_t scale_index;
        std::size_t stride;
        std::size_t length;
    };
    constexpr run run_at(std::size_t i, std::size_t limit) const noexcept
    {
        const std::size_t r = i / cols;
        const std::size_t c = i % cols;
        if (direction == block_direction::along_rows) {
            const std::size_t b = c / block_size;
            const std::size_t block_end = (b + 1) * block_size < cols ? (b + 1) * block_size : cols;
            const std::size_t length = block_end - c < limit ? block_end - c : limit;
            return {r * blocks_for(cols, block_size) + b, 0, length};
        }
        const std::size_t length = cols - c < limit ? cols - c : limit;
        return {(r / block_size) * cols + c, 1, length};
    }
};

// A layout for a matrix, after checking that the block size is positive and rows * cols fits a size_t.
inline block_layout make_layout(const char* function, matrix_shape shape, std::size_t block_size,
                                block_direction direction)
{
    check_block_size(function, block_size);
    if (shape.cols != 0 && shape.rows > std::numeric_limits<std::size_t>::max() / shape.cols)
        throw_bad_argument(function, "the shape " + shape_text(shape) + " has more elements than a size_t counts");
    return {shape.rows, shape.cols, block_size, direction};
}

// Every buffer must have exactly the size the layout needs (a mismatch is almost always a bug in the
// caller's bookkeeping, so nothing is rounded up or ignored).
template <element_format Elem>
void check_buffers(const char* function, const block_layout& layout, std::size_t value_count,
                   std::size_t element_byte_count, std::size_t scale_count)
{
    const std::size_t n = layout.element_count();
    if (value_count != n)
        throw_bad_argument(function, "the float span has " + std::to_string(value_count) + " values, the shape " +
                                         shape_text({layout.rows, layout.cols}) + " needs " + std::to_string(n));
    if (element_byte_count != element_bytes<Elem>(n))
        throw_bad_argument(function, "the element span has " + std::to_string(element_byte_count) + " bytes, " +
                                         std::to_string(n) + " " + std::string(element_name<Elem>()) +
                                         " elements need " + std::to_string(element_bytes<Elem>(n)));
    if (scale_count != layout.scale_count())
        throw_bad_argument(function, "the scale span has " + std::to_string(scale_count) + " scales, " +
                                         std::to_string(n) + " elements in blocks of " +
                                         std::to_string(layout.block_size) + " need " +
                                         std::to_string(layout.scale_count()));
}

// The spans of a quantization (the floats in, the element codes and the scales out) must not share a byte:
// the kernels read a block's floats after writing earlier blocks. std::invalid_argument before anything is
// written, as for lowbit::convert's spans.
inline void require_separate_spans(const char* function, std::span<const float> values, std::span<std::uint8_t> elements,
                                   std::span<float8_e8m0fnu> scales)
{
    lowbit::detail::require_disjoint(function, "the float and element spans", values, elements);
    lowbit::detail::require_disjoint(function, "the float and scale spans", values, scales);
    lowbit::detail::require_disjoint(function, "the element and scale spans", elements, scales);
}

// And of a dequantization: the floats out must not share a byte with the codes or scales read (the inputs
// may share bytes with each other).
inline void require_separate_spans(const char* function, std::span<const std::uint8_t> elements,
                                   std::span<const float8_e8m0fnu> scales, std::span<float> values)
{
    lowbit::detail::require_disjoint(function, "the element and float spans", elements, values);
    lowbit::detail::require_disjoint(function, "the scale and float spans", scales, values);
}

}  // namespace detail

// The number of block scales of a vector of `count` elements: ceil(count / block_size) (the last block may
// be short). std::invalid_argument for block size 0.
inline std::size_t scale_count(std::size_t count, std::size_t block_size = default_block_size)
{
    detail::check_block_size("lowbit::mx::scale_count", block_size);
    return detail::blocks_for(count, block_size);
}

// The shape of the scale matrix of a rows x cols matrix. std::invalid_argument for block size 0.
inline matrix_shape scale_shape(matrix_shape shape, block_direction direction,
                                std::size_t block_size = default_block_size)
{
    return detail::make_layout("lowbit::mx::scale_shape", shape, block_size, direction).scale_shape();
}

}  // namespace lowbit::mx
