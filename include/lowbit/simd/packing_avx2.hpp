// AVX2 packing kernels: 4- and 6-bit codes held one per byte <-> the packed layouts of packing_scalar.hpp,
// 32 codes per step, and packed bytes -> float in one pass. AVX2 has no masked byte stores: the last
// partial step of (un)packing runs the scalar kernel, that of the decoder goes through stack buffers, so no
// byte outside the spans is read or written.
#pragma once

#include "abi.hpp"

#if LOWBIT_SIMD_X86

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "../types/float_format.hpp"
#include "avx2.hpp"
#include "isa.hpp"
#include "kernel_support.hpp"
#include "packing_scalar.hpp"

LOWBIT_SIMD_WARNINGS_PUSH
#include <immintrin.h>

namespace lowbit {
namespace simd {
inline namespace LOWBIT_SIMD_ABI {
namespace avx2 {
namespace packing_detail {

// Packed bytes per full step of 32 codes.
template <int Bits>
inline constexpr std::size_t step_bytes = Bits == 4 ? 16 : 24;

// 32 codes (one per byte, in element order) -> their packed bytes, in the low step_bytes<Bits> bytes.
template <int Bits>
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX2 __m256i pack_step(__m256i codes) noexcept
{
    if constexpr (Bits == 4) {
        // maddubs with multipliers (1, 16) per byte pair: word = even | odd << 4; packus narrows the words.
        const __m256i c = _mm256_and_si256(codes, _mm256_set1_epi8(0x0F));
        const __m256i words = _mm256_maddubs_epi16(c, _mm256_set1_epi16(0x1001));
        return _mm256_castsi128_si256(_mm_packus_epi16(_mm256_castsi256_si128(words), _mm256_extracti128_si256(words, 1)));
    } else {
        // Pairs: a + 64 b (maddubs), then ab + 4096 cd (madd) = the 24-bit word of four codes. pshufb drops
        // every fourth byte within each 128-bit lane (12 bytes per lane), a dword permute joins the lanes.
        const __m256i c = _mm256_and_si256(codes, _mm256_set1_epi8(0x3F));
        const __m256i words =
            _mm256_madd_epi16(_mm256_maddubs_epi16(c, _mm256_set1_epi16(0x4001)), _mm256_set1_epi32(0x10000001));
        const __m256i compact = _mm256_setr_epi8(0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, -1, -1, -1, -1,  //
                                                 0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, -1, -1, -1, -1);
        return _mm256_permutevar8x32_epi32(_mm256_shuffle_epi8(words, compact), _mm256_setr_epi32(0, 1, 2, 4, 5, 6, 3, 7));
    }
}

// Stores exactly step_bytes<Bits> bytes of a pack_step result.
template <int Bits>
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX2 void store_step(std::uint8_t* bytes, __m256i packed) noexcept
{
    _mm_storeu_si128(reinterpret_cast<__m128i*>(bytes), _mm256_castsi256_si128(packed));
    if constexpr (Bits == 6) _mm_storel_epi64(reinterpret_cast<__m128i*>(bytes + 16), _mm256_extracti128_si256(packed, 1));
}

// 16 bytes, repeated in both 128-bit lanes.
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX2 __m256i load_in_both_lanes(const std::uint8_t* p) noexcept
{
    return _mm256_broadcastsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
}

// FP6 groups of three packed bytes b0 b1 b2 (four codes), each spread by pshufb to the dword [b0, b1, b1, b2],
// i.e. the words S = stream bits 0..15 and U = stream bits 8..23, where
//   code 0 = S & 63, code 1 = S >> 6 & 63, code 2 = U >> 4 & 63, code 3 = U >> 10 & 63
// -> the four codes in the dword's bytes 0..3. Word shifts S << 2 and U >> 2 put codes 1 and 3 at bits 8..13
// of their words (the high bytes); one more >> 2 of those words puts codes 0 and 2 at bits 0..5.
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX2 __m256i fp6_codes_from_spread_groups(__m256i words) noexcept
{
    const __m256i high_in_place = _mm256_blend_epi16(_mm256_slli_epi16(words, 2), _mm256_srli_epi16(words, 2), 0xAA);
    return _mm256_or_si256(_mm256_and_si256(high_in_place, _mm256_set1_epi16(0x3F00)),
                           _mm256_and_si256(_mm256_srli_epi16(high_in_place, 2), _mm256_set1_epi16(0x003F)));
}

// step_bytes<Bits> packed bytes -> 32 codes, one per byte, in element order. Reads exactly those bytes.
template <int Bits>
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX2 __m256i unpack_step(const std::uint8_t* bytes) noexcept
{
    if constexpr (Bits == 4) {
        // Each byte widened to a word: low nibble stays in the low byte, high nibble moves to the high byte.
        const __m256i w = _mm256_cvtepu8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes)));
        return _mm256_and_si256(_mm256_or_si256(w, _mm256_slli_epi16(w, 4)), _mm256_set1_epi16(0x0F0F));
    } else {
        // Lane 0 gets bytes 0..15 (groups 0..3 at 0..11), lane 1 bytes 8..23 (groups 4..7 at 4..15): two
        // overlapping loads, no over-read.
        const __m128i first = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes));
        const __m128i second = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes + 8));
        const __m256i raw = _mm256_inserti128_si256(_mm256_castsi128_si256(first), second, 1);
        const __m256i spread = _mm256_setr_epi8(0, 1, 1, 2, 3, 4, 4, 5, 6, 7, 7, 8, 9, 10, 10, 11,  //
                                                4, 5, 5, 6, 7, 8, 8, 9, 10, 11, 11, 12, 13, 14, 14, 15);
        return fp6_codes_from_spread_groups(_mm256_shuffle_epi8(raw, spread));
    }
}

}  // namespace packing_detail

