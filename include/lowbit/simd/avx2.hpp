// AVX2 bulk kernels: float32 -> every vector_encodable format under every rounding mode and option, and
// the decoders of the 8-bit-or-narrower formats (through float16 with F16C, by nibble lookup, by scaling or
// by gathers from a 256-entry table), bfloat16 and float16.
#pragma once

#include "abi.hpp"

#if LOWBIT_SIMD_X86

#include <cstddef>
#include <cstdint>

#include "../convert.hpp"
#include "../core/options.hpp"
#include "../types/float_format.hpp"
#include "isa.hpp"
#include "kernel_support.hpp"

LOWBIT_SIMD_WARNINGS_PUSH
#include <immintrin.h>

namespace lowbit {
namespace simd {
inline namespace LOWBIT_SIMD_ABI {
namespace avx2 {
namespace kernel_detail {

using simd::kernel_detail::encode_constants;
using simd::kernel_detail::encode_params;

LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX2 __m256i set1(std::uint32_t v) noexcept
{
    return _mm256_set1_epi32(static_cast<int>(v));
}

// `negative` is all ones in negative lanes.
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX2 __m256i by_sign(__m256i negative, const std::uint32_t (&codes)[2]) noexcept
{
    return _mm256_blendv_epi8(set1(codes[0]), set1(codes[1]), negative);
}

// 8 float bit patterns -> 8 codes in 32-bit lanes; the same computation as avx512::encode_lanes.
template <floating_format T, rounding R>
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX2 __m256i encode_lanes(__m256i bits, const encode_constants& c) noexcept
{
    using P = encode_params<T>;
    const __m256i zero = _mm256_setzero_si256();
    const __m256i one = set1(1);
    const __m256i magnitude = _mm256_and_si256(bits, set1(0x7FFFFFFFu));
    const __m256i negative = _mm256_srai_epi32(bits, 31);
    const __m256i field = _mm256_srli_epi32(magnitude, 23);
    const __m256i exponent_field = _mm256_max_epi32(field, one);
    const __m256i emin = set1(static_cast<std::uint32_t>(P::emin_field));
    const __m256i below_normal = _mm256_max_epi32(_mm256_sub_epi32(emin, exponent_field), zero);
    const __m256i binade = _mm256_max_epi32(_mm256_sub_epi32(exponent_field, emin), zero);
    const __m256i dropped =
        _mm256_min_epi32(_mm256_add_epi32(below_normal, set1(static_cast<std::uint32_t>(P::shift))), set1(31));
    const __m256i base = _mm256_slli_epi32(binade, P::m);
    const __m256i implicit = _mm256_slli_epi32(_mm256_min_epi32(field, one), 23);
    const __m256i significand = _mm256_or_si256(_mm256_and_si256(magnitude, set1(0x7FFFFFu)), implicit);
    const __m256i half = _mm256_sllv_epi32(one, _mm256_sub_epi32(dropped, one));

    __m256i increment;
    if constexpr (R == rounding::nearest_even) {
        const __m256i lsb = _mm256_and_si256(_mm256_srlv_epi32(significand, dropped), one);
        increment = _mm256_add_epi32(_mm256_sub_epi32(half, one), lsb);
    } else if constexpr (R == rounding::nearest_away) {
        increment = half;
    } else if constexpr (R == rounding::toward_zero) {
        increment = zero;
    } else {
        const __m256i below = _mm256_sub_epi32(_mm256_add_epi32(half, half), one);
        if constexpr (R == rounding::toward_positive)
            increment = _mm256_andnot_si256(negative, below);
        else
            increment = _mm256_and_si256(negative, below);
    }
    const __m256i code = _mm256_add_epi32(base, _mm256_srlv_epi32(_mm256_add_epi32(significand, increment), dropped));

    const __m256i sign = _mm256_and_si256(negative, set1(P::sign_mask));
    __m256i result = _mm256_or_si256(sign, code);
    if constexpr (!P::negative_zero) result = _mm256_andnot_si256(_mm256_cmpeq_epi32(code, zero), result);
    result = _mm256_blendv_epi8(result, by_sign(negative, c.overflow),
                                _mm256_cmpgt_epi32(code, set1(P::max_code)));

    const __m256i special = _mm256_cmpgt_epi32(magnitude, set1(0x7F7FFFFFu));
    if (!_mm256_testz_si256(special, special)) [[unlikely]] {
        const __m256i infinite = _mm256_cmpeq_epi32(magnitude, set1(0x7F800000u));
        const __m256i nan = _mm256_andnot_si256(infinite, special);
        result = _mm256_blendv_epi8(result, by_sign(negative, c.infinity), infinite);
        __m256i nan_code;
        if (c.nan_payload) {
            const __m256i payload = _mm256_srli_epi32(_mm256_and_si256(magnitude, set1(0x7FFFFFu)), P::shift);
            nan_code = _mm256_or_si256(_mm256_or_si256(sign, set1(P::quiet_nan)), payload);
        } else {
            nan_code = by_sign(negative, c.nan);
        }
        result = _mm256_blendv_epi8(result, nan_code, nan);
    }
    return result;
}

// Magnitude codes with the float's sign moved to T's sign bit (none on a zero code where T has no -0).
template <floating_format T>
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX2 __m256i with_sign(__m256i code, __m256i bits) noexcept
{
    const __m256i sign = _mm256_and_si256(_mm256_srli_epi32(bits, 32 - T::info.total_bits), set1(T::info.sign_mask));
    if constexpr (T::info.has_negative_zero)
        return _mm256_or_si256(code, sign);
    else
        return _mm256_andnot_si256(_mm256_cmpeq_epi32(code, _mm256_setzero_si256()), _mm256_or_si256(code, sign));
}

// The nearest-even shortcut by rebias (simd::kernel_detail::nearest_even_shortcut) on 8 lanes, which the
// 16-bit formats take; a block with a lane it cannot do goes through encode_lanes instead.
template <floating_format T>
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX2 __m256i encode_nearest_even_by_rebias(__m256i bits, const encode_constants& c) noexcept
{
    using S = simd::kernel_detail::nearest_even_shortcut<T>;
    const __m256i magnitude = _mm256_and_si256(bits, set1(0x7FFFFFFFu));
    const __m256i lsb = _mm256_and_si256(_mm256_srli_epi32(magnitude, S::shift), set1(1));
    __m256i code = _mm256_srli_epi32(_mm256_add_epi32(_mm256_add_epi32(magnitude, set1(S::offset)), lsb), S::shift);
    // Signed compare of magnitudes (both below 2^31): lanes below T's smallest normal.
    const __m256i below_normal = _mm256_cmpgt_epi32(set1(S::min_normal_bits), magnitude);
    __m256i outside;
    if constexpr (S::subnormals_by_addition) {
        const __m256 sum = _mm256_add_ps(_mm256_castsi256_ps(magnitude), _mm256_castsi256_ps(set1(S::addend_bits)));
        code = _mm256_blendv_epi8(code, _mm256_sub_epi32(_mm256_castps_si256(sum), set1(S::addend_bits)), below_normal);
        // Signed compares suffice: every code here is below 2^(32 - shift) <= 2^19.
        outside = _mm256_cmpgt_epi32(code, set1(S::max_code));
    } else {
        const __m256i zero = _mm256_cmpeq_epi32(magnitude, _mm256_setzero_si256());
        code = _mm256_andnot_si256(zero, code);
        outside = _mm256_or_si256(_mm256_cmpgt_epi32(code, set1(S::max_code)), _mm256_andnot_si256(zero, below_normal));
    }
    if (!_mm256_testz_si256(outside, outside)) [[unlikely]]
        return encode_lanes<T, rounding::nearest_even>(bits, c);
    return with_sign<T>(code, bits);
}

// binade_addend_shortcut's magnitude codes of 8 lanes from their magnitudes (the float bits without the
// sign), in byte 1 of each lane (the other bytes hold other bits): the sum's shift and add are one vpmaddwd
// (binade_addend_shortcut::code_word_multipliers). Lanes beyond S::limit come out wrong: the caller checks
// the magnitudes. The addend C is 2^E (the clamped magnitude's exponent field alone) times the float
// 2^shift·(1 + K·2^-23) (bits S::addend + (127 << 23)), an exact product, so one FMA forms |x| + C with the
// single rounding of the float add (in place of an integer add and the add: E4M3FN at 4 Ki values 0.51
// against 0.59 us per call, three alternating runs of both builds).
template <floating_format T>
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX2 __m256i binade_code_bytes(__m256i magnitude) noexcept
{
    using S = simd::kernel_detail::binade_addend_shortcut<T>;
    const __m256i exponent =
        _mm256_and_si256(_mm256_max_epi32(magnitude, set1(S::min_exponent_bits)), set1(0x7F800000u));
    const __m256 addend_scale = _mm256_castsi256_ps(set1(S::addend + (127u << 23)));
    const __m256i sum = _mm256_castps_si256(
        _mm256_fmadd_ps(_mm256_castsi256_ps(exponent), addend_scale, _mm256_castsi256_ps(magnitude)));
    return _mm256_madd_epi16(sum, set1(S::code_word_multipliers(0)));
}

// The same as whole lanes (at most 7 bits).
template <floating_format T>
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX2 __m256i binade_magnitude_codes(__m256i magnitude) noexcept
{
    using S = simd::kernel_detail::binade_addend_shortcut<T>;
    return _mm256_and_si256(_mm256_srli_epi32(binade_code_bytes<T>(magnitude), 8), set1(S::magnitude_mask));
}

// The nearest-even shortcut on 8 lanes: by simd::kernel_detail::binade_addend_shortcut for the formats of at
// most 8 bits, else by encode_nearest_even_by_rebias; a block with a lane beyond it goes through encode_lanes.
// Both add floats, which round as MXCSR says: the caller checks that MXCSR rounds to nearest
// (mxcsr_rounds_to_nearest) before taking this path.
template <floating_format T>
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX2 __m256i encode_nearest_even_lanes(__m256i bits, const encode_constants& c) noexcept
{
    if constexpr (simd::kernel_detail::binade_addend_shortcut<T>::applies) {
        const __m256i magnitude = _mm256_and_si256(bits, set1(0x7FFFFFFFu));
        // Signed compare of magnitudes (both below 2^31).
        const __m256i beyond =
            _mm256_cmpgt_epi32(magnitude, set1(simd::kernel_detail::binade_addend_shortcut<T>::limit));
        if (!_mm256_testz_si256(beyond, beyond)) [[unlikely]]
            return encode_lanes<T, rounding::nearest_even>(bits, c);
        return with_sign<T>(binade_magnitude_codes<T>(magnitude), bits);
    } else if constexpr (simd::kernel_detail::nearest_even_shortcut<T>::applies) {
        return encode_nearest_even_by_rebias<T>(bits, c);
    } else {
        return encode_lanes<T, rounding::nearest_even>(bits, c);
    }
}

template <floating_format T, rounding R, bool Shortcut>
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX2 __m256i encode_block(__m256i bits, const encode_constants& c) noexcept
{
    if constexpr (R == rounding::nearest_even && Shortcut)
        return encode_nearest_even_lanes<T>(bits, c);
    else
        return encode_lanes<T, R>(bits, c);
}

LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX2 __m256i load8(const float* p) noexcept
{
    return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
}

// 32 floats -> their codes as 32 bytes in element order (formats of at most 8 bits). Two rounds of
// unsigned-saturating packs narrow the codes (they keep valid codes unchanged) and interleave the four
// groups of four codes of each 128-bit lane, which one dword permute undoes. Under the nearest-even shortcut
// the codes are byte 1 of their lanes instead, gathered by pshufb into the same interleave (the four codes
// of vector v in dword v of each 128-bit lane, by one shuffle repeating them in every dword and blends),
// and the signs skip the per-lane work: signed-saturating packs of the floats themselves keep each sign in
// bit 7 of its byte, which is then ORed onto the magnitudes once per 32 codes.
template <floating_format T, rounding R, bool Shortcut>
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX2 __m256i encode_bytes(const float* in, const encode_constants& c) noexcept
{
    static_assert(T::info.total_bits <= 8);
    const __m256i x0 = load8(in), x1 = load8(in + 8), x2 = load8(in + 16), x3 = load8(in + 24);
    const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
    if constexpr (R == rounding::nearest_even && Shortcut && simd::kernel_detail::binade_addend_shortcut<T>::applies) {
        using S = simd::kernel_detail::binade_addend_shortcut<T>;
        const __m256i sign_off = set1(0x7FFFFFFFu);
        const __m256i a0 = _mm256_and_si256(x0, sign_off), a1 = _mm256_and_si256(x1, sign_off);
        const __m256i a2 = _mm256_and_si256(x2, sign_off), a3 = _mm256_and_si256(x3, sign_off);
        // One compare of the largest of the 32 magnitudes (signed: all below 2^31).
        const __m256i largest = _mm256_max_epi32(_mm256_max_epi32(a0, a1), _mm256_max_epi32(a2, a3));
        const __m256i beyond = _mm256_cmpgt_epi32(largest, set1(S::limit));
        if (_mm256_testz_si256(beyond, beyond)) [[likely]] {
            const __m256i byte1 = _mm256_setr_epi8(1, 5, 9, 13, 1, 5, 9, 13, 1, 5, 9, 13, 1, 5, 9, 13,  //
                                                   1, 5, 9, 13, 1, 5, 9, 13, 1, 5, 9, 13, 1, 5, 9, 13);
            const __m256i m0 = _mm256_shuffle_epi8(binade_code_bytes<T>(a0), byte1);
            const __m256i m1 = _mm256_shuffle_epi8(binade_code_bytes<T>(a1), byte1);
            const __m256i m2 = _mm256_shuffle_epi8(binade_code_bytes<T>(a2), byte1);
            const __m256i m3 = _mm256_shuffle_epi8(binade_code_bytes<T>(a3), byte1);
            const __m256i magnitudes =
                _mm256_blend_epi32(_mm256_blend_epi32(m0, m1, 0x22), _mm256_blend_epi32(m2, m3, 0x88), 0xCC);
            __m256i signs = _mm256_and_si256(_mm256_packs_epi16(_mm256_packs_epi32(x0, x1), _mm256_packs_epi32(x2, x3)),
                                             _mm256_set1_epi8(static_cast<char>(0x80)));
            // Bit 7 down to T's sign bit; a word shift moves it within its own byte.
            if constexpr (S::sign_shift > 24) signs = _mm256_srli_epi16(signs, S::sign_shift - 24);
            __m256i codes = _mm256_or_si256(magnitudes, signs);
            if constexpr (!S::negative_zero)
                codes = _mm256_andnot_si256(_mm256_cmpeq_epi8(magnitudes, _mm256_setzero_si256()), codes);
            return _mm256_permutevar8x32_epi32(codes, order);
        }
    }
    const __m256i a = encode_block<T, R, Shortcut>(x0, c);
    const __m256i b = encode_block<T, R, Shortcut>(x1, c);
    const __m256i d = encode_block<T, R, Shortcut>(x2, c);
    const __m256i e = encode_block<T, R, Shortcut>(x3, c);
    return _mm256_permutevar8x32_epi32(_mm256_packus_epi16(_mm256_packus_epi32(a, b), _mm256_packus_epi32(d, e)), order);
}

}  // namespace kernel_detail

// `Shortcut`: whether nearest-even may take the shortcut lanes (MXCSR rounds to nearest).
template <floating_format T, rounding R, bool Shortcut = true>
LOWBIT_TARGET_AVX2 void encode_general(const float* in, T* out, std::size_t n, const conversion_options& options)
{
    using namespace kernel_detail;
    const encode_constants c = simd::kernel_detail::make_encode_constants<T>(options);
    std::size_t i = 0;
    if constexpr (sizeof(T) == 1) {
        for (; i + 32 <= n; i += 32)
            _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i), encode_bytes<T, R, Shortcut>(in + i, c));
    } else {
        for (; i + 16 <= n; i += 16) {
            const __m256i a = encode_block<T, R, Shortcut>(load8(in + i), c);
            const __m256i b = encode_block<T, R, Shortcut>(load8(in + i + 8), c);
            const __m256i words = _mm256_permute4x64_epi64(_mm256_packus_epi32(a, b), 0xD8);
            _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i), words);
        }
    }
    // The tail (fewer than one block) through a zero-padded block, so it runs the same vector code.
    if (i < n) {
        alignas(32) float block_in[32] = {};
        alignas(32) T block_out[32];
        const std::size_t left = n - i;
        for (std::size_t k = 0; k < left; ++k) block_in[k] = in[i + k];
        encode_general<T, R, Shortcut>(block_in, block_out, sizeof(T) == 1 ? 32 : 16, options);
        for (std::size_t k = 0; k < left; ++k) out[i + k] = block_out[k];
    }
}

