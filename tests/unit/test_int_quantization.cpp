// Integer quantization: symmetric/affine grids at every granularity against a straightforward reference
// written here (long double quotients, <cmath> rounding), worked examples, MatQuant slicing (spec §7.3),
// the error report on a hand-computed case, and every documented error.
#include <catch2/catch.hpp>

#include <lowbit/quant/integer_quantization.hpp>
#include <lowbit/quant/matquant.hpp>
#include <lowbit/types/intn.hpp>

#include <algorithm>
#include <cfenv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using lowbit::int_quant_params;
using lowbit::quant_granularity;
using lowbit::rounding;

constexpr rounding all_roundings[] = {rounding::nearest_even, rounding::nearest_away, rounding::toward_zero,
                                      rounding::toward_positive, rounding::toward_negative};

long double reference_round(long double x, rounding mode)
{
    switch (mode) {
    case rounding::nearest_even: return std::nearbyint(x);  // default environment: ties to even
    case rounding::nearest_away: return std::round(x);
    case rounding::toward_zero: return std::trunc(x);
    case rounding::toward_positive: return std::ceil(x);
    case rounding::toward_negative: return std::floor(x);
    }
    return x;
}

struct reference_result {
    std::vector<int> codes;
    std::vector<float> scales;
    std::vector<std::int32_t> zero_points;
    std::vector<float> dequantized;
};

// The documented formulas, written out directly: blocks of `block` consecutive elements.
reference_result reference_quantize(const std::vector<float>& x, std::size_t block, const int_quant_params& p)
{
    const int q_max = p.is_signed ? (1 << (p.bits - 1)) - 1 : (1 << p.bits) - 1;
    const int q_min = (p.is_signed ? -(1 << (p.bits - 1)) : 0) + (p.narrow_range ? 1 : 0);
    reference_result r;
    for (std::size_t begin = 0; begin < x.size(); begin += block) {
        const auto first = x.begin() + static_cast<std::ptrdiff_t>(begin);
        const auto last = first + static_cast<std::ptrdiff_t>(block);
        float scale = 1.0f;
        std::int32_t zp = 0;
        if (p.symmetric) {
            double amax = 0;
            for (auto it = first; it != last; ++it) amax = std::max(amax, std::fabs(double{*it}));
            if (amax > 0) scale = static_cast<float>(amax) / static_cast<float>(q_max);  // one float division
        } else {
            const double lo = std::min(0.0, double{*std::min_element(first, last)});
            const double hi = std::max(0.0, double{*std::max_element(first, last)});
            if (hi > lo) {
                scale = static_cast<float>((hi - lo) / (q_max - q_min));
                zp = static_cast<std::int32_t>(
                    std::clamp(q_min - std::nearbyint(lo / double{scale}), double(q_min), double(q_max)));
            } else {
                zp = q_min;
            }
        }
        if (scale == 0.0f) scale = std::numeric_limits<float>::denorm_min();
        r.scales.push_back(scale);
        r.zero_points.push_back(zp);
        for (auto it = first; it != last; ++it) {
            const long double q = reference_round(static_cast<long double>(*it) / scale, p.rounding) + zp;
            const int code = static_cast<int>(std::clamp(q, static_cast<long double>(q_min),
                                                         static_cast<long double>(q_max)));
            r.codes.push_back(code);
            r.dequantized.push_back(static_cast<float>((code - zp) * double{scale}));
        }
    }
    return r;
}

std::vector<float> uniform_floats(std::size_t n, std::uint32_t seed, float lo, float hi)
{
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> dist(lo, hi);
    std::vector<float> v(n);
    for (auto& x : v) x = dist(rng);
    return v;
}