template <int Bits>
LOWBIT_TARGET_AVX2 void pack_codes(const std::uint8_t* codes, std::uint8_t* bytes, std::size_t n) noexcept
{
    using namespace packing_detail;
    std::size_t i = 0;
    std::size_t b = 0;
    for (; i + 32 <= n; i += 32, b += step_bytes<Bits>)
        store_step<Bits>(bytes + b, pack_step<Bits>(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(codes + i))));
    scalar::pack_codes<Bits>(codes + i, bytes + b, n - i);
}

template <int Bits>
LOWBIT_TARGET_AVX2 void unpack_codes(const std::uint8_t* bytes, std::uint8_t* codes, std::size_t n) noexcept
{
    using namespace packing_detail;
    std::size_t i = 0;
    std::size_t b = 0;
    for (; i + 32 <= n; i += 32, b += step_bytes<Bits>)
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(codes + i), unpack_step<Bits>(bytes + b));
    scalar::unpack_codes<Bits>(bytes + b, codes + i, n - i);
}

namespace packing_detail {

// Whether a 6-bit format's top bit is the sign and nothing else (the value of code | 0x20 is the value of
// code with the float's sign set, for all 32 codes): its one-pass decoder then looks up 32 magnitudes,
// two pshufb tables per float byte, and ORs the sign in. True for E2M3 and E3M2.
template <floating_format T>
constexpr bool sign_magnitude_6bit() noexcept
{
    if constexpr (simd::kernel_detail::table_decodable<T>() && T::info.total_bits == 6) {
        for (std::size_t c = 0; c < 32; ++c)
            if (simd::kernel_detail::byte_decode_table<T>[c | 0x20] !=
                (simd::kernel_detail::byte_decode_table<T>[c] | 0x80000000u))
                return false;
        return true;
    } else {
        return false;
    }
}

// The formats decode_packed handles: every value has zero low 16 bits (the lookups give bytes 2 and 3 of
// the float), and the codes index at most two 16-entry tables: any FP4, sign-magnitude FP6.
template <floating_format T>
constexpr bool one_pass_decodable() noexcept
{
    if constexpr (simd::kernel_detail::high_half_decodable<T>())
        return T::info.total_bits == 4 || sign_magnitude_6bit<T>();
    else
        return false;
}

// step_bytes<Bits> packed bytes -> 32 codes in the byte order the widening in decode_step needs: 128-bit
// lane L, dword k holds the group of four codes 8k + 4L .. 8k + 4L + 3.
template <int Bits>
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX2 __m256i unpack_for_widening(const std::uint8_t* bytes) noexcept
{
    if constexpr (Bits == 4) {
        // A group is two packed bytes: lane 0 takes bytes 0, 1, 4, 5, 8, 9, 12, 13 (groups 0, 2, 4, 6),
        // lane 1 the others, each zero-extended to a word by the same pshufb; then as unpack_step.
        const __m256i both = load_in_both_lanes(bytes);
        const __m256i spread = _mm256_setr_epi8(0, -1, 1, -1, 4, -1, 5, -1, 8, -1, 9, -1, 12, -1, 13, -1,  //
                                                2, -1, 3, -1, 6, -1, 7, -1, 10, -1, 11, -1, 14, -1, 15, -1);
        const __m256i w = _mm256_shuffle_epi8(both, spread);
        return _mm256_and_si256(_mm256_or_si256(w, _mm256_slli_epi16(w, 4)), _mm256_set1_epi16(0x0F0F));
    } else {
        // Groups of three bytes: lane 0 takes groups 0, 2, 4, 6 (bytes 0..20), lane 1 groups 1, 3, 5, 7 (bytes
        // 3..23), more than a 16-byte lane each: pshufb from bytes 0..15 and from bytes 8..23 (no over-read),
        // each zeroing what the other supplies, then as unpack_step. No cross-lane permute.
        const __m256i from_first = _mm256_setr_epi8(0, 1, 1, 2, 6, 7, 7, 8, 12, 13, 13, 14, -1, -1, -1, -1,  //
                                                    3, 4, 4, 5, 9, 10, 10, 11, -1, -1, -1, -1, -1, -1, -1, -1);
        const __m256i from_second = _mm256_setr_epi8(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 10, 11, 11, 12,  //
                                                     -1, -1, -1, -1, -1, -1, -1, -1, 7, 8, 8, 9, 13, 14, 14, 15);
        const __m256i words = _mm256_or_si256(_mm256_shuffle_epi8(load_in_both_lanes(bytes), from_first),
                                              _mm256_shuffle_epi8(load_in_both_lanes(bytes + 8), from_second));
        return fp6_codes_from_spread_groups(words);
    }
}

// The pshufb tables of bytes 2 and 3 of the float values of T's codes (magnitudes only for FP6: codes
// 0..15 and 16..31), each repeated in both 128-bit lanes.
struct plane_tables {
    __m256i low[2];
    __m256i high[2];
};

template <floating_format T>
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX2 plane_tables load_plane_tables() noexcept
{
    const std::uint8_t* lo = simd::kernel_detail::byte_plane<T, 2>.data();
    const std::uint8_t* hi = simd::kernel_detail::byte_plane<T, 3>.data();
    return plane_tables{{load_in_both_lanes(lo), load_in_both_lanes(lo + 16)},
                        {load_in_both_lanes(hi), load_in_both_lanes(hi + 16)}};
}

// 32 codes (in unpack_for_widening's order) -> 32 floats at out[0..31].
template <int Bits>
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX2 void decode_step(__m256i codes, const plane_tables& t, float* out) noexcept
{
    __m256i lo;
    __m256i hi;
    if constexpr (Bits == 4) {
        lo = _mm256_shuffle_epi8(t.low[0], codes);
        hi = _mm256_shuffle_epi8(t.high[0], codes);
    } else {
        // pshufb reads index bits 0..3 (bit 7 is clear); bit 4 picks the table, moved to bit 7 for blendv;
        // bit 5, the sign, moved to bit 7 and ORed into the float's top byte.
        const __m256i upper_half = _mm256_slli_epi16(codes, 3);
        lo = _mm256_blendv_epi8(_mm256_shuffle_epi8(t.low[0], codes), _mm256_shuffle_epi8(t.low[1], codes), upper_half);
        hi = _mm256_blendv_epi8(_mm256_shuffle_epi8(t.high[0], codes), _mm256_shuffle_epi8(t.high[1], codes), upper_half);
        const __m256i sign = _mm256_and_si256(_mm256_slli_epi16(codes, 2), _mm256_set1_epi8(static_cast<char>(0x80)));
        hi = _mm256_or_si256(hi, sign);
    }
    // In-lane interleaves: bytes (lo, hi) -> words -> dwords with zero low halves. Lane L of the k-th result
    // holds dword k of the codes' lane L: codes 8k + 4L .. 8k + 4L + 3, so each result is 8 consecutive floats.
    const __m256i zero = _mm256_setzero_si256();
    const __m256i w0 = _mm256_unpacklo_epi8(lo, hi);
    const __m256i w1 = _mm256_unpackhi_epi8(lo, hi);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out), _mm256_unpacklo_epi16(zero, w0));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + 8), _mm256_unpackhi_epi16(zero, w0));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + 16), _mm256_unpacklo_epi16(zero, w1));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + 24), _mm256_unpackhi_epi16(zero, w1));
}

