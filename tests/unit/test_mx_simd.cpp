// MX on every ISA path this machine supports (simd::set_isa): quantize, dequantize, matrices, dot products
// and the ggml OCP encoder give the same bytes and bits as the scalar path, on adversarial blocks (ties,
// maxima around powers of two, float32 subnormals, ±0, mixed signs, huge outliers, NaN/Inf) and on lengths
// that cross the internal windows.
#include <catch2/catch.hpp>

#include <bit>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include <lowbit/mx.hpp>
#include <lowbit/simd/isa.hpp>

#include "test_mx_reference.hpp"

namespace {

namespace mx = lowbit::mx;
namespace ref = mx_reference;
using lowbit::simd::isa;
using e8m0 = lowbit::float8_e8m0fnu;

struct isa_restorer {
    isa saved = lowbit::simd::active_isa();
    ~isa_restorer() { lowbit::simd::set_isa(saved); }
};

// Everything the MX layer computes for one input, as raw bits.
struct outputs {
    std::vector<std::uint8_t> elements;
    std::vector<std::uint8_t> scales;
    std::vector<std::uint32_t> dequantized;
    std::vector<std::uint8_t> column_elements;
    std::vector<std::uint8_t> column_scales;
    std::vector<std::uint32_t> column_dequantized;
    std::uint32_t dot = 0;
    std::uint32_t dot_floats = 0;
    bool operator==(const outputs&) const = default;
};

template <class T>
std::vector<std::uint8_t> scale_bits(const std::vector<T>& scales)
{
    std::vector<std::uint8_t> bits;
    for (const T& s : scales) bits.push_back(s.bits());
    return bits;
}

std::vector<std::uint32_t> float_bits(const std::vector<float>& values)
{
    std::vector<std::uint32_t> bits;
    for (float v : values) bits.push_back(std::bit_cast<std::uint32_t>(v));
    return bits;
}

template <class Elem>
outputs run_everything(const std::vector<float>& x, mx::scale_rule rule, std::size_t block_size)
{
    outputs o;
    std::vector<std::uint8_t> bytes(mx::element_bytes<Elem>(x.size()));
    std::vector<e8m0> scales(mx::scale_count(x.size(), block_size));
    mx::quantize<Elem>(x, bytes, scales, rule, block_size);
    std::vector<float> back(x.size());
    mx::dequantize<Elem>(bytes, scales, back, block_size);
    o.elements = bytes;
    o.scales = scale_bits(scales);
    o.dequantized = float_bits(back);
    o.dot = std::bit_cast<std::uint32_t>(mx::dot<Elem>(bytes, scales, bytes, scales, x.size(), block_size));
    o.dot_floats = std::bit_cast<std::uint32_t>(mx::dot_with_floats<Elem>(bytes, scales, x, block_size));
    // The same values as a matrix of 16 columns blocked down the columns.
    const mx::matrix_shape shape{x.size() / 16, 16};
    const std::vector<float> m(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(shape.rows * shape.cols));
    const mx::matrix_shape s = mx::scale_shape(shape, mx::block_direction::along_columns, block_size);
    std::vector<std::uint8_t> column_bytes(mx::element_bytes<Elem>(m.size()));
    std::vector<e8m0> column_scales(s.rows * s.cols);
    mx::quantize_matrix<Elem>(m, shape, mx::block_direction::along_columns, column_bytes, column_scales, rule, block_size);
    std::vector<float> column_back(m.size());
    mx::dequantize_matrix<Elem>(column_bytes, column_scales, shape, mx::block_direction::along_columns, column_back, block_size);
    o.column_elements = column_bytes;
    o.column_scales = scale_bits(column_scales);
    o.column_dequantized = float_bits(column_back);
    return o;
}

template <class Elem>
void check_isas(std::uint32_t seed)
{
    const isa_restorer restore;
    std::mt19937 rng(seed);
    const std::vector<isa> isas = lowbit::simd::available_isas();
    for (std::size_t block_size : {std::size_t{32}, std::size_t{7}, std::size_t{1000}}) {
        for (int trial = 0; trial < 6; ++trial) {
            std::vector<float> x;
            const std::size_t count = trial % 2 == 0 ? 1200 : 97;
            while (x.size() < count) {
                const std::vector<float> block = ref::adversarial_block<Elem>(rng, 32);
                x.insert(x.end(), block.begin(), block.end());
            }
            x.resize(count);
            if (trial == 3) x[50] = std::numeric_limits<float>::quiet_NaN();
            if (trial == 5) x[20] = -std::numeric_limits<float>::infinity();
            for (mx::scale_rule rule : mx::all_scale_rules) {
                REQUIRE(lowbit::simd::set_isa(isa::scalar));
                const outputs scalar = run_everything<Elem>(x, rule, block_size);
                for (isa which : isas) {
                    REQUIRE(lowbit::simd::set_isa(which));
                    CAPTURE(mx::element_name<Elem>(), lowbit::simd::isa_name(which), mx::scale_rule_name(rule), block_size, trial);
                    REQUIRE(run_everything<Elem>(x, rule, block_size) == scalar);
                }
            }
        }
    }
}

}  // namespace

TEST_CASE("mx simd: every ISA gives the scalar bytes", "[mx][simd]")
{
    INFO("ISAs on this machine: " << lowbit::simd::available_isas().size());
    check_isas<mx::fp8_e4m3>(101);
    check_isas<mx::fp8_e5m2>(102);
    check_isas<mx::fp6_e3m2>(103);
    check_isas<mx::fp6_e2m3>(104);
    check_isas<mx::fp4_e2m1>(105);
    check_isas<mx::int8>(106);
}

TEST_CASE("mx simd: ggml OCP encoding on every ISA", "[mx][simd][ggml]")
{
    const isa_restorer restore;
    std::mt19937 rng(107);
    std::vector<float> x;
    for (int b = 0; b < 40; ++b) {
        const std::vector<float> block = ref::adversarial_block<mx::fp4_e2m1>(rng, 32);
        x.insert(x.end(), block.begin(), block.end());
    }
    for (mx::scale_rule rule : mx::all_scale_rules) {
        REQUIRE(lowbit::simd::set_isa(isa::scalar));
        std::vector<std::uint8_t> scalar(40 * 17);
        mx::ggml::quantize_mxfp4(x, scalar, mx::ggml::encoding::ocp, rule);
        for (isa which : lowbit::simd::available_isas()) {
            REQUIRE(lowbit::simd::set_isa(which));
            std::vector<std::uint8_t> bytes(40 * 17);
            mx::ggml::quantize_mxfp4(x, bytes, mx::ggml::encoding::ocp, rule);
            CHECK(bytes == scalar);
        }
    }
}
