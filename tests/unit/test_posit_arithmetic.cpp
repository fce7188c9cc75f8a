// posit arithmetic against the independent exact reference in posit_oracle.hpp: every pair of posit8
// codes (es = 2 and SoftPosit's es = 0) for + - * /, sqrt of every code, sampled pairs of the wider shapes
// (the exhaustive tier runs millions more), and the quire's fused dot products.
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstdio>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include <lowbit/types/posit.hpp>
#include <lowbit/types/posit_quire.hpp>

#include "posit_oracle.hpp"

namespace {

using lowbit::posit;
using lowbit::posit16;
using lowbit::posit32;
using lowbit::posit8;

template <class P>
P code(std::uint64_t c)
{
    return P::from_bits(static_cast<typename P::storage_type>(c));
}

// Checks every operator on the pair (a, b) and sqrt(a); returns the number of mismatches (first few reported).
template <class P>
int check_pair(const posit_oracle::shape& ref, std::uint64_t a, std::uint64_t b, bool with_sqrt, int& reported)
{
    const P x = code<P>(a);
    const P y = code<P>(b);
    const std::uint64_t got[5] = {(x + y).bits(), (x - y).bits(), (x * y).bits(), (x / y).bits(), sqrt(x).bits()};
    const std::uint64_t want[5] = {ref.add(a, b), ref.add(a, b, true), ref.multiply(a, b), ref.divide(a, b),
                                   with_sqrt ? ref.sqrt(a) : 0};
    static const char* const names[5] = {"+", "-", "*", "/", "sqrt"};
    int bad = 0;
    for (int k = 0; k < (with_sqrt ? 5 : 4); ++k) {
        if (got[k] == want[k]) continue;
        ++bad;
        if (++reported <= 8)
            FAIL_CHECK("posit<" << P::nbits << "," << P::es << "> " << std::hex << "0x" << a << " " << names[k] << " 0x"
                                << b << " = 0x" << got[k] << ", reference 0x" << want[k]);
    }
    return bad;
}

template <class P>
void all_pairs()
{
    const posit_oracle::shape ref(P::nbits, P::es);
    const std::uint64_t count = std::uint64_t{1} << P::nbits;
    int bad = 0;
    int reported = 0;
    for (std::uint64_t a = 0; a < count; ++a)
        for (std::uint64_t b = 0; b < count; ++b) bad += check_pair<P>(ref, a, b, b == 0, reported);
    CHECK(bad == 0);
}

template <class P>
void sampled_pairs(std::uint64_t seed, int pairs)
{
    const posit_oracle::shape ref(P::nbits, P::es);
    std::mt19937_64 rng(seed);
    const std::uint64_t mask = (std::uint64_t{1} << P::nbits) - 1;
    int bad = 0;
    int reported = 0;
    for (int i = 0; i < pairs; ++i) {
        const std::uint64_t a = rng() & mask;
        // Every other pair takes b near a's magnitude, where cancellation and ties live.
        std::uint64_t b = rng() & mask;
        if (i % 2 == 1) b = (a + (rng() % 64) - 32) & mask;
        bad += check_pair<P>(ref, a, b, true, reported);
    }
    CHECK(bad == 0);
}

}  // namespace

TEST_CASE("posit8 (es 2): every pair for + - * / and sqrt of every code", "[posit][arithmetic]")
{
    all_pairs<posit8>();
}

TEST_CASE("SoftPosit posit8 (es 0): every pair for + - * / and sqrt of every code", "[posit][arithmetic]")
{
    all_pairs<posit<8, 0>>();
}

TEST_CASE("small posits: every pair for every operator", "[posit][arithmetic]")
{
    all_pairs<posit<2, 0>>();
    all_pairs<posit<3, 1>>();
    all_pairs<posit<5, 4>>();
    all_pairs<posit<6, 1>>();
    all_pairs<posit<7, 3>>();
}

