// AVX-512 (F, BW, DQ, VL, VBMI) float32 -> packed FP4/FP6 in one pass: the floats are encoded by the bulk
// encoder's functions, narrowed to bytes and packed in registers, and only the packed bytes are stored.
// Nearest-even takes the byte encoder's 32-float step (nearest_even_code_bytes); the other modes take 64
// floats a step through its lane function (encode_block), so every rounding mode and option gives the scalar
// engine's code by construction. A partial last step goes through stack buffers, so no byte outside the
// spans is read or written.
#pragma once

#include "abi.hpp"

#if LOWBIT_SIMD_X86

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "../core/options.hpp"
#include "../types/float_format.hpp"
#include "avx512.hpp"
#include "kernel_support.hpp"
#include "packing_avx512.hpp"
#include "packing_scalar.hpp"

LOWBIT_SIMD_WARNINGS_PUSH
#include <immintrin.h>

namespace lowbit {
namespace simd {
inline namespace LOWBIT_SIMD_ABI {
namespace avx512 {
namespace packed_encode_detail {

// Two rounds of in-lane saturating packs (dwords -> words -> bytes) of four vectors of 16 codes a, b, c, d
// leave 128-bit lane k holding a[4k..4k+3], b[4k..4k+3], c[4k..4k+3], d[4k..4k+3]: dword 4k + j of the
// result is the group of four codes 16j + 4k .. 16j + 4k + 3, i.e. group 4j + k. That 4 x 4 transpose is
// its own inverse: group g sits in dword transposed(g). The packers below combine codes within a dword
// (pairs for FP4, quadruples for FP6), so the groups only need reordering at the very end, by the index of
// the vpermb that gathers the packed bytes anyway.
constexpr std::size_t transposed(std::size_t index) noexcept
{
    return 4 * (index % 4) + index / 4;
}

// FP4: maddubs makes word 2d + h the packed byte of codes 2h and 2h + 1 of the group in dword d. Output byte
// q (codes 2q, 2q + 1: group q / 2, half q % 2) takes the low byte of word 2 * transposed(q / 2) + q % 2.
// Bytes 32..63 are never stored.
inline constexpr std::array<std::uint8_t, 64> fp4_gather = [] {
    std::array<std::uint8_t, 64> order{};
    for (std::size_t q = 0; q < 32; ++q) order[q] = static_cast<std::uint8_t>(2 * (2 * transposed(q / 2) + q % 2));
    return order;
}();

// FP6: maddubs and madd make dword d the 24-bit word of the group in it. Output byte k (byte k % 3 of group
// k / 3) takes byte k % 3 of dword transposed(k / 3). Bytes 48..63 are never stored.
inline constexpr std::array<std::uint8_t, 64> fp6_gather = [] {
    std::array<std::uint8_t, 64> order{};
    for (std::size_t k = 0; k < 48; ++k) order[k] = static_cast<std::uint8_t>(4 * transposed(k / 3) + k % 3);
    return order;
}();

// 64 floats (four vectors of bit patterns) -> their packed bytes, in the low step_bytes<Bits> bytes of the
// result. `gather` is fp4_gather or fp6_gather, loaded once by the caller.
template <floating_format T, rounding R>
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 __m512i encode_pack_step(__m512i x0, __m512i x1, __m512i x2, __m512i x3,
                                                                 const simd::kernel_detail::encode_constants& c,
                                                                 const __m512i& gather) noexcept
{
    // Codes are valid codes of T (at most 6 bits), so the unsigned-saturating packs keep them unchanged.
    using kernel_detail::encode_block;
    const __m512i words01 = _mm512_packus_epi32(encode_block<T, R>(x0, c), encode_block<T, R>(x1, c));
    const __m512i words23 = _mm512_packus_epi32(encode_block<T, R>(x2, c), encode_block<T, R>(x3, c));
    const __m512i codes = _mm512_packus_epi16(words01, words23);
    if constexpr (T::info.total_bits == 4) {
        // maddubs with multipliers (1, 16) per byte pair: word = even | odd << 4.
        return _mm512_permutexvar_epi8(gather, _mm512_maddubs_epi16(codes, _mm512_set1_epi16(0x1001)));
    } else {
        // Pairs: a + 64 b (maddubs), then pairs of pairs: ab + 4096 cd (madd): the 24-bit word of four codes.
        const __m512i words =
            _mm512_madd_epi16(_mm512_maddubs_epi16(codes, _mm512_set1_epi16(0x4001)), _mm512_set1_epi32(0x10000001));
        return _mm512_permutexvar_epi8(gather, words);
    }
}

template <floating_format T, rounding R>
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 __m512i encode_pack_step(const float* in,
                                                                 const simd::kernel_detail::encode_constants& c,
                                                                 const __m512i& gather) noexcept
{
    return encode_pack_step<T, R>(_mm512_loadu_si512(in), _mm512_loadu_si512(in + 16), _mm512_loadu_si512(in + 32),
                                  _mm512_loadu_si512(in + 48), c, gather);
}

// Beyond the byte encoder's state, what a nearest-even step of 64 needs to take the signs from the code words
// (signed_addend_shortcut::sign_in_top_byte): the index gathering codes and sign masks at once, and T's sign
// bit in each code byte (FP4: bit 3 for the even elements, 7 for the odd, as code_byte_constants has them
// for 32) for both halves of 32.
template <floating_format T>
struct sign_mask_constants {
    __m512i index;
    __m512i sign_bits;
    __m512i sign_carry;  // sign_bits - 1

    LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 explicit sign_mask_constants(const kernel_detail::code_byte_constants<T>& bytes) noexcept
        : index(_mm512_loadu_si512(kernel_detail::code_and_sign_index<T::info.total_bits == 4>.data())),
          sign_bits(kernel_detail::opaque(_mm512_broadcast_i64x4(bytes.sign_bits))),
          sign_carry(kernel_detail::opaque(_mm512_broadcast_i64x4(bytes.sign_carry)))
    {
    }
};

// 64 floats within T's limit -> their code bytes with signs, as store_packed_step takes them. One vpermt2b
// per 32 values gathers both their codes and their sign masks from the code words, where
// nearest_even_code_bytes gathers the floats' top bytes with a second one.
template <floating_format T>
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 __m512i shortcut_code_bytes_64(__m512 x0, __m512 x1, __m512 x2, __m512 x3,
                                                                      const kernel_detail::byte_encoder_state<T>& state,
                                                                      const sign_mask_constants<T>& k) noexcept
{
    static_assert(simd::kernel_detail::signed_addend_shortcut<T>::sign_in_top_byte);
    using kernel_detail::signed_shortcut_codes;
    const __m512i first =
        _mm512_permutex2var_epi8(signed_shortcut_codes<T>(x0, state.shortcut), k.index, signed_shortcut_codes<T>(x1, state.shortcut));
    const __m512i second =
        _mm512_permutex2var_epi8(signed_shortcut_codes<T>(x2, state.shortcut), k.index, signed_shortcut_codes<T>(x3, state.shortcut));
    const __m512i codes = _mm512_shuffle_i64x2(first, second, 0x44);  // the low 256 bits of each
    __m512i signs = _mm512_shuffle_i64x2(first, second, 0xEE);        // the high 256 bits of each
    // As in signed_code_bytes: the sign only on a nonzero code where T has no negative zero.
    if constexpr (!T::info.has_negative_zero) signs = _mm512_and_si512(signs, _mm512_add_epi8(codes, k.sign_carry));
    return _mm512_ternarylogic_epi32(codes, signs, k.sign_bits, 0xF8);  // a | (b & c)
}

// The code bytes of the 64 floats from `in`, as store_packed_step takes them: by shortcut_code_bytes_64
// where T allows it and no value is beyond T's limit, else as the byte encoder codes them.
template <floating_format T>
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 __m512i packed_step_code_bytes(const float* in, kernel_detail::byte_encoder_state<T>& state,
                                                                      const sign_mask_constants<T>& k) noexcept
{
    using namespace kernel_detail;
    const __m512 x0 = _mm512_loadu_ps(in), x1 = _mm512_loadu_ps(in + 16);
    const __m512 x2 = _mm512_loadu_ps(in + 32), x3 = _mm512_loadu_ps(in + 48);
    if constexpr (simd::kernel_detail::signed_addend_shortcut<T>::sign_in_top_byte) {
        if (!beyond_shortcut(x0, x1, x2, x3, state)) [[likely]]
            return shortcut_code_bytes_64<T>(x0, x1, x2, x3, state, k);
    }
    const code_byte_pair codes = nearest_even_code_byte_pair<T>(x0, x1, x2, x3, state);
    return _mm512_inserti64x4(_mm512_castsi256_si512(codes.first), codes.second, 1);
}

}  // namespace packed_encode_detail

// n floats -> packed_bytes<bits>(n) bytes of T's codes, element i being exactly lowbit::convert<T>(in[i],
// options) (R is options.rounding, chosen by encode_packed_kernel_for).
template <floating_format T, rounding R>
LOWBIT_TARGET_AVX512 void encode_packed(const float* in, std::uint8_t* out, std::size_t n,
                                        const conversion_options& options)
{
    using namespace packed_encode_detail;
    constexpr int bits = T::info.total_bits;
    static_assert(bits == 4 || bits == 6, "encode_packed: only FP4 and FP6 pack");
    const simd::kernel_detail::encode_constants c = simd::kernel_detail::make_encode_constants<T>(options);
    const __m512i gather = _mm512_loadu_si512(bits == 4 ? fp4_gather.data() : fp6_gather.data());
    std::size_t i = 0;
    std::size_t b = 0;
    for (; i + 64 <= n; i += 64, b += packing_detail::step_bytes<bits>)
        packing_detail::store_step<bits>(out + b, encode_pack_step<T, R>(in + i, c, gather));
    if (i < n) {
        // The floats past the end are +0, whose code is 0 under every option, so the padding bits come out 0.
        alignas(64) float tail_in[64] = {};
        alignas(64) std::uint8_t tail_bytes[64];
        std::memcpy(tail_in, in + i, (n - i) * sizeof(float));
        _mm512_store_si512(tail_bytes, encode_pack_step<T, R>(tail_in, c, gather));
        std::memcpy(out + b, tail_bytes, packed_bytes<bits>(n - i));
    }
}

// Nearest-even where signed_addend_shortcut applies: 64 floats a step (packed_step_code_bytes), packed in
// registers and stored at once (store_packed_step), then one step of 32 by the byte encoder's
// nearest_even_code_bytes and a partial step for the rest. At 4 Ki values the steps of 64 took FP6 from
// 234-243 to 186-187 ns per call and FP4 from 199-200 to 181-182 (ad hoc, alternating builds).
template <floating_format T>
LOWBIT_TARGET_AVX512 void encode_packed_nearest_even(const float* in, std::uint8_t* out, std::size_t n,
                                                     const conversion_options& options)
{
    using namespace kernel_detail;
    constexpr int bits = T::info.total_bits;
    static_assert(bits == 4 || bits == 6, "encode_packed_nearest_even: only FP4 and FP6 pack");
    constexpr std::size_t half_step_bytes = 32 * bits / 8;
    byte_encoder_state<T> state(bits == 4, options);
    const packed_encode_detail::sign_mask_constants<T> signs(state.bytes);
    std::size_t i = 0;
    std::size_t b = 0;
    for (; i + 64 <= n; i += 64, b += 2 * half_step_bytes)
        packing_detail::store_packed_step<bits>(out + b, packed_encode_detail::packed_step_code_bytes<T>(in + i, state, signs));
    if (i + 32 <= n) {
        packing_detail::store_half_step<bits>(out + b, step_code_bytes<T>(in + i, state));
        i += 32;
        b += half_step_bytes;
    }
    if (i < n) {
        // The floats past the end load as +0, whose code is 0, so the padding bits come out 0.
        alignas(32) std::uint8_t tail_bytes[32];
        packing_detail::store_half_step<bits>(tail_bytes, partial_step_code_bytes<T>(in + i, n - i, state));
        std::memcpy(out + b, tail_bytes, packed_bytes<bits>(n - i));
    }
}

// The fused kernel for T under a rounding mode, or nullptr where T has no vector encoder (the caller then
// encodes to codes and packs them).
template <floating_format T>
constexpr packed_encode_kernel encode_packed_kernel_for(rounding mode) noexcept
{
    if constexpr (simd::kernel_detail::vector_encodable<T> && (T::info.total_bits == 4 || T::info.total_bits == 6)) {
        switch (mode) {
        case rounding::nearest_even:
            if constexpr (simd::kernel_detail::signed_addend_shortcut<T>::applies)
                return &encode_packed_nearest_even<T>;
            else
                return &encode_packed<T, rounding::nearest_even>;
        case rounding::nearest_away: return &encode_packed<T, rounding::nearest_away>;
        case rounding::toward_zero: return &encode_packed<T, rounding::toward_zero>;
        case rounding::toward_positive: return &encode_packed<T, rounding::toward_positive>;
        case rounding::toward_negative: return &encode_packed<T, rounding::toward_negative>;
        }
    }
    return nullptr;
}

}  // namespace avx512
}  // namespace LOWBIT_SIMD_ABI
}  // namespace simd
}  // namespace lowbit

LOWBIT_SIMD_WARNINGS_POP

#endif  // LOWBIT_SIMD_X86
