// The AVX-512 MX codec for blocks along a row: quantize in one pass over the input (block maximum, scale rule,
// scaling and element encoding in registers, packed stores) and dequantize in one pass over the elements
// (lookup, scaling). The window path of codec_engine.hpp stages every 512 values through stack buffers and
// dispatched calls, which cost far more than the arithmetic; these kernels compute the same bytes and bits:
// - the block maximum is the integer maximum of the magnitude bits, as amax_bits_of takes it;
// - the scale codes of 16 blocks are computed in vector lanes by scale_codes, the integer arithmetic of
//   scale_code_from_amax_bits (checked against it for every float32 magnitude, every element and rule);
// - a float element is encoded from x by signed_addend_shortcut (simd/kernel_support.hpp), whose single
//   nearest-even rounding applies the block's 2^k too: the exact product x·2^k rounded once to the element,
//   which is what encoding detail::scale_by_power_of_two's product gives (that product is exact unless it
//   is below 2^-126, where every element rounds to zero either way). Blocks whose scale is too small for
//   that (2^(emin - k) not a normal float) and MXINT8 multiply first: one vmulps by the float 2^k with
//   embedded nearest-even rounding, which is what scale_by_power_of_two computes (2^k is a float for k in
//   [-149, 127], subnormal below -126);
// - elements saturate: a block scaled by its own scale stays below 2^(emax + 1), so a code beyond the
//   element's largest is exactly the saturating case, and clamping it to that code is what `saturate` does.
// Preconditions, checked by the caller (codec_engine.hpp): the active isa is avx512; MXCSR does not flush
// subnormals (DAZ would zero subnormal inputs that a scale makes normal, and subnormal multipliers); every
// block length is a multiple of 32, so the elements of every step start on a byte boundary of the packing.
#pragma once

#include "../simd/abi.hpp"

#if LOWBIT_SIMD_X86

#include <array>
#include <bit>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "../simd/avx512.hpp"
#include "../simd/kernel_support.hpp"
#include "../simd/packing_avx512.hpp"
#include "../types/named_formats.hpp"
#include "block_layout.hpp"
#include "element_traits.hpp"
#include "exact_scaling.hpp"
#include "scale_rules.hpp"

LOWBIT_SIMD_WARNINGS_PUSH
#include <immintrin.h>