template <class C>
void check_against_reference(const std::vector<float>& x, std::size_t block, const int_quant_params& p)
{
    const auto ref = reference_quantize(x, block, p);
    const std::size_t blocks = lowbit::scale_count(x.size(), p);
    REQUIRE(blocks == ref.scales.size());
    std::vector<C> codes(x.size());
    std::vector<float> scales(blocks);
    std::vector<std::int32_t> zps(blocks);
    lowbit::quantize<C>(x, p, codes, scales, zps);
    REQUIRE(scales == ref.scales);
    REQUIRE(zps == ref.zero_points);
    std::size_t first_bad = x.size();
    for (std::size_t i = x.size(); i-- > 0;)
        if (static_cast<int>(codes[i]) != ref.codes[i]) first_bad = i;
    if (first_bad != x.size()) {
        INFO("element " << first_bad << " x = " << x[first_bad] << " scale " << scales[first_bad / block]);
        REQUIRE(static_cast<int>(codes[first_bad]) == ref.codes[first_bad]);
    }
    std::vector<float> back(x.size());
    lowbit::dequantize<C>(codes, p, scales, zps, back);
    REQUIRE(back == ref.dequantized);

    // compute_scales + quantize_with_scales give the same.
    std::vector<float> scales2(blocks);
    std::vector<std::int32_t> zps2(blocks);
    lowbit::compute_scales(x, p, scales2, zps2);
    REQUIRE(scales2 == scales);
    REQUIRE(zps2 == zps);
    std::vector<C> codes2(x.size());
    lowbit::quantize_with_scales<C>(x, p, scales2, zps2, codes2);
    REQUIRE(codes2 == codes);
}

template <class F>
std::string message_of(F&& f)
{
    try {
        f();
    } catch (const std::exception& e) {
        return e.what();
    }
    return "no exception";
}

}  // namespace

TEST_CASE("int quantization: worked examples", "[quantization]")
{
    REQUIRE(std::fegetround() == FE_TONEAREST);
    SECTION("symmetric int8, narrow range (default)")
    {
        // amax 127 gives scale 1, so the ties are exact: -63.5 -> -64 and 2.5 -> 2 (to even).
        const std::vector<float> x = {127.0f, -63.5f, 31.75f, 0.0f, 2.5f, -127.0f};
        std::vector<std::int8_t> codes(x.size());
        std::vector<float> scales(1);
        lowbit::quantize<std::int8_t>(x, int_quant_params{}, codes, scales, {});
        REQUIRE(scales[0] == 1.0f);
        REQUIRE(codes == std::vector<std::int8_t>{127, -64, 32, 0, 2, -127});
        int_quant_params away;
        away.rounding = rounding::nearest_away;
        lowbit::quantize<std::int8_t>(x, away, codes, scales, {});
        REQUIRE(codes == std::vector<std::int8_t>{127, -64, 32, 0, 3, -127});
        int_quant_params trunc;
        trunc.rounding = rounding::toward_zero;
        lowbit::quantize<std::int8_t>(x, trunc, codes, scales, {});
        REQUIRE(codes == std::vector<std::int8_t>{127, -63, 31, 0, 2, -127});
    }
    SECTION("symmetric int4, narrow and full range")
    {
        const std::vector<float> x = {-3.5f, 1.0f, 0.25f, 3.5f};  // amax 3.5, q_max 7: scale 0.5
        int_quant_params p;
        p.bits = 4;
        std::vector<lowbit::int4> codes(x.size());
        std::vector<float> scales(1);
        std::vector<std::int32_t> zps(1, 99);
        lowbit::quantize<lowbit::int4>(x, p, codes, scales, zps);
        REQUIRE(scales[0] == 0.5f);
        REQUIRE(zps[0] == 0);
        REQUIRE(codes == std::vector<lowbit::int4>{lowbit::int4(-7), lowbit::int4(2), lowbit::int4(0),
                                                   lowbit::int4(7)});  // 0.5 -> 0 (even)
        REQUIRE(lowbit::code_range(p).q_min == -7);
        p.narrow_range = false;
        REQUIRE(lowbit::code_range(p).q_min == -8);
        // The scale is amax / q_max in both ranges, so -8 appears only with a given scale or by rounding.
        const std::vector<float> y = {-4.0f, 3.5f};
        std::vector<lowbit::int4> c2(2);
        lowbit::quantize<lowbit::int4>(y, p, c2, scales, {});  // amax 4: scale 4/7, -4 -> -7
        REQUIRE(c2[0].value() == -7);
        REQUIRE(c2[1].value() == 6);  // 3.5 / (4/7) = 6.125
        const std::vector<float> half = {0.5f};
        lowbit::quantize_with_scales<lowbit::int4>(y, p, half, {}, c2);
        REQUIRE(c2[0].value() == -8);
        REQUIRE(c2[1].value() == 7);
        p.narrow_range = true;
        lowbit::quantize_with_scales<lowbit::int4>(y, p, half, {}, c2);
        REQUIRE(c2[0].value() == -7);  // clamped to the narrow range
    }
    SECTION("affine uint8 (MinMaxObserver formula)")
    {
        // [lo, hi] = [-1, 3]: scale = 4/255, zero point = 0 - round(-1 / (4/255)) = round(63.75) = 64.
        const std::vector<float> x = {-1.0f, 0.0f, 3.0f, 1.0f};
        int_quant_params p;
        p.is_signed = false;
        p.symmetric = false;
        p.narrow_range = false;
        std::vector<std::uint8_t> codes(x.size());
        std::vector<float> scales(1);
        std::vector<std::int32_t> zps(1);
        lowbit::quantize<std::uint8_t>(x, p, codes, scales, zps);
        REQUIRE(scales[0] == static_cast<float>(4.0 / 255.0));
        REQUIRE(zps[0] == 64);
        REQUIRE(codes == std::vector<std::uint8_t>{0, 64, 255, 128});  // 1 / scale = 63.75 -> 64
        std::vector<float> back(x.size());
        lowbit::dequantize<std::uint8_t>(codes, p, scales, zps, back);
        REQUIRE(back[1] == 0.0f);  // zero is exact on an affine grid
        REQUIRE(back[0] == static_cast<float>(-64.0 * scales[0]));
        // Signed affine int8 shifts the zero point by -128.
        p.is_signed = true;
        std::vector<std::int8_t> scodes(x.size());
        lowbit::quantize<std::int8_t>(x, p, scodes, scales, zps);
        REQUIRE(zps[0] == -64);
        REQUIRE(scodes == std::vector<std::int8_t>{-128, -64, 127, 0});
        // All-positive data: the range is widened to include 0, zero point q_min.
        const std::vector<float> pos = {1.0f, 2.0f};
        std::vector<std::int8_t> pc(2);
        lowbit::quantize<std::int8_t>(pos, p, pc, scales, zps);
        REQUIRE(zps[0] == -128);
        REQUIRE(scales[0] == static_cast<float>(2.0 / 255.0));
        REQUIRE(pc[1] == 127);
    }
}