// float16 under nearest-even with F16C: as avx512::encode_float16_silicon, 8 lanes at a time.
template <floating_format T>
LOWBIT_TARGET_AVX2_F16C void encode_float16_silicon(const float* in, T* out, std::size_t n,
                                                   const conversion_options& options)
{
    using namespace kernel_detail;
    const encode_constants c = simd::kernel_detail::make_encode_constants<T>(options);
    auto* codes = reinterpret_cast<std::uint16_t*>(out);
    const __m128i exponent = _mm_set1_epi16(0x7C00);
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256i bits = load8(in + i);
        __m128i halves = _mm256_cvtps_ph(_mm256_castsi256_ps(bits), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
        if (_mm_movemask_epi8(_mm_cmpeq_epi16(_mm_and_si128(halves, exponent), exponent)) != 0) [[unlikely]] {
            const __m256i general = encode_lanes<T, rounding::nearest_even>(bits, c);
            halves = _mm_packus_epi32(_mm256_castsi256_si128(general), _mm256_extracti128_si256(general, 1));
        }
        _mm_storeu_si128(reinterpret_cast<__m128i*>(codes + i), halves);
    }
    if (i < n) encode_general<T, rounding::nearest_even, false>(in + i, out + i, n - i, options);
}

namespace kernel_detail {

// 8 floats -> bfloat16 codes under nearest-even: the top half of the float rounded by one integer addition
// (half an ulp minus one, plus the kept lsb), exact for every finite float, subnormals included, because
// bfloat16 has float's exponent range. A block with a lane that rounds to Inf, or is Inf or NaN (what the
// overflow and NaN options decide), goes through encode_lanes.
template <floating_format T>
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX2 __m256i bfloat16_lanes(__m256i bits, const encode_constants& c) noexcept
{
    // The largest magnitude that rounds to a finite bfloat16 (just below the midpoint to Inf).
    const __m256i beyond = _mm256_cmpgt_epi32(_mm256_and_si256(bits, set1(0x7FFFFFFFu)), set1(0x7F7F7FFFu));
    if (!_mm256_testz_si256(beyond, beyond)) [[unlikely]]
        return encode_lanes<T, rounding::nearest_even>(bits, c);
    const __m256i lsb = _mm256_and_si256(_mm256_srli_epi32(bits, 16), set1(1));
    return _mm256_srli_epi32(_mm256_add_epi32(_mm256_add_epi32(bits, set1(0x7FFFu)), lsb), 16);
}

}  // namespace kernel_detail