namespace lowbit::mx {
inline namespace LOWBIT_SIMD_ABI {
namespace engine {
namespace fused_avx512 {

// Elements per step: two vectors of 16.
inline constexpr std::size_t step = 32;

// 2^k as a float, or 0 where no float is a power of two that large or small.
constexpr float power_of_two_or_zero(int k) noexcept
{
    if (k > 127 || k < -149) return 0.0f;
    if (k >= -126) return std::bit_cast<float>(static_cast<std::uint32_t>(k + 127) << 23);
    return std::bit_cast<float>(std::uint32_t{1} << (k + 149));
}

// What a decoded element is multiplied by, 2^(code - 127 - fixed_point_shift) (always a float); 0 for the NaN
// code, whose blocks are filled with NaN instead.
template <element_format Elem>
inline constexpr std::array<float, 256> dequantize_multipliers = [] {
    std::array<float, 256> m{};
    for (int code = 0; code < 255; ++code)
        m[static_cast<std::size_t>(code)] = power_of_two_or_zero(code - 127 - detail::fixed_point_shift<Elem>);
    return m;
}();

// ---- the block scales -----------------------------------------------------------------------------------

// The lane-wise maximum magnitude (as float bits) of a block of `length` values, a multiple of 32. Integer
// maxima of the magnitude bits, so that NaN stays above +Inf above every finite value (vrangeps and vmaxps
// would drop a NaN next to a number).
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 __m512i block_maximum_lanes(const float* x, std::size_t length) noexcept
{
    const __m512i magnitude_mask = _mm512_set1_epi32(0x7FFFFFFF);
    __m512i largest = _mm512_and_si512(_mm512_loadu_si512(x), magnitude_mask);
    for (std::size_t i = 16; i < length; i += 16)
        largest = _mm512_max_epu32(largest, _mm512_and_si512(_mm512_loadu_si512(x + i), magnitude_mask));
    return largest;
}

// The maxima of sixteen blocks' lanes, reduced together: lane j of the result is block j's maximum. Pairs of
// vectors are interleaved and maxed, which halves the lanes per block at every level: the first two levels
// stay within 128-bit lanes (unpacks), only the last two cross them.
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 __m512i reduce_sixteen(const __m512i (&lanes)[16]) noexcept
{
    // The loops are unrolled so that the arrays live in registers (GCC left them in memory otherwise).
    __m512i pairs[8];  // 128-bit lane: partial maxima of blocks 2i, 2i+1, 2i, 2i+1
#pragma GCC unroll 8
    for (std::size_t i = 0; i < 8; ++i)
        pairs[i] = _mm512_max_epu32(_mm512_unpacklo_epi32(lanes[2 * i], lanes[2 * i + 1]),
                                    _mm512_unpackhi_epi32(lanes[2 * i], lanes[2 * i + 1]));
    __m512i quads[4];  // 128-bit lane: partial maxima of blocks 4i .. 4i+3
#pragma GCC unroll 4
    for (std::size_t i = 0; i < 4; ++i)
        quads[i] = _mm512_max_epu32(_mm512_unpacklo_epi64(pairs[2 * i], pairs[2 * i + 1]),
                                    _mm512_unpackhi_epi64(pairs[2 * i], pairs[2 * i + 1]));
    __m512i octets[2];  // 128-bit lanes 0, 1: blocks 8i .. 8i+3; lanes 2, 3: blocks 8i+4 .. 8i+7
#pragma GCC unroll 2
    for (std::size_t i = 0; i < 2; ++i)
        octets[i] = _mm512_max_epu32(_mm512_shuffle_i32x4(quads[2 * i], quads[2 * i + 1], 0x88),
                                     _mm512_shuffle_i32x4(quads[2 * i], quads[2 * i + 1], 0xDD));
    return _mm512_max_epu32(_mm512_shuffle_i32x4(octets[0], octets[1], 0x88),
                            _mm512_shuffle_i32x4(octets[0], octets[1], 0xDD));
}

// scale_code_from_amax_bits<Elem>(maximum, Rule) in 16 lanes at once, in the same integer arithmetic (and,
// for RCEIL, the same single nearest-even product, here one vmulps without DAZ/FTZ).
template <element_format Elem, scale_rule Rule>
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 __m512i scale_codes(__m512i maxima) noexcept
{
    using traits = element_traits<Elem>;
    const __m512i zero = _mm512_setzero_si512();
    const __m512i one = _mm512_set1_epi32(1);
    // RCEIL takes the ceiling of log2(fl32(amax / max)); the others work on amax and subtract emax.
    __m512i v = maxima;
    int emax = traits::emax;
    if constexpr (Rule == scale_rule::rceil) {
        const __m512 reciprocal = _mm512_set1_ps(detail::reciprocal_of_max<Elem>);
        v = _mm512_castps_si512(_mm512_mul_round_ps(_mm512_castsi512_ps(maxima), reciprocal,
                                                    _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
        emax = 0;
    }
    // floor(log2 v) + 127 and the fraction of v's normalised significand. A float32 subnormal v is converted
    // to float exactly (it has at most 23 bits), which normalises it; its log2 is then 149 binades lower. (The
    // other lanes' conversions are inexact and unused; the embedded rounding keeps them from raising flags.)
    // v = 0 comes out as -149, which every rule clamps to code 0.
    const __m512i field = _mm512_srli_epi32(v, 23);
    const __mmask16 subnormal = _mm512_cmpeq_epi32_mask(field, zero);
    const __m512i normalised =
        _mm512_castps_si512(_mm512_cvt_roundepi32_ps(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
    __m512i code = _mm512_mask_sub_epi32(field, subnormal, _mm512_srli_epi32(normalised, 23), _mm512_set1_epi32(149));
    const __m512i fraction =
        _mm512_and_si512(_mm512_mask_mov_epi32(v, subnormal, normalised), _mm512_set1_epi32(0x7FFFFF));
    if constexpr (Rule == scale_rule::ceil || Rule == scale_rule::rceil) {
        // Up one binade unless v is a power of two.
        code = _mm512_mask_add_epi32(code, _mm512_test_epi32_mask(fraction, fraction), code, one);
    } else if constexpr (Rule == scale_rule::even) {
        // Up one binade where rounding the significand to the element's fraction bits carries.
        const std::uint32_t carry_from = (std::uint32_t{1} << 23) - (std::uint32_t{1} << (23 - traits::fraction_bits - 1));
        code = _mm512_mask_add_epi32(code, _mm512_cmpge_epu32_mask(fraction, _mm512_set1_epi32(static_cast<int>(carry_from))),
                                     code, one);
    }
    // code = s + 127 with s the rule's exponent; below code 0 the scale is clamped to 2^-127.
    code = _mm512_max_epi32(_mm512_sub_epi32(code, _mm512_set1_epi32(emax)), zero);
    const __m512i nan_code = _mm512_set1_epi32(nan_scale_code);
    if constexpr (Rule == scale_rule::rceil)
        code = _mm512_min_epi32(code, _mm512_set1_epi32(largest_scale_code));  // saturates at 2^127
    else
        code = _mm512_mask_mov_epi32(code, _mm512_cmpgt_epi32_mask(code, _mm512_set1_epi32(largest_scale_code)), nan_code);
    // NaN or Inf in the block.
    return _mm512_mask_mov_epi32(code, _mm512_cmpge_epu32_mask(maxima, _mm512_set1_epi32(0x7F800000)), nan_code);
}

// ---- quantize: scaled values -> packed element bytes --------------------------------------------------------

// The constant registers of the element encoders, built once per call (as the bulk byte encoders do: GCC
// rebuilds constants made inside a loop body on every iteration). MXINT8 needs none.
template <element_format Elem, bool Float = !std::same_as<Elem, int8>>
struct element_registers {
    LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 element_registers() noexcept {}
};
template <element_format Elem>
struct element_registers<Elem, true> {
    simd::avx512::kernel_detail::code_byte_constants<Elem> bytes;
    simd::avx512::kernel_detail::signed_shortcut_constants<Elem> shortcut;  // clamp and fraction set per block

    // FP4 in pairs: the odd elements' codes come out in their bytes' high nibbles (store_half_step).
    LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 element_registers() noexcept
        : bytes(Elem::info.total_bits == 4), shortcut(0, Elem::info.total_bits == 4)
    {
    }
};

// 32 float element codes (magnitudes in byte 1 of each lane, not yet saturated) with the signs of
// 32 values -> their packed element bytes at `out` (32, 24 or 16 bytes).
template <element_format Elem>
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 void store_codes(std::uint8_t* out, __m512i codes0, __m512i codes1, __m512 signs0,
                                                        __m512 signs1, const element_registers<Elem>& r) noexcept
{
    namespace k = simd::avx512::kernel_detail;
    constexpr int bits = Elem::info.total_bits;
    const __m256i codes = k::signed_code_bytes<Elem, true>(codes0, codes1, signs0, signs1, r.bytes);
    if constexpr (bits == 8)
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(out), codes);
    else
        simd::avx512::packing_detail::store_half_step<bits>(out, codes);
}

// 32 scaled values -> their packed element bytes at `out`.
template <element_format Elem>
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 void store_elements(std::uint8_t* out, __m512 y0, __m512 y1,
                                                           const element_registers<Elem>& r) noexcept
{
    if constexpr (std::same_as<Elem, int8>) {
        // Nearest-even to an integer, then [-127, 127]: vpmovsdb saturates 128 to 127, the max takes -128.
        const __m512i lowest = _mm512_set1_epi32(-127);
        const __m512i q0 = _mm512_max_epi32(_mm512_cvt_roundps_epi32(y0, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC), lowest);
        const __m512i q1 = _mm512_max_epi32(_mm512_cvt_roundps_epi32(y1, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC), lowest);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out), _mm512_cvtsepi32_epi8(q0));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 16), _mm512_cvtsepi32_epi8(q1));
    } else {
        // The shortcut without a scale (r.shortcut is set up for k = 0): y is finite and below 2^(emax + 1).
        using simd::avx512::kernel_detail::signed_shortcut_codes;
        store_codes<Elem>(out, signed_shortcut_codes<Elem>(y0, r.shortcut), signed_shortcut_codes<Elem>(y1, r.shortcut), y0, y1, r);
    }
}

// The elements of a block whose scale code needs more than one multiplication: the NaN code (zero elements)
// and MXINT8's codes 0..5, whose multipliers 2^128 .. 2^133 are no floats.
template <element_format Elem>
void quantize_elements_scalar(const float* x, std::size_t length, std::uint8_t code, std::uint8_t* out) noexcept
{
    if (code == nan_scale_code) {
        std::memset(out, 0, element_bytes<Elem>(length));  // a NaN or Inf block: zero codes
        return;
    }
    const int k = 127 - static_cast<int>(code) + detail::fixed_point_shift<Elem>;
    for (std::size_t i = 0; i < length; ++i)
        out[i] = detail::encode_element<Elem>(detail::scale_by_power_of_two(x[i], k));  // MXINT8: a byte each
}

// The elements of one block, each multiplied by `multiplier` (a power of two) and encoded.
template <element_format Elem>
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 void quantize_elements(const float* x, std::size_t length, const float* multiplier,
                                                              std::uint8_t* out, const element_registers<Elem>& r) noexcept
{
    const __m512 m = _mm512_set1_ps(*multiplier);
    constexpr int rne = _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC;
    for (std::size_t i = 0; i < length; i += step) {
        const __m512 y0 = _mm512_mul_round_ps(_mm512_loadu_ps(x + i), m, rne);
        const __m512 y1 = _mm512_mul_round_ps(_mm512_loadu_ps(x + i + 16), m, rne);
        store_elements<Elem>(out + element_bytes<Elem>(i), y0, y1, r);
    }
}

// The same for a float element, without the multiplication: the elements of x·2^k are encoded from x by
// signed_addend_shortcut, whose single rounding applies the scale (`clamp` = 2^(emin - k), `fraction` its
// constant for k). The product x·2^k that the multiplication would round is exact unless it is below
// 2^-126, and such a value is far below half the element's smallest subnormal, so both give the same code;
// its sign is x's.
template <element_format Elem>
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 void quantize_elements_unscaled(const float* x, std::size_t length, const float* clamp,
                                                                       const std::uint32_t* fraction, std::uint8_t* out,
                                                                       const element_registers<Elem>& r) noexcept
{
    using simd::avx512::kernel_detail::signed_shortcut_codes;
    simd::avx512::kernel_detail::signed_shortcut_constants<Elem> block = r.shortcut;
    block.clamp = _mm512_set1_ps(*clamp);
    block.fraction = _mm512_set1_epi32(static_cast<int>(*fraction));
    for (std::size_t i = 0; i < length; i += step) {
        const __m512 x0 = _mm512_loadu_ps(x + i);
        const __m512 x1 = _mm512_loadu_ps(x + i + 16);
        store_codes<Elem>(out + element_bytes<Elem>(i), signed_shortcut_codes<Elem>(x0, block),
                          signed_shortcut_codes<Elem>(x1, block), x0, x1, r);
    }
}

// How one row segment is cut: `length` values (a multiple of 32) in blocks of `block_size` (a multiple of
// 32), the last possibly shorter.
struct segment {
    const float* x;
    std::size_t blocks;
    std::size_t block_size;
    std::size_t last_length;

    constexpr std::size_t length_of(std::size_t b) const noexcept { return b + 1 < blocks ? block_size : last_length; }
};

// Blocks per chunk: the scales of a chunk are one vector of 16 lanes.
inline constexpr std::size_t chunk_blocks = 16;

// How far ahead of the elements pass 2 prefetches the input, in chunks.
inline constexpr std::size_t prefetch_chunks = 4;

// The scales of up to 16 blocks and what their elements are encoded with.
struct chunk_scales {
    alignas(64) float multipliers[chunk_blocks];
    alignas(64) float clamps[chunk_blocks];                // float elements: for quantize_elements_unscaled
    alignas(64) std::uint32_t fractions[chunk_blocks];
    alignas(16) std::uint8_t codes[chunk_blocks];
    unsigned scalar_route;      // bit j set: block j needs quantize_elements_scalar
    unsigned multiplied_route;  // bit j set: block j needs quantize_elements (MXINT8: every block)
};

// Whether the element is a float format, encoded without the multiplication where the scale allows.
template <element_format Elem>
inline constexpr bool unscaled_route = !std::same_as<Elem, int8>;

// 2^(127 - code + fixed_point_shift) as float bits, lane by lane: normal for t = k + 127 in [1, 254], the
// subnormal 2^-127 for t = 0 (code 254 of a float element); 0 for the NaN code and for t > 254 (MXINT8's codes
// 0..5), which take the scalar route.
template <element_format Elem>
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 __m512 multipliers_for(__m512i code) noexcept
{
    const __m512i t = _mm512_sub_epi32(_mm512_set1_epi32(254 + detail::fixed_point_shift<Elem>), code);
    __m512i bits = _mm512_slli_epi32(t, 23);
    bits = _mm512_mask_mov_epi32(bits, _mm512_cmpeq_epi32_mask(t, _mm512_setzero_si512()), _mm512_set1_epi32(0x00400000));
    const __mmask16 none = _mm512_kor(_mm512_cmpeq_epi32_mask(code, _mm512_set1_epi32(nan_scale_code)),
                                      _mm512_cmpgt_epi32_mask(t, _mm512_set1_epi32(254)));
    return _mm512_castsi512_ps(_mm512_maskz_mov_epi32(static_cast<__mmask16>(~none), bits));
}

// The block constants of quantize_elements_unscaled as prepare_chunk computes them in lanes from the scale
// code, checked against signed_addend_shortcut's own for every code that takes that route (k = 127 - code
// up to max_scaling).
template <element_format Elem>
constexpr bool unscaled_constants_match() noexcept
{
    using S = simd::kernel_detail::signed_addend_shortcut<Elem>;
    for (int code = 0; code < 255; ++code) {
        const int k = 127 - code;
        const int clamp_field = S::emin + code;
        if ((clamp_field >= 1) != (k <= S::max_scaling)) return false;
        if (clamp_field < 1) continue;
        if (static_cast<std::uint32_t>(clamp_field) << 23 != S::clamp_bits(k)) return false;
        if (((static_cast<std::uint32_t>(-S::emin - code) << S::m) & 0xFFu) != S::fraction_constant(k)) return false;
    }
    return true;
}

// Pass 1 over a chunk of `count` blocks from block `first`: maxima (a short chunk repeats its last block),
// scale codes (also stored to `scales`) and multipliers.
template <element_format Elem, scale_rule Rule, std::size_t Fixed>
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 void prepare_chunk(const segment& s, std::size_t first, std::size_t count,
                                                          float8_e8m0fnu* scales, chunk_scales& out) noexcept
{
    __m512i lanes[chunk_blocks];  // in registers: the loops are unrolled
    if (Fixed != 0 && count == chunk_blocks) {
        // Constant offsets from one pointer.
        const float* x = s.x + first * Fixed;
#pragma GCC unroll 16
        for (std::size_t j = 0; j < chunk_blocks; ++j) lanes[j] = block_maximum_lanes(x + j * Fixed, Fixed);
    } else {
        const std::size_t last = count - 1;
#pragma GCC unroll 16
        for (std::size_t j = 0; j < chunk_blocks; ++j) {
            const std::size_t b = first + (j < last ? j : last);
            lanes[j] = block_maximum_lanes(s.x + b * s.block_size, Fixed != 0 ? Fixed : s.length_of(b));
        }
    }
    const __m512i maxima = reduce_sixteen(lanes);
    const __m512i code = scale_codes<Elem, Rule>(maxima);
    const __m128i code_bytes = _mm512_cvtepi32_epi8(code);
    _mm_store_si128(reinterpret_cast<__m128i*>(out.codes), code_bytes);
    static_assert(sizeof(float8_e8m0fnu) == 1);
    if (count == chunk_blocks)
        _mm_storeu_si128(reinterpret_cast<__m128i*>(scales + first), code_bytes);
    else
        std::memcpy(scales + first, out.codes, count);
    const __m512 m = multipliers_for<Elem>(code);
    _mm512_store_ps(out.multipliers, m);
    out.scalar_route = _mm512_cmpeq_epi32_mask(_mm512_castps_si512(m), _mm512_setzero_si512());
    out.multiplied_route = ~out.scalar_route & 0xFFFFu;
    if constexpr (unscaled_route<Elem>) {
        // With k = 127 - code: clamp_bits(k) = (emin + code) << 23, whose exponent field must be at least 1
        // (k <= max_scaling), and fraction_constant(k) = ((-emin - code) << m) mod 256.
        using S = simd::kernel_detail::signed_addend_shortcut<Elem>;
        static_assert(unscaled_constants_match<Elem>());
        const __m512i clamp_field = _mm512_add_epi32(code, _mm512_set1_epi32(S::emin));
        _mm512_store_si512(out.clamps, _mm512_slli_epi32(clamp_field, 23));
        _mm512_store_si512(out.fractions, _mm512_and_si512(_mm512_slli_epi32(_mm512_sub_epi32(_mm512_set1_epi32(-S::emin), code), S::m),
                                                           _mm512_set1_epi32(0xFF)));
        out.multiplied_route &= _mm512_cmplt_epi32_mask(clamp_field, _mm512_set1_epi32(1));
    }
}

// Prefetches the block four chunks ahead (8 KiB for blocks of 32), which a later pass 1 reads: from DRAM, the
// hardware prefetcher alone leaves the loads of pass 1 waiting (at 64 Mi values, 2, 4 and 8 chunks ahead
// measured about 0.3, 0.2 and 0.2 ns per value). Prefetches never fault, also past the end of the input; the
// address is integer arithmetic, since a pointer that far past the end is undefined.
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 void prefetch_ahead(const float* x, std::size_t length, std::size_t block_size) noexcept
{
    const std::uintptr_t ahead = reinterpret_cast<std::uintptr_t>(x) + prefetch_chunks * chunk_blocks * block_size * sizeof(float);
    for (std::size_t i = 0; i < length; i += 16)
        _mm_prefetch(reinterpret_cast<const char*>(ahead + i * sizeof(float)), _MM_HINT_T0);
}

// Pass 2 over the same chunk: the elements.
template <element_format Elem, std::size_t Fixed>
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 void encode_chunk(const segment& s, std::size_t first, std::size_t count,
                                                         const chunk_scales& in, std::uint8_t* elements,
                                                         const element_registers<Elem>& r) noexcept
{
    const unsigned other_routes = unscaled_route<Elem> ? in.scalar_route | in.multiplied_route : in.scalar_route;
    if (Fixed != 0 && other_routes == 0) {
        // The common case in a loop of few instructions: at about 30 per block, the loop's own bookkeeping
        // counts.
        const float* x = s.x + first * Fixed;
        std::uint8_t* out = elements + element_bytes<Elem>(first * Fixed);
#pragma GCC unroll 2
        for (std::size_t j = 0; j < count; ++j, x += Fixed, out += element_bytes<Elem>(Fixed)) {
            prefetch_ahead(x, Fixed, Fixed);
            if constexpr (unscaled_route<Elem>)
                quantize_elements_unscaled<Elem>(x, Fixed, in.clamps + j, in.fractions + j, out, r);
            else
                quantize_elements<Elem>(x, Fixed, in.multipliers + j, out, r);
        }
        return;
    }
    for (std::size_t j = 0; j < count; ++j) {
        const std::size_t b = first + j;
        const float* x = s.x + b * s.block_size;
        const std::size_t length = Fixed != 0 ? Fixed : s.length_of(b);
        prefetch_ahead(x, length, s.block_size);
        std::uint8_t* out = elements + element_bytes<Elem>(b * s.block_size);
        if ((in.scalar_route >> j) & 1u) [[unlikely]]
            quantize_elements_scalar<Elem>(x, length, in.codes[j], out);
        else if (!unscaled_route<Elem> || ((in.multiplied_route >> j) & 1u))
            quantize_elements<Elem>(x, length, in.multipliers + j, out, r);
        else if constexpr (unscaled_route<Elem>)
            quantize_elements_unscaled<Elem>(x, length, in.clamps + j, in.fractions + j, out, r);
    }
}

// The blocks of one row segment. Fixed is the block size when the compiler should know it (32, the default:
// the loops over a block's vectors disappear; every block is then whole), else 0. Software-pipelined: the
// scales of the next chunk are computed before the elements of this one, so the long dependency chain from
// a chunk's values to its multipliers runs while the previous chunk's elements are encoded.
template <element_format Elem, scale_rule Rule, std::size_t Fixed>
LOWBIT_TARGET_AVX512 void quantize_blocks(const float* x, std::size_t length, std::size_t block_size,
                                          std::uint8_t* elements, float8_e8m0fnu* scales) noexcept
{
    if (length == 0) return;
    const std::size_t blocks = detail::blocks_for(length, block_size);
    const segment s{x, blocks, block_size, length - (blocks - 1) * block_size};
    const element_registers<Elem> registers;
    chunk_scales prepared[2];
    const auto count_at = [blocks](std::size_t first) { return blocks - first < chunk_blocks ? blocks - first : chunk_blocks; };
    prepare_chunk<Elem, Rule, Fixed>(s, 0, count_at(0), scales, prepared[0]);
    for (std::size_t first = 0, which = 0; first < blocks; first += chunk_blocks, which ^= 1) {
        const std::size_t next = first + chunk_blocks;
        if (next < blocks) prepare_chunk<Elem, Rule, Fixed>(s, next, count_at(next), scales, prepared[which ^ 1]);
        encode_chunk<Elem, Fixed>(s, first, count_at(first), prepared[which], elements, registers);
    }
}

template <element_format Elem, scale_rule Rule>
void quantize_blocks(const float* x, std::size_t length, std::size_t block_size, std::uint8_t* elements,
                     float8_e8m0fnu* scales) noexcept
{
    if (block_size == step)
        quantize_blocks<Elem, Rule, step>(x, length, block_size, elements, scales);
    else
        quantize_blocks<Elem, Rule, 0>(x, length, block_size, elements, scales);
}

template <element_format Elem>
void quantize(const float* x, std::size_t length, std::size_t block_size, std::uint8_t* elements,
              float8_e8m0fnu* scales, scale_rule rule) noexcept
{
    switch (rule) {
    case scale_rule::floor: return quantize_blocks<Elem, scale_rule::floor>(x, length, block_size, elements, scales);
    case scale_rule::ceil: return quantize_blocks<Elem, scale_rule::ceil>(x, length, block_size, elements, scales);
    case scale_rule::even: return quantize_blocks<Elem, scale_rule::even>(x, length, block_size, elements, scales);
    case scale_rule::rceil: return quantize_blocks<Elem, scale_rule::rceil>(x, length, block_size, elements, scales);
    }
}

// ---- dequantize: packed element bytes -> values before the scale ------------------------------------------

// vpermt2b indices widening the looked-up bytes of 32 FP4 elements to floats, for the FP4 decoder's byte
// order: element 2i was looked up at byte i (low nibbles), element 2i + 1 at byte 16 + i (high nibbles).
// Dword j of vector k takes byte 2 from the low plane and byte 3 from the high plane (64 + position).
inline constexpr std::array<std::array<std::uint8_t, 64>, 2> nibble_widen_index = [] {
    std::array<std::array<std::uint8_t, 64>, 2> index{};
    for (std::size_t k = 0; k < 2; ++k)
        for (std::size_t j = 0; j < 16; ++j) {
            const std::size_t element = 16 * k + j;
            const std::size_t position = element % 2 == 0 ? element / 2 : 16 + element / 2;
            index[k][4 * j + 2] = static_cast<std::uint8_t>(position);
            index[k][4 * j + 3] = static_cast<std::uint8_t>(64 + position);
        }
    return index;
}();

// The lookup tables of the float element decoders: the planes of the value's bytes 2 and 3 (every value has
// zero low 16 bits), loaded once per call.
template <element_format Elem>
struct element_decoder {
    // Four 64-byte quarters of each 256-entry plane, as the bulk decoder's lookup_planes takes them (for
    // sign-magnitude FP8 it reads the first two; FP4 and FP6 read the first).
    __m512i lo_table[4];
    __m512i hi_table[4];
    __m512i widen[2];

    LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 element_decoder() noexcept
    {
        if constexpr (!std::same_as<Elem, int8>) {
            static_assert(simd::kernel_detail::high_half_decodable<Elem>());
            for (std::size_t k = 0; k < 4; ++k) {
                lo_table[k] = _mm512_loadu_si512(simd::kernel_detail::byte_plane<Elem, 2>.data() + 64 * k);
                hi_table[k] = _mm512_loadu_si512(simd::kernel_detail::byte_plane<Elem, 3>.data() + 64 * k);
            }
            for (std::size_t k = 0; k < 2; ++k)
                widen[k] = _mm512_loadu_si512(Elem::info.total_bits == 4 ? nibble_widen_index[k].data()
                                                                         : simd::avx512::kernel_detail::widen_index[k].data());
        }
    }

    // The values of the 32 elements whose packed bytes start at `in`.
    LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX512 void decode(const std::uint8_t* in, __m512& v0, __m512& v1) const noexcept
    {
        if constexpr (std::same_as<Elem, int8>) {
            v0 = _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(in))));
            v1 = _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(in + 16))));
        } else {
            constexpr int bits = Elem::info.total_bits;
            __m512i lo;
            __m512i hi;
            if constexpr (bits == 8) {
                // The bulk decoder's lookup of 64 codes, on 32 (the upper half of the index is don't-care).
                const __m512i codes = _mm512_castsi256_si512(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(in)));
                simd::avx512::kernel_detail::lookup_planes<Elem>(codes, lo_table, hi_table, lo, hi);
            } else if constexpr (bits == 4) {
                // The 16 bytes as the index of the low nibbles, and shifted down by 4 (within 16-bit words) as
                // that of the high nibbles: 32-byte vpermb reads 5 index bits, and the planes repeat every 16
                // entries, so the neighbouring nibble's bit that comes along is harmless. Half-width lookups.
                const __m128i packed = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in));
                const __m256i index = _mm256_inserti128_si256(_mm256_castsi128_si256(packed), _mm_srli_epi16(packed, 4), 1);
                lo = _mm512_castsi256_si512(_mm256_permutexvar_epi8(index, _mm512_castsi512_si256(lo_table[0])));
                hi = _mm512_castsi256_si512(_mm256_permutexvar_epi8(index, _mm512_castsi512_si256(hi_table[0])));
            } else {
                // Unpacked to one code per byte (6 significant index bits: the first 64 entries of the planes).
                const __m512i codes =
                    simd::avx512::packing_detail::unpack_step<bits>(_mm512_maskz_loadu_epi8(0x0000000000FFFFFFull, in));
                lo = _mm512_permutexvar_epi8(codes, lo_table[0]);
                hi = _mm512_permutexvar_epi8(codes, hi_table[0]);
            }
            constexpr __mmask64 top_bytes = simd::avx512::kernel_detail::float_top_bytes;
            v0 = _mm512_castsi512_ps(_mm512_maskz_permutex2var_epi8(top_bytes, lo, widen[0], hi));
            v1 = _mm512_castsi512_ps(_mm512_maskz_permutex2var_epi8(top_bytes, lo, widen[1], hi));
        }
    }
};

