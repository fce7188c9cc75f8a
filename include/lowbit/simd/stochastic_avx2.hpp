// AVX2 kernel of the seeded bulk stochastic rounding (lowbit/bulk_stochastic.hpp): float32 -> every
// vector_encodable format, Philox4x32-10 generated in the vector lanes, codes bit for bit those of the
// scalar lowbit::convert_stochastic with the word lowbit::stochastic_random_word gives. The same computation
// as stochastic_avx512.hpp on 8 lanes, without mask registers.
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
namespace avx2 {
namespace stochastic_detail {

using simd::kernel_detail::encode_constants;
using simd::kernel_detail::encode_params;

inline constexpr int philox_rounds = 10;

LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX2 __m256i set1(std::uint32_t v) noexcept
{
    return _mm256_set1_epi32(static_cast<int>(v));
}

// The same 128-bit pattern of four dwords (w0 lowest) in both halves of the vector.
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX2 __m256i per_half(std::uint32_t w0, std::uint32_t w1, std::uint32_t w2,
                                                       std::uint32_t w3) noexcept
{
    return _mm256_setr_epi32(static_cast<int>(w0), static_cast<int>(w1), static_cast<int>(w2), static_cast<int>(w3),
                             static_cast<int>(w0), static_cast<int>(w1), static_cast<int>(w2), static_cast<int>(w3));
}

// Layout: each 128-bit half holds one Philox state {c0, c1, c2, c3} (see stochastic_avx512.hpp): 8 lanes are
// 2 consecutive blocks and, after the last round, 8 consecutive elements' words in element order.

// The states of blocks `block` and `block + 1`, with c2 = c3 = 0; block numbers wrap modulo 2^62 (element
// indices modulo 2^64), and the mask also clears the c2|c3 lanes.
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX2 __m256i counters(std::uint64_t block) noexcept
{
    const __m256i steps = _mm256_set_epi64x(0, 1, 0, 0);
    const __m256i keep = _mm256_set_epi64x(0, 0x3FFFFFFFFFFFFFFF, 0, 0x3FFFFFFFFFFFFFFF);
    return _mm256_and_si256(_mm256_add_epi64(_mm256_set1_epi64x(static_cast<long long>(block)), steps), keep);
}

// The round keys {k0, 0, k1, 0} of the ten rounds, in the lanes where a round XORs them (words 0 and 2).
struct round_keys {
    __m256i key[philox_rounds];
};

LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX2 round_keys make_round_keys(std::uint64_t seed) noexcept
{
    round_keys keys;
    philox4x32_key k{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)};
    for (int r = 0; r < philox_rounds; ++r) {
        keys.key[r] = per_half(k[0], 0, k[1], 0);
        k = philox4x32_bump_key(k);
    }
    return keys;
}

// One Philox4x32 round on two states: vpmuludq gives {lo0, hi0, lo1, hi1}, reversed to {hi1, lo1, hi0, lo0};
// then {c1, 0, c3, 0} and the key are XORed in.
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX2 __m256i philox_round(__m256i state, __m256i key, __m256i multipliers) noexcept
{
    const __m256i products = _mm256_mul_epu32(state, multipliers);
    const __m256i crossed = _mm256_shuffle_epi32(products, 0x1B);  // dwords 3, 2, 1, 0
    const __m256i odd_words = _mm256_srli_epi64(state, 32);
    return _mm256_xor_si256(_mm256_xor_si256(crossed, odd_words), key);
}

// Philox4x32-10 on N independent vectors at once, so that the multiplies' latency overlaps.
template <int N>
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX2 void philox(__m256i (&state)[N], const round_keys& keys) noexcept
{
    const __m256i multipliers = per_half(philox4x32_constants::multiplier0, 0, philox4x32_constants::multiplier1, 0);
    // Unrolled, so that the states stay in registers (GCC kept them in memory, a store and a load per round).
#pragma GCC unroll 10
    for (int r = 0; r < philox_rounds; ++r)
#pragma GCC unroll 4
        for (int v = 0; v < N; ++v) state[v] = philox_round(state[v], keys.key[r], multipliers);
}

// 8 float bit patterns and their random words -> 8 codes in 32-bit lanes; the computation of
// avx512::stochastic_detail::stochastic_lanes (which explains it).
template <floating_format T>
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX2 __m256i stochastic_lanes(__m256i bits, __m256i random,
                                                               const encode_constants& c) noexcept
{
    using P = encode_params<T>;
    const __m256i zero = _mm256_setzero_si256();
    const __m256i one = set1(1);
    const __m256i thirty_two = set1(32);
    const __m256i magnitude = _mm256_and_si256(bits, set1(0x7FFFFFFFu));
    const __m256i negative = _mm256_srai_epi32(bits, 31);
    const __m256i field = _mm256_srli_epi32(magnitude, 23);
    const __m256i exponent_field = _mm256_max_epi32(field, one);
    const __m256i emin = set1(static_cast<std::uint32_t>(P::emin_field));
    const __m256i below_normal = _mm256_max_epi32(_mm256_sub_epi32(emin, exponent_field), zero);
    const __m256i binade = _mm256_max_epi32(_mm256_sub_epi32(exponent_field, emin), zero);
    const __m256i dropped = _mm256_add_epi32(below_normal, set1(static_cast<std::uint32_t>(P::shift)));  // not capped
    const __m256i base = _mm256_slli_epi32(binade, P::m);
    const __m256i implicit = _mm256_slli_epi32(_mm256_min_epi32(field, one), 23);
    const __m256i significand = _mm256_or_si256(_mm256_and_si256(magnitude, set1(0x7FFFFFu)), implicit);

    // The first 32 dropped bits (out-of-range variable shifts give 0; see the AVX-512 kernel).
    const __m256i first32 = _mm256_or_si256(_mm256_sllv_epi32(significand, _mm256_sub_epi32(thirty_two, dropped)),
                                            _mm256_srlv_epi32(significand, _mm256_sub_epi32(dropped, thirty_two)));
    // first32 + random carries out of 32 bits exactly when first32 > ~random (unsigned); AVX2 compares signed
    // only, so both sides get their sign bit flipped (~random ^ 0x80000000 = random ^ 0x7FFFFFFF).
    const __m256i carry = _mm256_cmpgt_epi32(_mm256_xor_si256(first32, set1(0x80000000u)),
                                             _mm256_xor_si256(random, set1(0x7FFFFFFFu)));
    // carry is -1 where the magnitude rounds up; field and fraction add up, so it may move into the next binade.
    const __m256i code =
        _mm256_sub_epi32(_mm256_add_epi32(base, _mm256_srlv_epi32(significand, dropped)), carry);

    const __m256i sign = _mm256_and_si256(negative, set1(P::sign_mask));
    __m256i result = _mm256_or_si256(sign, code);
    if constexpr (!P::negative_zero) result = _mm256_andnot_si256(_mm256_cmpeq_epi32(code, zero), result);
    result = _mm256_blendv_epi8(result, _mm256_blendv_epi8(set1(c.overflow[0]), set1(c.overflow[1]), negative),
                                _mm256_cmpgt_epi32(code, set1(P::max_code)));

    const __m256i special = _mm256_cmpgt_epi32(magnitude, set1(0x7F7FFFFFu));
    if (!_mm256_testz_si256(special, special)) [[unlikely]] {
        const __m256i infinite = _mm256_cmpeq_epi32(magnitude, set1(0x7F800000u));
        const __m256i nan = _mm256_andnot_si256(infinite, special);
        result = _mm256_blendv_epi8(result, _mm256_blendv_epi8(set1(c.infinity[0]), set1(c.infinity[1]), negative),
                                    infinite);
        __m256i nan_code;
        if (c.nan_payload) {
            const __m256i payload = _mm256_srli_epi32(_mm256_and_si256(magnitude, set1(0x7FFFFFu)), P::shift);
            nan_code = _mm256_or_si256(_mm256_or_si256(sign, set1(P::quiet_nan)), payload);
        } else {
            nan_code = _mm256_blendv_epi8(set1(c.nan[0]), set1(c.nan[1]), negative);
        }
        result = _mm256_blendv_epi8(result, nan_code, nan);
    }
    return result;
}

LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX2 __m256i load8(const float* p) noexcept
{
    return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
}

}  // namespace stochastic_detail