// bfloat16 under nearest-even without a bfloat16 instruction (AVX2 has none): kernel_detail::bfloat16_lanes.
// Integer arithmetic only, so MXCSR's rounding, DAZ and FTZ do not matter.
template <floating_format T>
LOWBIT_TARGET_AVX2 void encode_bfloat16_by_addition(const float* in, T* out, std::size_t n,
                                                    const conversion_options& options)
{
    using namespace kernel_detail;
    const encode_constants c = simd::kernel_detail::make_encode_constants<T>(options);
    auto* codes = reinterpret_cast<std::uint16_t*>(out);
    std::size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m256i words =
            _mm256_packus_epi32(bfloat16_lanes<T>(load8(in + i), c), bfloat16_lanes<T>(load8(in + i + 8), c));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(codes + i), _mm256_permute4x64_epi64(words, 0xD8));
    }
    if (i < n) encode_general<T, rounding::nearest_even, false>(in + i, out + i, n - i, options);
}

template <floating_format T, rounding R>
LOWBIT_TARGET_AVX2 void encode(const float* in, T* out, std::size_t n, const conversion_options& options)
{
    const simd::kernel_detail::mxcsr_guard quiet_environment;
    if constexpr (R == rounding::nearest_even && simd::kernel_detail::is_float16_layout<T>) {
        if (has_f16c() && !simd::kernel_detail::mxcsr_flushes_subnormals()) return encode_float16_silicon<T>(in, out, n, options);
    }
    if constexpr (R == rounding::nearest_even && simd::kernel_detail::is_bfloat16_layout<T>) {
        return encode_bfloat16_by_addition<T>(in, out, n, options);
    }
    if constexpr (R == rounding::nearest_even) {
        if (!simd::kernel_detail::mxcsr_rounds_to_nearest()) return encode_general<T, R, false>(in, out, n, options);
    }
    encode_general<T, R>(in, out, n, options);
}