// FP6 formats that decode through float16 (avx2::kernel_detail::half_route, proved for every code) and have
// no Inf or NaN code, so no block needs the table. E2M3 and E3M2.
template <floating_format T>
constexpr bool fp6_decodes_by_halves() noexcept
{
    if constexpr (T::info.total_bits == 6)
        return avx2::kernel_detail::half_route_exact<T>() && !avx2::kernel_detail::half_route<T>::has_specials;
    else
        return false;
}

// The pshufb control that gives each 16-bit lane the two packed bytes holding one FP6 code, for the 128-bit
// lane whose eight codes (two groups of three bytes) start at byte `first` of the 16 loaded bytes. Code r of
// a group (stream bits 6r .. 6r + 5 of bytes q, q + 1, q + 2) takes the word (low byte, high byte) =
// (q, q + 1), (q, q + 1), (q + 1, q + 2), (none, q + 2), where it sits at bits 0, 6, 4 and 10 (fp6_halves then
// moves its top bit to bit 15).
constexpr std::array<std::int8_t, 16> fp6_word_windows(int first) noexcept
{
    std::array<std::int8_t, 16> control{};
    for (int g = 0; g < 2; ++g) {
        const int q = first + 3 * g;
        const int lo[4] = {q, q, q + 1, -1};
        const int hi[4] = {q + 1, q + 1, q + 2, q + 2};
        for (int r = 0; r < 4; ++r) {
            control[static_cast<std::size_t>(8 * g + 2 * r)] = static_cast<std::int8_t>(lo[r]);
            control[static_cast<std::size_t>(8 * g + 2 * r + 1)] = static_cast<std::int8_t>(hi[r]);
        }
    }
    return control;
}

LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX2 __m256i fp6_windows(int lane0_first, int lane1_first) noexcept
{
    const std::array<std::int8_t, 16> a = fp6_word_windows(lane0_first);
    const std::array<std::int8_t, 16> b = fp6_word_windows(lane1_first);
    return _mm256_setr_epi8(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13],
                            a[14], a[15], b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11],
                            b[12], b[13], b[14], b[15]);
}

// 16 words from fp6_windows -> the float16 bits of their codes (half_route::half_bits): a multiplication by
// 2^(10 - offset) is a per-lane left shift that puts each code's sign at bit 15 (AVX2 has no 16-bit variable
// shift), an arithmetic right shift by M copies the sign down to the magnitude, whose bits land at 10 - M,
// and the mask keeps sign and magnitude only.
template <floating_format T>
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX2 __m256i fp6_halves(__m256i words) noexcept
{
    using H = avx2::kernel_detail::half_route<T>;
    const __m256i multipliers = _mm256_setr_epi16(1024, 16, 64, 1, 1024, 16, 64, 1, 1024, 16, 64, 1, 1024, 16, 64, 1);
    const __m256i top = _mm256_mullo_epi16(words, multipliers);
    return _mm256_and_si256(_mm256_srai_epi16(top, T::info.mantissa_bits), _mm256_set1_epi16(static_cast<short>(H::mask)));
}

