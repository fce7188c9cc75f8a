// AVX-512 (F, BW, DQ, VL, VBMI) bulk kernels: float32 -> every vector_encodable format under every rounding
// mode and option, and the decoders of the 8-bit-or-narrower formats, bfloat16 and float16.
#pragma once

#include "abi.hpp"

#if LOWBIT_SIMD_X86

#include <array>
#include <cstddef>
#include <cstdint>

#include "../core/options.hpp"
#include "../types/float_format.hpp"
#include "isa.hpp"
#include "kernel_support.hpp"

LOWBIT_SIMD_WARNINGS_PUSH
#include <immintrin.h>

namespace lowbit {
namespace simd {
inline namespace LOWBIT_SIMD_ABI {
namespace avx512 {
namespace kernel_detail {

using simd::kernel_detail::encode_constants;
using simd::kernel_detail::encode_params;

LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 __m512i set1(std::uint32_t v) noexcept
{
    return _mm512_set1_epi32(static_cast<int>(v));
}

LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 __m512i by_sign(__mmask16 negative, const std::uint32_t (&codes)[2]) noexcept
{
    return _mm512_mask_blend_epi32(negative, set1(codes[0]), set1(codes[1]));
}

// 16 float bit patterns -> 16 codes in 32-bit lanes, exactly as encoder::encode_float (and, for Inf/NaN,
// encoder::encode) computes them: the float_field_table entries are derived arithmetically per lane.
template <floating_format T, rounding R>
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 __m512i encode_lanes(__m512i bits, const encode_constants& c) noexcept
{
    using P = encode_params<T>;
    const __m512i zero = _mm512_setzero_si512();
    const __m512i one = set1(1);
    const __m512i magnitude = _mm512_and_si512(bits, set1(0x7FFFFFFFu));
    const __mmask16 negative = _mm512_cmplt_epi32_mask(bits, zero);
    const __m512i field = _mm512_srli_epi32(magnitude, 23);
    const __m512i exponent_field = _mm512_max_epi32(field, one);  // float subnormals share field 1's exponent
    const __m512i emin = set1(static_cast<std::uint32_t>(P::emin_field));
    const __m512i below_normal = _mm512_max_epi32(_mm512_sub_epi32(emin, exponent_field), zero);
    const __m512i binade = _mm512_max_epi32(_mm512_sub_epi32(exponent_field, emin), zero);
    const __m512i dropped =
        _mm512_min_epi32(_mm512_add_epi32(below_normal, set1(static_cast<std::uint32_t>(P::shift))), set1(31));
    const __m512i base = _mm512_slli_epi32(binade, static_cast<unsigned>(P::m));
    const __m512i implicit = _mm512_slli_epi32(_mm512_min_epi32(field, one), 23);
    const __m512i significand = _mm512_or_si512(_mm512_and_si512(magnitude, set1(0x7FFFFFu)), implicit);
    const __m512i half = _mm512_sllv_epi32(one, _mm512_sub_epi32(dropped, one));  // dropped >= 1 always

    __m512i increment;
    if constexpr (R == rounding::nearest_even) {
        const __m512i lsb = _mm512_and_si512(_mm512_srlv_epi32(significand, dropped), one);
        increment = _mm512_add_epi32(_mm512_sub_epi32(half, one), lsb);
    } else if constexpr (R == rounding::nearest_away) {
        increment = half;
    } else if constexpr (R == rounding::toward_zero) {
        increment = zero;
    } else {
        const __m512i below = _mm512_sub_epi32(_mm512_add_epi32(half, half), one);
        // Bitwise with the sign-extended sign, not a masked move; and the AND as vpternlogd (0xC0 = a & b):
        // clang 14 crashes in instruction selection (-O2 -g) on both the maskz form and a plain vpandd here.
        const __m512i negative_lanes = _mm512_srai_epi32(bits, 31);
        if constexpr (R == rounding::toward_positive)
            increment = _mm512_andnot_si512(negative_lanes, below);
        else
            increment = _mm512_ternarylogic_epi32(negative_lanes, below, zero, 0xC0);
    }
    const __m512i code = _mm512_add_epi32(base, _mm512_srlv_epi32(_mm512_add_epi32(significand, increment), dropped));

    const __m512i sign = _mm512_maskz_mov_epi32(negative, set1(P::sign_mask));
    __m512i result = _mm512_or_si512(sign, code);
    if constexpr (!P::negative_zero) result = _mm512_mask_mov_epi32(result, _mm512_cmpeq_epi32_mask(code, zero), zero);
    result = _mm512_mask_mov_epi32(result, _mm512_cmpgt_epi32_mask(code, set1(P::max_code)),
                                   by_sign(negative, c.overflow));

    const __mmask16 special = _mm512_cmpgt_epi32_mask(magnitude, set1(0x7F7FFFFFu));
    if (special != 0) [[unlikely]] {
        const __mmask16 infinite = _mm512_mask_cmpeq_epi32_mask(special, magnitude, set1(0x7F800000u));
        const __mmask16 nan = static_cast<__mmask16>(special & ~infinite);
        result = _mm512_mask_mov_epi32(result, infinite, by_sign(negative, c.infinity));
        __m512i nan_code;
        if (c.nan_payload) {
            const __m512i payload = _mm512_srli_epi32(_mm512_and_si512(magnitude, set1(0x7FFFFFu)),
                                                      static_cast<unsigned>(P::shift));
            nan_code = _mm512_or_si512(_mm512_or_si512(sign, set1(P::quiet_nan)), payload);
        } else {
            nan_code = by_sign(negative, c.nan);
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

template <floating_format T>
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 void store_codes(T* out, __m512i codes) noexcept
{
    if constexpr (sizeof(T) == 1)
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out), _mm512_cvtepi32_epi8(codes));
    else
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(out), _mm512_cvtepi32_epi16(codes));
}

// The magnitude half of simd::kernel_detail::nearest_even_shortcut on 16 lanes: the codes without their sign
// (whole lanes), and the mask of the lanes it cannot do (beyond T's largest finite value, Inf, NaN; for
// formats without subnormals_by_addition also nonzero values below the smallest normal). Formats of at most
// 8 bits that signed_addend_shortcut applies to take the byte encoders below instead.
template <floating_format T>
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 __mmask16 shortcut_magnitude_codes(__m512i bits, __m512i& codes) noexcept
{
    const __m512i magnitude = _mm512_and_si512(bits, set1(0x7FFFFFFFu));
    using S = simd::kernel_detail::nearest_even_shortcut<T>;
    // Half an ulp minus one, plus one where the kept lsb is odd (a test and a masked add), then the shift.
    const __mmask16 odd = _mm512_test_epi32_mask(magnitude, set1(1u << S::shift));
    __m512i rounded = _mm512_add_epi32(magnitude, set1(S::offset));
    rounded = _mm512_mask_add_epi32(rounded, odd, rounded, set1(1));
    codes = _mm512_srli_epi32(rounded, S::shift);
    const __mmask16 below_normal = _mm512_cmplt_epu32_mask(magnitude, set1(S::min_normal_bits));
    if constexpr (S::subnormals_by_addition) {
        const __m512 addend = _mm512_castsi512_ps(set1(S::addend_bits));
        const __m512 sum = _mm512_add_round_ps(_mm512_castsi512_ps(magnitude), addend,
                                               _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
        codes = _mm512_mask_sub_epi32(codes, below_normal, _mm512_castps_si512(sum), set1(S::addend_bits));
        return _mm512_cmpgt_epu32_mask(codes, set1(S::max_code));
    } else {
        // Below normal only ±0 is taken (code 0); anything else goes to the general lanes.
        const __mmask16 zero = _mm512_testn_epi32_mask(magnitude, magnitude);
        codes = _mm512_maskz_mov_epi32(static_cast<__mmask16>(~zero), codes);
        return _kor_mask16(_mm512_cmpgt_epu32_mask(codes, set1(S::max_code)), _kandn_mask16(zero, below_normal));
    }
}

// The whole shortcut on 16 lanes: the codes with their signs, and the mask of the lanes it cannot do, for
// which the caller must use encode_lanes instead.
template <floating_format T>
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 __mmask16 encode_shortcut_lanes(__m512i bits, __m512i& codes) noexcept
{
    using S = simd::kernel_detail::nearest_even_shortcut<T>;
    __m512i code;
    const __mmask16 outside = shortcut_magnitude_codes<T>(bits, code);
    const __m512i sign_bits = _mm512_srli_epi32(bits, S::sign_shift);
    // 0xF8 = a | (b & c): the code with the sign bit taken from the shifted float.
    codes = _mm512_ternarylogic_epi32(code, sign_bits, set1(S::sign_mask), 0xF8);
    if constexpr (!S::negative_zero)
        codes = _mm512_maskz_mov_epi32(_mm512_test_epi32_mask(code, set1(T::info.magnitude_mask)), codes);
    return outside;
}

// vpermt2b indices gathering byte `Byte` of every dword of two vectors: result byte j < 16 from dword j of
// the first, byte 16 + j from dword j of the second (the upper 32 result bytes are not used). The byte
// encoders narrow 32 codes and gather 32 signs with them.
template <int Byte>
inline constexpr std::array<std::uint8_t, 64> dword_byte_index = [] {
    std::array<std::uint8_t, 64> index{};
    for (std::size_t j = 0; j < 32; ++j)
        index[j] = static_cast<std::uint8_t>((j < 16 ? 4 * j : 64 + 4 * (j - 16)) + Byte);
    return index;
}();

// The same for packed FP4: byte `Byte` of the dwords of elements 0, 2, .., 30 (result bytes 0..15), then of
// elements 1, 3, .., 31 (bytes 16..31), element e being dword e % 16 of vector e / 16, so that one OR
// packs them (merge_fp4_halves) once the odd codes are in their high nibbles.
template <int Byte>
inline constexpr std::array<std::uint8_t, 64> fp4_byte_index = [] {
    std::array<std::uint8_t, 64> index{};
    for (std::size_t r = 0; r < 32; ++r) {
        const std::size_t e = r < 16 ? 2 * r : 2 * (r - 16) + 1;
        index[r] = static_cast<std::uint8_t>((e < 16 ? 4 * e : 64 + 4 * (e - 16)) + Byte);
    }
    return index;
}();

// Both at once, for the packed encoders' 64-value steps: result bytes 0..31 gather byte 1 of the 32 dwords
// (the codes), bytes 32..63 byte 3 of the same dwords (their sign masks, where
// signed_addend_shortcut::sign_in_top_byte), in element order or in packed FP4's order.
template <bool Fp4Pairs>
inline constexpr std::array<std::uint8_t, 64> code_and_sign_index = [] {
    const std::array<std::uint8_t, 64>& code = Fp4Pairs ? fp4_byte_index<1> : dword_byte_index<1>;
    const std::array<std::uint8_t, 64>& top = Fp4Pairs ? fp4_byte_index<3> : dword_byte_index<3>;
    std::array<std::uint8_t, 64> index{};
    for (std::size_t j = 0; j < 32; ++j) {
        index[j] = code[j];
        index[32 + j] = top[j];
    }
    return index;
}();

// The odd dwords of a vector: packed FP4's odd elements, whose codes the shortcut and the general lanes both
// leave in their bytes' high nibble.
inline constexpr __mmask16 odd_dwords = 0xAAAA;

// The byte encoders' loops take their constants in objects built before the loop, and their values are
// hidden from the optimiser (`opaque`): GCC otherwise rebuilds a known constant vector (a move and a
// broadcast) on every iteration of a loop rather than keep it in one of the 32 registers.
template <typename Vector>
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 Vector opaque(Vector v) noexcept
{
    asm("" : "+v"(v));
    return v;
}

// signed_addend_shortcut<T> for x·2^k: the clamp 2^(emin - k) and the constant fraction_constant(k) (the
// MX kernel sets these per block), C's sign-and-exponent mask, the FMA's 2^-(23 - m) and the multipliers
// that take the code out of the sum (odd_nibble_shift: s = 4 in the odd lanes, for packed FP4).
template <floating_format T>
struct signed_shortcut_constants {
    using S = simd::kernel_detail::signed_addend_shortcut<T>;
    static_assert(S::applies);
    __m512 clamp;
    __m512i fraction;
    __m512i sign_and_exponent;
    __m512 down_scale;
    __m512i multipliers;

    LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 explicit signed_shortcut_constants(int k = 0, bool odd_nibble_shift = false) noexcept
        : clamp(opaque(_mm512_castsi512_ps(set1(S::clamp_bits(k))))), fraction(opaque(set1(S::fraction_constant(k)))),
          sign_and_exponent(opaque(set1(S::sign_and_exponent))), down_scale(opaque(_mm512_set1_ps(S::down_scale))),
          multipliers(opaque(_mm512_mask_blend_epi32(odd_nibble_shift ? odd_dwords : 0, set1(S::base::code_word_multipliers(0)),
                                                     set1(S::base::code_word_multipliers(4)))))
    {
    }
};

// The magnitude codes of x·2^k (in byte 1 of each lane; see binade_addend_shortcut::code_word_multipliers) by
// signed_addend_shortcut<T>. Exact up to T's limit; beyond it, and for Inf and NaN, the bytes are
// unspecified.
template <floating_format T>
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 __m512i signed_shortcut_codes(__m512 x, const signed_shortcut_constants<T>& k) noexcept
{
    // Immediate 3: the larger magnitude, with the sign of the first operand (sign control 00).
    const __m512 clamped = _mm512_range_round_ps(x, k.clamp, 3, _MM_FROUND_NO_EXC);
    // 0xEA = (a & b) | c: the clamped value's sign and exponent under the fraction K.
    const __m512 addend =
        _mm512_castsi512_ps(_mm512_ternarylogic_epi32(_mm512_castps_si512(clamped), k.sign_and_exponent, k.fraction, 0xEA));
    const __m512i sum = _mm512_castps_si512(
        _mm512_fmadd_round_ps(x, k.down_scale, addend, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
    return _mm512_madd_epi16(sum, k.multipliers);  // see binade_addend_shortcut::code_word_multipliers
}

// How 32 codes become bytes: the index vectors gathering byte 1 of the code lanes (where
// signed_shortcut_codes leaves them) and the floats' top bytes (their signs), in element order
// (dword_byte_index) or, for packed FP4, even elements then odd ones (fp4_byte_index), the odd codes being
// in their bytes' high nibble (the shortcut's odd_nibble_shift); per code byte, T's sign bit and largest
// magnitude code where they go, and the word shifts that move a float's sign bit (bit 7 of its top byte)
// there.
template <floating_format T>
struct code_byte_constants {
    __m512i code_index;
    __m512i top_index;
    __m256i sign_bits;
    __m256i sign_carry;  // sign_bits - 1
    __m256i max_code;
    __m256i sign_shift;

    LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 explicit code_byte_constants(bool fp4_pairs) noexcept
        : code_index(_mm512_loadu_si512(fp4_pairs ? fp4_byte_index<1>.data() : dword_byte_index<1>.data())),
          top_index(_mm512_loadu_si512(fp4_pairs ? fp4_byte_index<3>.data() : dword_byte_index<3>.data())),
          sign_bits(opaque(halves(T::info.sign_mask, fp4_pairs ? 4 : 0))),
          sign_carry(opaque(_mm256_sub_epi8(sign_bits, _mm256_set1_epi8(1)))),
          max_code(opaque(halves(T::info.max_magnitude_code, fp4_pairs ? 4 : 0))),
          sign_shift(opaque(_mm256_inserti128_si256(_mm256_set1_epi16(static_cast<short>(8 - T::info.total_bits)),
                                                    _mm_set1_epi16(static_cast<short>(fp4_pairs ? 0 : 8 - T::info.total_bits)), 1)))
    {
    }

private:
    // `value` in every byte, shifted left by `odd_shift` in the upper 16 (the odd elements of packed FP4).
    LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 static __m256i halves(unsigned value, int odd_shift) noexcept
    {
        return _mm256_inserti128_si256(_mm256_set1_epi8(static_cast<char>(value)),
                                       _mm_set1_epi8(static_cast<char>(value << odd_shift)), 1);
    }
};

// 32 magnitude codes (byte 1 of each lane of two vectors) and the signs of the 32 floats they encode
// -> 32 code bytes of T with their signs. Saturate clamps the magnitudes to max_code first (MX elements);
// otherwise they must not exceed it. Formats without negative zero keep a zero code unsigned.
template <floating_format T, bool Saturate>
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 __m256i signed_code_bytes(__m512i codes0, __m512i codes1, __m512 signs0,
                                                                 __m512 signs1, const code_byte_constants<T>& k) noexcept
{
    __m256i codes = _mm512_castsi512_si256(_mm512_permutex2var_epi8(codes0, k.code_index, codes1));
    if constexpr (Saturate) codes = _mm256_min_epu8(codes, k.max_code);
    __m256i signs = _mm512_castsi512_si256(
        _mm512_permutex2var_epi8(_mm512_castps_si512(signs0), k.top_index, _mm512_castps_si512(signs1)));
    // Bit 7 of each byte down to the sign bit; a word shift moves it within its own byte.
    if constexpr (T::info.total_bits < 8) signs = _mm256_srlv_epi16(signs, k.sign_shift);
    // A magnitude code of at least 1 carries into the sign bit of code + sign_bits - 1: the sign only where
    // nonzero.
    if constexpr (!T::info.has_negative_zero) signs = _mm256_and_si256(signs, _mm256_add_epi8(codes, k.sign_carry));
    // 0xF8 = a | (b & c): the code with the sign bit.
    return _mm256_ternarylogic_epi32(codes, signs, k.sign_bits, 0xF8);
}

// 32 FP4 code bytes in fp4_byte_index order, the odd ones in the high nibbles -> 16 packed bytes, element
// 2j in the low nibble of byte j.
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 __m128i merge_fp4_halves(__m256i codes) noexcept
{
    return _mm_or_si128(_mm256_castsi256_si128(codes), _mm256_extracti128_si256(codes, 1));
}

// Everything the nearest-even byte encoders need: the shortcut, the byte order (code_byte_constants), the
// range check, and the scalar engine's constants for a step outside the shortcut (computed if one occurs).
template <floating_format T>
struct byte_encoder_state {
    signed_shortcut_constants<T> shortcut;
    code_byte_constants<T> bytes;
    __m512i general_shift;  // moves the general lanes' whole-lane codes to where the shortcut leaves its codes
    __m512i magnitude_mask;
    __m512i limit;
    simd::kernel_detail::lazy_encode_constants<T> general;

    LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 byte_encoder_state(bool fp4_pairs, const conversion_options& options) noexcept
        : shortcut(0, fp4_pairs), bytes(fp4_pairs), general_shift(_mm512_mask_blend_epi32(fp4_pairs ? odd_dwords : 0, set1(8), set1(12))),
          magnitude_mask(opaque(set1(0x7FFFFFFFu))), limit(opaque(set1(simd::kernel_detail::binade_addend_shortcut<T>::limit))),
          general(options)
    {
    }
};

// Lane by lane, the larger of the magnitudes of a and b as integers (NaN above Inf above every finite
// value): the byte encoders' range check compares these with the shortcut's limit.
template <floating_format T>
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 __m512i larger_magnitude(__m512 a, __m512 b, const byte_encoder_state<T>& state) noexcept
{
    return _mm512_max_epu32(_mm512_and_si512(_mm512_castps_si512(a), state.magnitude_mask),
                            _mm512_and_si512(_mm512_castps_si512(b), state.magnitude_mask));
}

// Whether some lane of `largest` is beyond T's limit (Inf, NaN, or a finite value the shortcut cannot do).
template <floating_format T>
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 bool beyond_shortcut(__m512i largest, const byte_encoder_state<T>& state) noexcept
{
    return _mm512_cmpgt_epu32_mask(largest, state.limit) != 0;
}

// The same check for a step of 64 floats at once.
template <floating_format T>
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 bool beyond_shortcut(__m512 x0, __m512 x1, __m512 x2, __m512 x3,
                                                            const byte_encoder_state<T>& state) noexcept
{
    return beyond_shortcut(_mm512_max_epu32(larger_magnitude(x0, x1, state), larger_magnitude(x2, x3, state)), state);
}

// 32 floats within T's limit -> their nearest-even codes, one byte each in the state's byte order.
template <floating_format T>
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 __m256i shortcut_code_bytes(__m512 x0, __m512 x1, const byte_encoder_state<T>& state) noexcept
{
    return signed_code_bytes<T, false>(signed_shortcut_codes<T>(x0, state.shortcut), signed_shortcut_codes<T>(x1, state.shortcut),
                                       x0, x1, state.bytes);
}

// 32 floats -> their nearest-even codes of T, one byte each in the state's byte order: by the shortcut if
// no lane is beyond T's limit (Inf, NaN), else by the general lanes.
template <floating_format T>
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 __m256i nearest_even_code_bytes(__m512 x0, __m512 x1, byte_encoder_state<T>& state) noexcept
{
    if (!beyond_shortcut(larger_magnitude(x0, x1, state), state)) [[likely]]
        return shortcut_code_bytes<T>(x0, x1, state);
    const __m512i lanes0 = encode_lanes<T, rounding::nearest_even>(_mm512_castps_si512(x0), state.general.get());
    const __m512i lanes1 = encode_lanes<T, rounding::nearest_even>(_mm512_castps_si512(x1), state.general.get());
    return _mm512_castsi512_si256(_mm512_permutex2var_epi8(_mm512_sllv_epi32(lanes0, state.general_shift), state.bytes.code_index,
                                                          _mm512_sllv_epi32(lanes1, state.general_shift)));
}

// The codes of two consecutive groups of 32 floats, each as nearest_even_code_bytes gives them.
struct code_byte_pair {
    __m256i first;
    __m256i second;
};

// 64 floats -> their codes, with one range check for all 64 (the byte encoders step 64 at a time: E4M3FN at
// 4 Ki values took 150-155 ns per call against 159-163 with a check every 32, ad hoc, alternating builds);
// if it fails, each half goes its own way.
template <floating_format T>
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 code_byte_pair nearest_even_code_byte_pair(__m512 x0, __m512 x1, __m512 x2, __m512 x3,
                                                                                  byte_encoder_state<T>& state) noexcept
{
    if (!beyond_shortcut(x0, x1, x2, x3, state)) [[likely]]
        return {shortcut_code_bytes<T>(x0, x1, state), shortcut_code_bytes<T>(x2, x3, state)};
    return {nearest_even_code_bytes<T>(x0, x1, state), nearest_even_code_bytes<T>(x2, x3, state)};
}

// 16 codes by the shortcut where every lane allows it, else by the general lanes.
template <floating_format T>
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 __m512i encode_nearest_even_lanes(__m512i bits, const encode_constants& c) noexcept
{
    if constexpr (simd::kernel_detail::nearest_even_shortcut<T>::applies) {
        __m512i codes;
        if (encode_shortcut_lanes<T>(bits, codes) == 0) [[likely]]
            return codes;
    }
    return encode_lanes<T, rounding::nearest_even>(bits, c);
}

template <floating_format T, rounding R>
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 __m512i encode_block(__m512i bits, const encode_constants& c) noexcept
{
    if constexpr (R == rounding::nearest_even)
        return encode_nearest_even_lanes<T>(bits, c);
    else
        return encode_lanes<T, R>(bits, c);
}

}  // namespace kernel_detail

template <floating_format T, rounding R>
LOWBIT_TARGET_AVX512 void encode_general(const float* in, T* out, std::size_t n, const conversion_options& options)
{
    using namespace kernel_detail;
    const encode_constants c = simd::kernel_detail::make_encode_constants<T>(options);
    std::size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        const __m512i a = encode_block<T, R>(_mm512_loadu_si512(in + i), c);
        const __m512i b = encode_block<T, R>(_mm512_loadu_si512(in + i + 16), c);
        store_codes(out + i, a);
        store_codes(out + i + 16, b);
    }
    for (; i < n; i += 16) {
        const std::size_t left = n - i;
        const auto mask = static_cast<__mmask16>(left >= 16 ? 0xFFFFu : (1u << left) - 1u);
        const __m512i codes = encode_block<T, R>(_mm512_maskz_loadu_epi32(mask, in + i), c);
        store_codes(out + i, codes, mask);
    }
}

namespace kernel_detail {

// 16 floats -> float16 codes by vcvtps2ph, or by the general lanes if a result has the all-ones exponent.
template <floating_format T>
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 __m256i float16_block(__m512i bits, const encode_constants& c) noexcept
{
    const __m256i exponent = _mm256_set1_epi16(0x7C00);
    const __m256i halves = _mm512_cvt_roundps_ph(_mm512_castsi512_ps(bits), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    if (_mm256_cmpeq_epi16_mask(_mm256_and_si256(halves, exponent), exponent) != 0) [[unlikely]]
        return _mm512_cvtepi32_epi16(encode_lanes<T, rounding::nearest_even>(bits, c));
    return halves;
}

// The load masks of a last, partial step of two vectors: `left` (1 to 31) floats, the first vector's lanes
// before the second's.
struct partial_step {
    __mmask16 low;
    __mmask16 high;
};

constexpr partial_step partial_step_masks(std::size_t left) noexcept
{
    return {static_cast<__mmask16>(left >= 16 ? 0xFFFFu : (1u << left) - 1u),
            static_cast<__mmask16>(left > 16 ? (1u << (left - 16)) - 1u : 0u)};
}

// Whether a lane of `bits` is a float subnormal (zero exponent field, nonzero fraction): vcvtne2ps2bf16
// flushes those to zero, the scalar engine does not.
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 __mmask16 float_subnormal_lanes(__m512i bits) noexcept
{
    return _mm512_mask_test_epi32_mask(_mm512_testn_epi32_mask(bits, set1(0x7F800000u)), bits, set1(0x7FFFFFu));
}

// 32 floats (two vectors) -> bfloat16 codes by one vcvtne2ps2bf16, or by the general lanes if an input is
// a float subnormal or a result has the all-ones exponent (Inf or NaN: what the options decide).
template <floating_format T>
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512_BF16 __m512i bfloat16_block(__m512i low, __m512i high, const encode_constants& c) noexcept
{
    const __m512i exponent = _mm512_set1_epi16(0x7F80);
    // A vector cast, not std::bit_cast: the latter is a function without the AVX target (-Wpsabi).
    const __m512i halves = (__m512i)_mm512_cvtne2ps_pbh(_mm512_castsi512_ps(high), _mm512_castsi512_ps(low));
    const __mmask32 top = _mm512_cmpeq_epi16_mask(_mm512_and_si512(halves, exponent), exponent);
    if ((_kortestz_mask16_u8(float_subnormal_lanes(low), float_subnormal_lanes(high)) &
         _kortestz_mask32_u8(top, top)) == 0) [[unlikely]] {
        const __m256i first = _mm512_cvtepi32_epi16(encode_lanes<T, rounding::nearest_even>(low, c));
        const __m256i second = _mm512_cvtepi32_epi16(encode_lanes<T, rounding::nearest_even>(high, c));
        return _mm512_inserti64x4(_mm512_castsi256_si512(first), second, 1);
    }
    return halves;
}

// 16 float16 codes -> floats by vcvtph2ps; a NaN becomes the quiet NaN with its sign and no payload.
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 __m512i float16_to_float_block(__m256i h) noexcept
{
    __m512i bits = _mm512_castps_si512(_mm512_cvt_roundph_ps(h, _MM_FROUND_NO_EXC));
    const __mmask16 nan = _mm256_cmpgt_epu16_mask(_mm256_and_si256(h, _mm256_set1_epi16(0x7FFF)), _mm256_set1_epi16(0x7C00));
    if (nan != 0) [[unlikely]]
        bits = _mm512_mask_mov_epi32(bits, nan, _mm512_or_si512(_mm512_and_si512(bits, set1(0x80000000u)), set1(0x7FC00000u)));
    return bits;
}

}  // namespace kernel_detail

// float16 under nearest-even: the silicon converter (vcvtps2ph, RNE from its immediate, exceptions
// suppressed) rounds exactly as the scalar engine does; only a result with the all-ones exponent (Inf from
// overflow, an infinite or NaN input) depends on the overflow and NaN options, so such a block is redone by
// the general lanes. f32 subnormal inputs give ±0 with or without DAZ.
template <floating_format T>
LOWBIT_TARGET_AVX512 void encode_float16_silicon(const float* in, T* out, std::size_t n, const conversion_options& options)
{
    using namespace kernel_detail;
    if (simd::kernel_detail::mxcsr_flushes_subnormals())
        return encode_general<T, rounding::nearest_even>(in, out, n, options);
    const encode_constants c = simd::kernel_detail::make_encode_constants<T>(options);
    auto* codes = reinterpret_cast<std::uint16_t*>(out);
    std::size_t i = 0;
    // Unmasked loads and stores in the loop (masked ones are slow on some cores), a masked step for the tail.
    for (; i + 16 <= n; i += 16)
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(codes + i), float16_block<T>(_mm512_loadu_si512(in + i), c));
    if (i < n) {
        const auto mask = static_cast<__mmask16>((1u << (n - i)) - 1u);
        _mm256_mask_storeu_epi16(codes + i, mask, float16_block<T>(_mm512_maskz_loadu_epi32(mask, in + i), c));
    }
}

// bfloat16 under nearest-even with AVX512-BF16 (vcvtne2ps2bf16: RNE whatever MXCSR says, but it flushes f32
// subnormal inputs and quiets NaNs its own way). A block with a subnormal input or an all-ones exponent in
// the result is redone by the general lanes. The two-source form converts 32 floats per instruction; on this
// project's machine it costs what the one-source form costs on 16.
template <floating_format T>
LOWBIT_TARGET_AVX512_BF16 void encode_bfloat16_silicon(const float* in, T* out, std::size_t n,
                                                       const conversion_options& options)
{
    using namespace kernel_detail;
    const encode_constants c = simd::kernel_detail::make_encode_constants<T>(options);
    auto* codes = reinterpret_cast<std::uint16_t*>(out);
    std::size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        const __m512i halves = bfloat16_block<T>(_mm512_loadu_si512(in + i), _mm512_loadu_si512(in + i + 16), c);
        _mm512_storeu_si512(codes + i, halves);
    }
    if (i < n) {
        const partial_step mask = partial_step_masks(n - i);
        const __m512i halves = bfloat16_block<T>(_mm512_maskz_loadu_epi32(mask.low, in + i),
                                                 _mm512_maskz_loadu_epi32(mask.high, in + i + 16), c);
        _mm512_mask_storeu_epi16(codes + i, _mm512_kunpackw(mask.high, mask.low), halves);
    }
}

namespace kernel_detail {

// How far ahead of its loads the byte encoder prefetches the two cache lines of a step. From DRAM (64 Mi
// values) the hardware prefetcher alone left this loop's loads waiting: E4M3FN took 17-20 ms per call
// without, 8-15 ms with 4 KiB ahead (1 KiB: 10-14, 8 KiB: 12; ad hoc runs alternating the builds on this
// shared machine). At 4 Ki values the two prefetches cost nothing measurable. Integer arithmetic for the
// address: past the end of the input a pointer would be undefined, and a prefetch never faults.
inline constexpr std::uintptr_t prefetch_bytes = 4096;

LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 void prefetch_step(const float* in) noexcept
{
    const std::uintptr_t ahead = reinterpret_cast<std::uintptr_t>(in) + prefetch_bytes;
    _mm_prefetch(reinterpret_cast<const char*>(ahead), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(ahead + 64), _MM_HINT_T0);
}

// Outputs of at least this many bytes are written with non-temporal stores: they would not stay in the
// caches anyway, and streaming them spares reading every output line before writing it. E4M3FN, 64 Mi
// values: 9.6-11.2 ms per call against 12.2-16.0 with ordinary stores (ad hoc, alternating runs).
inline constexpr std::size_t streaming_bytes = std::size_t{1} << 24;

// The codes of the 32 floats from `in`, and of the 64.
template <floating_format T>
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 __m256i step_code_bytes(const float* in, byte_encoder_state<T>& state) noexcept
{
    return nearest_even_code_bytes<T>(_mm512_loadu_ps(in), _mm512_loadu_ps(in + 16), state);
}

template <floating_format T>
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 code_byte_pair double_step_code_bytes(const float* in, byte_encoder_state<T>& state) noexcept
{
    return nearest_even_code_byte_pair<T>(_mm512_loadu_ps(in), _mm512_loadu_ps(in + 16), _mm512_loadu_ps(in + 32),
                                          _mm512_loadu_ps(in + 48), state);
}

// The codes of the last `left` (1 to 31) floats, loaded with a mask: the missing floats read as +0, whose
// code is 0.
template <floating_format T>
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 __m256i partial_step_code_bytes(const float* in, std::size_t left,
                                                                       byte_encoder_state<T>& state) noexcept
{
    const partial_step mask = partial_step_masks(left);
    return nearest_even_code_bytes<T>(_mm512_maskz_loadu_ps(mask.low, in), _mm512_maskz_loadu_ps(mask.high, in + 16), state);
}

// The same stored: only the `left` bytes of those floats.
template <floating_format T>
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 void encode_partial_step(const float* in, std::uint8_t* bytes, std::size_t left,
                                                                byte_encoder_state<T>& state) noexcept
{
    _mm256_mask_storeu_epi8(bytes, static_cast<__mmask32>((std::uint64_t{1} << left) - 1u),
                            partial_step_code_bytes<T>(in, left, state));
}

// 32 code bytes stored at `to` with an ordinary or a non-temporal store.
template <bool Stream>
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 void store_code_bytes(std::uint8_t* to, __m256i codes) noexcept
{
    if constexpr (Stream)
        _mm256_stream_si256(reinterpret_cast<__m256i*>(to), codes);
    else
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(to), codes);
}

// Whole steps from float i, 64 at a time and then one of 32 if 32 remain, stored with ordinary or
// non-temporal stores; returns where they stopped.
template <floating_format T, bool Stream>
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 std::size_t encode_whole_steps(const float* in, std::uint8_t* bytes, std::size_t i,
                                                                      std::size_t n, byte_encoder_state<T>& state) noexcept
{
    for (; i + 64 <= n; i += 64) {
        prefetch_step(in + i);
        prefetch_step(in + i + 32);
        const code_byte_pair codes = double_step_code_bytes<T>(in + i, state);
        store_code_bytes<Stream>(bytes + i, codes.first);
        store_code_bytes<Stream>(bytes + i + 32, codes.second);
    }
    if (i + 32 <= n) {
        store_code_bytes<Stream>(bytes + i, step_code_bytes<T>(in + i, state));
        i += 32;
    }
    return i;
}

}  // namespace kernel_detail

// Formats of at most 8 bits under nearest-even, where signed_addend_shortcut applies: 64 codes a step by
// nearest_even_code_byte_pair, then one step of 32 and a partial step for the rest. A large output is
// streamed from its first 32-byte boundary on (the bytes before it take a partial step).
template <floating_format T>
LOWBIT_TARGET_AVX512 void encode_bytes_nearest_even(const float* in, T* out, std::size_t n, const conversion_options& options)
{
    using namespace kernel_detail;
    static_assert(sizeof(T) == 1);
    byte_encoder_state<T> state(false, options);
    auto* bytes = reinterpret_cast<std::uint8_t*>(out);
    std::size_t i = 0;
    if (n >= streaming_bytes) {
        i = (32 - (reinterpret_cast<std::uintptr_t>(bytes) & 31u)) & 31u;
        if (i != 0) encode_partial_step<T>(in, bytes, i, state);
        i = encode_whole_steps<T, true>(in, bytes, i, n, state);
        _mm_sfence();  // the streamed stores are weakly ordered: fence them before the caller hands the output on
    } else {
        i = encode_whole_steps<T, false>(in, bytes, i, n, state);
    }
    if (i < n) encode_partial_step<T>(in + i, bytes + i, n - i, state);
}

template <floating_format T, rounding R>
LOWBIT_TARGET_AVX512 void encode(const float* in, T* out, std::size_t n, const conversion_options& options)
{
    if constexpr (R == rounding::nearest_even && simd::kernel_detail::is_float16_layout<T>) {
        const simd::kernel_detail::mxcsr_guard quiet_environment;  // vcvtps2ph raises flags
        encode_float16_silicon<T>(in, out, n, options);
    } else if constexpr (R == rounding::nearest_even && simd::kernel_detail::signed_addend_shortcut<T>::applies) {
        encode_bytes_nearest_even<T>(in, out, n, options);
    } else if constexpr (R == rounding::nearest_even && simd::kernel_detail::is_bfloat16_layout<T>) {
        if (has_avx512_bf16())
            encode_bfloat16_silicon<T>(in, out, n, options);
        else
            encode_general<T, R>(in, out, n, options);
    } else {
        encode_general<T, R>(in, out, n, options);
    }
}

namespace kernel_detail {

// The vpermt2b indices that widen 64 looked-up plane bytes to four vectors of 16 floats: dword j of vector
// k takes byte 2 from the low plane (index 16k + j) and byte 3 from the high plane (64 + 16k + j); bytes 0
// and 1 are zeroed by the mask `float_top_bytes`.
inline constexpr std::array<std::array<std::uint8_t, 64>, 4> widen_index = [] {
    std::array<std::array<std::uint8_t, 64>, 4> index{};
    for (std::size_t k = 0; k < 4; ++k)
        for (std::size_t j = 0; j < 16; ++j) {
            index[k][4 * j + 2] = static_cast<std::uint8_t>(16 * k + j);
            index[k][4 * j + 3] = static_cast<std::uint8_t>(64 + 16 * k + j);
        }
    return index;
}();
inline constexpr __mmask64 float_top_bytes = 0xCCCCCCCCCCCCCCCCull;

// 256-entry byte lookup: two vpermi2b over 128 bytes each, chosen by the index's top bit.
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 __m512i lookup256(__m512i index, const __m512i (&t)[4]) noexcept
{
    return _mm512_mask_blend_epi8(_mm512_movepi8_mask(index), _mm512_permutex2var_epi8(t[0], index, t[1]),
                                  _mm512_permutex2var_epi8(t[2], index, t[3]));
}

// The floats of 64 codes from their byte-2 and byte-3 planes, looked up in simd::kernel_detail::widening_order:
// in-lane unpacks (bytes to words, then words under two zero bytes) put them back in element order.
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 void store_widened(__m512i lo, __m512i hi, float* out) noexcept
{
    const __m512i w0 = _mm512_unpacklo_epi8(lo, hi);
    const __m512i w1 = _mm512_unpackhi_epi8(lo, hi);
    const __m512i zero = _mm512_setzero_si512();
    _mm512_storeu_si512(out, _mm512_unpacklo_epi16(zero, w0));
    _mm512_storeu_si512(out + 16, _mm512_unpackhi_epi16(zero, w0));
    _mm512_storeu_si512(out + 32, _mm512_unpacklo_epi16(zero, w1));
    _mm512_storeu_si512(out + 48, _mm512_unpackhi_epi16(zero, w1));
}

// The planes of bytes 2 and 3 of the floats of 64 codes.
template <floating_format T>
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 void lookup_planes(__m512i index, const __m512i (&lo_table)[4],
                                                          const __m512i (&hi_table)[4], __m512i& lo, __m512i& hi) noexcept
{
    if constexpr (T::info.total_bits < 8) {
        // vpermi2b reads 7 index bits, which hold the whole code and its sign (bit 7 is ignored, as in the
        // table, where narrower codes repeat every 2^bits entries).
        lo = _mm512_permutex2var_epi8(lo_table[0], index, lo_table[1]);
        hi = _mm512_permutex2var_epi8(hi_table[0], index, hi_table[1]);
    } else if constexpr (simd::kernel_detail::top_bit_is_sign<T>()) {
        // vpermi2b reads 7 index bits; 0xF8 = a | (b & c) puts the code's bit 7 into the float's sign.
        lo = _mm512_permutex2var_epi8(lo_table[0], index, lo_table[1]);
        hi = _mm512_ternarylogic_epi32(_mm512_permutex2var_epi8(hi_table[0], index, hi_table[1]), index,
                                       _mm512_set1_epi8(static_cast<char>(0x80)), 0xF8);
    } else {
        lo = lookup256(index, lo_table);
        hi = lookup256(index, hi_table);
    }
}

}  // namespace kernel_detail

// Codes of a format of 8 bits or fewer -> float. Every value has zero low 16 bits, so the float's bytes 2
// and 3 are looked up in two 256-byte planes with vpermi2b and widened to dwords with vpermt2b. Where the
// code's top bit is the sign, 128-entry planes of the magnitude suffice and the sign is ORed in.
template <floating_format T>
LOWBIT_TARGET_AVX512 void decode_bytes(const T* in, float* out, std::size_t n)
{
    using namespace kernel_detail;
    const std::uint8_t* lo_plane = simd::kernel_detail::byte_plane<T, 2>.data();
    const std::uint8_t* hi_plane = simd::kernel_detail::byte_plane<T, 3>.data();
    __m512i lo_table[4];
    __m512i hi_table[4];
    __m512i widen[4];
    for (std::size_t k = 0; k < 4; ++k) {
        lo_table[k] = _mm512_loadu_si512(lo_plane + 64 * k);
        hi_table[k] = _mm512_loadu_si512(hi_plane + 64 * k);
        widen[k] = _mm512_loadu_si512(widen_index[k].data());
    }
    const auto* codes = reinterpret_cast<const std::uint8_t*>(in);
    std::size_t i = 0;
    // Whole steps: the codes reordered first (one vpermb), so that in-lane unpacks widen the planes, which is
    // cheaper than four vpermt2b (FP8 -> f32 at 4 Ki went from about 0.75x to about 1.0x vcvtph2ps).
    const __m512i order = _mm512_loadu_si512(simd::kernel_detail::widening_order.data());
    for (; i + 64 <= n; i += 64) {
        __m512i lo;
        __m512i hi;
        lookup_planes<T>(_mm512_permutexvar_epi8(order, _mm512_loadu_si512(codes + i)), lo_table, hi_table, lo, hi);
        store_widened(lo, hi, out + i);
    }
    // The last partial step in element order, widened by vpermt2b into masked stores.
    if (i < n) {
        const std::size_t left = n - i;
        __m512i lo;
        __m512i hi;
        lookup_planes<T>(_mm512_maskz_loadu_epi8((__mmask64{1} << left) - 1, codes + i), lo_table, hi_table, lo, hi);
        for (std::size_t k = 0; 16 * k < left; ++k) {
            const std::size_t part = left - 16 * k;
            const auto part_mask = static_cast<__mmask16>(part >= 16 ? 0xFFFFu : (1u << part) - 1u);
            _mm512_mask_storeu_epi32(out + i + 16 * k, part_mask,
                                     _mm512_maskz_permutex2var_epi8(float_top_bytes, lo, widen[k], hi));
        }
    }
}

namespace kernel_detail {

// 16 codes of a 16-bit format (zero-extended to dwords) -> float bits.
template <floating_format T>
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 __m512i decode16_lanes(__m512i h) noexcept
{
    const __m512i sign = _mm512_slli_epi32(_mm512_and_si512(h, set1(0x8000u)), 16);
    if constexpr (simd::kernel_detail::is_bfloat16_layout<T>) {
        // bfloat16 is float's top half; a NaN becomes the quiet NaN with its sign (no payload), as in decode_to.
        const __m512i bits = _mm512_slli_epi32(h, 16);
        const __mmask16 nan = _mm512_cmpgt_epi32_mask(_mm512_and_si512(bits, set1(0x7FFFFFFFu)), set1(0x7F800000u));
        return _mm512_mask_mov_epi32(bits, nan, _mm512_or_si512(sign, set1(0x7FC00000u)));
    } else {
        // float16, in integer arithmetic (no dependence on MXCSR's DAZ): normal codes rebias the exponent,
        // subnormal ones m * 2^-24 are the exact float of m scaled down by 24 binades.
        const __m512i field = _mm512_and_si512(_mm512_srli_epi32(h, 10), set1(0x1Fu));
        const __m512i fraction = _mm512_and_si512(h, set1(0x3FFu));
        __m512i magnitude = _mm512_or_si512(_mm512_slli_epi32(_mm512_add_epi32(field, set1(112u)), 23),
                                            _mm512_slli_epi32(fraction, 13));
        const __mmask16 top = _mm512_cmpeq_epi32_mask(field, set1(0x1Fu));
        const __mmask16 has_fraction = _mm512_test_epi32_mask(fraction, fraction);
        magnitude = _mm512_mask_mov_epi32(magnitude, top,
                                          _mm512_mask_blend_epi32(has_fraction, set1(0x7F800000u), set1(0x7FC00000u)));
        const __mmask16 low = _mm512_cmpeq_epi32_mask(field, _mm512_setzero_si512());
        const __m512i subnormal =
            _mm512_sub_epi32(_mm512_castps_si512(_mm512_cvtepi32_ps(fraction)), set1(24u << 23));
        magnitude = _mm512_mask_mov_epi32(magnitude, low, _mm512_maskz_mov_epi32(has_fraction, subnormal));
        return _mm512_or_si512(sign, magnitude);
    }
}

// Whether one of 32 codes of a 16-bit format is a NaN: its magnitude above `infinity`, the Inf code.
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 bool has_nan_code(__m512i codes, short infinity) noexcept
{
    return _mm512_cmpgt_epu16_mask(_mm512_and_si512(codes, _mm512_set1_epi16(0x7FFF)), _mm512_set1_epi16(infinity)) != 0;
}

}  // namespace kernel_detail

// float16 -> float by the silicon converter (vcvtph2ps, exact), except that a NaN becomes the quiet NaN with
// its sign and no payload, as the scalar decoder gives. The check for NaN runs once per 32 codes, and only a
// step with one goes through float16_to_float_block's fix.
template <floating_format T>
LOWBIT_TARGET_AVX512 void decode_float16_silicon(const T* in, float* out, std::size_t n)
{
    using namespace kernel_detail;
    const auto* codes = reinterpret_cast<const std::uint16_t*>(in);
    const auto half_codes_at = [codes](std::size_t at) LOWBIT_TARGET_AVX512 {
        return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(codes + at));
    };
    std::size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        if (has_nan_code(_mm512_loadu_si512(codes + i), 0x7C00)) [[unlikely]] {
            _mm512_storeu_si512(out + i, float16_to_float_block(half_codes_at(i)));
            _mm512_storeu_si512(out + i + 16, float16_to_float_block(half_codes_at(i + 16)));
        } else {
            _mm512_storeu_ps(out + i, _mm512_cvt_roundph_ps(half_codes_at(i), _MM_FROUND_NO_EXC));
            _mm512_storeu_ps(out + i + 16, _mm512_cvt_roundph_ps(half_codes_at(i + 16), _MM_FROUND_NO_EXC));
        }
    }
    if (i + 16 <= n) {
        _mm512_storeu_si512(out + i, float16_to_float_block(half_codes_at(i)));
        i += 16;
    }
    if (i < n) {
        const auto mask = static_cast<__mmask16>((1u << (n - i)) - 1u);
        _mm512_mask_storeu_epi32(out + i, mask, float16_to_float_block(_mm256_maskz_loadu_epi16(mask, codes + i)));
    }
}

// bfloat16 -> float: a bfloat16 is its float's top half, so unpacking 32 codes under zero words widens them
// (a qword permute first puts codes 0..15 and 16..31 where the in-lane unpacks take them). A step with a NaN
// code goes through decode16_lanes, which makes it quiet with no payload as the scalar decoder does.
// Returns how many codes it decoded (whole steps of 32).
template <floating_format T>
LOWBIT_TARGET_AVX512 std::size_t decode_bfloat16_steps(const T* in, float* out, std::size_t n)
{
    using namespace kernel_detail;
    const auto* codes = reinterpret_cast<const std::uint16_t*>(in);
    const __m512i order = _mm512_setr_epi64(0, 4, 1, 5, 2, 6, 3, 7);
    const __m512i zero = _mm512_setzero_si512();
    std::size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        const __m512i h = _mm512_loadu_si512(codes + i);
        if (has_nan_code(h, 0x7F80)) [[unlikely]] {
            _mm512_storeu_si512(out + i, decode16_lanes<T>(_mm512_cvtepu16_epi32(_mm512_castsi512_si256(h))));
            _mm512_storeu_si512(out + i + 16, decode16_lanes<T>(_mm512_cvtepu16_epi32(_mm512_extracti64x4_epi64(h, 1))));
        } else {
            const __m512i ordered = _mm512_permutexvar_epi64(order, h);
            _mm512_storeu_si512(out + i, _mm512_unpacklo_epi16(zero, ordered));
            _mm512_storeu_si512(out + i + 16, _mm512_unpackhi_epi16(zero, ordered));
        }
    }
    return i;
}

template <floating_format T>
LOWBIT_TARGET_AVX512 void decode_halves(const T* in, float* out, std::size_t n)
{
    using namespace kernel_detail;
    if constexpr (simd::kernel_detail::is_float16_layout<T>) {
        const simd::kernel_detail::mxcsr_guard quiet_environment;
        if (!simd::kernel_detail::mxcsr_flushes_subnormals()) return decode_float16_silicon<T>(in, out, n);
    }
    const auto* codes = reinterpret_cast<const std::uint16_t*>(in);
    std::size_t i = 0;
    if constexpr (simd::kernel_detail::is_bfloat16_layout<T>) i = decode_bfloat16_steps<T>(in, out, n);
    for (; i + 16 <= n; i += 16) {
        const __m512i h = _mm512_cvtepu16_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(codes + i)));
        _mm512_storeu_si512(out + i, decode16_lanes<T>(h));
    }
    if (i < n) {
        const auto mask = static_cast<__mmask16>((1u << (n - i)) - 1u);
        const __m512i h = _mm512_cvtepu16_epi32(_mm256_maskz_loadu_epi16(mask, codes + i));
        _mm512_mask_storeu_epi32(out + i, mask, decode16_lanes<T>(h));
    }
}