// Codes of a format of 8 bits or fewer -> float by one multiplication per lane (decodes_by_scaling). A float
// subnormal is an operand, so MXCSR's DAZ must be clear (the caller checks); the product is exact, so the
// rounding mode does not matter. A block of 32 with an Inf or NaN code is redone from the table.
template <floating_format T>
LOWBIT_TARGET_AVX2 void decode_bytes_by_scaling(const T* in, float* out, std::size_t n)
{
    constexpr auto& info = T::info;
    const auto* table = simd::kernel_detail::byte_decode_table<T>.data();
    const auto* codes = reinterpret_cast<const std::uint8_t*>(in);
    const __m256 scale = _mm256_castsi256_ps(kernel_detail::set1(static_cast<std::uint32_t>(254 - info.bias) << 23));
    const __m256i magnitude_mask = kernel_detail::set1(info.magnitude_mask);
    const __m256i max_code = kernel_detail::set1(info.max_magnitude_code);
    const __m256i sign_bit = kernel_detail::set1(0x80000000u);
    std::size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        __m256i special = _mm256_setzero_si256();
        for (std::size_t k = 0; k < 32; k += 8) {
            const __m256i c = _mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(codes + i + k)));
            const __m256i magnitude = _mm256_and_si256(c, magnitude_mask);
            special = _mm256_or_si256(special, _mm256_cmpgt_epi32(magnitude, max_code));
            const __m256 value = _mm256_mul_ps(
                _mm256_castsi256_ps(_mm256_slli_epi32(magnitude, 23 - info.mantissa_bits)), scale);
            const __m256i sign = _mm256_and_si256(_mm256_slli_epi32(c, 32 - info.total_bits), sign_bit);
            _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i + k),
                                _mm256_or_si256(_mm256_castps_si256(value), sign));
        }
        if (!_mm256_testz_si256(special, special)) [[unlikely]]
            for (std::size_t k = 0; k < 32; ++k) out[i + k] = std::bit_cast<float>(table[codes[i + k]]);
    }
    for (; i < n; ++i) out[i] = std::bit_cast<float>(table[codes[i]]);
}

