// MX vectors: quantize and dequantize against the independent reference (test_mx_reference.hpp) for every
// element type and scale rule on adversarial random blocks; hand-computed blocks with their packed bytes;
// zero, NaN, Inf and subnormal blocks; the extreme scale codes; every code under a range of scales; short
// last blocks and the argument checks.
#include <catch2/catch.hpp>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include <lowbit/mx.hpp>

#include "test_mx_reference.hpp"

namespace {

namespace mx = lowbit::mx;
namespace ref = mx_reference;
using mx::scale_rule;
using e8m0 = lowbit::float8_e8m0fnu;

template <class Elem>
struct quantized {
    std::vector<std::uint8_t> bytes;
    std::vector<e8m0> scales;
};

template <class Elem>
quantized<Elem> quantize(const std::vector<float>& values, scale_rule rule, std::size_t block_size = 32)
{
    quantized<Elem> q{std::vector<std::uint8_t>(mx::element_bytes<Elem>(values.size())),
                      std::vector<e8m0>(mx::scale_count(values.size(), block_size))};
    mx::quantize<Elem>(values, q.bytes, q.scales, rule, block_size);
    return q;
}

// Quantizes `values` and compares every scale, element code and dequantized value with the reference.
template <class Elem>
void check_against_reference(const std::vector<float>& values, scale_rule rule, std::size_t block_size)
{
    const quantized<Elem> q = quantize<Elem>(values, rule, block_size);
    REQUIRE(q.bytes.size() == ref::packed_size<Elem>(values.size()));
    std::vector<float> back(values.size());
    mx::dequantize<Elem>(q.bytes, q.scales, back, block_size);
    for (std::size_t first = 0, b = 0; first < values.size(); first += block_size, ++b) {
        const std::size_t n = std::min(block_size, values.size() - first);
        const std::vector<float> block(values.begin() + static_cast<std::ptrdiff_t>(first),
                                       values.begin() + static_cast<std::ptrdiff_t>(first + n));
        const ref::reference_block expected = ref::reference_quantize_block<Elem>(block, rule);
        if (q.scales[b].bits() != expected.scale) {
            CAPTURE(mx::element_name<Elem>(), mx::scale_rule_name(rule), block_size, b, block);
            REQUIRE(int{q.scales[b].bits()} == int{expected.scale});
        }
        for (std::size_t j = 0; j < n; ++j) {
            const std::uint32_t code = ref::read_code<Elem>(q.bytes, first + j);
            const float value = ref::reference_dequantize<Elem>(expected.codes[j], expected.scale);
            if (code != expected.codes[j] || !ref::same_float(back[first + j], value)) {
                CAPTURE(mx::element_name<Elem>(), mx::scale_rule_name(rule), block_size, b, j, block[j], block);
                CHECK(code == expected.codes[j]);
                CHECK(back[first + j] == value);
                return;
            }
        }
    }
}

template <class Elem>
void sweep_random_blocks(std::uint32_t seed)
{
    std::mt19937 rng(seed);
    for (std::size_t block_size : {std::size_t{32}, std::size_t{1}, std::size_t{5}, std::size_t{33}, std::size_t{64}}) {
        for (scale_rule rule : mx::all_scale_rules) {
            for (int trial = 0; trial < 60; ++trial) {
                std::vector<float> values;
                const std::size_t blocks = 1 + static_cast<std::size_t>(trial % 4);
                for (std::size_t b = 0; b < blocks; ++b) {
                    const std::vector<float> block = ref::adversarial_block<Elem>(rng, block_size);
                    values.insert(values.end(), block.begin(), block.end());
                }
                if (trial % 3 == 1 && values.size() > 1) values.resize(values.size() - 1 - values.size() / 3);  // short last block
                check_against_reference<Elem>(values, rule, block_size);
            }
        }
    }
}

template <class T>
std::vector<T> sentinel_vector(std::size_t n, T value)
{
    return std::vector<T>(n, value);
}

}  // namespace

TEST_CASE("mx quantize: adversarial random blocks against the reference", "[mx][conversion]")
{
    sweep_random_blocks<mx::fp8_e4m3>(1);
    sweep_random_blocks<mx::fp8_e5m2>(2);
    sweep_random_blocks<mx::fp6_e3m2>(3);
    sweep_random_blocks<mx::fp6_e2m3>(4);
    sweep_random_blocks<mx::fp4_e2m1>(5);
    sweep_random_blocks<mx::int8>(6);
}

