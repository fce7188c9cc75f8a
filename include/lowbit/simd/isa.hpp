// Instruction-set detection (cpuid/xgetbv), the LOWBIT_ISA environment variable and the active-ISA switch.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>
#include <vector>

#include "abi.hpp"

#if LOWBIT_SIMD_X86
#include <cpuid.h>
#endif

namespace lowbit {
namespace simd {

// The kernel families, from slowest to fastest. `avx512` needs AVX-512 F, BW, DQ, VL and VBMI plus OS support
// for the ZMM state; `avx2` needs AVX2 plus OS support for the YMM state.
enum class isa : std::uint8_t { scalar, avx2, avx512 };

inline constexpr int isa_count = 3;

namespace state {
// Shared by every translation unit whatever its ABI namespace: data only, constant-initialised.
// -1 = not decided yet (LOWBIT_ISA is read on first use), otherwise the active isa.
inline std::atomic<int> active_isa_state{-1};
// -1 = not detected yet, otherwise a bit set of the supported isas.
inline std::atomic<int> supported_isa_bits{-1};
}  // namespace state

inline namespace LOWBIT_SIMD_ABI {

constexpr std::string_view isa_name(isa i) noexcept
{
    switch (i) {
    case isa::scalar: return "scalar";
    case isa::avx2: return "avx2";
    case isa::avx512: return "avx512";
    }
    return "scalar";
}

// "scalar", "avx2" or "avx512" (ASCII case ignored); anything else is not an ISA name.
constexpr std::optional<isa> parse_isa(std::string_view text) noexcept
{
    const auto equals = [text](std::string_view name) {
        if (text.size() != name.size()) return false;
        for (std::size_t k = 0; k < text.size(); ++k) {
            char c = text[k];
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
            if (c != name[k]) return false;
        }
        return true;
    };
    for (int k = 0; k < isa_count; ++k) {
        const auto candidate = static_cast<isa>(k);
        if (equals(isa_name(candidate))) return candidate;
    }
    return std::nullopt;
}

namespace detail {

// Optional extensions some kernels use inside a path, kept in the same bit set above the isa bits.
inline constexpr int f16c_bit = 1 << 8;          // vcvtps2ph/vcvtph2ps on 128/256-bit vectors
inline constexpr int avx512_bf16_bit = 1 << 9;   // vcvtneps2bf16

#if LOWBIT_SIMD_X86
// XCR0 through inline asm: the _xgetbv intrinsic needs -mxsave in GCC.
inline std::uint64_t read_xcr0() noexcept
{
    std::uint32_t eax = 0;
    std::uint32_t edx = 0;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return (std::uint64_t{edx} << 32) | eax;
}

inline int detect_isa_bits() noexcept
{
    int bits = 1 << static_cast<int>(isa::scalar);
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (__get_cpuid(0, &a, &b, &c, &d) == 0 || a < 7) return bits;
    __cpuid_count(1, 0, a, b, c, d);
    const bool fma = (c >> 12) & 1u;
    const bool f16c = (c >> 29) & 1u;
    const bool osxsave = (c >> 27) & 1u;
    const bool avx = (c >> 28) & 1u;
    if (!osxsave || !avx) return bits;
    const std::uint64_t xcr0 = read_xcr0();
    const bool ymm_state = (xcr0 & 0x6u) == 0x6u;    // SSE and AVX state enabled by the OS
    const bool zmm_state = (xcr0 & 0xE6u) == 0xE6u;  // plus opmask, ZMM_Hi256, Hi16_ZMM
    __cpuid_count(7, 0, a, b, c, d);
    const bool avx2 = (b >> 5) & 1u;
    const bool avx512f = (b >> 16) & 1u;
    const bool avx512dq = (b >> 17) & 1u;
    const bool avx512bw = (b >> 30) & 1u;
    const bool avx512vl = (b >> 31) & 1u;
    const bool avx512vbmi = (c >> 1) & 1u;
    const unsigned leaf7_subleaves = a;  // the highest valid subleaf of leaf 7
    if (ymm_state && avx2 && fma) bits |= 1 << static_cast<int>(isa::avx2);
    const bool avx512_path = ymm_state && zmm_state && avx2 && fma && avx512f && avx512dq && avx512bw && avx512vl &&
                             avx512vbmi;
    if (avx512_path) bits |= 1 << static_cast<int>(isa::avx512);
    if (ymm_state && f16c) bits |= f16c_bit;
    if (leaf7_subleaves >= 1) {
        __cpuid_count(7, 1, a, b, c, d);
        if (avx512_path && ((a >> 5) & 1u)) bits |= avx512_bf16_bit;
    }
    return bits;
}
#else
inline int detect_isa_bits() noexcept { return 1 << static_cast<int>(isa::scalar); }
#endif

inline int isa_bits() noexcept
{
    int bits = simd::state::supported_isa_bits.load(std::memory_order_relaxed);
    if (bits < 0) {
        bits = detect_isa_bits();  // idempotent: a race only repeats the same cpuid queries
        simd::state::supported_isa_bits.store(bits, std::memory_order_relaxed);
    }
    return bits;
}

}  // namespace detail

// Whether this machine (CPU and OS) can run the isa's kernels. Always true for scalar.
inline bool is_supported(isa i) noexcept
{
    return static_cast<unsigned>(i) < static_cast<unsigned>(isa_count) && ((detail::isa_bits() >> static_cast<int>(i)) & 1) != 0;
}

// Whether the avx2 path may use F16C for float16, and the avx512 path AVX512-BF16 for bfloat16.
inline bool has_f16c() noexcept { return (detail::isa_bits() & detail::f16c_bit) != 0; }
inline bool has_avx512_bf16() noexcept { return (detail::isa_bits() & detail::avx512_bf16_bit) != 0; }

// The fastest supported isa.
inline isa best_isa() noexcept
{
    for (int k = isa_count - 1; k > 0; --k)
        if (is_supported(static_cast<isa>(k))) return static_cast<isa>(k);
    return isa::scalar;
}

// The supported isas, slowest first (scalar is always the first).
inline std::vector<isa> available_isas()
{
    std::vector<isa> result;
    for (int k = 0; k < isa_count; ++k)
        if (is_supported(static_cast<isa>(k))) result.push_back(static_cast<isa>(k));
    return result;
}

// The rule for LOWBIT_ISA's value (nullptr when unset): a supported isa is taken as is; unset, empty,
// unknown or unsupported values give the best supported isa.
inline isa isa_from_environment_value(const char* value) noexcept
{
    if (value == nullptr) return best_isa();
    const std::optional<isa> requested = parse_isa(value);
    if (requested && is_supported(*requested)) return *requested;
    return best_isa();
}

// The isa the bulk conversions use. Decided on first use (by this call or by set_isa) from LOWBIT_ISA, read
// exactly once per process; thread-safe.
inline isa active_isa() noexcept
{
    int state = simd::state::active_isa_state.load(std::memory_order_acquire);
    if (state < 0) {
        const int chosen = static_cast<int>(isa_from_environment_value(std::getenv("LOWBIT_ISA")));
        // Only the first thread's choice is kept; a loser adopts the winner's (or set_isa's) value.
        if (simd::state::active_isa_state.compare_exchange_strong(state, chosen, std::memory_order_acq_rel))
            state = chosen;
    }
    return static_cast<isa>(state);
}

// Makes `requested` the active isa if this machine supports it and returns true; otherwise activates the
// best supported isa and returns false (active_isa() shows which one is in use).
inline bool set_isa(isa requested) noexcept
{
    const bool ok = static_cast<unsigned>(requested) < static_cast<unsigned>(isa_count) &&
                    is_supported(requested);
    const isa chosen = ok ? requested : best_isa();
    simd::state::active_isa_state.store(static_cast<int>(chosen), std::memory_order_release);
    return ok;
}

}  // namespace LOWBIT_SIMD_ABI
}  // namespace simd
}  // namespace lowbit
