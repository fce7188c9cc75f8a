// The two per-block passes of MX quantization besides the element conversion, as runtime-dispatched vector
// kernels: the largest magnitude of a block (as float32 bits) and the multiplication of a block by a power of
// two where that only moves exponent fields. Both are integer operations on the float bits, so every ISA
// gives the same result and MXCSR plays no part.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>

#include "../simd/abi.hpp"
#include "../simd/isa.hpp"
#include "exact_scaling.hpp"
#include "scale_rules.hpp"

#if LOWBIT_SIMD_X86
LOWBIT_SIMD_WARNINGS_PUSH
#include <immintrin.h>
LOWBIT_SIMD_WARNINGS_POP
#endif

namespace lowbit::mx {
inline namespace LOWBIT_SIMD_ABI {
namespace engine {
namespace kernels {

// Whether x * 2^k only moves x's exponent field: x is ±0, or x and the product are normal float32 values.
constexpr bool shifts_exactly(std::uint32_t bits, int k) noexcept
{
    const std::uint32_t magnitude = bits & detail::float_magnitude_mask;
    const int field = static_cast<int>(magnitude >> 23);
    return magnitude == 0 || (field >= 1 && field <= 254 && field + k >= 1 && field + k <= 254);
}

inline bool all_shift_exactly_scalar(const float* values, std::size_t n, int k) noexcept
{
    bool all = true;
    for (std::size_t i = 0; i < n; ++i) all = all && shifts_exactly(std::bit_cast<std::uint32_t>(values[i]), k);
    return all;
}

// out[i] = in[i] * 2^k for values that shift exactly (check first); `out` may be `in`.
inline void shift_exponents_scalar(const float* in, float* out, std::size_t n, int k) noexcept
{
    const std::uint32_t step = static_cast<std::uint32_t>(k) << 23;
    for (std::size_t i = 0; i < n; ++i) {
        const std::uint32_t bits = std::bit_cast<std::uint32_t>(in[i]);
        out[i] = std::bit_cast<float>((bits & detail::float_magnitude_mask) == 0 ? bits : bits + step);
    }
}

#if LOWBIT_SIMD_X86
// The vector loops take whole vectors and leave the tail (fewer than one vector) to the scalar code.

LOWBIT_TARGET_AVX512 inline std::uint32_t amax_bits_avx512(const float* values, std::size_t n) noexcept
{
    const __m512i magnitude_mask = _mm512_set1_epi32(0x7FFFFFFF);
    __m512i largest = _mm512_setzero_si512();
    std::size_t i = 0;
    for (; i + 16 <= n; i += 16)
        largest = _mm512_max_epu32(largest, _mm512_and_si512(_mm512_loadu_si512(values + i), magnitude_mask));
    // Stored and reduced by hand: GCC 12's _mm512_reduce_max_epu32 trips -Wuninitialized.
    alignas(64) std::uint32_t lanes[16];
    _mm512_store_si512(lanes, largest);
    std::uint32_t result = amax_bits_of(values + i, n - i);
    for (const std::uint32_t lane : lanes) result = lane > result ? lane : result;
    return result;
}

// Lanes that do not shift exactly: nonzero and (field - 1 or field + k - 1 outside [0, 253]).
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 __mmask16 inexact_lanes_avx512(__m512i bits, __m512i k_minus_one) noexcept
{
    const __m512i magnitude = _mm512_and_si512(bits, _mm512_set1_epi32(0x7FFFFFFF));
    const __m512i field = _mm512_srli_epi32(magnitude, 23);
    const __m512i limit = _mm512_set1_epi32(253);
    const __mmask16 field_ok = _mm512_cmple_epu32_mask(_mm512_sub_epi32(field, _mm512_set1_epi32(1)), limit);
    const __mmask16 product_ok = _mm512_cmple_epu32_mask(_mm512_add_epi32(field, k_minus_one), limit);
    return _kandn_mask16(_kand_mask16(field_ok, product_ok), _mm512_test_epi32_mask(magnitude, magnitude));
}

LOWBIT_TARGET_AVX512 inline bool all_shift_exactly_avx512(const float* values, std::size_t n, int k) noexcept
{
    const __m512i k_minus_one = _mm512_set1_epi32(k - 1);
    __mmask16 inexact = 0;
    std::size_t i = 0;
    for (; i + 16 <= n; i += 16)
        inexact = _kor_mask16(inexact, inexact_lanes_avx512(_mm512_loadu_si512(values + i), k_minus_one));
    return inexact == 0 && all_shift_exactly_scalar(values + i, n - i, k);
}

LOWBIT_TARGET_AVX512 inline void shift_exponents_avx512(const float* in, float* out, std::size_t n, int k) noexcept
{
    const __m512i step = _mm512_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(k) << 23));
    const __m512i magnitude_mask = _mm512_set1_epi32(0x7FFFFFFF);
    std::size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m512i bits = _mm512_loadu_si512(in + i);
        const __mmask16 nonzero = _mm512_test_epi32_mask(bits, magnitude_mask);
        _mm512_storeu_si512(out + i, _mm512_mask_add_epi32(bits, nonzero, bits, step));
    }
    shift_exponents_scalar(in + i, out + i, n - i, k);
}

LOWBIT_TARGET_AVX2 inline std::uint32_t amax_bits_avx2(const float* values, std::size_t n) noexcept
{
    const __m256i magnitude_mask = _mm256_set1_epi32(0x7FFFFFFF);
    __m256i largest = _mm256_setzero_si256();
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256i bits = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(values + i));
        largest = _mm256_max_epu32(largest, _mm256_and_si256(bits, magnitude_mask));
    }
    alignas(32) std::uint32_t lanes[8];
    _mm256_store_si256(reinterpret_cast<__m256i*>(lanes), largest);
    std::uint32_t result = amax_bits_of(values + i, n - i);
    for (const std::uint32_t lane : lanes) result = lane > result ? lane : result;
    return result;
}

