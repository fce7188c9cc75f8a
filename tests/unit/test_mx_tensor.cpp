// mx::tensor: the owning container must hold exactly what the span API (mx::quantize / quantize_matrix)
// writes and give back exactly what mx::dequantize reads, for every element type, rule and block size;
// hand-computed bytes and values; element / value accessors; equality by code; argument errors that throw
// before anything changes.
#include <catch2/catch.hpp>

#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <random>
#include <stdexcept>
#include <vector>

#include <lowbit/mx.hpp>

namespace {

namespace mx = lowbit::mx;
using mx::scale_rule;
using e8m0 = lowbit::float8_e8m0fnu;

// Values of ordinary and extreme magnitude with a NaN in one block, so that every special path is crossed.
std::vector<float> mixed_values(std::size_t n, std::uint32_t seed)
{
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::uniform_int_distribution<int> exponent(-30, 30);
    std::vector<float> v(n);
    for (float& x : v) x = std::ldexp(normal(rng), exponent(rng) / 5);
    if (n > 40) v[40] = std::numeric_limits<float>::quiet_NaN();
    return v;
}

std::vector<std::uint8_t> codes_of(const std::vector<e8m0>& scales)
{
    std::vector<std::uint8_t> codes;
    for (const e8m0 s : scales) codes.push_back(s.bits());
    return codes;
}

std::vector<std::uint8_t> codes_of(std::span<const e8m0> scales)
{
    return codes_of(std::vector<e8m0>(scales.begin(), scales.end()));
}

std::vector<std::uint32_t> bits_of(const std::vector<float>& values)
{
    std::vector<std::uint32_t> bits;
    for (const float x : values) bits.push_back(std::bit_cast<std::uint32_t>(x));
    return bits;
}

}  // namespace

TEMPLATE_TEST_CASE("mx::tensor holds what the span API writes and reads", "[mx][tensor]", mx::fp8_e4m3,
                   mx::fp8_e5m2, mx::fp6_e3m2, mx::fp6_e2m3, mx::fp4_e2m1, mx::int8)
{
    using Elem = TestType;
    for (const std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{37}, std::size_t{100}, std::size_t{1500}}) {
        for (const std::size_t block_size : {std::size_t{1}, std::size_t{5}, std::size_t{32}, std::size_t{33}}) {
            for (const scale_rule rule : mx::all_scale_rules) {
                CAPTURE(n, block_size, mx::scale_rule_name(rule));
                const std::vector<float> x = mixed_values(n, static_cast<std::uint32_t>(n * 131 + block_size));
                std::vector<std::uint8_t> elements(mx::element_bytes<Elem>(n));
                std::vector<e8m0> scales(mx::scale_count(n, block_size));
                mx::quantize<Elem>(x, elements, scales, rule, block_size);
                std::vector<float> expected(n);
                mx::dequantize<Elem>(elements, scales, expected, block_size);

                const mx::tensor<Elem> t(x, rule, block_size);
                CHECK(t.size() == n);
                CHECK(t.empty() == (n == 0));
                CHECK(t.block_size() == block_size);
                CHECK(t.shape() == mx::matrix_shape{1, n});
                CHECK(t.direction() == mx::block_direction::along_rows);
                CHECK(t.scale_shape() == mx::matrix_shape{1, scales.size()});
                CHECK(std::vector<std::uint8_t>(t.elements().begin(), t.elements().end()) == elements);
                CHECK(codes_of(t.scales()) == codes_of(scales));
                CHECK(bits_of(t.dequantize()) == bits_of(expected));

                std::vector<float> into(n, -1.0f);
                t.dequantize(into);
                CHECK(bits_of(into) == bits_of(expected));

                for (std::size_t i = 0; i < n; ++i) {
                    CAPTURE(i);
                    if constexpr (mx::element_traits<Elem>::bits == 8)
                        REQUIRE(t.element(i) == elements[i]);
                    else
                        REQUIRE(t.element(i) == lowbit::packed::get<Elem>(elements, i).bits());
                    REQUIRE(t.scale_of(i).bits() == scales[i / block_size].bits());
                    REQUIRE(std::bit_cast<std::uint32_t>(t.value(i)) == std::bit_cast<std::uint32_t>(expected[i]));
                }
            }
        }
    }
}