TEST_CASE("posit16 and posit32: sampled pairs against the exact reference", "[posit][arithmetic]")
{
    sampled_pairs<posit16>(0x5EED'0016, 20000);
    sampled_pairs<posit<16, 1>>(0x5EED'0116, 10000);
    sampled_pairs<posit32>(0x5EED'0032, 10000);
    sampled_pairs<posit<12, 3>>(0x5EED'0312, 10000);
    sampled_pairs<posit<32, 0>>(0x5EED'0032, 5000);
}

TEST_CASE("posit arithmetic special cases", "[posit][arithmetic]")
{
    const posit16 nar = posit16::nar();
    const posit16 one(1.0);
    const posit16 zero;
    CHECK((nar + one).is_nar());
    CHECK((one - nar).is_nar());
    CHECK((nar * zero).is_nar());
    CHECK((one / zero).is_nar());
    CHECK((zero / zero).is_nar());
    CHECK((zero / one).is_zero());
    CHECK(sqrt(-one).is_nar());
    CHECK(sqrt(nar).is_nar());
    CHECK((one - one).bits() == 0);
    CHECK((-nar).is_nar());
    CHECK((-zero).bits() == 0);
    CHECK(abs(posit16(-3.0)) == posit16(3.0));
    CHECK(abs(nar).is_nar());
    // Saturation instead of overflow/underflow.
    CHECK(posit16::maxpos() * posit16::maxpos() == posit16::maxpos());
    CHECK(posit16::minpos() * posit16::minpos() == posit16::minpos());
    CHECK(posit16::minpos() / posit16::maxpos() == posit16::minpos());
    CHECK((-posit16::minpos()) * posit16::minpos() == -posit16::minpos());
    posit8 acc(1.0);
    acc += posit8(1.0);
    acc *= posit8(3.0);
    acc -= posit8(2.0);
    acc /= posit8(2.0);
    CHECK(acc == posit8(2.0));
    STATIC_REQUIRE((posit8(3.0) * posit8(5.0)).bits() == posit8(15.0).bits());
    STATIC_REQUIRE(sqrt(posit32(4.0)) == posit32(2.0));
}

TEST_CASE("quire: widths of the 2022 standard", "[posit][quire]")
{
    STATIC_REQUIRE(lowbit::quire<posit8>::width == 128);
    STATIC_REQUIRE(lowbit::quire<posit16>::width == 256);
    STATIC_REQUIRE(lowbit::quire<posit32>::width == 512);
    STATIC_REQUIRE(lowbit::quire<posit16>::carry_guard_bits == 30);
    STATIC_REQUIRE(lowbit::quire<posit<16, 1>>::width == 192);
    STATIC_REQUIRE(lowbit::quire<posit<8, 0>>::width == 64);
}

TEST_CASE("quire: fused dot products against the exact reference", "[posit][quire][arithmetic]")
{
    const auto run = [](auto tag, std::uint64_t seed, int trials) {
        using P = typename decltype(tag)::type;
        const posit_oracle::shape ref(P::nbits, P::es);
        std::mt19937_64 rng(seed);
        const std::uint64_t mask = (std::uint64_t{1} << P::nbits) - 1;
        int bad = 0;
        for (int t = 0; t < trials; ++t) {
            const std::size_t n = 1 + rng() % 40;
            std::vector<std::uint64_t> a(n), b(n);
            std::vector<P> x(n), y(n);
            for (std::size_t i = 0; i < n; ++i) {
                a[i] = rng() & mask;
                b[i] = rng() & mask;
                if (a[i] == (mask >> 1) + 1) a[i] = 0;  // keep NaR out of most trials
                if (b[i] == (mask >> 1) + 1) b[i] = 1;
                // Cancellation: repeat an earlier product with the opposite sign.
                if (i > 0 && rng() % 3 == 0) {
                    const std::size_t j = rng() % i;
                    a[i] = (mask + 1 - a[j]) & mask;
                    b[i] = b[j];
                }
                x[i] = code<P>(a[i]);
                y[i] = code<P>(b[i]);
            }
            const std::uint64_t want = ref.dot(a, b);
            if (lowbit::fused_dot(x, y).bits() != want && ++bad <= 5)
                FAIL_CHECK("trial " << t << " of posit<" << P::nbits << "," << P::es << ">");
        }
        CHECK(bad == 0);
    };
    struct tag8 { using type = posit8; };
    struct tag8_0 { using type = posit<8, 0>; };
    struct tag16 { using type = posit16; };
    struct tag16_1 { using type = posit<16, 1>; };
    struct tag32 { using type = posit32; };
    run(tag8{}, 1, 3000);
    run(tag8_0{}, 2, 3000);
    run(tag16{}, 3, 3000);
    run(tag16_1{}, 4, 2000);
    run(tag32{}, 5, 1000);
}

TEST_CASE("quire: cancellation where naive posit accumulation is wrong", "[posit][quire]")
{
    // 1e10 + 1 - 1e10: posit16 rounding of the running sum loses the 1; the quire keeps it.
    const std::vector<posit16> a{posit16(1e10), posit16(1.0), posit16(-1e10)};
    const std::vector<posit16> ones(3, posit16(1.0));
    posit16 naive;
    for (std::size_t i = 0; i < a.size(); ++i) naive += a[i] * ones[i];
    CHECK(naive.is_zero());
    CHECK(lowbit::fused_dot(a, ones) == posit16(1.0));

    // maxpos^2 - maxpos^2 + minpos^2 (the quire's last bit), then minpos * 3 - minpos * 3.
    lowbit::quire<posit8> q;
    q.add_product(posit8::maxpos(), posit8::maxpos());
    q.sub_product(posit8::maxpos(), posit8::maxpos());
    CHECK(q.is_zero());
    q.add_product(posit8::minpos(), posit8::minpos());
    CHECK(q.words()[0] == 1u);
    CHECK(q.to_posit() == posit8::minpos());  // rounded: never 0
    q.sub_product(posit8::minpos(), posit8::minpos());
    CHECK(q.to_posit().is_zero());
    q.add(posit8(3.0));
    q -= posit8(0.5);
    q += posit8(0.5);
    CHECK(q.to_posit() == posit8(3.0));

    // 0.1-ish products that cancel to a tiny remainder: naive gives 0, the quire gives the exact remainder.
    const posit16 u(1.0 + 1.0 / 1024), v(1.0 - 1.0 / 1024);
    const std::vector<posit16> xs{u, -posit16(1.0)}, ys{v, posit16(1.0)};
    CHECK((u * v - posit16(1.0)).is_zero());
    CHECK(lowbit::fused_dot(xs, ys) == posit16(-1.0 / 1048576));

    // NaR poisons the quire until clear().
    lowbit::quire<posit16> r(posit16(2.0));
    r.add_product(posit16::nar(), posit16(1.0));
    CHECK(r.is_nar());
    CHECK(r.to_posit().is_nar());
    r.add(posit16(1.0));
    CHECK(r.is_nar());
    r.clear();
    CHECK(r.is_zero());

    // Lengths must agree.
    const std::vector<posit16> shorter(2, posit16(1.0));
    CHECK_THROWS_AS(lowbit::fused_dot(a, shorter), std::invalid_argument);
    CHECK(lowbit::fused_dot(std::vector<posit16>{}, std::vector<posit16>{}).is_zero());
}

TEST_CASE("quire: overflow past the carry guard turns the quire into NaR", "[posit][quire]")
{
    // posit<8, 0>: maxpos^2 = 2^12 and the quire holds magnitudes below 2^(64 - 1 - 12) ... precisely,
    // its range ends 2^carry_guard_bits products of maxpos^2 above the top of the product range.
    using P = posit<8, 0>;
    lowbit::quire<P> q;
    constexpr int guard = lowbit::quire<P>::carry_guard_bits;
    STATIC_REQUIRE(guard == 38);
    // Doubling the quire with itself: 2^(guard + 1) products of maxpos^2 ~ 2^(guard + 1 + 12) overflows.
    q.add_product(P::maxpos(), P::maxpos());
    for (int i = 0; i < guard; ++i) q += q;  // 2^guard * maxpos^2: still inside
    CHECK_FALSE(q.is_nar());
    CHECK(q.to_posit() == P::maxpos());
    q += q;
    CHECK(q.is_nar());

    lowbit::quire<P> neg;
    neg.sub_product(P::maxpos(), P::maxpos());
    for (int i = 0; i < guard; ++i) neg += neg;
    CHECK_FALSE(neg.is_nar());
    CHECK(neg.to_posit() == -P::maxpos());
    neg += neg;  // -2^(width - 1) is still representable
    CHECK_FALSE(neg.is_nar());
    neg.sub_product(P::minpos(), P::minpos());
    CHECK(neg.is_nar());
}