// The kernel for T under a rounding mode, or nullptr where this ISA has none (the caller then uses scalar).
template <floating_format T>
constexpr encode_kernel<T> encode_kernel_for(rounding mode) noexcept
{
    if constexpr (simd::kernel_detail::vector_encodable<T>) {
        switch (mode) {
        case rounding::nearest_even: return &encode<T, rounding::nearest_even>;
        case rounding::nearest_away: return &encode<T, rounding::nearest_away>;
        case rounding::toward_zero: return &encode<T, rounding::toward_zero>;
        case rounding::toward_positive: return &encode<T, rounding::toward_positive>;
        case rounding::toward_negative: return &encode<T, rounding::toward_negative>;
        }
    }
    return nullptr;
}

template <floating_format T>
constexpr decode_kernel<T> decode_kernel_for() noexcept
{
    if constexpr (simd::kernel_detail::high_half_decodable<T>())
        return &decode_bytes<T>;
    else if constexpr (simd::kernel_detail::is_bfloat16_layout<T> || simd::kernel_detail::is_float16_layout<T>)
        return &decode_halves<T>;
    else
        return nullptr;
}

}  // namespace avx512
}  // namespace LOWBIT_SIMD_ABI
}  // namespace simd
}  // namespace lowbit

LOWBIT_SIMD_WARNINGS_POP

#endif  // LOWBIT_SIMD_X86
