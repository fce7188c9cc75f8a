// MX matrices: row-major matrices blocked along rows and along columns, against blocks cut out by hand and
// quantized by the reference; scale shapes; shape mismatches.
#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <stdexcept>
#include <vector>

#include <lowbit/mx.hpp>

#include "test_mx_reference.hpp"

namespace {

namespace mx = lowbit::mx;
namespace ref = mx_reference;
using mx::block_direction;
using mx::scale_rule;
using e8m0 = lowbit::float8_e8m0fnu;

template <class Elem>
void check_matrix(std::mt19937& rng, mx::matrix_shape shape, block_direction direction, std::size_t block_size,
                  scale_rule rule)
{
    std::vector<float> values;
    while (values.size() < shape.rows * shape.cols) {
        const std::vector<float> more = ref::adversarial_block<Elem>(rng, 16);
        values.insert(values.end(), more.begin(), more.end());
    }
    values.resize(shape.rows * shape.cols);
    const mx::matrix_shape scale_shape = mx::scale_shape(shape, direction, block_size);
    std::vector<std::uint8_t> bytes(mx::element_bytes<Elem>(values.size()));
    std::vector<e8m0> scales(scale_shape.rows * scale_shape.cols);
    mx::quantize_matrix<Elem>(values, shape, direction, bytes, scales, rule, block_size);
    std::vector<float> back(values.size());
    mx::dequantize_matrix<Elem>(bytes, scales, shape, direction, back, block_size);

    // Cut the blocks out by index arithmetic, independently of the library's runs.
    const bool rows = direction == block_direction::along_rows;
    const std::size_t lines = rows ? shape.rows : shape.cols;        // a line is a row or a column
    const std::size_t line_length = rows ? shape.cols : shape.rows;
    for (std::size_t line = 0; line < lines; ++line) {
        for (std::size_t start = 0, b = 0; start < line_length; start += block_size, ++b) {
            std::vector<std::size_t> where;
            std::vector<float> block;
            for (std::size_t k = start; k < std::min(line_length, start + block_size); ++k) {
                const std::size_t index = rows ? line * shape.cols + k : k * shape.cols + line;
                where.push_back(index);
                block.push_back(values[index]);
            }
            const std::size_t scale_index = rows ? line * scale_shape.cols + b : b * scale_shape.cols + line;
            const ref::reference_block expected = ref::reference_quantize_block<Elem>(block, rule);
            REQUIRE(int{scales[scale_index].bits()} == int{expected.scale});
            for (std::size_t j = 0; j < where.size(); ++j) {
                REQUIRE(ref::read_code<Elem>(bytes, where[j]) == expected.codes[j]);
                REQUIRE(ref::same_float(back[where[j]], ref::reference_dequantize<Elem>(expected.codes[j], expected.scale)));
            }
        }
    }
}

template <class Elem>
void sweep_matrices(std::uint32_t seed)
{
    std::mt19937 rng(seed);
    const mx::matrix_shape shapes[] = {{1, 1}, {5, 7}, {64, 33}, {3, 100}, {33, 2}, {0, 5}, {4, 0}, {40, 64}};
    for (mx::matrix_shape shape : shapes) {
        for (block_direction direction : {block_direction::along_rows, block_direction::along_columns}) {
            for (std::size_t block_size : {std::size_t{32}, std::size_t{4}, std::size_t{7}}) {
                for (scale_rule rule : mx::all_scale_rules) {
                    CAPTURE(mx::element_name<Elem>(), shape.rows, shape.cols, int(direction), block_size,
                            mx::scale_rule_name(rule));
                    check_matrix<Elem>(rng, shape, direction, block_size, rule);
                }
            }
        }
    }
}

}  // namespace

