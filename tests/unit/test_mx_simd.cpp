// MX on every ISA path this machine supports (simd::set_isa): quantize, dequantize, matrices, dot products
// and the ggml OCP encoder give the same bytes and bits as the scalar path, on adversarial blocks (ties,
// maxima around powers of two, float32 subnormals, ±0, mixed signs, huge outliers, NaN/Inf) and on lengths
// that cross the internal windows; the fused AVX-512 kernels on every layout they take (block sizes that are
// multiples of 32, chunks of 16 blocks, short last blocks, matrices along rows) and under DAZ/FTZ, when
// they must step aside.
#include <catch2/catch.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include <lowbit/mx.hpp>
#include <lowbit/simd/isa.hpp>


#include "simd_test_state.hpp"
#include "test_mx_reference.hpp"

namespace {

namespace mx = lowbit::mx;
namespace ref = mx_reference;
using lowbit::simd::isa;
using e8m0 = lowbit::float8_e8m0fnu;

using lowbit_test::isa_restorer;

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

namespace {

// Blocks the fused kernels treat specially, between adversarial ones: values one float32 step off the
// adversarial ones (the rounding increment's off-by-one cases), all zeros, NaN, Inf, float32 subnormals
// (scaled up), values near FLT_MAX, and values so small that MXINT8's scale needs 2^128 or more.
template <class Elem>
std::vector<float> fused_kernel_input(std::mt19937& rng, std::size_t count)
{
    std::vector<float> x;
    for (std::size_t b = 0; x.size() < count; ++b) {
        std::vector<float> block = ref::adversarial_block<Elem>(rng, 32);
        switch (b % 23) {
        case 1:
        case 2:
            // One float32 step off every value: just above and just below the midpoints and grid values.
            for (float& v : block) v = std::nextafter(v, b % 23 == 1 ? 1e30f : -1e30f);
            break;
        case 3: std::fill(block.begin(), block.end(), 0.0f); break;
        case 7: block[b % 32] = std::numeric_limits<float>::quiet_NaN(); break;
        case 11: block[5] = -std::numeric_limits<float>::infinity(); break;
        case 13:
            for (std::size_t i = 0; i < block.size(); ++i) block[i] = std::ldexp(static_cast<float>(i) - 16.0f, -140);
            break;
        case 17: block[9] = -std::numeric_limits<float>::max(); break;
        case 19:
            for (std::size_t i = 0; i < block.size(); ++i) block[i] = std::ldexp(static_cast<float>(i % 5), -128 - static_cast<int>(i % 3));
            break;
        default: break;
        }
        x.insert(x.end(), block.begin(), block.end());
    }
    x.resize(count);
    return x;
}

template <class Elem>
void check_fused_layouts(std::uint32_t seed)
{
    const isa_restorer restore;
    std::mt19937 rng(seed);
    // 17 and 40 blocks of 32 cross the chunks of 16; 1000 leaves a short block of 8 to the windows, 20 a
    // vector with no block for the fused kernels. 1024 values of adversarial blocks only: chunks without a
    // block that needs the scalar route, which take the lean loop.
    for (std::size_t block_size : {std::size_t{32}, std::size_t{64}, std::size_t{96}}) {
        for (std::size_t count : {std::size_t{20}, std::size_t{32}, std::size_t{544}, std::size_t{1280}, std::size_t{1000},
                                  std::size_t{1184}, std::size_t{1024}}) {
            std::vector<float> x;
            if (count == 1024) {
                while (x.size() < count) {
                    const std::vector<float> block = ref::adversarial_block<Elem>(rng, 32);
                    x.insert(x.end(), block.begin(), block.end());
                }
            } else {
                x = fused_kernel_input<Elem>(rng, count);
            }
            for (mx::scale_rule rule : mx::all_scale_rules) {
                REQUIRE(lowbit::simd::set_isa(isa::scalar));
                const outputs scalar = run_everything<Elem>(x, rule, block_size);
                REQUIRE(lowbit::simd::set_isa(isa::avx512));
                CAPTURE(mx::element_name<Elem>(), mx::scale_rule_name(rule), block_size, count);
                REQUIRE(run_everything<Elem>(x, rule, block_size) == scalar);
            }
        }
    }
}

// Blocks at every scale: the maximum is the element's largest value times 2^e for every e that leaves it a
// nonzero finite float (so every scale code the rules can give), the other 31 values are random magnitudes
// up to it, midpoints of the element grid at that scale and one float32 step either side of them, and
// float32 subnormals. The fused kernel encodes a block's elements without multiplying unless the scale is
// so small (2^(emin - k) not a normal float) that it multiplies first: both routes and the boundary between
// them are crossed here.
template <class Elem>
std::vector<float> every_scale_input(std::mt19937& rng)
{
    const float top = static_cast<float>(std::numeric_limits<Elem>::max());
    std::vector<float> x;
    for (int e = -170; e <= 130; ++e) {
        const float anchor = std::ldexp(top, e);
        if (anchor == 0.0f || !std::isfinite(anchor)) continue;
        const std::uint32_t anchor_bits = std::bit_cast<std::uint32_t>(anchor);
        const int exponent = std::ilogb(anchor) - std::ilogb(top);
        for (int block = 0; block < 4; ++block) {
            x.push_back(block % 2 == 0 ? anchor : -anchor);
            for (int j = 1; j < 32; ++j) {
                float v = 0.0f;
                switch ((j + block) % 3) {
                case 0: v = std::bit_cast<float>(static_cast<std::uint32_t>(rng() % (anchor_bits + 1u))); break;
                case 1: {
                    const auto code = static_cast<std::uint8_t>(rng() % Elem::info.max_magnitude_code);
                    const double low = static_cast<double>(Elem::from_bits(code));
                    const double high = static_cast<double>(Elem::from_bits(static_cast<std::uint8_t>(code + 1)));
                    v = static_cast<float>(std::ldexp((low + high) / 2, exponent));
                    if (j % 4 == 1) v = std::nextafter(v, 0.0f);
                    if (j % 4 == 2) v = std::nextafter(v, anchor);
                    v = std::min(v, anchor);
                    break;
                }
                default: v = std::bit_cast<float>(static_cast<std::uint32_t>(rng() % 0x00800000u)); break;
                }
                x.push_back(rng() % 2 == 0 ? v : -v);
            }
        }
    }
    return x;
}

template <class Elem>
void check_every_scale(std::uint32_t seed)
{
    const isa_restorer restore;
    std::mt19937 rng(seed);
    const std::vector<float> x = every_scale_input<Elem>(rng);
    for (mx::scale_rule rule : mx::all_scale_rules) {
        REQUIRE(lowbit::simd::set_isa(isa::scalar));
        const outputs scalar = run_everything<Elem>(x, rule, 32);
        REQUIRE(lowbit::simd::set_isa(isa::avx512));
        CAPTURE(mx::element_name<Elem>(), mx::scale_rule_name(rule));
        REQUIRE(run_everything<Elem>(x, rule, 32) == scalar);
    }
}

// A matrix blocked along its rows on one path: element bytes, scale bits and dequantized bits.
template <class Elem>
std::vector<std::uint32_t> row_blocked_matrix(const std::vector<float>& m, mx::matrix_shape shape, std::size_t block_size)
{
    const mx::matrix_shape s = mx::scale_shape(shape, mx::block_direction::along_rows, block_size);
    std::vector<std::uint8_t> bytes(mx::element_bytes<Elem>(m.size()));
    std::vector<e8m0> scales(s.rows * s.cols);
    mx::quantize_matrix<Elem>(m, shape, mx::block_direction::along_rows, bytes, scales, mx::scale_rule::floor, block_size);
    std::vector<float> back(m.size());
    mx::dequantize_matrix<Elem>(bytes, scales, shape, mx::block_direction::along_rows, back, block_size);
    std::vector<std::uint32_t> all(bytes.begin(), bytes.end());
    for (const e8m0& scale : scales) all.push_back(scale.bits());
    for (float v : back) all.push_back(std::bit_cast<std::uint32_t>(v));
    return all;
}

template <class Elem>
void check_fused_matrices(std::uint32_t seed)
{
    const isa_restorer restore;
    std::mt19937 rng(seed);
    // Rows of 96 (three fused blocks of 32, or one of 64 and one of 32) and rows of 80 (not fused).
    for (const mx::matrix_shape shape : {mx::matrix_shape{5, 96}, mx::matrix_shape{7, 80}}) {
        const std::vector<float> m = fused_kernel_input<Elem>(rng, shape.rows * shape.cols);
        for (std::size_t block_size : {std::size_t{32}, std::size_t{64}}) {
            REQUIRE(lowbit::simd::set_isa(isa::scalar));
            const std::vector<std::uint32_t> scalar = row_blocked_matrix<Elem>(m, shape, block_size);
            REQUIRE(lowbit::simd::set_isa(isa::avx512));
            CAPTURE(mx::element_name<Elem>(), shape.rows, shape.cols, block_size);
            REQUIRE(row_blocked_matrix<Elem>(m, shape, block_size) == scalar);
        }
    }
}

}  // namespace

TEST_CASE("mx simd: the fused AVX-512 kernels on every layout they take", "[mx][simd]")
{
    if (!lowbit::simd::set_isa(isa::avx512)) {
        lowbit::simd::set_isa(lowbit::simd::available_isas().back());
        SUCCEED("no AVX-512 on this machine: the fused kernels cannot run");
        return;
    }
    check_fused_layouts<mx::fp8_e4m3>(201);
    check_fused_layouts<mx::fp8_e5m2>(202);
    check_fused_layouts<mx::fp6_e3m2>(203);
    check_fused_layouts<mx::fp6_e2m3>(204);
    check_fused_layouts<mx::fp4_e2m1>(205);
    check_fused_layouts<mx::int8>(206);
    check_fused_matrices<mx::fp8_e4m3>(207);
    check_fused_matrices<mx::fp4_e2m1>(208);
    check_fused_matrices<mx::fp6_e3m2>(209);
    check_fused_matrices<mx::int8>(210);
    check_every_scale<mx::fp8_e4m3>(212);
    check_every_scale<mx::fp8_e5m2>(213);
    check_every_scale<mx::fp6_e3m2>(214);
    check_every_scale<mx::fp6_e2m3>(215);
    check_every_scale<mx::fp4_e2m1>(216);
}

#if LOWBIT_SIMD_X86
TEST_CASE("mx simd: DAZ or FTZ in MXCSR leaves the results unchanged", "[mx][simd]")
{
    // The fused kernels multiply in float and would see subnormal inputs as zero under DAZ: they must hand
    // such calls to the window path, whose scaling is integer-only.
    const isa_restorer restore;
    std::mt19937 rng(211);
    const std::vector<float> x = fused_kernel_input<mx::fp8_e4m3>(rng, 1024);
    REQUIRE(lowbit::simd::set_isa(isa::scalar));
    const outputs scalar = run_everything<mx::fp8_e4m3>(x, mx::scale_rule::floor, 32);
    for (isa which : lowbit::simd::available_isas()) {
        for (unsigned bit : {0x0040u, 0x8000u}) {  // DAZ, FTZ
            REQUIRE(lowbit::simd::set_isa(which));
            const outputs flushed = [&] {
                const lowbit_test::mxcsr_setting flushing(_mm_getcsr() | bit);
                return run_everything<mx::fp8_e4m3>(x, mx::scale_rule::floor, 32);
            }();
            CAPTURE(lowbit::simd::isa_name(which), bit);
            CHECK(flushed == scalar);
        }
    }
}

TEST_CASE("mx simd: quantize and dequantize raise no floating-point flags", "[mx][simd]")
{
    // Signalling NaNs, Inf, float32 subnormals and products that underflow: every float instruction of the
    // kernels suppresses exceptions, and the window path's arithmetic is integer-only.
    const isa_restorer restore;
    std::mt19937 rng(212);
    std::vector<float> x = fused_kernel_input<mx::fp8_e4m3>(rng, 2048);
    x[100] = std::bit_cast<float>(0x7F800001u);  // a signalling NaN
    for (isa which : lowbit::simd::available_isas()) {
        REQUIRE(lowbit::simd::set_isa(which));
        for (std::size_t block_size : {std::size_t{32}, std::size_t{7}}) {
            std::vector<std::uint8_t> bytes(x.size());
            std::vector<e8m0> scales(mx::scale_count(x.size(), block_size));
            std::vector<float> back(x.size());
            const unsigned flags = [&] {
                const lowbit_test::mxcsr_setting clean_flags(_mm_getcsr() & ~0x3Fu);
                mx::quantize<mx::fp8_e4m3>(x, bytes, scales, mx::scale_rule::rceil, block_size);
                mx::dequantize<mx::fp8_e4m3>(bytes, scales, back, block_size);
                return _mm_getcsr() & 0x3Fu;
            }();
            CAPTURE(lowbit::simd::isa_name(which), block_size);
            CHECK(flags == 0);
        }
    }
}
#endif