// The blocks of one row segment, as quantize_blocks cuts them.
template <element_format Elem>
LOWBIT_TARGET_AVX512 void dequantize(const std::uint8_t* elements, const float8_e8m0fnu* scales, std::size_t length,
                                     std::size_t block_size, float* out) noexcept
{
    const element_decoder<Elem> decoder;
    constexpr int rne = _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC;
    for (std::size_t first = 0, b = 0; first < length; first += block_size, ++b) {
        const std::size_t block_end = first + block_size < length ? first + block_size : length;
        const std::uint8_t code = scales[b].bits();
        if (code == nan_scale_code) {
            const __m512 nan = _mm512_castsi512_ps(_mm512_set1_epi32(0x7FC00000));
            for (std::size_t i = first; i < block_end; i += 16) _mm512_storeu_ps(out + i, nan);
            continue;
        }
        const __m512 m = _mm512_set1_ps(dequantize_multipliers<Elem>[code]);
        for (std::size_t i = first; i < block_end; i += step) {
            __m512 v0;
            __m512 v1;
            decoder.decode(elements + element_bytes<Elem>(i), v0, v1);
            _mm512_storeu_ps(out + i, _mm512_mul_round_ps(v0, m, rne));
            _mm512_storeu_ps(out + i + 16, _mm512_mul_round_ps(v1, m, rne));
        }
    }
}

}  // namespace fused_avx512
}  // namespace engine
}  // namespace LOWBIT_SIMD_ABI
}  // namespace lowbit::mx

LOWBIT_SIMD_WARNINGS_POP

#endif  // LOWBIT_SIMD_X86