// out[k] = convert_stochastic<T>(in[k], stochastic_random_word(seed, first_index + k), options) for k < n.
// Precondition: first_index % 4 == 0 (the caller converts a misaligned head through the scalar path).
template <floating_format T>
LOWBIT_TARGET_AVX2 void encode_stochastic(const float* in, T* out, std::size_t n, std::uint64_t seed,
                                          std::uint64_t first_index, const conversion_options& options)
{
    using namespace stochastic_detail;
    const encode_constants c = simd::kernel_detail::make_stochastic_constants<T>(options);
    const round_keys keys = make_round_keys(seed);
    // Elements per step: 32 codes fill one 256-bit store of bytes, 16 one of 16-bit codes.
    constexpr std::size_t step = sizeof(T) == 1 ? 32 : 16;
    constexpr int vectors = static_cast<int>(step / 8);
    std::size_t i = 0;
    for (; i + step <= n; i += step) {
        const std::uint64_t block = (first_index + i) / 4;
        __m256i words[vectors];
#pragma GCC unroll 4
        for (int v = 0; v < vectors; ++v) words[v] = counters(block + 2 * static_cast<std::uint64_t>(v));
        philox(words, keys);
        __m256i codes[vectors];
#pragma GCC unroll 4
        for (int v = 0; v < vectors; ++v)
            codes[v] = stochastic_lanes<T>(load8(in + i + 8 * static_cast<std::size_t>(v)), words[v], c);
        if constexpr (sizeof(T) == 1) {
            // Codes fit a byte: two unsigned-saturating packs, then one permute restores the order of the
            // four 128-bit-lane-interleaved dword groups.
            const __m256i bytes = _mm256_packus_epi16(_mm256_packus_epi32(codes[0], codes[1]),
                                                      _mm256_packus_epi32(codes[2], codes[3]));
            _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i),
                                _mm256_permutevar8x32_epi32(bytes, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7)));
        } else {
            const __m256i halves = _mm256_permute4x64_epi64(_mm256_packus_epi32(codes[0], codes[1]), 0xD8);
            _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i), halves);
        }
    }
    // The tail (fewer than one step) through a zero-padded block at the same element indices, so it runs
    // the same vector code.
    if (i < n) {
        alignas(32) float block_in[step] = {};
        alignas(32) T block_out[step];
        const std::size_t left = n - i;
        for (std::size_t k = 0; k < left; ++k) block_in[k] = in[i + k];
        encode_stochastic<T>(block_in, block_out, step, seed, first_index + i, options);
        for (std::size_t k = 0; k < left; ++k) out[i + k] = block_out[k];
    }
}

}  // namespace avx2
}  // namespace LOWBIT_SIMD_ABI
}  // namespace simd
}  // namespace lowbit

LOWBIT_SIMD_WARNINGS_POP

#endif  // LOWBIT_SIMD_X86
