// AVX-512 (F, BW, DQ, VL, VBMI) kernel of the seeded bulk stochastic rounding (lowbit/bulk_stochastic.hpp):
// float32 -> every vector_encodable format, Philox4x32-10 generated in the vector lanes, codes bit for bit
// those of the scalar lowbit::convert_stochastic with the word lowbit::stochastic_random_word gives.
#pragma once

#include "abi.hpp"

#if LOWBIT_SIMD_X86

#include <cstddef>
#include <cstdint>

#include "../core/encode.hpp"
#include "../core/options.hpp"
#include "../random/philox.hpp"
#include "../types/float_format.hpp"
#include "kernel_support.hpp"

LOWBIT_SIMD_WARNINGS_PUSH
#include <immintrin.h>

namespace lowbit {
namespace simd {
inline namespace LOWBIT_SIMD_ABI {
namespace avx512 {
namespace stochastic_detail {

using simd::kernel_detail::encode_constants;
using simd::kernel_detail::encode_params;

inline constexpr int philox_rounds = 10;

LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 __m512i set1(std::uint32_t v) noexcept
{
    return _mm512_set1_epi32(static_cast<int>(v));
}

// The same 128-bit pattern of four dwords (w0 lowest) in each quarter of the vector.
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 __m512i per_quarter(std::uint32_t w0, std::uint32_t w1, std::uint32_t w2,
                                                            std::uint32_t w3) noexcept
{
    // Not vbroadcasti32x4: GCC 12 warns (-Wuninitialized) inside that intrinsic's _mm512_undefined idiom.
    return _mm512_set4_epi32(static_cast<int>(w3), static_cast<int>(w2), static_cast<int>(w1), static_cast<int>(w0));
}

// Layout: each 128-bit quarter holds one Philox state {c0, c1, c2, c3}, so 16 lanes are 4 consecutive
// counters and, after the last round, 16 consecutive elements' words in element order (element 4b + w takes
// word w of block b). c0|c1 is the block number as one 64-bit lane, so counters are added with 64-bit
// arithmetic, and c0 and c2 are the low dwords of the 64-bit lanes, which is what vpmuludq multiplies.

// The four states of blocks `block` .. `block + 3`, with c2 = c3 = 0. Block numbers count elements / 4 with
// the element index taken modulo 2^64, so they wrap modulo 2^62 (the mask also clears the c2|c3 lanes).
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 __m512i counters(std::uint64_t block) noexcept
{
    const __m512i steps = _mm512_set_epi64(0, 3, 0, 2, 0, 1, 0, 0);
    const __m512i keep = _mm512_set_epi64(0, 0x3FFFFFFFFFFFFFFF, 0, 0x3FFFFFFFFFFFFFFF, 0, 0x3FFFFFFFFFFFFFFF, 0,
                                          0x3FFFFFFFFFFFFFFF);
    return _mm512_and_si512(_mm512_add_epi64(_mm512_set1_epi64(static_cast<long long>(block)), steps), keep);
}

// The round keys {k0, 0, k1, 0} of the ten rounds, in the lanes where a round XORs them (words 0 and 2).
struct round_keys {
    __m512i key[philox_rounds];
};

LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 round_keys make_round_keys(std::uint64_t seed) noexcept
{
    round_keys keys;
    philox4x32_key k{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)};
    for (int r = 0; r < philox_rounds; ++r) {
        keys.key[r] = per_quarter(k[0], 0, k[1], 0);
        k = philox4x32_bump_key(k);
    }
    return keys;
}

// One Philox4x32 round on four states: vpmuludq gives {lo0, hi0, lo1, hi1} (the products of c0 and c2),
// reversed to {hi1, lo1, hi0, lo0}; {c1, 0, c3, 0} and the key are XORed in, in one vpternlogd (0x96 = a ^ b ^ c).
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 __m512i philox_round(__m512i state, __m512i key, __m512i multipliers) noexcept
{
    const __m512i products = _mm512_mul_epu32(state, multipliers);
    const __m512i crossed = _mm512_shuffle_epi32(products, static_cast<_MM_PERM_ENUM>(0x1B));  // dwords 3, 2, 1, 0
    const __m512i odd_words = _mm512_srli_epi64(state, 32);
    return _mm512_ternarylogic_epi32(crossed, odd_words, key, 0x96);
}

// Philox4x32-10 on N independent vectors at once, so that the multiplies' latency overlaps.
template <int N>
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 void philox(__m512i (&state)[N], const round_keys& keys) noexcept
{
    const __m512i multipliers =
        per_quarter(philox4x32_constants::multiplier0, 0, philox4x32_constants::multiplier1, 0);
    // Unrolled, so that the states stay in registers (GCC kept them in memory, a store and a load per round).
#pragma GCC unroll 10
    for (int r = 0; r < philox_rounds; ++r)
#pragma GCC unroll 4
        for (int v = 0; v < N; ++v) state[v] = philox_round(state[v], keys.key[r], multipliers);
}

// 16 float bit patterns and their random words -> 16 codes in 32-bit lanes, exactly as the scalar engine
// (encoder::encode_finite with a random word, encoder::encode for Inf/NaN) computes them. Binade, base and
// significand are derived as in the deterministic encoder (avx512::encode_lanes); the increment is the carry
// of the first 32 dropped bits plus the word.
template <floating_format T>
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 __m512i stochastic_lanes(__m512i bits, __m512i random,
                                                                 const encode_constants& c) noexcept
{
    using P = encode_params<T>;
    const __m512i zero = _mm512_setzero_si512();
    const __m512i one = set1(1);
    const __m512i thirty_two = set1(32);
    const __m512i magnitude = _mm512_and_si512(bits, set1(0x7FFFFFFFu));
    const __mmask16 negative = _mm512_cmplt_epi32_mask(bits, zero);
    const __m512i field = _mm512_srli_epi32(magnitude, 23);
    const __m512i exponent_field = _mm512_max_epi32(field, one);  // float subnormals share field 1's exponent
    const __m512i emin = set1(static_cast<std::uint32_t>(P::emin_field));
    const __m512i below_normal = _mm512_max_epi32(_mm512_sub_epi32(emin, exponent_field), zero);
    const __m512i binade = _mm512_max_epi32(_mm512_sub_epi32(exponent_field, emin), zero);
    // Significand bits below the target's last kept bit: not capped (up to 276), since deep below the
    // subnormal range the count decides which significand bits are among the first 32 dropped ones.
    const __m512i dropped = _mm512_add_epi32(below_normal, set1(static_cast<std::uint32_t>(P::shift)));
    const __m512i base = _mm512_slli_epi32(binade, static_cast<unsigned>(P::m));
    const __m512i implicit = _mm512_slli_epi32(_mm512_min_epi32(field, one), 23);
    const __m512i significand = _mm512_or_si512(_mm512_and_si512(magnitude, set1(0x7FFFFFu)), implicit);

    // The first 32 bits of the dropped part, as the scalar engine reads them: with at most 32 dropped bits
    // they are shifted up to the top (padded with zeros), with more the significand is shifted down by the
    // excess. Variable shifts by 32 or more give 0, and a negative count is a huge unsigned one, so exactly
    // one of the two terms is nonzero (both are the significand itself at exactly 32).
    const __m512i first32 = _mm512_or_si512(_mm512_sllv_epi32(significand, _mm512_sub_epi32(thirty_two, dropped)),
                                            _mm512_srlv_epi32(significand, _mm512_sub_epi32(dropped, thirty_two)));
    // A carry out of first32 + random rounds the magnitude up: the 32-bit sum wrapped below first32.
    const __mmask16 carry = _mm512_cmplt_epu32_mask(_mm512_add_epi32(first32, random), first32);
    const __m512i truncated = _mm512_add_epi32(base, _mm512_srlv_epi32(significand, dropped));
    // Field and fraction add up, so the carry moves into the next binade (or past max) by itself.
    const __m512i code = _mm512_mask_add_epi32(truncated, carry, truncated, one);

    const __m512i sign = _mm512_maskz_mov_epi32(negative, set1(P::sign_mask));
    __m512i result = _mm512_or_si512(sign, code);
    if constexpr (!P::negative_zero) result = _mm512_mask_mov_epi32(result, _mm512_cmpeq_epi32_mask(code, zero), zero);
    result = _mm512_mask_mov_epi32(result, _mm512_cmpgt_epi32_mask(code, set1(P::max_code)),
                                   _mm512_mask_blend_epi32(negative, set1(c.overflow[0]), set1(c.overflow[1])));

    const __mmask16 special = _mm512_cmpgt_epi32_mask(magnitude, set1(0x7F7FFFFFu));
    if (special != 0) [[unlikely]] {
        const __mmask16 infinite = _mm512_mask_cmpeq_epi32_mask(special, magnitude, set1(0x7F800000u));
        const auto nan = static_cast<__mmask16>(special & ~infinite);
        result = _mm512_mask_mov_epi32(result, infinite,
                                       _mm512_mask_blend_epi32(negative, set1(c.infinity[0]), set1(c.infinity[1])));
        __m512i nan_code;
        if (c.nan_payload) {
            const __m512i payload = _mm512_srli_epi32(_mm512_and_si512(magnitude, set1(0x7FFFFFu)),
                                                      static_cast<unsigned>(P::shift));
            nan_code = _mm512_or_si512(_mm512_or_si512(sign, set1(P::quiet_nan)), payload);
        } else {
            nan_code = _mm512_mask_blend_epi32(negative, set1(c.nan[0]), set1(c.nan[1]));
        }
        result = _mm512_mask_mov_epi32(result, nan, nan_code);
    }
    return result;
}

template <floating_format T>
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 void store_codes(T* out, __m512i codes, __mmask16 mask) noexcept
{
    if constexpr (sizeof(T) == 1)
        _mm512_mask_cvtepi32_storeu_epi8(out, mask, codes);
    else
        _mm512_mask_cvtepi32_storeu_epi16(out, mask, codes);
}

}  // namespace stochastic_detail

// out[k] = convert_stochastic<T>(in[k], stochastic_random_word(seed, first_index + k), options) for k < n.
// Precondition: first_index % 4 == 0 (the caller converts a misaligned head through the scalar path), so
// every vector starts at a Philox block boundary.
template <floating_format T>
LOWBIT_TARGET_AVX512 void encode_stochastic(const float* in, T* out, std::size_t n, std::uint64_t seed,
                                            std::uint64_t first_index, const conversion_options& options)
{
    using namespace stochastic_detail;
    const encode_constants c = simd::kernel_detail::make_stochastic_constants<T>(options);
    const round_keys keys = make_round_keys(seed);
    std::size_t i = 0;
    // 64 elements (16 Philox blocks) per step: four independent chains of rounds keep the multiplier busy.
    for (; i + 64 <= n; i += 64) {
        const std::uint64_t block = (first_index + i) / 4;
        __m512i words[4];
#pragma GCC unroll 4
        for (int v = 0; v < 4; ++v) words[v] = counters(block + 4 * static_cast<std::uint64_t>(v));
        philox(words, keys);
#pragma GCC unroll 4
        for (std::size_t v = 0; v < 4; ++v) {
            const __m512i codes = stochastic_lanes<T>(_mm512_loadu_si512(in + i + 16 * v), words[v], c);
            store_codes(out + i + 16 * v, codes, static_cast<__mmask16>(0xFFFFu));
        }
    }
    // The rest, 16 at a time under a mask (words are generated for the masked-off lanes too, and unused).
    for (; i < n; i += 16) {
        const std::size_t left = n - i;
        const auto mask = static_cast<__mmask16>(left >= 16 ? 0xFFFFu : (1u << left) - 1u);
        __m512i words[1] = {counters((first_index + i) / 4)};
        philox(words, keys);
        const __m512i codes = stochastic_lanes<T>(_mm512_maskz_loadu_epi32(mask, in + i), words[0], c);
        store_codes(out + i, codes, mask);
    }
}

}  // namespace avx512
}  // namespace LOWBIT_SIMD_ABI
}  // namespace simd
}  // namespace lowbit

LOWBIT_SIMD_WARNINGS_POP

#endif  // LOWBIT_SIMD_X86
