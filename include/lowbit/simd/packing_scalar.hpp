// Scalar packing kernels for 4- and 6-bit codes held one per byte: the definition of the packed layouts
// (docs/packing.md) written out plainly, the fallback of the vector kernels and what they handle tails with.
//
//   FP4: two codes per byte, element 2i in the low nibble, 2i+1 in the high nibble (PyTorch/CUDA order).
//   FP6: a dense little-endian bit stream, element i in bits [6i, 6i+6); four codes fill three bytes.
//
// A kernel packs `n` codes into exactly packed_bytes<Bits>(n) bytes (padding bits written as 0) or unpacks
// that many bytes into `n` codes; it never touches memory beyond them.
#pragma once

#include <cstddef>
#include <cstdint>

#include "../core/options.hpp"
#include "abi.hpp"

namespace lowbit {
namespace simd {
inline namespace LOWBIT_SIMD_ABI {

// Bytes holding `count` codes of `Bits` (4 or 6) bits: ceil(Bits * count / 8), computed without overflow.
template <int Bits>
constexpr std::size_t packed_bytes(std::size_t count) noexcept
{
    static_assert(Bits == 4 || Bits == 6, "packed_bytes: only 4- and 6-bit codes are packed");
    if constexpr (Bits == 4)
        return count / 2 + count % 2;
    else
        return count / 4 * 3 + count % 4;  // 1, 2, 3 leftover codes need 6, 12, 18 bits: 1, 2, 3 bytes
}

// The fused float32 -> packed kernels (packed_encode_avx512.hpp, packed_encode_avx2.hpp): n floats ->
// packed_bytes<Bits>(n) bytes, touching no memory beyond them.
using packed_encode_kernel = void (*)(const float* in, std::uint8_t* out, std::size_t n,
                                      const conversion_options& options);

namespace scalar {

template <int Bits>
inline constexpr unsigned code_mask = (1u << Bits) - 1u;

template <int Bits>
void pack_codes(const std::uint8_t* codes, std::uint8_t* bytes, std::size_t n) noexcept
{
    constexpr unsigned mask = code_mask<Bits>;
    if constexpr (Bits == 4) {
        std::size_t i = 0;
        for (; i + 2 <= n; i += 2)
            bytes[i / 2] = static_cast<std::uint8_t>((codes[i] & mask) | (codes[i + 1] & mask) << 4);
        if (i < n) bytes[i / 2] = static_cast<std::uint8_t>(codes[i] & mask);  // odd count: high nibble 0
    } else {
        // Four codes make one 24-bit little-endian word, stored as three bytes.
        std::size_t i = 0;
        std::size_t b = 0;
        for (; i + 4 <= n; i += 4, b += 3) {
            const std::uint32_t word = (codes[i] & mask) | (codes[i + 1] & mask) << 6 | (codes[i + 2] & mask) << 12 |
                                       (codes[i + 3] & mask) << 18;
            bytes[b] = static_cast<std::uint8_t>(word);
            bytes[b + 1] = static_cast<std::uint8_t>(word >> 8);
            bytes[b + 2] = static_cast<std::uint8_t>(word >> 16);
        }
        // 1 to 3 leftover codes occupy as many bytes; the bits past the last code stay 0.
        std::uint32_t word = 0;
        for (std::size_t k = 0; i + k < n; ++k) word |= std::uint32_t{codes[i + k] & mask} << (6 * k);
        for (std::size_t k = 0; k < n - i; ++k) bytes[b + k] = static_cast<std::uint8_t>(word >> (8 * k));
    }
}

template <int Bits>
void unpack_codes(const std::uint8_t* bytes, std::uint8_t* codes, std::size_t n) noexcept
{
    constexpr unsigned mask = code_mask<Bits>;
    if constexpr (Bits == 4) {
        for (std::size_t i = 0; i < n; ++i)
            codes[i] = static_cast<std::uint8_t>(bytes[i / 2] >> (4 * (i % 2)) & mask);
    } else {
        std::size_t i = 0;
        std::size_t b = 0;
        for (; i + 4 <= n; i += 4, b += 3) {
            const std::uint32_t word = bytes[b] | std::uint32_t{bytes[b + 1]} << 8 | std::uint32_t{bytes[b + 2]} << 16;
            for (std::size_t k = 0; k < 4; ++k) codes[i + k] = static_cast<std::uint8_t>(word >> (6 * k) & mask);
        }
        std::uint32_t word = 0;
        for (std::size_t k = 0; k < n - i; ++k) word |= std::uint32_t{bytes[b + k]} << (8 * k);
        for (std::size_t k = 0; i + k < n; ++k) codes[i + k] = static_cast<std::uint8_t>(word >> (6 * k) & mask);
    }
}

}  // namespace scalar
}  // namespace LOWBIT_SIMD_ABI
}  // namespace simd
}  // namespace lowbit