TEST_CASE("int quantization: random data against the reference", "[quantization]")
{
    REQUIRE(std::fegetround() == FE_TONEAREST);
    const std::size_t rows = 12;
    const std::size_t cols = 64;
    std::uint32_t seed = 2024;
    for (const rounding mode : all_roundings) {
        for (const quant_granularity g :
             {quant_granularity::per_tensor, quant_granularity::per_row, quant_granularity::per_group}) {
            for (const std::size_t group : {std::size_t{8}, std::size_t{16}, std::size_t{64}}) {
                if (g != quant_granularity::per_group && group != 8) continue;
                const std::size_t block = g == quant_granularity::per_tensor ? rows * cols
                                          : g == quant_granularity::per_row  ? cols
                                                                             : group;
                // Data with a different magnitude per row so that per-row scales differ.
                auto x = uniform_floats(rows * cols, ++seed, -1.0f, 1.0f);
                for (std::size_t i = 0; i < x.size(); ++i) x[i] *= static_cast<float>(1 + i / cols);
                auto skewed = uniform_floats(rows * cols, ++seed, -0.5f, 3.0f);
                INFO("mode " << static_cast<int>(mode) << " granularity " << static_cast<int>(g) << " group "
                             << group);
                int_quant_params p;
                p.rounding = mode;
                p.granularity = g;
                p.row_length = cols;
                p.group_size = group;
                for (const bool narrow : {true, false}) {
                    p.narrow_range = narrow;
                    p.symmetric = true;
                    p.is_signed = true;
                    p.bits = 8;
                    check_against_reference<std::int8_t>(x, block, p);
                    p.bits = 4;
                    check_against_reference<lowbit::int4>(x, block, p);
                    check_against_reference<std::int8_t>(x, block, p);
                    p.bits = 2;
                    check_against_reference<lowbit::int2>(skewed, block, p);
                    p.bits = 12;
                    check_against_reference<std::int16_t>(x, block, p);
                    p.symmetric = false;
                    p.bits = 8;
                    check_against_reference<std::int8_t>(skewed, block, p);
                    p.is_signed = false;
                    check_against_reference<std::uint8_t>(skewed, block, p);
                    check_against_reference<std::uint8_t>(x, block, p);
                    p.bits = 4;
                    check_against_reference<lowbit::uint4>(skewed, block, p);
                    check_against_reference<std::int32_t>(skewed, block, p);
                }
            }
        }
    }
}

