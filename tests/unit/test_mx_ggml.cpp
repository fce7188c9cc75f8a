// ggml block_mxfp4: bytes computed by hand for a few blocks (both encodings), the log2f quirk just below a
// power of two, the e-byte wrap for tiny blocks, NaN and Inf, and random blocks against a transcription of
// ggml's reference quantizer (formats-spec.md §5.1) and against the OCP reference with ggml's nibble order;
// decoding of every nibble under every e.
#include <catch2/catch.hpp>

#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <stdexcept>
#include <vector>

#include <lowbit/mx.hpp>

#include "test_mx_reference.hpp"

namespace {

namespace mx = lowbit::mx;
namespace ggml = lowbit::mx::ggml;
namespace ref = mx_reference;

// ggml's quantize_row_mxfp4_ref for one block, as formats-spec.md §5.1 describes it (float arithmetic
// throughout, index search with strict '<'). Only for blocks without ±Inf (undefined in ggml).
std::array<std::uint8_t, 17> ggml_reference_block(const float* x)
{
    static const int kvalues[16] = {0, 1, 2, 3, 4, 6, 8, 12, 0, -1, -2, -3, -4, -6, -8, -12};
    float amax = 0.0f;
    for (int j = 0; j < 32; ++j)
        if (amax < std::fabs(x[j])) amax = std::fabs(x[j]);
    std::uint8_t e = 0;
    if (amax > 0.0f) e = static_cast<std::uint8_t>(static_cast<int>(std::floor(std::log2(amax)) - 2.0f + 127.0f) & 0xFF);
    // 2^(e - 128) as a float, from ldexp (ggml builds it from bits)
    const float d = std::ldexp(1.0f, static_cast<int>(e) - 128);
    auto best = [&](float v) {
        int index = 0;
        float error = std::fabs(static_cast<float>(kvalues[0]) * d - v);
        for (int i = 1; i < 16; ++i) {
            const float candidate = std::fabs(static_cast<float>(kvalues[i]) * d - v);
            if (candidate < error) {
                index = i;
                error = candidate;
            }
        }
        return index;
    };
    std::array<std::uint8_t, 17> block{};
    block[0] = e;
    for (int j = 0; j < 16; ++j) block[static_cast<std::size_t>(1 + j)] = static_cast<std::uint8_t>(best(x[j]) | (best(x[j + 16]) << 4));
    return block;
}

std::vector<std::uint8_t> encode(const std::vector<float>& values, ggml::encoding how,
                                 mx::scale_rule rule = mx::scale_rule::floor)
{
    std::vector<std::uint8_t> bytes(values.size() / 32 * 17);
    ggml::quantize_mxfp4(values, bytes, how, rule);
    return bytes;
}

}  // namespace

