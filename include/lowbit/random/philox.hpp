// Philox4x32-10, the counter-based random number generator of Salmon, Moraes, Dror and Shaw, "Parallel
// random numbers: as easy as 1, 2, 3" (SC'11): a keyed bijection of a 128-bit counter, so the numbers for
// any position of a stream are computed directly, in any order and on any number of threads. Written from
// the paper's definition; the published known-answer vectors of Random123 are checked in
// tests/unit/test_bulk_stochastic.cpp.
#pragma once

#include <array>
#include <cstdint>

namespace lowbit {

using philox4x32_counter = std::array<std::uint32_t, 4>;
using philox4x32_key = std::array<std::uint32_t, 2>;

// The constants of Philox4x32 (the paper's Table 2 and section 4): the round multipliers, and the Weyl
// sequence increments added to the key between rounds (the golden ratio and sqrt(3) - 1, as 32-bit fractions).
// Public so that vector implementations share them.
struct philox4x32_constants {
    static constexpr std::uint32_t multiplier0 = 0xD2511F53u;  // multiplies counter word 0
    static constexpr std::uint32_t multiplier1 = 0xCD9E8D57u;  // multiplies counter word 2
    static constexpr std::uint32_t weyl0 = 0x9E3779B9u;        // added to key word 0 after each round
    static constexpr std::uint32_t weyl1 = 0xBB67AE85u;        // added to key word 1 after each round
};

// One Philox4x32 round: the two 32x32 -> 64-bit products of words 0 and 2, their halves crossed with words
// 1 and 3 and the key: {hi(M1 c2) ^ c1 ^ k0, lo(M1 c2), hi(M0 c0) ^ c3 ^ k1, lo(M0 c0)}.
constexpr philox4x32_counter philox4x32_round(const philox4x32_counter& c, const philox4x32_key& k) noexcept
{
    const std::uint64_t product0 = std::uint64_t{philox4x32_constants::multiplier0} * c[0];
    const std::uint64_t product1 = std::uint64_t{philox4x32_constants::multiplier1} * c[2];
    const auto high0 = static_cast<std::uint32_t>(product0 >> 32);
    const auto low0 = static_cast<std::uint32_t>(product0);
    const auto high1 = static_cast<std::uint32_t>(product1 >> 32);
    const auto low1 = static_cast<std::uint32_t>(product1);
    return {high1 ^ c[1] ^ k[0], low1, high0 ^ c[3] ^ k[1], low0};
}

// The key schedule: round r (counting from 0) uses key + r * (weyl0, weyl1), modulo 2^32.
constexpr philox4x32_key philox4x32_bump_key(const philox4x32_key& k) noexcept
{
    return {static_cast<std::uint32_t>(k[0] + philox4x32_constants::weyl0),
            static_cast<std::uint32_t>(k[1] + philox4x32_constants::weyl1)};
}

// Philox4x32 with `Rounds` rounds: four 32-bit random words for one counter under one key.
template <int Rounds>
constexpr philox4x32_counter philox4x32(philox4x32_counter counter, philox4x32_key key) noexcept
{
    static_assert(Rounds >= 1, "Philox needs at least one round");
    counter = philox4x32_round(counter, key);
    for (int round = 1; round < Rounds; ++round) {
        key = philox4x32_bump_key(key);
        counter = philox4x32_round(counter, key);
    }
    return counter;
}

// Philox4x32-10: ten rounds, the variant the paper recommends (and the one Random123 and cuRAND's Philox4_32_10 use).
constexpr philox4x32_counter philox4x32_10(const philox4x32_counter& counter, const philox4x32_key& key) noexcept
{
    return philox4x32<10>(counter, key);
}

}  // namespace lowbit