TEST_CASE("int quantization: exact ties and their float neighbours", "[quantization]")
{
    // x = (k + 1/2) * scale exactly (12-bit scale significands keep the product a float), and the floats on
    // either side: the codes must follow the exact quotient, whatever the scale's exponent.
    std::mt19937 rng(31337);
    int_quant_params p;
    p.bits = 12;
    std::size_t checked_ties = 0;
    for (int trial = 0; trial < 20000; ++trial) {
        const auto mant = static_cast<double>((rng() & 0x7FF) | 0x800);  // 12 significant bits
        const int e = static_cast<int>(rng() % 200) - 120;               // scales 2^-109 .. 2^91
        const auto scale = static_cast<float>(std::ldexp(mant, e));
        const int k = static_cast<int>(rng() % 2000) - 1000;
        const auto x = static_cast<float>((k + 0.5) * double{scale});
        REQUIRE(double{x} == (k + 0.5) * double{scale});
        const std::vector<float> xs = {x, std::nextafter(x, -INFINITY), std::nextafter(x, INFINITY)};
        const std::vector<float> sc = {scale};
        for (const rounding mode : all_roundings) {
            p.rounding = mode;
            std::vector<std::int16_t> codes(3);
            lowbit::quantize_with_scales<std::int16_t>(xs, p, sc, {}, codes);
            const int even = k % 2 == 0 ? k : k + 1;
            const int away = k >= 0 ? k + 1 : k;
            const int expected_tie = mode == rounding::nearest_even      ? even
                                     : mode == rounding::nearest_away    ? away
                                     : mode == rounding::toward_zero     ? (k >= 0 ? k : k + 1)
                                     : mode == rounding::toward_positive ? k + 1
                                                                         : k;
            INFO("k " << k << " scale " << scale << " mode " << static_cast<int>(mode));
            REQUIRE(codes[0] == expected_tie);
            if (mode == rounding::nearest_even || mode == rounding::nearest_away) {
                REQUIRE(codes[1] == k);      // just below the tie
                REQUIRE(codes[2] == k + 1);  // just above
            }
            ++checked_ties;
        }
    }
    REQUIRE(checked_ties == 100000);
}

TEST_CASE("int quantization: per-row and per-group scales are independent", "[quantization]")
{
    // Row 0 spans [-1, 1], row 1 [-100, 100]; per-row scales are 1/127 and 100/127.
    std::vector<float> x = {1.0f, -0.5f, 0.25f, -1.0f, 100.0f, -50.0f, 25.0f, 10.0f};
    int_quant_params p;
    p.granularity = quant_granularity::per_row;
    p.row_length = 4;
    std::vector<std::int8_t> codes(8);
    std::vector<float> scales(2);
    lowbit::quantize<std::int8_t>(x, p, codes, scales, {});
    REQUIRE(scales[0] == 1.0f / 127.0f);
    REQUIRE(scales[1] == 100.0f / 127.0f);
    REQUIRE(codes[0] == 127);
    REQUIRE(codes[4] == 127);
    REQUIRE(codes[7] == 13);  // 10 / (100/127) = 12.7
    // Groups of 2 within rows of 4: four scales.
    p.granularity = quant_granularity::per_group;
    p.group_size = 2;
    std::vector<float> gscales(4);
    lowbit::quantize<std::int8_t>(x, p, codes, gscales, {});
    REQUIRE(gscales == std::vector<float>{1.0f / 127.0f, 1.0f / 127.0f, 100.0f / 127.0f, 25.0f / 127.0f});
    REQUIRE(codes[6] == 127);
    REQUIRE(codes[7] == 51);  // 10 / (25/127) = 50.8
    // row_length 0: groups run along the whole input.
    p.row_length = 0;
    p.group_size = 4;
    REQUIRE(lowbit::scale_count(8, p) == 2);
}