TEST_CASE("mx matrix: blocks along rows and columns against the reference", "[mx][conversion]")
{
    sweep_matrices<mx::fp8_e4m3>(11);
    sweep_matrices<mx::fp8_e5m2>(12);
    sweep_matrices<mx::fp6_e3m2>(13);
    sweep_matrices<mx::fp6_e2m3>(14);
    sweep_matrices<mx::fp4_e2m1>(15);
    sweep_matrices<mx::int8>(16);
}

TEST_CASE("mx matrix: scale shapes", "[mx][api]")
{
    CHECK(mx::scale_shape({64, 96}, block_direction::along_rows) == mx::matrix_shape{64, 3});
    CHECK(mx::scale_shape({64, 96}, block_direction::along_columns) == mx::matrix_shape{2, 96});
    CHECK(mx::scale_shape({5, 33}, block_direction::along_rows) == mx::matrix_shape{5, 2});
    CHECK(mx::scale_shape({33, 5}, block_direction::along_columns, 16) == mx::matrix_shape{3, 5});
    CHECK_THROWS_AS(mx::scale_shape({4, 4}, block_direction::along_rows, 0), std::invalid_argument);
}

TEST_CASE("mx matrix: a hand-checked 2x4 matrix blocked down its columns", "[mx][conversion]")
{
    // Columns {1, 3}, {2, -8}, {0.5, 0.25}, {-6, 6}, FP4 in blocks of 2 rows: column scales from each
    // column's amax (FLOOR, emax 2): 3 -> 2^-1, 8 -> 2^1, 0.5 -> 2^-3, 6 -> 2^0.
    const std::vector<float> m = {1.0f, 2.0f, 0.5f, -6.0f, 3.0f, -8.0f, 0.25f, 6.0f};
    std::vector<std::uint8_t> bytes(4);
    std::vector<e8m0> scales(4);
    mx::quantize_matrix<mx::fp4_e2m1>(m, {2, 4}, block_direction::along_columns, bytes, scales, scale_rule::floor, 2);
    CHECK(scales[0].bits() == 126);
    CHECK(scales[1].bits() == 128);
    CHECK(scales[2].bits() == 124);
    CHECK(scales[3].bits() == 127);
    // Row 0: 1/0.5 = 2 (4), 2/2 = 1 (2), 0.5/0.125 = 4 (6), -6 (15); row 1: 6 (7), -4 (14), 2 (4), 6 (7)
    CHECK(bytes == std::vector<std::uint8_t>{0x24, 0xF6, 0xE7, 0x74});
}

TEST_CASE("mx matrix: shapes that do not match the buffers throw", "[mx][api]")
{
    std::vector<float> values(12, 1.0f);
    std::vector<std::uint8_t> bytes(12);
    std::vector<e8m0> scales(3);
    CHECK_NOTHROW(mx::quantize_matrix<mx::int8>(values, {3, 4}, block_direction::along_rows, bytes, scales, scale_rule::floor, 4));
    CHECK_THROWS_AS(mx::quantize_matrix<mx::int8>(values, {4, 4}, block_direction::along_rows, bytes, scales), std::invalid_argument);
    CHECK_THROWS_WITH(mx::quantize_matrix<mx::int8>(values, {2, 4}, block_direction::along_rows, bytes, scales),
                      Catch::Matchers::Contains("shape 2x4 needs 8"));
    // Blocked down the columns, 3x4 in blocks of 4 has 1 x 4 scales, not 3.
    CHECK_THROWS_AS(mx::quantize_matrix<mx::int8>(values, {3, 4}, block_direction::along_columns, bytes, scales, scale_rule::floor, 4),
                    std::invalid_argument);
    std::vector<float> out(12);
    CHECK_THROWS_AS(mx::dequantize_matrix<mx::int8>(bytes, scales, {6, 2}, block_direction::along_rows, out, 4), std::invalid_argument);
    CHECK_THROWS_AS(mx::quantize_matrix<mx::int8>(values, {std::size_t{1} << 40, std::size_t{1} << 40}, block_direction::along_rows, bytes, scales),
                    std::invalid_argument);
}