TEST_CASE("ggml mxfp4: hand-computed blocks in both encodings", "[mx][ggml]")
{
    // amax 6 -> e = floor(log2 6) - 2 + 127 = 127 in both; d = 0.5 so ggml's kvalues * d are the E2M1 values.
    std::vector<float> x(32, 0.0f);
    x[0] = 6.0f;     // code 7
    x[16] = -3.0f;   // code 13
    x[1] = 0.75f;    // tie 0.5 / 1: ggml takes index 1 (0.5), OCP the even code 2 (1.0)
    x[17] = 1.75f;   // tie 1.5 / 2: ggml index 3, OCP code 4
    x[2] = -0.25f;   // tie 0 / -0.5: ggml index 0 (+0), OCP -0 (code 8)
    x[18] = 5.0f;    // tie 4 / 6: both code 6
    const std::vector<std::uint8_t> g = encode(x, ggml::encoding::ggml_exact);
    std::vector<std::uint8_t> expected_ggml(17, 0);
    expected_ggml[0] = 0x7F;
    expected_ggml[1] = 0xD7;
    expected_ggml[2] = 0x31;
    expected_ggml[3] = 0x60;
    CHECK(g == expected_ggml);
    const std::vector<std::uint8_t> o = encode(x, ggml::encoding::ocp);
    std::vector<std::uint8_t> expected_ocp = expected_ggml;
    expected_ocp[2] = 0x42;
    expected_ocp[3] = 0x68;
    CHECK(o == expected_ocp);
    // Through the block struct too.
    std::vector<ggml::block_mxfp4> blocks(1);
    ggml::quantize_mxfp4(x, blocks, ggml::encoding::ggml_exact);
    CHECK(blocks[0].e == 0x7F);
    CHECK(blocks[0].qs[0] == 0xD7);
    CHECK(blocks[0].qs[2] == 0x60);
    // Decoding: ggml reads code 8 as +0, OCP as -0; both read the rest alike.
    std::vector<float> back(32);
    ggml::dequantize_mxfp4(o, back, ggml::decoding::ggml_exact);
    CHECK(back[0] == 6.0f);
    CHECK(back[16] == -3.0f);
    CHECK(back[1] == 1.0f);
    CHECK(std::bit_cast<std::uint32_t>(back[2]) == 0x0000'0000u);
    ggml::dequantize_mxfp4(o, back, ggml::decoding::ocp);
    CHECK(std::bit_cast<std::uint32_t>(back[2]) == 0x8000'0000u);
    ggml::dequantize_mxfp4(std::span<const ggml::block_mxfp4>(blocks), back);
    CHECK(back[1] == 0.5f);
}

TEST_CASE("ggml mxfp4: log2f decides e just below a power of two", "[mx][ggml]")
{
    // 16 - 2^-20: log2 = 4 - 8.6e-8, within half an ulp of 4, so a correctly rounded log2f returns 4.0 and
    // ggml's e is 129, one above the true FLOOR scale 128 that lowbit's OCP encoding uses.
    std::vector<float> x(32, 0.0f);
    x[0] = std::nextafter(16.0f, 0.0f);
    const std::vector<std::uint8_t> g = encode(x, ggml::encoding::ggml_exact);
    CHECK(int{g[0]} == static_cast<int>(std::floor(std::log2(x[0]))) - 2 + 127);
    CHECK(g[0] == 129);
    CHECK((g[1] & 0xF) == 6);  // d = 2: the nearest of {..., 16, 24} is 16 (kvalue 8, index 6)
    const std::vector<std::uint8_t> o = encode(x, ggml::encoding::ocp);
    CHECK(o[0] == 128);
    CHECK((o[1] & 0xF) == 7);  // 16 / 2 = 8 saturates to 6
}

TEST_CASE("ggml mxfp4: tiny, NaN and Inf blocks", "[mx][ggml]")
{
    // amax 2^-127: ggml's e = -2, which x86-64 builds store as 254 (C leaves it undefined); OCP clamps to 0.
    std::vector<float> x(32, 0.0f);
    x[5] = std::ldexp(1.0f, -127);
    CHECK(encode(x, ggml::encoding::ggml_exact)[0] == 254);
    CHECK(encode(x, ggml::encoding::ocp)[0] == 0);
    // All zero: e = 0 and zero nibbles in both.
    CHECK(encode(std::vector<float>(32, 0.0f), ggml::encoding::ggml_exact) == std::vector<std::uint8_t>(17, 0));
    CHECK(encode(std::vector<float>(32, -0.0f), ggml::encoding::ggml_exact) == std::vector<std::uint8_t>(17, 0));
    // NaN: ggml ignores it for amax and gives it index 0; OCP makes the block NaN.
    std::vector<float> n(32, 1.0f);
    n[3] = std::numeric_limits<float>::quiet_NaN();
    const std::vector<std::uint8_t> g = encode(n, ggml::encoding::ggml_exact);
    CHECK(g[0] == 127 - 2);
    CHECK(g[4] == 0x60);  // d = 2^-3: element 3 (NaN) -> index 0, element 19 (1.0 = 8 * d) -> index 6
    CHECK(encode(n, ggml::encoding::ocp)[0] == 0xFF);
    // Inf: undefined in ggml; both encodings give the NaN scale and zero nibbles.
    n[3] = -std::numeric_limits<float>::infinity();
    std::vector<std::uint8_t> nan_block(17, 0);
    nan_block[0] = 0xFF;
    CHECK(encode(n, ggml::encoding::ggml_exact) == nan_block);
    CHECK(encode(n, ggml::encoding::ocp) == nan_block);
    std::vector<float> back(32);
    ggml::dequantize_mxfp4(nan_block, back, ggml::decoding::ocp);
    for (float v : back) CHECK(std::isnan(v));
}

TEST_CASE("ggml mxfp4: random blocks against ggml's algorithm and the OCP reference", "[mx][ggml]")
{
    std::mt19937 rng(39);
    for (int trial = 0; trial < 3000; ++trial) {
        std::vector<float> x;
        for (int b = 0; b < 2; ++b) {
            const std::vector<float> block = ref::adversarial_block<mx::fp4_e2m1>(rng, 32);
            x.insert(x.end(), block.begin(), block.end());
        }
        const std::vector<std::uint8_t> g = encode(x, ggml::encoding::ggml_exact);
        for (std::size_t b = 0; b < 2; ++b) {
            const std::array<std::uint8_t, 17> expected = ggml_reference_block(x.data() + 32 * b);
            for (std::size_t i = 0; i < 17; ++i) {
                if (g[17 * b + i] != expected[i]) {
                    CAPTURE(trial, b, i, x);
                    REQUIRE(int{g[17 * b + i]} == int{expected[i]});
                }
            }
        }
        for (mx::scale_rule rule : mx::all_scale_rules) {
            const std::vector<std::uint8_t> o = encode(x, ggml::encoding::ocp, rule);
            for (std::size_t b = 0; b < 2; ++b) {
                const std::vector<float> block(x.begin() + static_cast<std::ptrdiff_t>(32 * b),
                                               x.begin() + static_cast<std::ptrdiff_t>(32 * b + 32));
                const ref::reference_block expected = ref::reference_quantize_block<mx::fp4_e2m1>(block, rule);
                REQUIRE(int{o[17 * b]} == int{expected.scale});
                for (std::size_t j = 0; j < 16; ++j) {
                    const auto byte = o[17 * b + 1 + j];
                    REQUIRE((byte & 0xFu) == expected.codes[j]);
                    REQUIRE((byte >> 4u) == expected.codes[j + 16]);
                }
            }
        }
    }
}

TEST_CASE("ggml mxfp4: decoding every nibble under every e", "[mx][ggml]")
{
    static const int kvalues[16] = {0, 1, 2, 3, 4, 6, 8, 12, 0, -1, -2, -3, -4, -6, -8, -12};
    std::vector<std::uint8_t> bytes(17);
    std::vector<float> out(32);
    for (int e = 0; e < 256; ++e) {
        bytes[0] = static_cast<std::uint8_t>(e);
        for (int j = 0; j < 16; ++j) bytes[static_cast<std::size_t>(1 + j)] = static_cast<std::uint8_t>(j | ((15 - j) << 4));
        ggml::dequantize_mxfp4(bytes, out, ggml::decoding::ggml_exact);
        for (int j = 0; j < 16; ++j) {
            // ggml: kvalue * 2^(e - 128), rounded to float (only e = 255 overflows)
            const auto low = static_cast<float>(std::ldexp(static_cast<double>(kvalues[j]), e - 128));
            const auto high = static_cast<float>(std::ldexp(static_cast<double>(kvalues[15 - j]), e - 128));
            REQUIRE(ref::same_float(out[static_cast<std::size_t>(j)], low));
            REQUIRE(ref::same_float(out[static_cast<std::size_t>(j + 16)], high));
        }
        ggml::dequantize_mxfp4(bytes, out, ggml::decoding::ocp);
        for (int j = 0; j < 16; ++j) {
            const float expected = ref::reference_dequantize<mx::fp4_e2m1>(static_cast<std::uint32_t>(j), static_cast<std::uint8_t>(e));
            REQUIRE(ref::same_float(out[static_cast<std::size_t>(j)], expected));
        }
    }
}

TEST_CASE("ggml mxfp4: sizes", "[mx][ggml][api]")
{
    std::vector<float> x(64, 1.0f);
    std::vector<std::uint8_t> bytes(34, 0xAB);
    CHECK_THROWS_AS(ggml::quantize_mxfp4(std::span<const float>(x).first(63), bytes), std::invalid_argument);
    CHECK_THROWS_WITH(ggml::quantize_mxfp4(std::span<const float>(x).first(48), bytes),
                      Catch::Matchers::Contains("not a multiple of 32"));
    CHECK_THROWS_AS(ggml::quantize_mxfp4(x, std::span<std::uint8_t>(bytes).first(17)), std::invalid_argument);
    CHECK_THROWS_AS(ggml::quantize_mxfp4(x, std::span<std::uint8_t>(bytes).first(33)), std::invalid_argument);
    CHECK(bytes == std::vector<std::uint8_t>(34, 0xAB));
    std::vector<float> out(32);
    CHECK_THROWS_AS(ggml::dequantize_mxfp4(bytes, out), std::invalid_argument);
    static_assert(sizeof(ggml::block_mxfp4) == 17);
}