namespace kernel_detail {

// float16 bits -> the bits of the same value as float (what vcvtph2ps gives for every non-NaN input),
// computed without float16 hardware so the compile-time proof below does not depend on the code it checks.
constexpr std::uint32_t float_bits_of_half(std::uint16_t h) noexcept
{
    const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000u) << 16;
    const std::uint32_t field = (h >> 10) & 0x1Fu;
    const std::uint32_t fraction = h & 0x3FFu;
    if (field == 0x1Fu) return sign | 0x7F800000u | (fraction << 13);
    if (field != 0) return sign | ((field + 112u) << 23) | (fraction << 13);
    // Subnormal: fraction * 2^-24, exact in float (at most 10 significant bits).
    return sign | std::bit_cast<std::uint32_t>(static_cast<float>(fraction) * 0x1p-24f);
}

// The float16 route of the decoders of signed formats of 8 bits or fewer (the byte decoder here, the packed
// FP6 decoder in packing_avx2.hpp): a magnitude (E exponent and M fraction bits, bias B) shifted left by
// 10 - M sits in float16's layout and is, read as float16, value * 2^(B - 15), subnormals included, since
// float16's subnormals have the same spacing relative to its bias. The code sign-extended to 16 bits and
// shifted left by 10 - M gives exactly that, with the sign in bit 15 and copies of it between the magnitude
// and bit 15, which `mask` clears (none for an 8-bit code with M = 2). vcvtph2ps then one exact
// multiplication by 2^(15 - B) (none for B = 15) give the float.
template <floating_format T>
struct half_route {
    static constexpr int shift = 10 - T::info.mantissa_bits;
    static constexpr std::uint32_t mask = (0x8000u | (T::info.magnitude_mask << shift)) & 0xFFFFu;
    static constexpr bool needs_mask = ((0xFFFFu << shift) & 0xFFFFu) != mask;
    static constexpr int scale_exponent = 15 - T::info.bias;
    static constexpr bool needs_scale = scale_exponent != 0;
    static constexpr float scale = std::bit_cast<float>(static_cast<std::uint32_t>(127 + scale_exponent) << 23);
    // Whether any magnitude is Inf or NaN: the kernels redo those blocks from the table (or do not apply).
    static constexpr bool has_specials = T::info.max_magnitude_code < T::info.magnitude_mask;

    // The float16 bits the kernels build for a code, by the same steps (sign extension, shift, mask).
    static constexpr std::uint16_t half_bits(std::uint32_t code) noexcept
    {
        std::uint32_t extended = code & T::info.magnitude_mask;
        if ((code & T::info.sign_mask) != 0) extended |= ~T::info.magnitude_mask;
        return static_cast<std::uint16_t>((extended << shift) & mask);
    }
};

// 32 float16 values (four groups of 8, in element order) -> floats at out[0..31], each times `scale` if
// Scaled (a power of two: exact, whatever MXCSR's rounding).
template <bool Scaled>
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX2_F16C void store_halves_as_floats(__m128i halves, __m256 scale, float* out) noexcept
{
    __m256 v = _mm256_cvtph_ps(halves);
    if constexpr (Scaled) v = _mm256_mul_ps(v, scale);
    _mm256_storeu_ps(out, v);
}

// (Four named arguments, not an array: an array of vectors in a loop was left in memory by GCC.)
template <bool Scaled>
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX2_F16C void store_halves_as_floats(__m128i h0, __m128i h1, __m128i h2, __m128i h3,
                                                                     __m256 scale, float* out) noexcept
{
    store_halves_as_floats<Scaled>(h0, scale, out);
    store_halves_as_floats<Scaled>(h1, scale, out + 8);
    store_halves_as_floats<Scaled>(h2, scale, out + 16);
    store_halves_as_floats<Scaled>(h3, scale, out + 24);
}

// Whether half_route decodes T: checked for every finite code against byte_decode_table<T>, so a kernel
// relying on it cannot disagree with the scalar decoder. The products must be normal floats (or zero), which
// makes the multiplication exact under any MXCSR rounding mode. Signed formats whose top bit is the sign
// only (FNUZ formats fail: their negative zero code is NaN).
template <floating_format T>
constexpr bool half_route_exact() noexcept
{
    if constexpr (simd::kernel_detail::table_decodable<T>() && T::info.is_signed &&
                  T::info.sign_mask == (std::uint32_t{1} << (T::info.total_bits - 1)) &&
                  T::info.mantissa_bits >= 2 && T::info.mantissa_bits <= 9 && T::info.bias >= -112 &&
                  T::info.bias <= 141) {
        using H = half_route<T>;
        for (std::uint32_t c = 0; c < (std::uint32_t{1} << T::info.total_bits); ++c) {
            if ((c & T::info.magnitude_mask) > T::info.max_magnitude_code) continue;
            const std::uint16_t h = H::half_bits(c);
            if ((h & 0x7C00u) == 0x7C00u) return false;
            const float value = std::bit_cast<float>(float_bits_of_half(h)) * H::scale;
            const auto bits = std::bit_cast<std::uint32_t>(value);
            if ((bits & 0x7F800000u) == 0 && (bits & 0x7FFFFFFFu) != 0) return false;
            if (bits != simd::kernel_detail::byte_decode_table<T>[c]) return false;
        }
        return true;
    } else {
        return false;
    }
}