LOWBIT_TARGET_AVX2 inline bool all_shift_exactly_avx2(const float* values, std::size_t n, int k) noexcept
{
    const __m256i magnitude_mask = _mm256_set1_epi32(0x7FFFFFFF);
    const __m256i one = _mm256_set1_epi32(1);
    const __m256i k_minus_one = _mm256_set1_epi32(k - 1);
    const __m256i limit = _mm256_set1_epi32(253);
    __m256i inexact = _mm256_setzero_si256();
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256i magnitude =
            _mm256_and_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(values + i)), magnitude_mask);
        const __m256i field = _mm256_srli_epi32(magnitude, 23);
        // Unsigned x <= 253 as max_epu32(x, 253) == 253.
        const __m256i field_ok = _mm256_cmpeq_epi32(_mm256_max_epu32(_mm256_sub_epi32(field, one), limit), limit);
        const __m256i product_ok =
            _mm256_cmpeq_epi32(_mm256_max_epu32(_mm256_add_epi32(field, k_minus_one), limit), limit);
        const __m256i zero = _mm256_cmpeq_epi32(magnitude, _mm256_setzero_si256());
        inexact = _mm256_or_si256(inexact, _mm256_andnot_si256(_mm256_or_si256(zero, _mm256_and_si256(field_ok, product_ok)),
                                                               _mm256_set1_epi32(-1)));
    }
    return _mm256_testz_si256(inexact, inexact) && all_shift_exactly_scalar(values + i, n - i, k);
}

LOWBIT_TARGET_AVX2 inline void shift_exponents_avx2(const float* in, float* out, std::size_t n, int k) noexcept
{
    const __m256i step = _mm256_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(k) << 23));
    const __m256i magnitude_mask = _mm256_set1_epi32(0x7FFFFFFF);
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256i bits = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(in + i));
        const __m256i zero = _mm256_cmpeq_epi32(_mm256_and_si256(bits, magnitude_mask), _mm256_setzero_si256());
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i), _mm256_add_epi32(bits, _mm256_andnot_si256(zero, step)));
    }
    shift_exponents_scalar(in + i, out + i, n - i, k);
}
#endif

}  // namespace kernels

// The largest magnitude of values[0, n) as float32 bits (integer maximum: NaN above +Inf above every finite).
inline std::uint32_t amax_bits(const float* values, std::size_t n) noexcept
{
#if LOWBIT_SIMD_X86
    switch (simd::active_isa()) {
    case simd::isa::avx512: return kernels::amax_bits_avx512(values, n);
    case simd::isa::avx2: return kernels::amax_bits_avx2(values, n);
    case simd::isa::scalar: break;
    }
#endif
    return amax_bits_of(values, n);
}

// Whether every value times 2^k only moves its exponent field (see kernels::shifts_exactly).
inline bool all_shift_exactly(const float* values, std::size_t n, int k) noexcept
{
#if LOWBIT_SIMD_X86
    switch (simd::active_isa()) {
    case simd::isa::avx512: return kernels::all_shift_exactly_avx512(values, n, k);
    case simd::isa::avx2: return kernels::all_shift_exactly_avx2(values, n, k);
    case simd::isa::scalar: break;
    }
#endif
    return kernels::all_shift_exactly_scalar(values, n, k);
}

// out[i] = in[i] * 2^k where all_shift_exactly(in, n, k); `out` may be `in`.
inline void shift_exponents(const float* in, float* out, std::size_t n, int k) noexcept
{
#if LOWBIT_SIMD_X86
    switch (simd::active_isa()) {
    case simd::isa::avx512: return kernels::shift_exponents_avx512(in, out, n, k);
    case simd::isa::avx2: return kernels::shift_exponents_avx2(in, out, n, k);
    case simd::isa::scalar: break;
    }
#endif
    kernels::shift_exponents_scalar(in, out, n, k);
}

}  // namespace engine
}  // namespace LOWBIT_SIMD_ABI
}  // namespace lowbit::mx