TEST_CASE("int quantization: error report", "[quantization]")
{
    const std::vector<float> x = {1.0f, 2.0f, 3.0f, 4.0f};
    const std::vector<float> y = {1.0f, 2.0f, 3.0f, 3.5f};
    const auto r = lowbit::quantization_error(x, y);
    REQUIRE(r.max_abs_error == 0.5);
    REQUIRE(r.max_abs_error_index == 3);
    REQUIRE(r.signal_energy == 30.0);
    REQUIRE(r.noise_energy == 0.25);
    REQUIRE(r.mean_squared_error == 0.0625);
    REQUIRE(r.sqnr_db == Approx(10.0 * std::log10(120.0)).epsilon(1e-15));
    REQUIRE(r.sqnr_db == Approx(20.791812460476248));

    const auto exact = lowbit::quantization_error(x, x);
    REQUIRE(exact.sqnr_db == std::numeric_limits<double>::infinity());
    REQUIRE(exact.max_abs_error == 0.0);
    const std::vector<float> zeros(4, 0.0f);
    REQUIRE(lowbit::quantization_error(zeros, x).sqnr_db == -std::numeric_limits<double>::infinity());
    const auto empty = lowbit::quantization_error({}, {});
    REQUIRE(empty.mean_squared_error == 0.0);
    REQUIRE(empty.sqnr_db == std::numeric_limits<double>::infinity());

    // On real quantization: uniform data in [-1, 1], scale ~1/127: 10 log10((1/3) / (scale^2 / 12)) ~ 48.1 dB.
    const auto data = uniform_floats(4096, 99, -1.0f, 1.0f);
    std::vector<std::int8_t> codes(data.size());
    std::vector<float> scales(1);
    lowbit::quantize<std::int8_t>(data, int_quant_params{}, codes, scales, {});
    std::vector<float> back(data.size());
    lowbit::dequantize<std::int8_t>(codes, int_quant_params{}, scales, {}, back);
    const auto q = lowbit::quantization_error(data, back);
    REQUIRE(q.max_abs_error <= scales[0] / 2.0 + 1e-9);
    REQUIRE(q.sqnr_db > 40.0);
    REQUIRE(q.sqnr_db < 50.0);

    REQUIRE_THROWS_WITH(lowbit::quantization_error(x, std::vector<float>(3)),
                        "lowbit::quantization_error: x_hat has 3 elements, expected 4");
    const std::vector<float> with_nan = {1.0f, std::nanf("")};
    REQUIRE_THROWS_AS(lowbit::quantization_error(with_nan, with_nan), std::domain_error);
}

