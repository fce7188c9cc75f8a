// mx::tensor<Elem>: an owning MX tensor, the packed element bytes and the E8M0 scales of a vector or of a
// row-major matrix, with its shape, block direction and block size, so that callers need not keep the
// buffers and their bookkeeping in step. It is a thin wrapper: every byte is written by mx::quantize_matrix
// and every value read by mx::dequantize_matrix (a vector is the 1 x n matrix blocked along its row, the
// layout mx::quantize uses), so a tensor holds exactly what the span API would.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "../packed.hpp"
#include "../simd/abi.hpp"
#include "../types/named_formats.hpp"
#include "block_layout.hpp"
#include "element_traits.hpp"
#include "matrix.hpp"
#include "quantize.hpp"
#include "scale_rules.hpp"

namespace lowbit::mx {
// Inside the ABI namespace like the functions it calls: its inline members contain their (ISA-dependent)
// code once inlined.
inline namespace LOWBIT_SIMD_ABI {

template <element_format Elem>
class tensor {
public:
    // The empty vector (shape 1 x 0), blocks of default_block_size.
    tensor() = default;

    // Quantizes a vector in blocks of `block_size` consecutive values (the last may be short), as
    // mx::quantize. Block size 0: std::invalid_argument.
    explicit tensor(std::span<const float> values, scale_rule rule = scale_rule::floor,
                    std::size_t block_size = default_block_size)
        : tensor(values, matrix_shape{1, values.size()}, block_direction::along_rows, rule, block_size)
    {
    }

    // Quantizes a row-major shape.rows x shape.cols matrix, as mx::quantize_matrix. values.size() must be
    // rows * cols and the block size positive, else std::invalid_argument.
    tensor(std::span<const float> values, matrix_shape shape, block_direction direction,
           scale_rule rule = scale_rule::floor, std::size_t block_size = default_block_size)
        : scales_(checked_scale_count(shape, direction, block_size)),
          elements_(element_bytes<Elem>(shape.rows * shape.cols)),
          shape_(shape),
          direction_(direction),
          block_size_(block_size)
    {
        quantize_matrix<Elem>(values, shape_, direction_, elements_, scales_, rule, block_size_);
    }

    std::size_t size() const noexcept { return shape_.rows * shape_.cols; }
    bool empty() const noexcept { return size() == 0; }
    std::size_t block_size() const noexcept { return block_size_; }
    matrix_shape shape() const noexcept { return shape_; }
    block_direction direction() const noexcept { return direction_; }
    // The shape of scales() read as a row-major matrix (1 x scale count for a vector).
    matrix_shape scale_shape() const { return mx::scale_shape(shape_, direction_, block_size_); }

    // The packed element stream (element_bytes<Elem>(size()) bytes) and the block scales, laid out as the
    // span API lays them out.
    std::span<const std::uint8_t> elements() const noexcept { return elements_; }
    std::span<const float8_e8m0fnu> scales() const noexcept { return scales_; }

    std::vector<float> dequantize() const
    {
        std::vector<float> out(size());
        dequantize(out);
        return out;
    }

    // out.size() must be size(), else std::invalid_argument and out is left as it was.
    void dequantize(std::span<float> out) const
    {
        dequantize_matrix<Elem>(elements_, scales_, shape_, direction_, out, block_size_);
    }

    // The code of element i (in the low bits for FP4/FP6; MXINT8's two's complement byte).
    // std::out_of_range for i >= size().
    std::uint8_t element(std::size_t i) const
    {
        check_index("lowbit::mx::tensor::element", i);
        if constexpr (element_traits<Elem>::bits == 8)
            return elements_[i];
        else
            return packed::get<Elem>(elements_, i).bits();
    }

    // The scale of the block that holds element i. std::out_of_range for i >= size().
    float8_e8m0fnu scale_of(std::size_t i) const
    {
        check_index("lowbit::mx::tensor::scale_of", i);
        const detail::block_layout layout{shape_.rows, shape_.cols, block_size_, direction_};
        return scales_[layout.run_at(i, 1).scale_index];
    }

    // Element i dequantized: dequantize()[i], computed by dequantizing that one code under its block's scale
    // as a one-element tensor, so the two can never disagree. std::out_of_range for i >= size().
    float value(std::size_t i) const
    {
        const std::array<std::uint8_t, element_bytes<Elem>(1)> code{element(i)};
        const std::array<float8_e8m0fnu, 1> scale{scale_of(i)};
        std::array<float, 1> out{};
        mx::dequantize<Elem>(code, scale, out, 1);
        return out[0];
    }

    // Same shape, direction, block size and bytes. Scales are compared by code: the NaN scale 0xFF equals
    // itself here, unlike E8M0's IEEE-style operator==, so a tensor with a NaN block equals its copy.
    friend bool operator==(const tensor& a, const tensor& b) noexcept
    {
        if (a.shape_ != b.shape_ || a.direction_ != b.direction_ || a.block_size_ != b.block_size_ ||
            a.elements_ != b.elements_ || a.scales_.size() != b.scales_.size())
            return false;
        for (std::size_t i = 0; i < a.scales_.size(); ++i)
            if (a.scales_[i].bits() != b.scales_[i].bits()) return false;
        return true;
    }

private:
    // The scale count, after mx::scale_shape has checked the block size and that rows * cols fits a size_t:
    // the constructor's first step, so that the element count is never computed from an overflowing shape.
    // (A values.size() that does not match the shape is rejected by quantize_matrix; either way the
    // exception leaves no object behind.)
    static std::size_t checked_scale_count(matrix_shape shape, block_direction direction, std::size_t block_size)
    {
        const matrix_shape s = mx::scale_shape(shape, direction, block_size);
        return s.rows * s.cols;
    }

    void check_index(const char* function, std::size_t i) const
    {
        if (i >= size())
            throw std::out_of_range(std::string(function) + ": index " + std::to_string(i) + " is not below the size " +
                                    std::to_string(size()));
    }

    std::vector<float8_e8m0fnu> scales_;  // first: its initialiser checks the arguments
    std::vector<std::uint8_t> elements_;
    matrix_shape shape_{1, 0};
    block_direction direction_ = block_direction::along_rows;
    std::size_t block_size_ = default_block_size;
};

}  // namespace LOWBIT_SIMD_ABI
}  // namespace lowbit::mx