// 24 packed bytes (exactly those are read) -> 32 floats at out[0..31].
template <floating_format T>
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX2_F16C void fp6_step_by_halves(const std::uint8_t* bytes, __m256i windows_a,
                                                                   __m256i windows_b, __m256 scale, float* out) noexcept
{
    using H = avx2::kernel_detail::half_route<T>;
    // Codes 0..15 from bytes 0..11 (lanes start at bytes 0 and 6 of bytes 0..15), codes 16..31 from bytes
    // 12..23 (at bytes 4 and 10 of bytes 8..23): two loads that stay within the 24 bytes.
    const __m256i a = fp6_halves<T>(_mm256_shuffle_epi8(load_in_both_lanes(bytes), windows_a));
    const __m256i b = fp6_halves<T>(_mm256_shuffle_epi8(load_in_both_lanes(bytes + 8), windows_b));
    avx2::kernel_detail::store_halves_as_floats<H::needs_scale>(_mm256_castsi256_si128(a), _mm256_extracti128_si256(a, 1),
                                                                _mm256_castsi256_si128(b), _mm256_extracti128_si256(b, 1),
                                                                scale, out);
}

}  // namespace packing_detail

// Packed FP6 bytes -> float through float16 (packing_detail::fp6_decodes_by_halves). vcvtph2ps reads float16
// subnormals, so the caller checks F16C and that MXCSR does not flush them; the product is exact.
template <floating_format T>
LOWBIT_TARGET_AVX2_F16C void decode_packed_by_halves(const std::uint8_t* bytes, float* out, std::size_t n)
{
    using namespace packing_detail;
    static_assert(fp6_decodes_by_halves<T>(), "avx2::decode_packed_by_halves: T fails fp6_decodes_by_halves");
    const __m256i windows_a = fp6_windows(0, 6);
    const __m256i windows_b = fp6_windows(4, 10);
    const __m256 scale = _mm256_set1_ps(avx2::kernel_detail::half_route<T>::scale);
    std::size_t i = 0;
    std::size_t b = 0;
    for (; i + 32 <= n; i += 32, b += step_bytes<6>) fp6_step_by_halves<T>(bytes + b, windows_a, windows_b, scale, out + i);
    if (i < n) {
        std::uint8_t tail_bytes[24] = {};
        float tail_values[32];
        std::memcpy(tail_bytes, bytes + b, packed_bytes<6>(n - i));
        fp6_step_by_halves<T>(tail_bytes, windows_a, windows_b, scale, tail_values);
        std::memcpy(out + i, tail_values, (n - i) * sizeof(float));
    }
}

// Packed FP4/FP6 bytes -> float in one pass: the codes are unpacked in registers and their float's top two
// bytes looked up with pshufb (16-entry tables; FP6 by magnitude, sign ORed in), with no float arithmetic.
// For the formats of packing_detail::one_pass_decodable; the FP6 ones go through float16 instead
// (decode_packed_by_halves, about 1.4 times as fast on this project's machine) where the CPU has F16C and MXCSR
// does not flush subnormals.
template <floating_format T>
LOWBIT_TARGET_AVX2 void decode_packed(const std::uint8_t* bytes, float* out, std::size_t n)
{
    using namespace packing_detail;
    static_assert(one_pass_decodable<T>(), "avx2::decode_packed: T is neither an FP4 nor a sign-magnitude FP6 format "
                                           "whose values have zero low 16 bits");
    if constexpr (fp6_decodes_by_halves<T>()) {
        const simd::kernel_detail::mxcsr_guard quiet_environment;
        if (has_f16c() && !simd::kernel_detail::mxcsr_flushes_subnormals())
            return decode_packed_by_halves<T>(bytes, out, n);
    }
    constexpr int bits = T::info.total_bits;
    const plane_tables tables = load_plane_tables<T>();
    std::size_t i = 0;
    std::size_t b = 0;
    for (; i + 32 <= n; i += 32, b += step_bytes<bits>)
        decode_step<bits>(unpack_for_widening<bits>(bytes + b), tables, out + i);
    if (i < n) {
        std::uint8_t tail_bytes[32] = {};
        float tail_values[32];
        std::memcpy(tail_bytes, bytes + b, packed_bytes<bits>(n - i));
        decode_step<bits>(unpack_for_widening<bits>(tail_bytes), tables, tail_values);
        std::memcpy(out + i, tail_values, (n - i) * sizeof(float));
    }
}

}  // namespace avx2
}  // namespace LOWBIT_SIMD_ABI
}  // namespace simd
}  // namespace lowbit

LOWBIT_SIMD_WARNINGS_POP

#endif  // LOWBIT_SIMD_X86