// The byte decoder's float16 route is for 8-bit codes (narrower ones keep decode_bytes_by_scaling or the
// nibble lookup).
template <floating_format T>
constexpr bool decodes_by_halves() noexcept
{
    if constexpr (T::info.total_bits == 8)
        return half_route_exact<T>();
    else
        return false;
}

// Whether a 4-bit format decodes by nibble lookup: its values have zero low 16 bits, so the float's bytes 2
// and 3 come from two 16-entry pshufb tables (the table repeats every 16 entries, so the byte's low nibble
// is the whole index, Inf and NaN codes included). No float arithmetic: MXCSR plays no part.
template <floating_format T>
constexpr bool decodes_by_nibble_lookup() noexcept
{
    if constexpr (simd::kernel_detail::table_decodable<T>() && T::info.total_bits == 4)
        return simd::kernel_detail::high_half_decodable<T>();
    else
        return false;
}

}  // namespace kernel_detail

// Codes of an 8-bit format -> float through float16 (kernel_detail::half_route). vcvtph2ps reads float16
// subnormals, so the caller checks that MXCSR does not flush them (and that the CPU has F16C); the product
// is exact, so the rounding mode does not matter. A block of 32 with an Inf or NaN code is redone from the
// table.
template <floating_format T>
LOWBIT_TARGET_AVX2_F16C void decode_bytes_by_halves(const T* in, float* out, std::size_t n)
{
    static_assert(kernel_detail::decodes_by_halves<T>(), "avx2::decode_bytes_by_halves: T fails decodes_by_halves");
    using H = kernel_detail::half_route<T>;
    constexpr auto& info = T::info;
    const auto* table = simd::kernel_detail::byte_decode_table<T>.data();
    const auto* codes = reinterpret_cast<const std::uint8_t*>(in);
    const __m256 scale = _mm256_set1_ps(H::scale);
    const __m256i mask = _mm256_set1_epi16(static_cast<short>(H::mask));
    const __m256i magnitude_mask = _mm256_set1_epi8(static_cast<char>(info.magnitude_mask));
    const __m256i max_code = _mm256_set1_epi8(static_cast<char>(info.max_magnitude_code));
    const __m256i zero = _mm256_setzero_si256();
    std::size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        const __m256i c = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(codes + i));
        // Unpacking under zero bytes gives code << 8 in 16-bit lanes, an arithmetic shift right by 8 - shift
        // then gives the sign-extended code << shift (half_route::half_bits). The unpacks stay within 128-bit
        // lanes: the low one holds codes 0..7 and 16..23, the high one 8..15 and 24..31, and each 128-bit
        // half goes to its own place in `out`, so no lane-crossing permute is needed (fewer uops than the
        // alternatives measured: 128-bit loads and unpacks, vpmovsxbw with vextracti128, vpermq first).
        __m256i lo = _mm256_unpacklo_epi8(zero, c);
        __m256i hi = _mm256_unpackhi_epi8(zero, c);
        if constexpr (H::shift != 8) {
            lo = _mm256_srai_epi16(lo, 8 - H::shift);
            hi = _mm256_srai_epi16(hi, 8 - H::shift);
        }
        if constexpr (H::needs_mask) {
            lo = _mm256_and_si256(lo, mask);
            hi = _mm256_and_si256(hi, mask);
        }
        kernel_detail::store_halves_as_floats<H::needs_scale>(_mm256_castsi256_si128(lo), _mm256_castsi256_si128(hi),
                                                              _mm256_extracti128_si256(lo, 1),
                                                              _mm256_extracti128_si256(hi, 1), scale, out + i);
        if constexpr (H::has_specials) {
            // Signed byte compare: magnitudes are below 0x80.
            const __m256i special = _mm256_cmpgt_epi8(_mm256_and_si256(c, magnitude_mask), max_code);
            if (_mm256_movemask_epi8(special) != 0) [[unlikely]]
                for (std::size_t k = 0; k < 32; ++k) out[i + k] = std::bit_cast<float>(table[codes[i + k]]);
        }
    }
    for (; i < n; ++i) out[i] = std::bit_cast<float>(table[codes[i]]);
}

// Codes of a 4-bit format -> float by nibble lookup (kernel_detail::decodes_by_nibble_lookup). The codes'
// dwords are first permuted so that in-lane unpacks (plane bytes to words, then words under two zero bytes)
// leave the floats in element order: register dword 4L + k holds code dword 2k + L.
template <floating_format T>
LOWBIT_TARGET_AVX2 void decode_nibbles(const T* in, float* out, std::size_t n)
{
    const auto* table = simd::kernel_detail::byte_decode_table<T>.data();
    const auto* codes = reinterpret_cast<const std::uint8_t*>(in);
    const __m256i lo_plane = _mm256_broadcastsi128_si256(
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(simd::kernel_detail::byte_plane<T, 2>.data())));
    const __m256i hi_plane = _mm256_broadcastsi128_si256(
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(simd::kernel_detail::byte_plane<T, 3>.data())));
    const __m256i order = _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7);
    const __m256i nibble = _mm256_set1_epi8(0x0F);
    const __m256i zero = _mm256_setzero_si256();
    std::size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        const __m256i c = _mm256_and_si256(
            _mm256_permutevar8x32_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(codes + i)), order), nibble);
        const __m256i lo = _mm256_shuffle_epi8(lo_plane, c);
        const __m256i hi = _mm256_shuffle_epi8(hi_plane, c);
        const __m256i w0 = _mm256_unpacklo_epi8(lo, hi);
        const __m256i w1 = _mm256_unpackhi_epi8(lo, hi);
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i), _mm256_unpacklo_epi16(zero, w0));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i + 8), _mm256_unpackhi_epi16(zero, w0));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i + 16), _mm256_unpacklo_epi16(zero, w1));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i + 24), _mm256_unpackhi_epi16(zero, w1));
    }
    for (; i < n; ++i) out[i] = std::bit_cast<float>(table[codes[i]]);
}