TEST_CASE("mx quantize: hand-computed FP4 block and its nibbles", "[mx][conversion]")
{
    // amax 7: FLOOR scale 2^0; every value but 7 is a tie between two FP4 values and goes to the even code;
    // 7 saturates to 6 (code 7).
    const std::vector<float> values = {0.25f, 0.75f, 1.25f, 1.75f, 2.5f, 3.5f, 5.0f, 7.0f};
    const quantized<mx::fp4_e2m1> q = quantize<mx::fp4_e2m1>(values, scale_rule::floor, 8);
    REQUIRE(q.scales.size() == 1);
    CHECK(q.scales[0].bits() == 127);
    // codes 0 2 2 4 4 6 6 7, element 2i in the low nibble
    CHECK(q.bytes == std::vector<std::uint8_t>{0x20, 0x42, 0x64, 0x76});
    // RCEIL gives 2^1 (7/6 > 1): the values halve and 7 -> 3.5 -> tie -> 4 (code 6).
    const quantized<mx::fp4_e2m1> r = quantize<mx::fp4_e2m1>(values, scale_rule::rceil, 8);
    CHECK(r.scales[0].bits() == 128);
    // 0.125 -> 0, 0.375 -> 0.5 (code 1), 0.625 -> 0.5 (1), 0.875 -> 1 (2), 1.25 -> tie -> 1 (2),
    // 1.75 -> tie -> 2 (4), 2.5 -> tie -> 2 (4), 3.5 -> tie -> 4 (6)
    CHECK(r.bytes == std::vector<std::uint8_t>{0x10, 0x21, 0x42, 0x64});
    // Negative values set bit 3 of their nibble; -0.25 rounds to -0 (code 8).
    const quantized<mx::fp4_e2m1> n = quantize<mx::fp4_e2m1>({-0.25f, -6.0f, 1.0f}, scale_rule::floor, 3);
    CHECK(n.scales[0].bits() == 127);
    CHECK(n.bytes == std::vector<std::uint8_t>{0xF8, 0x02});
}

TEST_CASE("mx quantize: hand-computed FP6 block and its dense bit stream", "[mx][conversion]")
{
    // E2M3 codes: 1.0 = 0x08, 2.0 = 0x10, -0.5 = 0x24, 7.5 = 0x1F; amax 7.5 -> scale 2^0.
    const quantized<mx::fp6_e2m3> q = quantize<mx::fp6_e2m3>({1.0f, 2.0f, -0.5f, 7.5f}, scale_rule::floor, 4);
    CHECK(q.scales[0].bits() == 127);
    // byte0 = a | b << 6, byte1 = b >> 2 | c << 4, byte2 = c >> 4 | d << 2 (formats-spec.md §5.2)
    CHECK(q.bytes == std::vector<std::uint8_t>{0x08, 0x44, 0x7E});
    // Five values: the fifth starts a new group of three bytes and takes one byte.
    const quantized<mx::fp6_e3m2> e = quantize<mx::fp6_e3m2>({28.0f, 0.0f, 0.0f, 0.0f, -28.0f}, scale_rule::floor, 5);
    CHECK(e.scales[0].bits() == 127);  // floor(log2 28) = 4 = emax
    // 28 = E3M2 code 0x1F; -28 = 0x3F
    CHECK(e.bytes == std::vector<std::uint8_t>{0x1F, 0x00, 0x00, 0x3F});
}