TEST_CASE("MatQuant slicing (spec 7.3)", "[quantization]")
{
    using lowbit::matquant_slice;
    using lowbit::slice_to_grid;
    using lowbit::truncate_slice;
    // The spec's examples: 151 = 0x97 -> 9.44 -> 9 -> 144; 255 -> 15.94 -> 16 -> clamped 15 -> 240.
    STATIC_REQUIRE(matquant_slice(151, 4) == 9);
    STATIC_REQUIRE(slice_to_grid(9, 4) == 144);
    STATIC_REQUIRE(matquant_slice(255, 4) == 15);
    STATIC_REQUIRE(slice_to_grid(15, 4) == 240);
    STATIC_REQUIRE(truncate_slice(151, 4) == 9);
    STATIC_REQUIRE(truncate_slice(255, 4) == 15);
    // Where they differ: 159 / 16 = 9.94 rounds to 10, truncates to 9.
    STATIC_REQUIRE(matquant_slice(159, 4) == 10);
    STATIC_REQUIRE(truncate_slice(159, 4) == 9);
    // int2: 151 / 64 = 2.36 -> 2; 255 / 64 = 3.98 -> 4 -> 3; 100 / 64 = 1.56 -> 2 (truncation: 1).
    STATIC_REQUIRE(matquant_slice(151, 2) == 2);
    STATIC_REQUIRE(matquant_slice(255, 2) == 3);
    STATIC_REQUIRE(matquant_slice(100, 2) == 2);
    STATIC_REQUIRE(truncate_slice(100, 2) == 1);
    STATIC_REQUIRE(slice_to_grid(2, 2) == 128);
    // Ties: 8 / 16 = 0.5, 24 / 16 = 1.5.
    STATIC_REQUIRE(matquant_slice(8, 4) == 0);
    STATIC_REQUIRE(matquant_slice(24, 4) == 2);
    STATIC_REQUIRE(matquant_slice(8, 4, rounding::nearest_away) == 1);
    STATIC_REQUIRE(matquant_slice(9, 4, rounding::toward_zero) == 0);
    STATIC_REQUIRE(matquant_slice(9, 4, rounding::toward_positive) == 1);
    STATIC_REQUIRE(matquant_slice(200, 8) == 200);

    // Every code and width against the definition in real arithmetic.
    for (const rounding mode : all_roundings) {
        for (int r = 1; r <= 8; ++r) {
            for (int q = 0; q < 256; ++q) {
                INFO("q8 " << q << " r " << r);
                const long double ratio = q / std::ldexp(1.0L, 8 - r);
                const auto expect = static_cast<int>(std::min(reference_round(ratio, mode), std::ldexp(1.0L, r) - 1));
                const auto q8 = static_cast<std::uint8_t>(q);
                REQUIRE(matquant_slice(q8, r, mode) == expect);
                REQUIRE(truncate_slice(q8, r) == static_cast<int>(std::floor(ratio)));
                REQUIRE(slice_to_grid(matquant_slice(q8, r, mode), r) == expect * (1 << (8 - r)));
            }
        }
    }

    // The pipeline: quantize affinely to uint8, slice to int4, dequantize on the int8 grid.
    const auto x = uniform_floats(256, 5, -0.3f, 1.7f);
    int_quant_params p;
    p.is_signed = false;
    p.symmetric = false;
    p.narrow_range = false;
    std::vector<std::uint8_t> q8(x.size());
    std::vector<float> scales(1);
    std::vector<std::int32_t> zps(1);
    lowbit::quantize<std::uint8_t>(x, p, q8, scales, zps);
    std::vector<std::uint8_t> q4(x.size());
    std::vector<std::uint8_t> t4(x.size());
    std::vector<std::uint8_t> grid(x.size());
    lowbit::matquant_slice(q8, 4, q4);
    lowbit::truncate_slice(q8, 4, t4);
    lowbit::slice_to_grid(q4, 4, grid);
    std::vector<float> x4(x.size());
    lowbit::dequantize<std::uint8_t>(grid, p, scales, zps, x4);
    for (std::size_t i = 0; i < x.size(); ++i) {
        REQUIRE(q4[i] == matquant_slice(q8[i], 4));
        REQUIRE(t4[i] == (q8[i] >> 4));
        const float expected = static_cast<float>((q4[i] * 16.0 - zps[0]) * scales[0]);
        REQUIRE(x4[i] == expected);
        REQUIRE(lowbit::dequantize_slice(q4[i], 4, scales[0], zps[0]) == expected);
    }
    // Rounded slicing is closer to the data than truncation on average.
    std::vector<float> xt(x.size());
    std::vector<std::uint8_t> tgrid(x.size());
    lowbit::slice_to_grid(t4, 4, tgrid);
    lowbit::dequantize<std::uint8_t>(tgrid, p, scales, zps, xt);
    REQUIRE(lowbit::quantization_error(x, x4).noise_energy < lowbit::quantization_error(x, xt).noise_energy);

    // Errors.
    REQUIRE_THROWS_AS(matquant_slice(std::uint8_t{1}, 0), std::invalid_argument);
    REQUIRE_THROWS_AS(truncate_slice(std::uint8_t{1}, 9), std::invalid_argument);
    REQUIRE_THROWS_AS(slice_to_grid(std::uint8_t{1}, -1), std::invalid_argument);
    std::vector<std::uint8_t> short_out(3);
    REQUIRE_THROWS_WITH(lowbit::matquant_slice(q8, 4, short_out),
                        "lowbit::matquant_slice: the output has 3 elements, expected 256");
}

