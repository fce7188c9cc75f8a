// MX dot products against the documented accumulation order re-implemented here on the reference decoder
// (test_mx_reference.hpp), plus hand-computed sums, NaN scales, a bound against the exact double result,
// and the argument checks.
#include <catch2/catch.hpp>

#include <array>
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
namespace ref = mx_reference;
using e8m0 = lowbit::float8_e8m0fnu;

template <class Elem>
struct mx_vector {
    std::vector<std::uint8_t> bytes;
    std::vector<e8m0> scales;
    std::size_t count;
};

template <class Elem>
mx_vector<Elem> make(const std::vector<float>& x, std::size_t block_size, mx::scale_rule rule = mx::scale_rule::floor)
{
    mx_vector<Elem> v{std::vector<std::uint8_t>(mx::element_bytes<Elem>(x.size())),
                      std::vector<e8m0>(mx::scale_count(x.size(), block_size)), x.size()};
    mx::quantize<Elem>(x, v.bytes, v.scales, rule, block_size);
    return v;
}

// The order of docs/mx.md: 8 lanes per block, pairwise lane sum, one rounding for the scale, float total.
// `product(i)` is the (already float32) product of element i.
template <class Product, class Exponent>
float documented_order(std::size_t count, std::size_t block_size, Product product, Exponent exponent)
{
    float total = 0.0f;
    bool nan = false;
    for (std::size_t first = 0, b = 0; first < count; first += block_size, ++b) {
        std::array<float, 8> lanes{};
        for (std::size_t i = first; i < std::min(count, first + block_size); ++i) lanes[(i - first) % 8] += product(i);
        const float partial = ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
        const int k = exponent(b);
        if (k == ref::nan_scale) nan = true;
        else total += static_cast<float>(std::ldexp(static_cast<double>(partial), k));
    }
    return nan ? std::numeric_limits<float>::quiet_NaN() : total;
}

template <class A, class B>
void check_mx_dot(std::mt19937& rng, std::size_t count, std::size_t block_size)
{
    std::vector<float> xa, xb;
    while (xa.size() < count) {
        const std::vector<float> p = ref::adversarial_block<A>(rng, 16);
        const std::vector<float> q = ref::adversarial_block<B>(rng, 16);
        xa.insert(xa.end(), p.begin(), p.end());
        xb.insert(xb.end(), q.begin(), q.end());
    }
    xa.resize(count);
    xb.resize(count);
    const mx_vector<A> a = make<A>(xa, block_size);
    const mx_vector<B> b = make<B>(xb, block_size, mx::scale_rule::rceil);
    const float got = mx::dot<A, B>(a.bytes, a.scales, b.bytes, b.scales, count, block_size);
    const float expected = documented_order(
        count, block_size,
        [&](std::size_t i) {
            // Element values without the block scale; the product is exact in double and in float.
            return static_cast<float>(ref::element_value<A>(ref::read_code<A>(a.bytes, i)) *
                                      ref::element_value<B>(ref::read_code<B>(b.bytes, i)));
        },
        [&](std::size_t blk) {
            if (a.scales[blk].bits() == 0xFF || b.scales[blk].bits() == 0xFF) return ref::nan_scale;
            return static_cast<int>(a.scales[blk].bits()) + static_cast<int>(b.scales[blk].bits()) - 254;
        });
    CAPTURE(mx::element_name<A>(), mx::element_name<B>(), count, block_size);
    REQUIRE(ref::same_float(got, expected));

    const float with_floats = mx::dot_with_floats<A>(a.bytes, a.scales, xb, block_size);
    const float expected_with_floats = documented_order(
        count, block_size,
        [&](std::size_t i) {
            return static_cast<float>(ref::element_value<A>(ref::read_code<A>(a.bytes, i)) * static_cast<double>(xb[i]));
        },
        [&](std::size_t blk) { return a.scales[blk].bits() == 0xFF ? ref::nan_scale : static_cast<int>(a.scales[blk].bits()) - 127; });
    REQUIRE(ref::same_float(with_floats, expected_with_floats));
}

}  // namespace

TEST_CASE("mx dot: against the documented order on adversarial vectors", "[mx][arithmetic]")
{
    std::mt19937 rng(77);
    for (std::size_t count : {std::size_t{0}, std::size_t{1}, std::size_t{31}, std::size_t{32}, std::size_t{100},
                              std::size_t{513}, std::size_t{1500}}) {
        for (std::size_t block_size : {std::size_t{32}, std::size_t{5}, std::size_t{64}, std::size_t{700}}) {
            for (int trial = 0; trial < 3; ++trial) {
                check_mx_dot<mx::fp8_e4m3, mx::fp8_e4m3>(rng, count, block_size);
                check_mx_dot<mx::fp8_e5m2, mx::fp8_e5m2>(rng, count, block_size);
                check_mx_dot<mx::fp6_e3m2, mx::fp6_e2m3>(rng, count, block_size);
                check_mx_dot<mx::fp4_e2m1, mx::fp4_e2m1>(rng, count, block_size);
                check_mx_dot<mx::int8, mx::int8>(rng, count, block_size);
                check_mx_dot<mx::int8, mx::fp8_e5m2>(rng, count, block_size);
            }
        }
    }
}