TEMPLATE_TEST_CASE("mx::tensor of a matrix holds what quantize_matrix writes", "[mx][tensor]", mx::fp8_e4m3,
                   mx::fp6_e3m2, mx::fp4_e2m1, mx::int8)
{
    using Elem = TestType;
    const mx::matrix_shape shape{7, 45};
    const std::vector<float> x = mixed_values(shape.rows * shape.cols, 5);
    for (const auto direction : {mx::block_direction::along_rows, mx::block_direction::along_columns}) {
        for (const std::size_t block_size : {std::size_t{4}, std::size_t{32}}) {
            CAPTURE(direction == mx::block_direction::along_rows, block_size);
            const mx::matrix_shape scale_shape = mx::scale_shape(shape, direction, block_size);
            std::vector<std::uint8_t> elements(mx::element_bytes<Elem>(x.size()));
            std::vector<e8m0> scales(scale_shape.rows * scale_shape.cols);
            mx::quantize_matrix<Elem>(x, shape, direction, elements, scales, scale_rule::rceil, block_size);
            std::vector<float> expected(x.size());
            mx::dequantize_matrix<Elem>(elements, scales, shape, direction, expected, block_size);

            const mx::tensor<Elem> t(x, shape, direction, scale_rule::rceil, block_size);
            CHECK(t.size() == x.size());
            CHECK(t.shape() == shape);
            CHECK(t.direction() == direction);
            CHECK(t.scale_shape() == scale_shape);
            CHECK(std::vector<std::uint8_t>(t.elements().begin(), t.elements().end()) == elements);
            CHECK(codes_of(t.scales()) == codes_of(scales));
            CHECK(bits_of(t.dequantize()) == bits_of(expected));
            for (std::size_t i = 0; i < x.size(); ++i) {
                CAPTURE(i);
                const std::size_t r = i / shape.cols, c = i % shape.cols;
                const std::size_t scale_index = direction == mx::block_direction::along_rows
                                                    ? r * scale_shape.cols + c / block_size
                                                    : (r / block_size) * scale_shape.cols + c;
                REQUIRE(t.scale_of(i).bits() == scales[scale_index].bits());
                REQUIRE(std::bit_cast<std::uint32_t>(t.value(i)) == std::bit_cast<std::uint32_t>(expected[i]));
            }
        }
    }
}

TEST_CASE("mx::tensor: hand-computed blocks", "[mx][tensor]")
{
    SECTION("MXFP4, floor, blocks of 4 and a short block of 2")
    {
        // Block 0: amax 7, floor(log2 7) - emax 2 = 0 -> code 127; 1, 2, 3 are exact (E2M1 codes 2, 4, 5) and
        // 7 saturates to 6 (code 7). Block 1: amax 0.5 -> s = -1 - 2 = -3, code 124; 0.25 * 8 = 2 (code 4),
        // -0.5 * 8 = -4 (code 0x8 | 6).
        const std::vector<float> x = {1.0f, 2.0f, 3.0f, 7.0f, 0.25f, -0.5f};
        const mx::tensor<mx::fp4_e2m1> t(x, scale_rule::floor, 4);
        CHECK(std::vector<std::uint8_t>(t.elements().begin(), t.elements().end()) ==
              std::vector<std::uint8_t>{0x42, 0x75, 0xE4});
        CHECK(codes_of(t.scales()) == std::vector<std::uint8_t>{127, 124});
        CHECK(t.element(3) == 7);
        CHECK(t.element(5) == 0xE);
        CHECK(t.dequantize() == std::vector<float>{1.0f, 2.0f, 3.0f, 6.0f, 0.25f, -0.5f});
        CHECK(t.value(3) == 6.0f);
        CHECK(t.value(5) == -0.5f);
    }
    SECTION("MXFP8 E4M3, floor: 896 = 448 * 2^1")
    {
        // amax 896: floor(log2 896) = 9, emax 8 -> s = 1, code 128; 448 is E4M3 0x7E, 0.5 is 0x30.
        const std::vector<float> x = {896.0f, 1.0f};
        const mx::tensor<mx::fp8_e4m3> t(x);
        CHECK(std::vector<std::uint8_t>(t.elements().begin(), t.elements().end()) == std::vector<std::uint8_t>{0x7E, 0x30});
        CHECK(codes_of(t.scales()) == std::vector<std::uint8_t>{128});
        CHECK(t.dequantize() == x);
    }
    SECTION("MXINT8, floor: q = x * 64 under scale 2^0")
    {
        const std::vector<float> x = {1.0f, -0.5f, 0.75f};
        const mx::tensor<mx::int8> t(x);
        CHECK(std::vector<std::uint8_t>(t.elements().begin(), t.elements().end()) ==
              std::vector<std::uint8_t>{64, 0xE0, 48});
        CHECK(codes_of(t.scales()) == std::vector<std::uint8_t>{127});
        CHECK(t.value(1) == -0.5f);
    }
    SECTION("a 2 x 3 MXFP4 matrix blocked along columns")
    {
        // Columns {1, 4}, {2, -0.5}, {6, 3}: amax 4, 2, 6 -> s = 0, -1, 0 (codes 127, 126, 127).
        const std::vector<float> x = {1.0f, 2.0f, 6.0f, 4.0f, -0.5f, 3.0f};
        const mx::tensor<mx::fp4_e2m1> t(x, {2, 3}, mx::block_direction::along_columns, scale_rule::floor, 2);
        CHECK(t.scale_shape() == mx::matrix_shape{1, 3});
        CHECK(codes_of(t.scales()) == std::vector<std::uint8_t>{127, 126, 127});
        CHECK(t.scale_of(4).bits() == 126);
        CHECK(t.element(4) == 0xA);  // -0.5 * 2 = -1: code 0x8 | 2
        CHECK(t.dequantize() == x);
    }
}

