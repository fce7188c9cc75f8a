// AVX2 float32 -> packed FP4/FP6 in one pass: 32 floats are encoded by the bulk encoder's lane function
// (avx2::kernel_detail::encode_block, so every rounding mode and option gives the scalar engine's code by
// construction), narrowed to bytes and packed in registers, and only the packed bytes are stored. The last
// partial step goes through stack buffers, so no byte outside the spans is read or written.
#pragma once

#include "abi.hpp"

#if LOWBIT_SIMD_X86

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "../core/options.hpp"
#include "../types/float_format.hpp"
#include "avx2.hpp"
#include "kernel_support.hpp"
#include "packing_avx2.hpp"
#include "packing_scalar.hpp"

LOWBIT_SIMD_WARNINGS_PUSH
#include <immintrin.h>

namespace lowbit {
namespace simd {
inline namespace LOWBIT_SIMD_ABI {
namespace avx2 {
namespace packed_encode_detail {

// 32 floats -> their packed bytes, in the low step_bytes<Bits> bytes of the result. `Shortcut` as in
// avx2::encode_general: whether nearest-even may use the float-addition shortcut (MXCSR rounds to nearest).
template <floating_format T, rounding R, bool Shortcut>
LOWBIT_SIMD_INLINE LOWBIT_TARGET_AVX2 __m256i encode_pack_step(const float* in,
                                                               const simd::kernel_detail::encode_constants& c) noexcept
{
    return packing_detail::pack_step<T::info.total_bits>(kernel_detail::encode_bytes<T, R, Shortcut>(in, c));
}

template <floating_format T, rounding R, bool Shortcut>
LOWBIT_TARGET_AVX2 void encode_packed_steps(const float* in, std::uint8_t* out, std::size_t n,
                                            const conversion_options& options)
{
    constexpr int bits = T::info.total_bits;
    const simd::kernel_detail::encode_constants c = simd::kernel_detail::make_encode_constants<T>(options);
    std::size_t i = 0;
    std::size_t b = 0;
    for (; i + 32 <= n; i += 32, b += packing_detail::step_bytes<bits>)
        packing_detail::store_step<bits>(out + b, encode_pack_step<T, R, Shortcut>(in + i, c));
    if (i < n) {
        // The floats past the end are +0, whose code is 0 under every option, so the padding bits come out 0.
        float tail_in[32] = {};
        std::uint8_t tail_bytes[32];
        std::memcpy(tail_in, in + i, (n - i) * sizeof(float));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(tail_bytes), encode_pack_step<T, R, Shortcut>(tail_in, c));
        std::memcpy(out + b, tail_bytes, packed_bytes<bits>(n - i));
    }
}

}  // namespace packed_encode_detail

// n floats -> packed_bytes<bits>(n) bytes of T's codes, element i being exactly lowbit::convert<T>(in[i],
// options) (R is options.rounding, chosen by encode_packed_kernel_for). As avx2::encode, float exceptions
// are masked while it runs and nearest-even takes the shortcut only when MXCSR rounds to nearest.
template <floating_format T, rounding R>
LOWBIT_TARGET_AVX2 void encode_packed(const float* in, std::uint8_t* out, std::size_t n,
                                      const conversion_options& options)
{
    static_assert(T::info.total_bits == 4 || T::info.total_bits == 6, "encode_packed: only FP4 and FP6 pack");
    const simd::kernel_detail::mxcsr_guard quiet_environment;
    if constexpr (R == rounding::nearest_even) {
        if (!simd::kernel_detail::mxcsr_rounds_to_nearest())
            return packed_encode_detail::encode_packed_steps<T, R, false>(in, out, n, options);
    }
    packed_encode_detail::encode_packed_steps<T, R, true>(in, out, n, options);
}

// The fused kernel for T under a rounding mode, or nullptr where T has no vector encoder (the caller then
// encodes to codes and packs them).
template <floating_format T>
constexpr packed_encode_kernel encode_packed_kernel_for(rounding mode) noexcept
{
    if constexpr (simd::kernel_detail::vector_encodable<T> && (T::info.total_bits == 4 || T::info.total_bits == 6)) {
        switch (mode) {
        case rounding::nearest_even: return &encode_packed<T, rounding::nearest_even>;
        case rounding::nearest_away: return &encode_packed<T, rounding::nearest_away>;
        case rounding::toward_zero: return &encode_packed<T, rounding::toward_zero>;
        case rounding::toward_positive: return &encode_packed<T, rounding::toward_positive>;
        case rounding::toward_negative: return &encode_packed<T, rounding::toward_negative>;
        }
    }
    return nullptr;
}

}  // namespace avx2
}  // namespace LOWBIT_SIMD_ABI
}  // namespace simd
}  // namespace lowbit

LOWBIT_SIMD_WARNINGS_POP

#endif  // LOWBIT_SIMD_X86
