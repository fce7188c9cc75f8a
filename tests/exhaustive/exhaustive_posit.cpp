// Posit arithmetic against the exact reference of posit_oracle.hpp at volume: 1M+ random pairs (fixed
// seeds) for posit16, SoftPosit's posit16 (es 1) and posit32, every operator and sqrt, plus every posit
// code converted from random doubles compared with the reference's rounding of the exact double.
#include <catch2/catch.hpp>

#include <bit>
#include <cstdint>
#include <random>

#include <lowbit/types/posit.hpp>

#include "posit_oracle.hpp"

namespace {

template <class P>
void random_pairs(std::uint64_t seed, long pairs)
{
    const posit_oracle::shape ref(P::nbits, P::es);
    std::mt19937_64 rng(seed);
    const std::uint64_t mask = (std::uint64_t{1} << P::nbits) - 1;
    long bad = 0;
    for (long i = 0; i < pairs; ++i) {
        const std::uint64_t a = rng() & mask;
        std::uint64_t b = rng() & mask;
        if (i % 2 == 1) b = (a + (rng() % 64) - 32) & mask;  // near a: cancellation and ties
        const P x = P::from_bits(static_cast<typename P::storage_type>(a));
        const P y = P::from_bits(static_cast<typename P::storage_type>(b));
        const std::uint64_t got[5] = {(x + y).bits(), (x - y).bits(), (x * y).bits(), (x / y).bits(), sqrt(x).bits()};
        const std::uint64_t want[5] = {ref.add(a, b), ref.add(a, b, true), ref.multiply(a, b), ref.divide(a, b), ref.sqrt(a)};
        for (int k = 0; k < 5; ++k)
            if (got[k] != want[k] && ++bad <= 8)
                FAIL_CHECK("posit<" << P::nbits << "," << P::es << "> op " << k << std::hex << " a=0x" << a << " b=0x" << b
                                    << " got 0x" << got[k] << " want 0x" << want[k]);
    }
    CHECK(bad == 0);
}

template <class P>
void random_doubles(std::uint64_t seed, long count)
{
    const posit_oracle::shape ref(P::nbits, P::es);
    std::mt19937_64 rng(seed);
    long bad = 0;
    for (long i = 0; i < count; ++i) {
        // Doubles whose exponents straddle the posit's range (|scale| <= max_scale + 8).
        const std::uint64_t mantissa = (rng() >> 12) | (std::uint64_t{1} << 52);
        const int span = 2 * (P::max_scale + 8) + 1;
        const int scale = static_cast<int>(rng() % static_cast<std::uint64_t>(span)) - (P::max_scale + 8);
        const bool negative = (rng() & 1) != 0;
        const std::uint64_t bits = (negative ? std::uint64_t{1} << 63 : 0) |
                                   (static_cast<std::uint64_t>(scale + 1023) << 52) | (mantissa & ((std::uint64_t{1} << 52) - 1));
        const double x = std::bit_cast<double>(bits);
        const std::uint64_t want = ref.round_dyadic(negative, {mantissa, scale - 52});
        if (P(x).bits() != want && ++bad <= 8) FAIL_CHECK("posit<" << P::nbits << "," << P::es << "> from " << x);
    }
    CHECK(bad == 0);
}

}  // namespace

TEST_CASE("posit16: 2M random pairs against the exact reference", "[posit][arithmetic][exhaustive]")
{
    random_pairs<lowbit::posit16>(0xC0FFEE16, 2'000'000);
}

TEST_CASE("SoftPosit posit16 (es 1): 1M random pairs against the exact reference", "[posit][arithmetic][exhaustive]")
{
    random_pairs<lowbit::posit<16, 1>>(0xC0FFEE17, 1'000'000);
}

TEST_CASE("posit32: 1M random pairs against the exact reference", "[posit][arithmetic][exhaustive]")
{
    random_pairs<lowbit::posit32>(0xC0FFEE32, 1'000'000);
}

TEST_CASE("posit conversion from random doubles against the exact reference", "[posit][conversion][exhaustive]")
{
    random_doubles<lowbit::posit8>(1, 1'000'000);
    random_doubles<lowbit::posit16>(2, 1'000'000);
    random_doubles<lowbit::posit32>(3, 1'000'000);
    random_doubles<lowbit::posit<12, 3>>(4, 1'000'000);
    random_doubles<lowbit::posit<32, 4>>(5, 300'000);
}