TEST_CASE("int quantization: all-zero input", "[quantization]")
{
    const std::vector<float> zeros(6, 0.0f);
    std::vector<float> scales(2, -1.0f);
    std::vector<std::int32_t> zps(2, 77);
    int_quant_params p;
    p.granularity = quant_granularity::per_row;
    p.row_length = 3;
    std::vector<std::int8_t> codes(6, 5);
    lowbit::quantize<std::int8_t>(zeros, p, codes, scales, zps);
    REQUIRE(scales == std::vector<float>{1.0f, 1.0f});
    REQUIRE(zps == std::vector<std::int32_t>{0, 0});
    REQUIRE(codes == std::vector<std::int8_t>(6, 0));
    // Affine: scale 1, zero point q_min, every element decodes to exactly 0.
    p.symmetric = false;
    p.narrow_range = false;
    lowbit::quantize<std::int8_t>(zeros, p, codes, scales, zps);
    REQUIRE(scales == std::vector<float>{1.0f, 1.0f});
    REQUIRE(zps == std::vector<std::int32_t>{-128, -128});
    REQUIRE(codes == std::vector<std::int8_t>(6, -128));
    std::vector<float> back(6, 9.0f);
    lowbit::dequantize<std::int8_t>(codes, p, scales, zps, back);
    REQUIRE(back == zeros);
    // A zero row beside a nonzero one keeps its own scale of 1; -0.0 counts as zero.
    const std::vector<float> mixed = {-0.0f, 0.0f, 0.0f, 1.0f, -2.0f, 0.5f};
    p.symmetric = true;
    p.narrow_range = true;
    lowbit::quantize<std::int8_t>(mixed, p, codes, scales, zps);
    REQUIRE(scales == std::vector<float>{1.0f, 2.0f / 127.0f});
    // Tiny but nonzero data: the scale never rounds to 0.
    const std::vector<float> tiny = {std::numeric_limits<float>::denorm_min(), 0.0f};
    std::vector<std::int8_t> tc(2);
    std::vector<float> ts(1);
    lowbit::quantize<std::int8_t>(tiny, int_quant_params{}, tc, ts, {});
    REQUIRE(ts[0] == std::numeric_limits<float>::denorm_min());
    REQUIRE(tc[0] == 1);
    // Empty input: one per-tensor scale of 1, no rows.
    std::vector<std::int8_t> no_codes;
    lowbit::quantize<std::int8_t>({}, int_quant_params{}, no_codes, ts, {});
    REQUIRE(ts[0] == 1.0f);
}

TEST_CASE("int quantization: NaN and Inf are rejected by index, nothing written", "[quantization]")
{
    std::vector<float> x = {0.5f, 1.0f, -2.0f, 3.0f, 0.0f, 1.0f};
    std::vector<std::int8_t> codes(6, 42);
    std::vector<float> scales(1, 42.0f);
    x[4] = std::numeric_limits<float>::quiet_NaN();
    REQUIRE(message_of([&] { lowbit::quantize<std::int8_t>(x, int_quant_params{}, codes, scales, {}); }) ==
            "lowbit::quantize: input element 4 is NaN; integer quantization needs finite values");
    REQUIRE_THROWS_AS(lowbit::quantize<std::int8_t>(x, int_quant_params{}, codes, scales, {}), std::domain_error);
    x[4] = 0.0f;
    x[2] = -std::numeric_limits<float>::infinity();
    REQUIRE(message_of([&] { lowbit::quantize<std::int8_t>(x, int_quant_params{}, codes, scales, {}); }) ==
            "lowbit::quantize: input element 2 is -inf; integer quantization needs finite values");
    x[2] = std::numeric_limits<float>::infinity();
    REQUIRE_THROWS_AS(lowbit::compute_scales(x, int_quant_params{}, scales, {}), std::domain_error);
    REQUIRE_THROWS_AS(lowbit::quantize_with_scales<std::int8_t>(x, int_quant_params{}, std::vector<float>{1.0f}, {},
                                                                codes),
                      std::domain_error);
    REQUIRE(codes == std::vector<std::int8_t>(6, 42));
    REQUIRE(scales == std::vector<float>{42.0f});
}