TEST_CASE("mx quantize: hand-computed MXFP8 and MXINT8 blocks", "[mx][conversion]")
{
    // E4M3, amax 500 -> FLOOR 2^0 and 500 saturates to 448; 300 -> 288; 2^-9 is the smallest subnormal;
    // 2^-10 is a tie between 0 and 2^-9 and goes to 0; -0 keeps its sign.
    const quantized<mx::fp8_e4m3> a =
        quantize<mx::fp8_e4m3>({500.0f, -300.0f, 1.0f, 0.001953125f, 0.0009765625f, -0.0f}, scale_rule::floor, 6);
    CHECK(a.scales[0].bits() == 127);
    CHECK(a.bytes == std::vector<std::uint8_t>{0x7E, 0xF9, 0x38, 0x01, 0x00, 0x80});
    // MXINT8: q = round_half_even(x * 64) clamped to ±127, never 0x80.
    const quantized<mx::int8> b = quantize<mx::int8>(
        {1.0f, -1.0f, 0.5f / 64, 1.5f / 64, -1.984375f, 1.9921875f, -1.9921875f, -0.0f}, scale_rule::floor, 8);
    CHECK(b.scales[0].bits() == 127);
    CHECK(b.bytes == std::vector<std::uint8_t>{0x40, 0xC0, 0x00, 0x02, 0x81, 0x7F, 0x81, 0x00});
    // A block scaled by 2^3: 10 / 8 = 1.25 -> 80, -3 / 8 -> -24.
    const quantized<mx::int8> c = quantize<mx::int8>({10.0f, -3.0f}, scale_rule::floor, 2);
    CHECK(c.scales[0].bits() == 130);
    CHECK(c.bytes == std::vector<std::uint8_t>{80, static_cast<std::uint8_t>(-24 & 0xFF)});
}

