// lowbit::convert_stochastic over spans: float32 -> any format of up to 16 bits with seeded, reproducible
// stochastic rounding. Element i of a tensor gets the Philox4x32-10 word stochastic_random_word(seed, i), so
// the codes depend only on (seed, element index, input, options): not on the ISA path, the chunking or the
// threads. The mapping is part of the API (docs/stochastic.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "bulk.hpp"
#include "convert.hpp"
#include "core/options.hpp"
#include "core/span_checks.hpp"
#include "random/philox.hpp"
#include "simd/abi.hpp"
#include "simd/isa.hpp"
#include "simd/kernel_support.hpp"
#include "simd/stochastic_avx2.hpp"
#include "simd/stochastic_avx512.hpp"
#include "types/float_format.hpp"

namespace lowbit {

// Where a span sits in the random stream: the seed, and the element index of in[0] within the whole tensor
// (so that a tensor converted in pieces gets the codes of one call over all of it).
struct stochastic_stream {
    std::uint64_t seed = 0;
    std::uint64_t offset = 0;
};

// The random word of element `element_index` (taken modulo 2^64) of the stream keyed by `seed`: word
// element_index % 4 of Philox4x32-10 with
//   key     = {seed & 0xFFFFFFFF, seed >> 32}                           (key[0] is the low half)
//   counter = {block & 0xFFFFFFFF, block >> 32, 0, 0}, block = element_index / 4.
// Four consecutive elements share one Philox call.
constexpr std::uint32_t stochastic_random_word(std::uint64_t seed, std::uint64_t element_index) noexcept
{
    const std::uint64_t block = element_index / 4;
    const philox4x32_counter counter{static_cast<std::uint32_t>(block), static_cast<std::uint32_t>(block >> 32), 0, 0};
    const philox4x32_key key{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)};
    return philox4x32_10(counter, key)[element_index % 4];
}

namespace simd {
inline namespace LOWBIT_SIMD_ABI {

// A bulk stochastic kernel: out[k] = convert_stochastic<T>(in[k], stochastic_random_word(seed,
// first_index + k), options) for k < n.
template <floating_format T>
using stochastic_kernel = void (*)(const float* in, T* out, std::size_t n, std::uint64_t seed,
                                   std::uint64_t first_index, const conversion_options& options);

namespace scalar {

// The reference: the scalar rounding per element, one Philox call per block of four elements. Any
// first_index.
template <floating_format T>
void encode_stochastic(const float* in, T* out, std::size_t n, std::uint64_t seed, std::uint64_t first_index,
                       const conversion_options& options)
{
    const philox4x32_key key{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)};
    philox4x32_counter words{};
    for (std::size_t k = 0; k < n; ++k) {
        const std::uint64_t index = first_index + k;
        if (k == 0 || index % 4 == 0) {
            const std::uint64_t block = index / 4;
            words = philox4x32_10({static_cast<std::uint32_t>(block), static_cast<std::uint32_t>(block >> 32), 0, 0},
                                  key);
        }
        out[k] = lowbit::convert_stochastic<T>(in[k], words[index % 4], options);
    }
}

}  // namespace scalar

// The vector kernel of `which` for T, or nullptr where that isa has none (formats that are not
// kernel_detail::vector_encodable, the scalar isa, non-x86 builds). The vector kernels need first_index % 4 == 0.
template <floating_format T>
constexpr stochastic_kernel<T> vector_stochastic_kernel(isa which) noexcept
{
#if LOWBIT_SIMD_X86
    if constexpr (kernel_detail::vector_encodable<T>) {
        if (which == isa::avx512) return &avx512::encode_stochastic<T>;
        if (which == isa::avx2) return &avx2::encode_stochastic<T>;
    }
#endif
    static_cast<void>(which);
    return nullptr;
}

template <floating_format T>
constexpr bool has_stochastic_kernel(isa which) noexcept
{
    return vector_stochastic_kernel<T>(which) != nullptr;
}

// Runs the conversion on `which` (a supported isa): the elements before the first multiple of 4 in the
// stream through the scalar kernel, the rest through the vector kernel if there is one.
template <floating_format T>
void run_stochastic(isa which, const float* in, T* out, std::size_t n, std::uint64_t seed, std::uint64_t first_index,
                    const conversion_options& options)
{
    const stochastic_kernel<T> vector = vector_stochastic_kernel<T>(which);
    if (vector == nullptr) {
        scalar::encode_stochastic<T>(in, out, n, seed, first_index, options);
        return;
    }
    const auto misalignment = static_cast<std::size_t>((4 - first_index % 4) % 4);
    const std::size_t head = misalignment < n ? misalignment : n;
    scalar::encode_stochastic<T>(in, out, head, seed, first_index, options);
    vector(in + head, out + head, n - head, seed, first_index + head, options);
}

}  // namespace LOWBIT_SIMD_ABI
}  // namespace simd

inline namespace LOWBIT_SIMD_ABI {

// out[i] = lowbit::convert_stochastic<T>(in[i], stochastic_random_word(stream.seed, stream.offset + i),
// options) for every i, on the active isa (simd::active_isa()), bit for bit on every isa. options.rounding is
// not used; overflow and NaN options are. Any length and alignment; in.size() != out.size() or overlapping
// spans throw std::invalid_argument before anything is written.
template <floating_format T>
    requires(T::info.total_bits <= 16)
void convert_stochastic(std::span<const float> in, std::span<T> out, stochastic_stream stream,
                        const conversion_options& options)
{
    if (in.size() != out.size()) detail::throw_length_mismatch(in.size(), out.size());
    detail::require_disjoint("lowbit::convert_stochastic", in, out);
    if (in.empty()) return;
    simd::run_stochastic<T>(simd::active_isa(), in.data(), out.data(), in.size(), stream.seed, stream.offset, options);
}

template <floating_format T>
    requires(T::info.total_bits <= 16)
void convert_stochastic(std::span<const float> in, std::span<T> out, stochastic_stream stream,
                        overflow on_overflow = overflow::nonsaturating)
{
    conversion_options options;
    options.overflow = on_overflow;
    lowbit::convert_stochastic<T>(in, out, stream, options);
}

}  // namespace LOWBIT_SIMD_ABI
}  // namespace lowbit
