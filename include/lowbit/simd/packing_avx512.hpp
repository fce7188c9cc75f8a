// AVX-512 (F, BW, DQ, VL, VBMI) packing kernels: 4- and 6-bit codes held one per byte <-> the packed layouts of
// packing_scalar.hpp, and packed bytes -> float in one pass; 64 codes per step. A partial last step goes
// through stack buffers, so no byte outside the spans is read or written.
#pragma once

#include "abi.hpp"

#if LOWBIT_SIMD_X86

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "../types/float_format.hpp"
#include "avx512.hpp"
#include "kernel_support.hpp"
#include "packing_scalar.hpp"

LOWBIT_SIMD_WARNINGS_PUSH
#include <immintrin.h>

namespace lowbit {
namespace simd {
inline namespace LOWBIT_SIMD_ABI {
namespace avx512 {
namespace packing_detail {

// vpermb index compacting 16 dwords of 24 significant bits each into 48 consecutive bytes: output byte k
// takes byte k % 3 of dword k / 3 (the last 16 output bytes are never stored).
inline constexpr std::array<std::uint8_t, 64> compact_24bit_order = [] {
    std::array<std::uint8_t, 64> order{};
    for (std::size_t k = 0; k < 48; ++k) order[k] = static_cast<std::uint8_t>(4 * (k / 3) + k % 3);
    return order;
}();

// vpermb index spreading 48 packed FP6 bytes so that qword q holds bytes 6q .. 6q+5 (eight codes) in its
// low 48 bits; the top two bytes of each qword are don't-cares.
inline constexpr std::array<std::uint8_t, 64> spread_48bit_order = [] {
    std::array<std::uint8_t, 64> order{};
    for (std::size_t q = 0; q < 8; ++q)
        for (std::size_t j = 0; j < 8; ++j) order[8 * q + j] = static_cast<std::uint8_t>(6 * q + (j < 6 ? j : 5));
    return order;
}();

// vpmultishiftqb control: byte j of each qword takes the 8 bits starting at bit 6j, i.e. code j (plus two
// bits of its neighbour, masked off afterwards).
inline constexpr std::array<std::uint8_t, 64> code_offsets = [] {
    std::array<std::uint8_t, 64> offsets{};
    for (std::size_t k = 0; k < 64; ++k) offsets[k] = static_cast<std::uint8_t>(6 * (k % 8));
    return offsets;
}();

// Packed bytes per full step of 64 codes.
template <int Bits>
inline constexpr std::size_t step_bytes = Bits == 4 ? 32 : 48;

// 64 codes (one per byte, no bits above the code's) -> their packed bytes, in the low step_bytes<Bits>
// bytes of the result.
template <int Bits>
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 __m512i pack_clean_step(__m512i codes) noexcept
{
    if constexpr (Bits == 4) {
        // maddubs with multipliers (1, 16) per byte pair: word = even | odd << 4; vpmovwb keeps the low bytes.
        return _mm512_castsi256_si512(_mm512_cvtepi16_epi8(_mm512_maddubs_epi16(codes, _mm512_set1_epi16(0x1001))));
    } else {
        // Pairs: a + 64 b (maddubs), then pairs of pairs: ab + 4096 cd (madd) = the 24-bit word of four codes;
        // vpermb drops every fourth byte.
        const __m512i words =
            _mm512_madd_epi16(_mm512_maddubs_epi16(codes, _mm512_set1_epi16(0x4001)), _mm512_set1_epi32(0x10000001));
        return _mm512_permutexvar_epi8(_mm512_loadu_si512(compact_24bit_order.data()), words);
    }
}

// The same for any 64 bytes: the bits above each code's are dropped first.
template <int Bits>
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 __m512i pack_step(__m512i codes) noexcept
{
    return pack_clean_step<Bits>(_mm512_and_si512(codes, _mm512_set1_epi8(static_cast<char>((1 << Bits) - 1))));
}

// The reverse: step_bytes<Bits> packed bytes (in the low bytes of `packed`) -> 64 codes, one per byte.
template <int Bits>
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 __m512i unpack_step(__m512i packed) noexcept
{
    if constexpr (Bits == 4) {
        // Each byte widened to a word; (w & 0x000F) | (w << 4 & 0x0F00) as a ternary-logic select (0xCA) of w
        // in the low byte and w << 4 in the high byte, then the nibble mask.
        const __m512i w = _mm512_cvtepu8_epi16(_mm512_castsi512_si256(packed));
        const __m512i selected = _mm512_ternarylogic_epi32(_mm512_set1_epi16(0x00FF), w, _mm512_slli_epi16(w, 4), 0xCA);
        return _mm512_and_si512(selected, _mm512_set1_epi16(0x0F0F));
    } else {
        const __m512i eight_codes_per_qword =
            _mm512_permutexvar_epi8(_mm512_loadu_si512(spread_48bit_order.data()), packed);
        const __m512i offsets = _mm512_loadu_si512(code_offsets.data());
        const __m512i shifted = _mm512_multishift_epi64_epi8(offsets, eight_codes_per_qword);
        return _mm512_and_si512(shifted, _mm512_set1_epi8(0x3F));
    }
}

// Loads and stores of one full step's packed bytes, touching exactly step_bytes<Bits> bytes. Only constant
// masks: clang 14 fails ("Cannot emit physreg copy instruction") on these kernels under
// -fsanitize=address,undefined when they use variable ones, so partial steps go through stack buffers.
template <int Bits>
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 __m512i load_step(const std::uint8_t* bytes) noexcept
{
    if constexpr (Bits == 4)
        return _mm512_castsi256_si512(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(bytes)));
    else
        return _mm512_maskz_loadu_epi8(0x0000FFFFFFFFFFFFull, bytes);
}

template <int Bits>
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 void store_step(std::uint8_t* bytes, __m512i packed) noexcept
{
    if constexpr (Bits == 4)
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(bytes), _mm512_castsi512_si256(packed));
    else
        _mm512_mask_storeu_epi8(bytes, 0x0000FFFFFFFFFFFFull, packed);
}

// 32 code bytes -> their 16 or 24 packed bytes at `to` (FP4: in code_byte_constants' order for pairs, even
// elements first, the odd ones already in the high nibbles). The encoders of 32 values a step store with
// this.
template <int Bits>
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 void store_half_step(std::uint8_t* to, __m256i codes) noexcept
{
    if constexpr (Bits == 4) {
        _mm_storeu_si128(reinterpret_cast<__m128i*>(to), avx512::kernel_detail::merge_fp4_halves(codes));
    } else {
        const __m512i packed = pack_clean_step<6>(_mm512_castsi256_si512(codes));
        _mm256_mask_storeu_epi8(to, 0x00FFFFFFu, _mm512_castsi512_si256(packed));
    }
}

// 64 code bytes as two such halves of 32 (elements 0..31 in the low 256 bits, 32..63 in the high) -> their
// step_bytes<Bits> packed bytes at `to`: one pack of all 64 for FP6; for FP4 each half's even codes (128-bit
// lanes 0 and 2) ORed with its odd ones (lanes 1 and 3, in the high nibbles).
template <int Bits>
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 void store_packed_step(std::uint8_t* to, __m512i codes) noexcept
{
    if constexpr (Bits == 4) {
        const __m256i even = _mm512_castsi512_si256(_mm512_shuffle_i64x2(codes, codes, 0x08));  // lanes 0, 2
        const __m256i odd = _mm512_castsi512_si256(_mm512_shuffle_i64x2(codes, codes, 0x0D));   // lanes 1, 3
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(to), _mm256_or_si256(even, odd));
    } else {
        store_step<6>(to, pack_clean_step<6>(codes));
    }
}

}  // namespace packing_detail

template <int Bits>
LOWBIT_TARGET_AVX512 void pack_codes(const std::uint8_t* codes, std::uint8_t* bytes, std::size_t n) noexcept
{
    using namespace packing_detail;
    std::size_t i = 0;
    std::size_t b = 0;
    for (; i + 64 <= n; i += 64, b += step_bytes<Bits>)
        store_step<Bits>(bytes + b, pack_step<Bits>(_mm512_loadu_si512(codes + i)));
    if (i < n) {
        // The codes past the end are 0, so the padding bits come out 0.
        alignas(64) std::uint8_t tail_codes[64] = {};
        alignas(64) std::uint8_t tail_bytes[64];
        std::memcpy(tail_codes, codes + i, n - i);
        _mm512_store_si512(tail_bytes, pack_step<Bits>(_mm512_load_si512(tail_codes)));
        std::memcpy(bytes + b, tail_bytes, packed_bytes<Bits>(n - i));
    }
}

template <int Bits>
LOWBIT_TARGET_AVX512 void unpack_codes(const std::uint8_t* bytes, std::uint8_t* codes, std::size_t n) noexcept
{
    using namespace packing_detail;
    std::size_t i = 0;
    std::size_t b = 0;
    for (; i + 64 <= n; i += 64, b += step_bytes<Bits>)
        _mm512_storeu_si512(codes + i, unpack_step<Bits>(load_step<Bits>(bytes + b)));
    if (i < n) {
        alignas(64) std::uint8_t tail_bytes[64] = {};
        alignas(64) std::uint8_t tail_codes[64];
        std::memcpy(tail_bytes, bytes + b, packed_bytes<Bits>(n - i));
        _mm512_store_si512(tail_codes, unpack_step<Bits>(_mm512_load_si512(tail_bytes)));
        std::memcpy(codes + i, tail_codes, n - i);
    }
}

namespace packing_detail {

// 64 codes -> 64 floats (four vectors of 16, in element order), by lookup of the float's bytes 2 and 3.
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 void decode_step(__m512i codes, const __m512i& order, const __m512i& lo_table,
                                                         const __m512i& hi_table, float* out) noexcept
{
    const __m512i index = _mm512_permutexvar_epi8(order, codes);
    avx512::kernel_detail::store_widened(_mm512_permutexvar_epi8(index, lo_table), _mm512_permutexvar_epi8(index, hi_table),
                                         out);
}

}  // namespace packing_detail

// Packed FP4/FP6 bytes -> float in one pass: the codes are unpacked in registers and looked up directly.
// For formats whose values all have zero low 16 bits (simd::kernel_detail::high_half_decodable): with at most
// 64 codes, the planes of bytes 2 and 3 of the float (the first 64 entries of byte_plane) fit one vpermb
// table each.
template <floating_format T>
LOWBIT_TARGET_AVX512 void decode_packed(const std::uint8_t* bytes, float* out, std::size_t n)
{
    using namespace packing_detail;
    static_assert(T::info.total_bits <= 6 && simd::kernel_detail::high_half_decodable<T>(),
                  "decode_packed: T has more than 64 codes or values with nonzero low 16 bits");
    constexpr int bits = T::info.total_bits;
    const __m512i lo_table = _mm512_loadu_si512(simd::kernel_detail::byte_plane<T, 2>.data());
    const __m512i hi_table = _mm512_loadu_si512(simd::kernel_detail::byte_plane<T, 3>.data());
    const __m512i order = _mm512_loadu_si512(simd::kernel_detail::widening_order.data());
    std::size_t i = 0;
    std::size_t b = 0;
    for (; i + 64 <= n; i += 64, b += step_bytes<bits>)
        decode_step(unpack_step<bits>(load_step<bits>(bytes + b)), order, lo_table, hi_table, out + i);
    if (i < n) {
        alignas(64) std::uint8_t tail_bytes[64] = {};
        alignas(64) float tail_values[64];
        std::memcpy(tail_bytes, bytes + b, packed_bytes<bits>(n - i));
        decode_step(unpack_step<bits>(_mm512_load_si512(tail_bytes)), order, lo_table, hi_table, tail_values);
        std::memcpy(out + i, tail_values, (n - i) * sizeof(float));
    }
}

}  // namespace avx512
}  // namespace LOWBIT_SIMD_ABI
}  // namespace simd
}  // namespace lowbit

LOWBIT_SIMD_WARNINGS_POP

#endif  // LOWBIT_SIMD_X86
