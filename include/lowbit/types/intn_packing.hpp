// Dense packing of 1-, 2- and 4-bit integers into bytes (two int4 per byte, four int2 per byte, ...).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>

#include "intn.hpp"

namespace lowbit {

// Types that pack densely: widths that divide 8.
template <class T>
concept packable_integer = small_integer<T> && (8 % T::width == 0);

// Bytes needed for `count` elements of T: ceil(count * width / 8).
template <packable_integer T>
constexpr std::size_t packed_size(std::size_t count) noexcept
{
    constexpr std::size_t per_byte = static_cast<std::size_t>(8 / T::width);
    return count / per_byte + (count % per_byte != 0 ? 1 : 0);
}

namespace detail {

[[noreturn]] inline void throw_packing_size(const char* who, const char* what, std::size_t got, std::size_t expected,
                                            std::size_t count)
{
    throw std::invalid_argument(std::string(who) + ": " + what + " has " + std::to_string(got) + " bytes, expected " +
                                std::to_string(expected) + " for " + std::to_string(count) + " elements");
}

template <packable_integer T>
constexpr void pack_codes(const char* who, std::span<const T> in, std::span<std::uint8_t> out)
{
    constexpr int width = T::width;
    constexpr std::size_t per_byte = static_cast<std::size_t>(8 / width);
    const std::size_t expected = packed_size<T>(in.size());
    if (out.size() != expected) throw_packing_size(who, "the output", out.size(), expected, in.size());
    for (std::size_t byte = 0; byte < expected; ++byte) {
        unsigned packed = 0;
        for (std::size_t k = 0; k < per_byte; ++k) {
            const std::size_t i = byte * per_byte + k;
            if (i < in.size()) packed |= unsigned{in[i].bits()} << (k * static_cast<std::size_t>(width));
        }
        out[byte] = static_cast<std::uint8_t>(packed);
    }
}

template <packable_integer T>
constexpr void unpack_codes(const char* who, std::span<const std::uint8_t> in, std::span<T> out)
{
    constexpr int width = T::width;
    constexpr std::size_t per_byte = static_cast<std::size_t>(8 / width);
    const std::size_t expected = packed_size<T>(out.size());
    if (in.size() != expected) throw_packing_size(who, "the input", in.size(), expected, out.size());
    for (std::size_t i = 0; i < out.size(); ++i) {
        const unsigned byte = in[i / per_byte];
        const auto shift = static_cast<unsigned>((i % per_byte) * static_cast<std::size_t>(width));
        out[i] = T::from_bits(static_cast<std::uint8_t>(byte >> shift));  // from_bits keeps the low `width` bits
    }
}

}  // namespace detail

// Element i goes to byte i / (8 / N), bits (i % (8 / N)) * N upward: element 2i of int4 is the low nibble
// (PyTorch float4_e2m1fn_x2, CUDA fp4x2, torchao pack_uint4), element 4i + k of int2 sits at bits 2k..2k+1.
// `out` must hold exactly packed_size<T>(in.size()) bytes (else std::invalid_argument, nothing written);
// unused high bits of the last byte are written as 0.
template <packable_integer T>
constexpr void pack_subbyte(std::span<const T> in, std::span<std::uint8_t> out)
{
    detail::pack_codes<T>("lowbit::pack_subbyte", in, out);
}

// The inverse: `in` must hold exactly packed_size<T>(out.size()) bytes. Padding bits are ignored.
template <packable_integer T>
constexpr void unpack_subbyte(std::span<const std::uint8_t> in, std::span<T> out)
{
    detail::unpack_codes<T>("lowbit::unpack_subbyte", in, out);
}

// Two 4-bit integers per byte, element 2i in the low nibble; an odd count leaves the last high nibble 0.
constexpr void pack_nibbles(std::span<const int4> in, std::span<std::uint8_t> out)
{
    detail::pack_codes<int4>("lowbit::pack_nibbles", in, out);
}
constexpr void pack_nibbles(std::span<const uint4> in, std::span<std::uint8_t> out)
{
    detail::pack_codes<uint4>("lowbit::pack_nibbles", in, out);
}
constexpr void unpack_nibbles(std::span<const std::uint8_t> in, std::span<int4> out)
{
    detail::unpack_codes<int4>("lowbit::unpack_nibbles", in, out);
}
constexpr void unpack_nibbles(std::span<const std::uint8_t> in, std::span<uint4> out)
{
    detail::unpack_codes<uint4>("lowbit::unpack_nibbles", in, out);
}

// Four 2-bit integers ("crumbs") per byte, element 4i + k at bits 2k..2k+1; unused high bits are 0.
constexpr void pack_crumbs(std::span<const int2> in, std::span<std::uint8_t> out)
{
    detail::pack_codes<int2>("lowbit::pack_crumbs", in, out);
}
constexpr void pack_crumbs(std::span<const uint2> in, std::span<std::uint8_t> out)
{
    detail::pack_codes<uint2>("lowbit::pack_crumbs", in, out);
}
constexpr void unpack_crumbs(std::span<const std::uint8_t> in, std::span<int2> out)
{
    detail::unpack_codes<int2>("lowbit::unpack_crumbs", in, out);
}
constexpr void unpack_crumbs(std::span<const std::uint8_t> in, std::span<uint2> out)
{
    detail::unpack_codes<uint2>("lowbit::unpack_crumbs", in, out);
}

}  // namespace lowbit