TEST_CASE("int quantization: bad shapes, sizes and parameters", "[quantization]")
{
    const std::vector<float> x(12, 1.0f);
    std::vector<std::int8_t> codes(12, 3);
    std::vector<float> scales(3, 7.0f);
    std::vector<std::int32_t> zps(3, 7);
    int_quant_params p;
    p.granularity = quant_granularity::per_group;
    p.row_length = 6;
    p.group_size = 4;
    REQUIRE(message_of([&] { lowbit::quantize<std::int8_t>(x, p, codes, scales, zps); }) ==
            "lowbit::quantize: the group size 4 does not divide the row length 6");
    p.group_size = 0;
    REQUIRE_THROWS_WITH(lowbit::scale_count(12, p), "lowbit::scale_count: per_group granularity needs a group_size > 0");
    p.group_size = 2;
    p.row_length = 5;
    REQUIRE_THROWS_WITH(lowbit::scale_count(12, p),
                        "lowbit::scale_count: the input has 12 elements, not a multiple of the row length 5");
    p.row_length = 6;
    REQUIRE(lowbit::scale_count(12, p) == 6);
    // Output sizes: expected vs got.
    REQUIRE(message_of([&] { lowbit::quantize<std::int8_t>(x, p, codes, scales, zps); }) ==
            "lowbit::quantize: scales has 3 elements, expected 6");
    std::vector<float> scales6(6, 7.0f);
    std::vector<std::int8_t> codes11(11, 3);
    REQUIRE(message_of([&] { lowbit::quantize<std::int8_t>(x, p, codes11, scales6, {}); }) ==
            "lowbit::quantize: codes has 11 elements, expected 12");
    p.symmetric = false;
    REQUIRE(message_of([&] { lowbit::quantize<std::int8_t>(x, p, codes, scales6, {}); }) ==
            "lowbit::quantize: zero_points has 0 elements, expected 6");
    p.symmetric = true;
    REQUIRE(message_of([&] { lowbit::quantize<std::int8_t>(x, p, codes, scales6, zps); }) ==
            "lowbit::quantize: zero_points has 3 elements, expected 6 (or 0: symmetric grids have zero point 0)");
    std::vector<float> out(5);
    REQUIRE(message_of([&] { lowbit::dequantize<std::int8_t>(codes, p, scales6, {}, out); }) ==
            "lowbit::dequantize: out has 5 elements, expected 12");
    REQUIRE(codes == std::vector<std::int8_t>(12, 3));
    REQUIRE(scales6 == std::vector<float>(6, 7.0f));
    // Parameters.
    p.granularity = quant_granularity::per_tensor;
    std::vector<float> one(1);
    p.bits = 1;
    REQUIRE_THROWS_WITH(lowbit::code_range(p), "lowbit::code_range: bits must be 2..16, got 1");
    p.bits = 17;
    REQUIRE_THROWS_AS(lowbit::quantize<std::int32_t>(x, p, std::span<std::int32_t>{}, one, {}), std::invalid_argument);
    p.bits = 8;
    p.is_signed = false;
    REQUIRE_THROWS_WITH(lowbit::code_range(p), "lowbit::code_range: symmetric quantization needs signed codes (use "
                                               "symmetric = false for unsigned codes)");
    p.is_signed = true;
    std::vector<lowbit::int4> small(12);
    REQUIRE(message_of([&] { lowbit::quantize<lowbit::int4>(x, p, small, one, {}); }) ==
            "lowbit::quantize: the code type holds [-8, 7], the grid needs [-127, 127]");
    p.symmetric = false;
    p.is_signed = false;
    REQUIRE(message_of([&] { lowbit::quantize<std::int8_t>(x, p, codes, one, zps); }) ==
            "lowbit::quantize: the code type holds [-128, 127], the grid needs [1, 255]");
    // Given scales and zero points are validated.
    p.narrow_range = false;
    std::vector<std::uint8_t> ucodes(12);
    REQUIRE_THROWS_WITH(lowbit::quantize_with_scales<std::uint8_t>(x, p, std::vector<float>{0.0f},
                                                                   std::vector<std::int32_t>{0}, ucodes),
                        "lowbit::quantize_with_scales: scale 0 is not finite and positive");
    REQUIRE_THROWS_WITH(lowbit::quantize_with_scales<std::uint8_t>(x, p, std::vector<float>{1.0f},
                                                                   std::vector<std::int32_t>{256}, ucodes),
                        "lowbit::quantize_with_scales: zero point 0 is 256, outside the code range");
}