// Codes of a format of 8 bits or fewer -> float. In order of preference: FP4 by nibble lookup; 8-bit
// formats through float16 (F16C); by scaling; by gathers from a 256-entry table. The float routes need
// MXCSR not to flush subnormals.
template <floating_format T>
LOWBIT_TARGET_AVX2 void decode_bytes(const T* in, float* out, std::size_t n)
{
    if constexpr (kernel_detail::decodes_by_nibble_lookup<T>()) {
        return decode_nibbles<T>(in, out, n);
    } else if constexpr (kernel_detail::decodes_by_halves<T>() || simd::kernel_detail::decodes_by_scaling<T>()) {
        const simd::kernel_detail::mxcsr_guard quiet_environment;
        if (!simd::kernel_detail::mxcsr_flushes_subnormals()) {
            if constexpr (kernel_detail::decodes_by_halves<T>())
                if (has_f16c()) return decode_bytes_by_halves<T>(in, out, n);
            if constexpr (simd::kernel_detail::decodes_by_scaling<T>()) return decode_bytes_by_scaling<T>(in, out, n);
        }
    }
    const auto* table = reinterpret_cast<const int*>(simd::kernel_detail::byte_decode_table<T>.data());
    const auto* codes = reinterpret_cast<const std::uint8_t*>(in);
    std::size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(codes + i));
        const __m256i a = _mm256_i32gather_epi32(table, _mm256_cvtepu8_epi32(bytes), 4);
        const __m256i b = _mm256_i32gather_epi32(table, _mm256_cvtepu8_epi32(_mm_srli_si128(bytes, 8)), 4);
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i), a);
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i + 8), b);
    }
    for (; i < n; ++i) out[i] = std::bit_cast<float>(table[codes[i]]);
}

namespace kernel_detail {

template <floating_format T>
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX2 __m256i decode16_lanes(__m256i h) noexcept
{
    const __m256i sign = _mm256_slli_epi32(_mm256_and_si256(h, set1(0x8000u)), 16);
    if constexpr (simd::kernel_detail::is_bfloat16_layout<T>) {
        const __m256i bits = _mm256_slli_epi32(h, 16);
        const __m256i nan = _mm256_cmpgt_epi32(_mm256_and_si256(bits, set1(0x7FFFFFFFu)), set1(0x7F800000u));
        return _mm256_blendv_epi8(bits, _mm256_or_si256(sign, set1(0x7FC00000u)), nan);
    } else {
        const __m256i zero = _mm256_setzero_si256();
        const __m256i field = _mm256_and_si256(_mm256_srli_epi32(h, 10), set1(0x1Fu));
        const __m256i fraction = _mm256_and_si256(h, set1(0x3FFu));
        __m256i magnitude = _mm256_or_si256(_mm256_slli_epi32(_mm256_add_epi32(field, set1(112u)), 23),
                                            _mm256_slli_epi32(fraction, 13));
        const __m256i no_fraction = _mm256_cmpeq_epi32(fraction, zero);
        const __m256i special = _mm256_blendv_epi8(set1(0x7FC00000u), set1(0x7F800000u), no_fraction);
        magnitude = _mm256_blendv_epi8(magnitude, special, _mm256_cmpeq_epi32(field, set1(0x1Fu)));
        const __m256i subnormal = _mm256_andnot_si256(
            no_fraction, _mm256_sub_epi32(_mm256_castps_si256(_mm256_cvtepi32_ps(fraction)), set1(24u << 23)));
        magnitude = _mm256_blendv_epi8(magnitude, subnormal, _mm256_cmpeq_epi32(field, zero));
        return _mm256_or_si256(sign, magnitude);
    }
}

// 8 float16 codes -> floats by vcvtph2ps, a NaN made quiet with its sign and no payload as in the scalar
// decoder.
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX2_F16C __m256i float16_to_float_block(__m128i h) noexcept
{
    __m256i bits = _mm256_castps_si256(_mm256_cvtph_ps(h));
    const __m128i nan = _mm_cmpgt_epi16(_mm_and_si128(h, _mm_set1_epi16(0x7FFF)), _mm_set1_epi16(0x7C00));
    if (_mm_movemask_epi8(nan) != 0) [[unlikely]] {
        const __m256i quiet = _mm256_or_si256(_mm256_and_si256(bits, set1(0x80000000u)), set1(0x7FC00000u));
        bits = _mm256_blendv_epi8(bits, quiet, _mm256_cvtepi16_epi32(nan));
    }
    return bits;
}

// Whether one of 32 codes of a 16-bit format (two vectors) is a NaN: the larger magnitude of each pair
// above `infinity`, the Inf code (signed word operations: magnitudes are below 0x8000).
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX2 bool has_nan_code(__m256i a, __m256i b, short infinity) noexcept
{
    const __m256i magnitude = _mm256_set1_epi16(0x7FFF);
    const __m256i larger = _mm256_max_epi16(_mm256_and_si256(a, magnitude), _mm256_and_si256(b, magnitude));
    const __m256i nan = _mm256_cmpgt_epi16(larger, _mm256_set1_epi16(infinity));
    return !_mm256_testz_si256(nan, nan);
}

}  // namespace kernel_detail