TEST_CASE("mx::tensor equality compares shape, block size and codes", "[mx][tensor]")
{
    const std::vector<float> x = mixed_values(96, 11);
    const mx::tensor<mx::fp8_e5m2> t(x);
    REQUIRE(std::isnan(t.value(40)));  // the NaN block has the NaN scale, which must still equal itself
    CHECK(t == mx::tensor<mx::fp8_e5m2>(t));
    CHECK(t == mx::tensor<mx::fp8_e5m2>(x, {1, 96}, mx::block_direction::along_rows));  // a vector is 1 x n
    CHECK_FALSE(t == mx::tensor<mx::fp8_e5m2>(x, scale_rule::floor, 16));
    CHECK_FALSE(t == mx::tensor<mx::fp8_e5m2>(x, {2, 48}, mx::block_direction::along_rows));
    std::vector<float> y = x;
    y[0] = std::nextafter(y[0], 1e30f) * 3.0f;
    CHECK_FALSE(t == mx::tensor<mx::fp8_e5m2>(y));
    CHECK(mx::tensor<mx::fp4_e2m1>() == mx::tensor<mx::fp4_e2m1>(std::vector<float>{}));
    CHECK(mx::tensor<mx::fp4_e2m1>().size() == 0);
    CHECK(mx::tensor<mx::fp4_e2m1>().block_size() == mx::default_block_size);
}

TEST_CASE("mx::tensor: errors throw before anything changes", "[mx][tensor]")
{
    const std::vector<float> x = {1.0f, 2.0f, 3.0f, 7.0f, 0.25f};
    mx::tensor<mx::fp6_e2m3> t(x, scale_rule::floor, 2);
    const mx::tensor<mx::fp6_e2m3> before = t;

    CHECK_THROWS_AS(t = mx::tensor<mx::fp6_e2m3>(x, scale_rule::floor, 0), std::invalid_argument);
    CHECK_THROWS_AS(t = mx::tensor<mx::fp6_e2m3>(x, {2, 2}, mx::block_direction::along_rows), std::invalid_argument);
    CHECK_THROWS_AS(t = mx::tensor<mx::fp6_e2m3>(x, {1, 5}, mx::block_direction::along_columns, scale_rule::floor, 0),
                    std::invalid_argument);
    CHECK(t == before);

    CHECK_THROWS_AS(t.element(5), std::out_of_range);
    CHECK_THROWS_AS(t.value(5), std::out_of_range);
    CHECK_THROWS_AS(t.scale_of(5), std::out_of_range);
    CHECK_THROWS_AS(mx::tensor<mx::fp6_e2m3>().value(0), std::out_of_range);

    std::vector<float> wrong_size(4, -1.0f);
    CHECK_THROWS_AS(t.dequantize(wrong_size), std::invalid_argument);
    CHECK(wrong_size == std::vector<float>(4, -1.0f));
    CHECK(t == before);
}
