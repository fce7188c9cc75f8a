// AVX2 packing kernels: 4- and 6-bit codes held one per byte <-> the packed layouts of packing_scalar.hpp,
// 32 codes per step. AVX2 has no masked byte stores, so the last partial step runs the scalar kernel,
// and no byte outside the spans is read or written.
#pragma once

#include "abi.hpp"

#if LOWBIT_SIMD_X86

#include <cstddef>
#include <cstdint>

#include "packing_scalar.hpp"

LOWBIT_SIMD_WARNINGS_PUSH
#include <immintrin.h>

namespace lowbit {
namespace simd {
inline namespace LOWBIT_SIMD_ABI {
namespace avx2 {

template <int Bits>
LOWBIT_TARGET_AVX2 void pack_codes(const std::uint8_t* codes, std::uint8_t* bytes, std::size_t n) noexcept
{
    std::size_t i = 0;
    if constexpr (Bits == 4) {
        // maddubs with multipliers (1, 16) per byte pair: word = even | odd << 4; packus narrows the words.
        const __m256i nibble = _mm256_set1_epi8(0x0F);
        const __m256i weights = _mm256_set1_epi16(0x1001);
        for (; i + 32 <= n; i += 32) {
            const __m256i c = _mm256_and_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(codes + i)), nibble);
            const __m256i words = _mm256_maddubs_epi16(c, weights);
            const __m128i packed = _mm_packus_epi16(_mm256_castsi256_si128(words), _mm256_extracti128_si256(words, 1));
            _mm_storeu_si128(reinterpret_cast<__m128i*>(bytes + i / 2), packed);
        }
    } else {
        // Pairs: a + 64 b (maddubs), then ab + 4096 cd (madd) = the 24-bit word of four codes. pshufb drops
        // every fourth byte within each 128-bit lane (12 bytes per lane), a dword permute joins the lanes.
        const __m256i six_bits = _mm256_set1_epi8(0x3F);
        const __m256i pair_weights = _mm256_set1_epi16(0x4001);
        const __m256i quad_weights = _mm256_set1_epi32(0x10000001);
        const __m256i compact = _mm256_setr_epi8(0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, -1, -1, -1, -1,  //
                                                 0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, -1, -1, -1, -1);
        const __m256i join = _mm256_setr_epi32(0, 1, 2, 4, 5, 6, 3, 7);
        for (; i + 32 <= n; i += 32) {
            const __m256i raw = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(codes + i));
            const __m256i c = _mm256_and_si256(raw, six_bits);
            const __m256i words = _mm256_madd_epi16(_mm256_maddubs_epi16(c, pair_weights), quad_weights);
            const __m256i packed = _mm256_permutevar8x32_epi32(_mm256_shuffle_epi8(words, compact), join);
            std::uint8_t* out = bytes + i / 4 * 3;
            _mm_storeu_si128(reinterpret_cast<__m128i*>(out), _mm256_castsi256_si128(packed));
            _mm_storel_epi64(reinterpret_cast<__m128i*>(out + 16), _mm256_extracti128_si256(packed, 1));
        }
    }
    scalar::pack_codes<Bits>(codes + i, bytes + packed_bytes<Bits>(i), n - i);
}

template <int Bits>
LOWBIT_TARGET_AVX2 void unpack_codes(const std::uint8_t* bytes, std::uint8_t* codes, std::size_t n) noexcept
{
    std::size_t i = 0;
    if constexpr (Bits == 4) {
        // Each byte widened to a word: low nibble stays in the low byte, high nibble moves to the high byte.
        const __m256i low_nibble = _mm256_set1_epi16(0x000F);
        const __m256i high_nibble = _mm256_set1_epi16(0x0F00);
        for (; i + 32 <= n; i += 32) {
            const __m256i w = _mm256_cvtepu8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes + i / 2)));
            const __m256i c = _mm256_or_si256(_mm256_and_si256(w, low_nibble),
                                              _mm256_and_si256(_mm256_slli_epi16(w, 4), high_nibble));
            _mm256_storeu_si256(reinterpret_cast<__m256i*>(codes + i), c);
        }
    } else {
        // 24 bytes loaded as 16 + 8 (no over-read); lane 0 gets bytes 0..11, lane 1 bytes 12..23; pshufb
        // widens each 3 bytes to a dword, and shifts move code k of the dword's 24 bits into its byte k.
        const __m256i split = _mm256_setr_epi32(0, 1, 2, 2, 3, 4, 5, 5);
        const __m256i widen = _mm256_setr_epi8(0, 1, 2, -1, 3, 4, 5, -1, 6, 7, 8, -1, 9, 10, 11, -1,  //
                                               0, 1, 2, -1, 3, 4, 5, -1, 6, 7, 8, -1, 9, 10, 11, -1);
        const __m256i byte0 = _mm256_set1_epi32(0x3F);
        const __m256i byte1 = _mm256_set1_epi32(0x3F00);
        const __m256i byte2 = _mm256_set1_epi32(0x3F0000);
        const __m256i byte3 = _mm256_set1_epi32(0x3F000000);
        for (; i + 32 <= n; i += 32) {
            const std::uint8_t* in = bytes + i / 4 * 3;
            const __m128i first = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in));
            const __m128i last = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(in + 16));
            const __m256i raw = _mm256_inserti128_si256(_mm256_castsi128_si256(first), last, 1);
            const __m256i words = _mm256_shuffle_epi8(_mm256_permutevar8x32_epi32(raw, split), widen);
            const __m256i c = _mm256_or_si256(
                _mm256_or_si256(_mm256_and_si256(words, byte0), _mm256_and_si256(_mm256_slli_epi32(words, 2), byte1)),
                _mm256_or_si256(_mm256_and_si256(_mm256_slli_epi32(words, 4), byte2),
                                _mm256_and_si256(_mm256_slli_epi32(words, 6), byte3)));
            _mm256_storeu_si256(reinterpret_cast<__m256i*>(codes + i), c);
        }
    }
    scalar::unpack_codes<Bits>(bytes + packed_bytes<Bits>(i), codes + i, n - i);
}

}  // namespace avx2
}  // namespace LOWBIT_SIMD_ABI
}  // namespace simd
}  // namespace lowbit

LOWBIT_SIMD_WARNINGS_POP

#endif  // LOWBIT_SIMD_X86