// float16 -> float with F16C. NaNs are made quiet with their sign and no payload as in the scalar decoder;
// the check for them runs once per 32 codes, and only a step with a NaN goes through
// float16_to_float_block's blend.
template <floating_format T>
LOWBIT_TARGET_AVX2_F16C void decode_float16_silicon(const T* in, float* out, std::size_t n)
{
    using namespace kernel_detail;
    const auto* codes = reinterpret_cast<const std::uint16_t*>(in);
    const auto half_codes_at = [codes](std::size_t at) {
        return _mm_loadu_si128(reinterpret_cast<const __m128i*>(codes + at));
    };
    std::size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        const bool nan = has_nan_code(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(codes + i)),
                                      _mm256_loadu_si256(reinterpret_cast<const __m256i*>(codes + i + 16)), 0x7C00);
        if (nan) [[unlikely]] {
            for (std::size_t k = 0; k < 32; k += 8)
                _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i + k), float16_to_float_block(half_codes_at(i + k)));
        } else {
            for (std::size_t k = 0; k < 32; k += 8) _mm256_storeu_ps(out + i + k, _mm256_cvtph_ps(half_codes_at(i + k)));
        }
    }
    for (; i + 8 <= n; i += 8)
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i), float16_to_float_block(half_codes_at(i)));
    for (; i < n; ++i) out[i] = static_cast<float>(in[i]);
}

// bfloat16 -> float: a bfloat16 is its float's top half, so unpacking codes under zero words widens them (a
// qword permute first puts codes 0..7 and 8..15 of a vector where the in-lane unpacks take them). A step
// with a NaN code goes through decode16_lanes, which makes it quiet with no payload as the scalar decoder
// does. Returns how many codes it decoded (whole steps of 32).
template <floating_format T>
LOWBIT_TARGET_AVX2 std::size_t decode_bfloat16_steps(const T* in, float* out, std::size_t n)
{
    using namespace kernel_detail;
    const auto* codes = reinterpret_cast<const std::uint16_t*>(in);
    const __m256i zero = _mm256_setzero_si256();
    std::size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        const __m256i h[2] = {_mm256_loadu_si256(reinterpret_cast<const __m256i*>(codes + i)),
                              _mm256_loadu_si256(reinterpret_cast<const __m256i*>(codes + i + 16))};
        if (has_nan_code(h[0], h[1], 0x7F80)) [[unlikely]] {
            for (std::size_t k = 0; k < 2; ++k) {
                float* to = out + i + 16 * k;
                _mm256_storeu_si256(reinterpret_cast<__m256i*>(to), decode16_lanes<T>(_mm256_cvtepu16_epi32(_mm256_castsi256_si128(h[k]))));
                _mm256_storeu_si256(reinterpret_cast<__m256i*>(to + 8),
                                    decode16_lanes<T>(_mm256_cvtepu16_epi32(_mm256_extracti128_si256(h[k], 1))));
            }
        } else {
            for (std::size_t k = 0; k < 2; ++k) {
                float* to = out + i + 16 * k;
                const __m256i ordered = _mm256_permute4x64_epi64(h[k], 0xD8);
                _mm256_storeu_si256(reinterpret_cast<__m256i*>(to), _mm256_unpacklo_epi16(zero, ordered));
                _mm256_storeu_si256(reinterpret_cast<__m256i*>(to + 8), _mm256_unpackhi_epi16(zero, ordered));
            }
        }
    }
    return i;
}

template <floating_format T>
LOWBIT_TARGET_AVX2 void decode_halves(const T* in, float* out, std::size_t n)
{
    using namespace kernel_detail;
    if constexpr (simd::kernel_detail::is_float16_layout<T>) {
        const simd::kernel_detail::mxcsr_guard quiet_environment;
        if (has_f16c() && !simd::kernel_detail::mxcsr_flushes_subnormals()) return decode_float16_silicon<T>(in, out, n);
    }
    const auto* codes = reinterpret_cast<const std::uint16_t*>(in);
    std::size_t i = 0;
    if constexpr (simd::kernel_detail::is_bfloat16_layout<T>) i = decode_bfloat16_steps<T>(in, out, n);
    for (; i + 8 <= n; i += 8) {
        const __m256i h = _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(codes + i)));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i), decode16_lanes<T>(h));
    }
    if (i < n) {
        alignas(16) std::uint16_t block_in[8] = {};
        alignas(32) float block_out[8];
        for (std::size_t k = 0; k < n - i; ++k) block_in[k] = codes[i + k];
        const __m256i h = _mm256_cvtepu16_epi32(_mm_load_si128(reinterpret_cast<const __m128i*>(block_in)));
        _mm256_store_si256(reinterpret_cast<__m256i*>(block_out), decode16_lanes<T>(h));
        for (std::size_t k = 0; k < n - i; ++k) out[i + k] = block_out[k];
    }
}

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
    if constexpr (simd::kernel_detail::table_decodable<T>())
        return &decode_bytes<T>;
    else if constexpr (simd::kernel_detail::is_bfloat16_layout<T> || simd::kernel_detail::is_float16_layout<T>)
        return &decode_halves<T>;
    else
        return nullptr;
}

}  // namespace avx2
}  // namespace LOWBIT_SIMD_ABI
}  // namespace simd
}  // namespace lowbit

LOWBIT_SIMD_WARNINGS_POP

#endif  // LOWBIT_SIMD_X86
