// Selection of the packing kernels (4- and 6-bit codes, one per byte <-> packed bytes) for an isa: the
// vector kernel where the isa has one, else the scalar one; and of the one-pass float -> packed encoders and
// packed -> float decoders.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "../core/options.hpp"
#include "../types/float_format.hpp"
#include "abi.hpp"
#include "isa.hpp"
#include "kernel_support.hpp"
#include "packed_encode_avx2.hpp"
#include "packed_encode_avx512.hpp"
#include "packing_avx2.hpp"
#include "packing_avx512.hpp"
#include "packing_scalar.hpp"

namespace lowbit {
namespace simd {
inline namespace LOWBIT_SIMD_ABI {

// pack: n codes -> packed_bytes<Bits>(n) bytes; unpack: the reverse. Neither touches memory beyond them.
using pack_kernel = void (*)(const std::uint8_t* codes, std::uint8_t* bytes, std::size_t n);
using unpack_kernel = void (*)(const std::uint8_t* bytes, std::uint8_t* codes, std::size_t n);

template <int Bits>
constexpr pack_kernel select_pack(isa which) noexcept
{
#if LOWBIT_SIMD_X86
    if (which == isa::avx512) return &avx512::pack_codes<Bits>;
    if (which == isa::avx2) return &avx2::pack_codes<Bits>;
#endif
    static_cast<void>(which);
    return &scalar::pack_codes<Bits>;
}

template <int Bits>
constexpr unpack_kernel select_unpack(isa which) noexcept
{
#if LOWBIT_SIMD_X86
    if (which == isa::avx512) return &avx512::unpack_codes<Bits>;
    if (which == isa::avx2) return &avx2::unpack_codes<Bits>;
#endif
    static_cast<void>(which);
    return &scalar::unpack_codes<Bits>;
}

// Packed bytes -> n floats in one pass, without a code buffer in between.
using packed_decode_kernel = void (*)(const std::uint8_t* bytes, float* out, std::size_t n);

// The one-pass decoder of `which` for T, or nullptr: the caller then unpacks to codes and runs
// select_decode's kernel.
template <floating_format T>
constexpr packed_decode_kernel select_packed_decode(isa which) noexcept
{
#if LOWBIT_SIMD_X86
    if constexpr (T::info.total_bits == 4 || T::info.total_bits == 6) {
        if constexpr (simd::kernel_detail::high_half_decodable<T>())
            if (which == isa::avx512) return &avx512::decode_packed<T>;
        if constexpr (avx2::packing_detail::one_pass_decodable<T>())
            if (which == isa::avx2) return &avx2::decode_packed<T>;
    }
#endif
    static_cast<void>(which);
    return nullptr;
}

// packed_encode_kernels<T>[isa][rounding]: the fused float32 -> packed kernel of each isa for each rounding
// mode (packing_scalar.hpp's packed_encode_kernel); nullptr = none. A table like dispatch.hpp's
// encode_kernels rather than a switch: after a switch over the mode, GCC 12 at -O3 assumes an out-of-range
// mode on the fallback path and warns (-Warray-bounds) about select_encode's lookup.
template <floating_format T>
inline constexpr std::array<std::array<packed_encode_kernel, rounding_mode_count>, isa_count> packed_encode_kernels = [] {
    std::array<std::array<packed_encode_kernel, rounding_mode_count>, isa_count> table{};
#if LOWBIT_SIMD_X86
    if constexpr (T::info.total_bits == 4 || T::info.total_bits == 6) {
        for (std::size_t r = 0; r < rounding_mode_count; ++r) {
            const auto mode = static_cast<rounding>(r);
            table[static_cast<std::size_t>(isa::avx2)][r] = avx2::encode_packed_kernel_for<T>(mode);
            table[static_cast<std::size_t>(isa::avx512)][r] = avx512::encode_packed_kernel_for<T>(mode);
        }
    }
#endif
    return table;
}();

// float32 -> packed bytes of T in one pass, for options.rounding = `mode`, or nullptr: the caller then
// encodes chunks to codes with select_encode's kernel and packs them.
template <floating_format T>
constexpr packed_encode_kernel select_packed_encode(isa which, rounding mode) noexcept
{
    return packed_encode_kernels<T>[static_cast<std::size_t>(which)][static_cast<std::size_t>(mode)];
}

}  // namespace LOWBIT_SIMD_ABI
}  // namespace simd
}  // namespace lowbit