TEST_CASE("mx dot: hand-computed sums", "[mx][arithmetic]")
{
    // FP4, one block of 4: a = {1, 2, 3, 4} (amax 4 -> FLOOR 2^0), b = {0.5, -1, 6, 0} -> 0.5 - 2 + 18 + 0.
    const mx_vector<mx::fp4_e2m1> a = make<mx::fp4_e2m1>({1, 2, 3, 4}, 4);
    const mx_vector<mx::fp4_e2m1> b = make<mx::fp4_e2m1>({0.5f, -1, 6, 0}, 4);
    CHECK(mx::dot<mx::fp4_e2m1>(a.bytes, a.scales, b.bytes, b.scales, 4, 4) == 16.5f);
    CHECK(mx::dot_with_floats<mx::fp4_e2m1>(a.bytes, a.scales, std::vector<float>{1, 1, 1, 0.25f}, 4) == 7.0f);
    // MXINT8 with two blocks of 2 and different scales: {1.5, -0.25 | 12, 3} . {1, 1 | 0.5, 2} = 1.25 + 12.
    const mx_vector<mx::int8> c = make<mx::int8>({1.5f, -0.25f, 12, 3}, 2);
    const mx_vector<mx::int8> d = make<mx::int8>({1, 1, 0.5f, 2}, 2);
    CHECK(mx::dot<mx::int8>(c.bytes, c.scales, d.bytes, d.scales, 4, 2) == 13.25f);
    // Order matters and is fixed: 2^24 + 1 + 1 + ... in lanes: 8 ones in lanes 1..7 and lane 0 = 2^24.
    std::vector<float> big(16, 1.0f);
    big[0] = 16777216.0f;
    const mx_vector<mx::fp8_e5m2> e = make<mx::fp8_e5m2>(big, 16);
    const mx_vector<mx::fp8_e5m2> ones = make<mx::fp8_e5m2>(std::vector<float>(16, 1.0f), 16);
    // lanes: l0 = 2^24 + 1 (rounds to 2^24), l1..l7 = 2; (l0 + l1) = 2^24 + 2, ... total 2^24 + 14
    CHECK(mx::dot<mx::fp8_e5m2>(e.bytes, e.scales, ones.bytes, ones.scales, 16, 16) == 16777230.0f);
}

TEST_CASE("mx dot: NaN scales and a bound against the exact sum", "[mx][arithmetic]")
{
    std::vector<float> x(64, 0.5f);
    x[40] = std::numeric_limits<float>::quiet_NaN();
    const mx_vector<mx::fp8_e4m3> a = make<mx::fp8_e4m3>(x, 32);
    const mx_vector<mx::fp8_e4m3> b = make<mx::fp8_e4m3>(std::vector<float>(64, 1.0f), 32);
    CHECK(std::isnan(mx::dot<mx::fp8_e4m3>(a.bytes, a.scales, b.bytes, b.scales, 64)));
    CHECK(std::isnan(mx::dot_with_floats<mx::fp8_e4m3>(a.bytes, a.scales, std::vector<float>(64, 1.0f))));

    std::mt19937 rng(5);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::vector<float> u(4096), w(4096);
    for (std::size_t i = 0; i < u.size(); ++i) {
        u[i] = normal(rng);
        w[i] = normal(rng);
    }
    const mx_vector<mx::fp8_e4m3> qu = make<mx::fp8_e4m3>(u, 32);
    const mx_vector<mx::fp8_e4m3> qw = make<mx::fp8_e4m3>(w, 32);
    std::vector<float> du(u.size()), dw(w.size());
    mx::dequantize<mx::fp8_e4m3>(qu.bytes, qu.scales, du);
    mx::dequantize<mx::fp8_e4m3>(qw.bytes, qw.scales, dw);
    double exact = 0.0, magnitude = 0.0;
    for (std::size_t i = 0; i < u.size(); ++i) {
        exact += static_cast<double>(du[i]) * static_cast<double>(dw[i]);
        magnitude += std::fabs(static_cast<double>(du[i]) * static_cast<double>(dw[i]));
    }
    const float got = mx::dot<mx::fp8_e4m3>(qu.bytes, qu.scales, qw.bytes, qw.scales, u.size());
    CHECK(std::fabs(static_cast<double>(got) - exact) <= magnitude * 1e-5);
}

TEST_CASE("mx dot: argument checks", "[mx][api]")
{
    const mx_vector<mx::fp4_e2m1> a = make<mx::fp4_e2m1>(std::vector<float>(64, 1.0f), 32);
    CHECK_THROWS_AS(mx::dot<mx::fp4_e2m1>(a.bytes, a.scales, a.bytes, a.scales, 62), std::invalid_argument);
    CHECK_THROWS_AS(mx::dot<mx::fp4_e2m1>(a.bytes, a.scales, a.bytes, a.scales, 64, 16), std::invalid_argument);
    CHECK_THROWS_AS(mx::dot<mx::fp4_e2m1>(a.bytes, a.scales, a.bytes, a.scales, 64, 0), std::invalid_argument);
    CHECK_THROWS_AS((mx::dot<mx::fp4_e2m1, mx::fp8_e4m3>(a.bytes, a.scales, a.bytes, a.scales, 64)), std::invalid_argument);
    CHECK_THROWS_AS(mx::dot_with_floats<mx::fp4_e2m1>(a.bytes, a.scales, std::vector<float>(62, 1.0f)), std::invalid_argument);
    CHECK(mx::dot<mx::fp4_e2m1>(a.bytes, a.scales, a.bytes, a.scales, 64) == 64.0f);
}