TEST_CASE("mx quantize: zero, NaN and Inf blocks", "[mx][conversion]")
{
    const float nan = std::numeric_limits<float>::quiet_NaN();
    const float inf = std::numeric_limits<float>::infinity();
    std::vector<float> values(96, 0.0f);
    for (std::size_t i = 32; i < 64; ++i) values[i] = static_cast<float>(i) - 40.0f;
    values[40] = nan;
    for (std::size_t i = 64; i < 96; ++i) values[i] = static_cast<float>(i) * 0.5f;
    values[1] = -0.0f;
    for (scale_rule rule : mx::all_scale_rules) {
        const quantized<mx::fp8_e5m2> q = quantize<mx::fp8_e5m2>(values, rule);
        CHECK(q.scales[0].bits() == 0x00);  // zero block: the smallest scale, zero codes with their signs
        CHECK(q.bytes[0] == 0x00);
        CHECK(q.bytes[1] == 0x80);
        CHECK(q.scales[1].bits() == 0xFF);  // NaN anywhere: NaN scale and zero codes
        for (std::size_t i = 32; i < 64; ++i) CHECK(q.bytes[i] == 0);
        CHECK(q.scales[2].bits() != 0xFF);  // the next block does not notice
        std::vector<float> back(values.size());
        mx::dequantize<mx::fp8_e5m2>(q.bytes, q.scales, back);
        CHECK(std::bit_cast<std::uint32_t>(back[0]) == 0x0000'0000u);
        CHECK(std::bit_cast<std::uint32_t>(back[1]) == 0x8000'0000u);
        for (std::size_t i = 32; i < 64; ++i) CHECK(std::isnan(back[i]));
        for (std::size_t i = 64; i < 96; ++i) CHECK(std::isfinite(back[i]));
    }
    // Inf behaves as NaN for every element type; -Inf too.
    std::vector<float> with_inf(32, 1.0f);
    with_inf[3] = -inf;
    const quantized<mx::fp4_e2m1> f = quantize<mx::fp4_e2m1>(with_inf, scale_rule::rceil);
    CHECK(f.scales[0].bits() == 0xFF);
    CHECK(f.bytes == std::vector<std::uint8_t>(16, 0));
    const quantized<mx::int8> i8 = quantize<mx::int8>(with_inf, scale_rule::floor);
    CHECK(i8.scales[0].bits() == 0xFF);
}

TEST_CASE("mx quantize: float32-subnormal blocks and the extreme scale codes", "[mx][conversion]")
{
    // Subnormal-only block: FLOOR clamps to 2^-127 (code 0); the elements are x * 2^127, exactly.
    const std::vector<float> tiny = {std::ldexp(1.0f, -130), -std::ldexp(1.5f, -133), std::ldexp(1.0f, -149), 0.0f};
    const quantized<mx::fp8_e4m3> a = quantize<mx::fp8_e4m3>(tiny, scale_rule::floor, 4);
    CHECK(a.scales[0].bits() == 0);
    // 2^-3 = 0x20 (field 4); -1.5 * 2^-6 = 0x8C (field 1, fraction 4); 2^-22 underflows to 0
    CHECK(a.bytes == std::vector<std::uint8_t>{0x20, 0x8C, 0x00, 0x00});
    // MXINT8 at code 0 multiplies by 2^133, which is no float32: 2^-130 -> 8, -1.5 * 2^-133 -> -1.5 -> -2
    const quantized<mx::int8> b = quantize<mx::int8>(tiny, scale_rule::floor, 4);
    CHECK(b.scales[0].bits() == 0);
    CHECK(b.bytes == std::vector<std::uint8_t>{8, 0xFE, 0, 0});
    std::vector<float> back(4);
    mx::dequantize<mx::int8>(b.bytes, b.scales, back, 4);
    CHECK(back[0] == std::ldexp(1.0f, -130));
    // MXINT8 at code 254 (2^127): amax 2^127.
    const std::vector<float> huge = {std::ldexp(1.0f, 127), -std::ldexp(1.25f, 126), 3.0e38f};
    const quantized<mx::int8> c = quantize<mx::int8>(huge, scale_rule::floor, 3);
    CHECK(c.scales[0].bits() == 254);
    // 3e38 / 2^127 = 1.7632... -> 112.85 -> 113
    CHECK(c.bytes == std::vector<std::uint8_t>{64, static_cast<std::uint8_t>(-40 & 0xFF), 113});
    mx::dequantize<mx::int8>(c.bytes, c.scales, std::span<float>(back.data(), 3), 3);
    CHECK(back[0] == std::ldexp(1.0f, 127));
    CHECK(back[2] == std::ldexp(113.0f, 121));
    // E5M2 elements under a large scale overflow float32 on dequantize: Inf, as ldexp gives.
    const std::vector<std::uint8_t> max_code = {0x7B};
    const std::vector<e8m0> big_scale = {e8m0::from_bits(250)};
    std::vector<float> out(1);
    mx::dequantize<mx::fp8_e5m2>(max_code, big_scale, out, 1);
    CHECK(out[0] == std::numeric_limits<float>::infinity());
}

TEST_CASE("mx dequantize: every element code under a range of scale codes", "[mx][conversion]")
{
    const std::uint8_t scale_codes[] = {0, 1, 2, 3, 60, 120, 126, 127, 128, 129, 200, 240, 252, 253, 254, 255};
    auto check_codes = [&](auto element) {
        using Elem = decltype(element);
        constexpr std::size_t codes = std::size_t{1} << ref::bits_of<Elem>();
        for (std::uint8_t scale : scale_codes) {
            // Every code once, packed by the reference layout, under one scale (block size = all codes).
            std::vector<std::uint8_t> bytes(ref::packed_size<Elem>(codes), 0);
            for (std::size_t c = 0; c < codes; ++c)
                for (int bit = 0; bit < ref::bits_of<Elem>(); ++bit)
                    if ((c >> bit) & 1u) {
                        const std::size_t at = c * ref::bits_of<Elem>() + static_cast<std::size_t>(bit);
                        bytes[at / 8] = static_cast<std::uint8_t>(bytes[at / 8] | (1u << (at % 8)));
                    }
            const std::vector<e8m0> scales = {e8m0::from_bits(scale)};
            std::vector<float> out(codes);
            mx::dequantize<Elem>(bytes, scales, out, codes);
            for (std::size_t c = 0; c < codes; ++c) {
                const float expected = ref::reference_dequantize<Elem>(static_cast<std::uint32_t>(c), scale);
                if (!ref::same_float(out[c], expected)) {
                    CAPTURE(mx::element_name<Elem>(), int{scale}, c);
                    CHECK(out[c] == expected);
                }
            }
        }
    };
    check_codes(mx::fp8_e4m3{});
    check_codes(mx::fp8_e5m2{});
    check_codes(mx::fp6_e3m2{});
    check_codes(mx::fp6_e2m3{});
    check_codes(mx::fp4_e2m1{});
    check_codes(mx::int8{});
    // MXINT8's 0x80 is never produced but decodes as -2.
    std::vector<float> out(1);
    mx::dequantize<mx::int8>(std::vector<std::uint8_t>{0x80}, std::vector<e8m0>{e8m0::from_bits(127)}, out, 1);
    CHECK(out[0] == -2.0f);
}

TEST_CASE("mx quantize: block sizes and short last blocks", "[mx][api]")
{
    CHECK(mx::scale_count(0) == 0);
    CHECK(mx::scale_count(32) == 1);
    CHECK(mx::scale_count(33) == 2);
    CHECK(mx::scale_count(100, 7) == 15);
    CHECK(mx::element_bytes<mx::fp4_e2m1>(7) == 4);
    CHECK(mx::element_bytes<mx::fp6_e2m3>(5) == 4);
    CHECK(mx::element_bytes<mx::fp6_e3m2>(8) == 6);
    CHECK(mx::element_bytes<mx::fp8_e5m2>(9) == 9);
    CHECK(mx::element_bytes<mx::int8>(9) == 9);
    // A short last block gets its own scale from its own values.
    std::vector<float> values(40, 1.0f);
    for (std::size_t i = 32; i < 40; ++i) values[i] = 1000.0f;
    const quantized<mx::fp8_e4m3> q = quantize<mx::fp8_e4m3>(values, scale_rule::floor);
    REQUIRE(q.scales.size() == 2);
    CHECK(q.scales[0].bits() == 127 - 8);
    CHECK(q.scales[1].bits() == 127 + 9 - 8);
    // An empty vector is fine.
    const quantized<mx::fp4_e2m1> e = quantize<mx::fp4_e2m1>({}, scale_rule::floor);
    CHECK(e.bytes.empty());
    CHECK(e.scales.empty());
}

TEST_CASE("mx quantize: wrong sizes and block size 0 throw before writing", "[mx][api]")
{
    const std::vector<float> values(64, 1.0f);
    auto bytes = sentinel_vector<std::uint8_t>(32, 0xAB);
    auto scales = sentinel_vector<e8m0>(2, e8m0::from_bits(0x55));
    const auto untouched = [&] {
        for (std::uint8_t b : bytes) if (b != 0xAB) return false;
        for (e8m0 s : scales) if (s.bits() != 0x55) return false;
        return true;
    };
    // FP4: 64 values need 32 bytes and 2 scales.
    CHECK_THROWS_AS(mx::quantize<mx::fp4_e2m1>(values, std::span<std::uint8_t>(bytes).first(31), scales), std::invalid_argument);
    CHECK_THROWS_AS(mx::quantize<mx::fp4_e2m1>(values, bytes, std::span<e8m0>(scales).first(1)), std::invalid_argument);
    CHECK_THROWS_AS(mx::quantize<mx::fp4_e2m1>(values, bytes, scales, scale_rule::floor, 0), std::invalid_argument);
    CHECK_THROWS_AS(mx::quantize<mx::fp4_e2m1>(values, bytes, scales, scale_rule::floor, 16), std::invalid_argument);
    CHECK_THROWS_AS(mx::quantize<mx::fp8_e4m3>(values, bytes, scales), std::invalid_argument);
    CHECK(untouched());
    CHECK_THROWS_WITH(mx::quantize<mx::fp4_e2m1>(values, std::span<std::uint8_t>(bytes).first(30), scales),
                      Catch::Matchers::Contains("element span has 30 bytes") &&
                          Catch::Matchers::Contains("64 fp4_e2m1 elements need 32"));
    CHECK_THROWS_WITH(mx::quantize<mx::fp4_e2m1>(values, bytes, scales, scale_rule::floor, 0),
                      Catch::Matchers::Contains("block size must be at least 1"));
    CHECK_THROWS_WITH(mx::scale_count(10, 0), Catch::Matchers::Contains("block size"));
    std::vector<float> out(64, 7.0f);
    CHECK_THROWS_AS(mx::dequantize<mx::fp4_e2m1>(bytes, scales, std::span<float>(out).first(62)), std::invalid_argument);
    CHECK_THROWS_AS(mx::dequantize<mx::fp4_e2m1>(bytes, std::span<const e8m0>(scales).first(1), out), std::invalid_argument);
    CHECK_THROWS_AS(mx::dequantize<mx::fp4_e2m1>(bytes, scales, out, 0), std::invalid_argument);
    CHECK(out == std::vector<float>(64, 7.0f));
    CHECK_THROWS_WITH(mx::dequantize<mx::fp4_e2m1>(bytes, std::span<const e8m0>(scales).first(1), out),
                      Catch::Matchers::Contains("scale span has 1 scales") && Catch::Matchers::Contains("need 2"));
}
