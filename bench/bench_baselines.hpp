// The vectorised baselines that bench_bulk_conversions and bench_mx time next to lowbit in the same binary
// and run (only ratios to them survive a noisy, shared machine), and the 64-byte aligned buffers they and
// their subjects run on:
//
//   pack_f32_u8   a plain float32 -> uint8 pack: truncating vcvttps2dq + vpmovdb (AVX-512F), else
//                 vcvttps2dq + vpackssdw/vpackuswb (AVX2)
//   cvtps2ph      the silicon float32 -> float16 converter, vcvtps2ph (round to nearest even), 16 lanes
//                 (AVX-512F), else 8 (F16C)
//   cvtph2ps      the silicon float16 -> float32 converter, vcvtph2ps, 16 lanes, else 8
//
// (memcpy is glibc's.) The kernels carry target attributes, so the benchmarks build without -m flags.
#pragma once

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <new>
#include <vector>

#include <cpuid.h>
#include <immintrin.h>

namespace lowbit_bench {

// ---- buffers ------------------------------------------------------------------------------------------
// 64-byte aligned (a cache line, one ZMM register), so that neither baselines nor subjects pay for split
// loads.

template <class T>
struct aligned_allocator {
    using value_type = T;
    static constexpr std::align_val_t alignment{64};
    aligned_allocator() = default;
    template <class U>
    aligned_allocator(const aligned_allocator<U>&) noexcept {}
    T* allocate(std::size_t n) { return static_cast<T*>(::operator new(n * sizeof(T), alignment)); }
    void deallocate(T* p, std::size_t) noexcept { ::operator delete(p, alignment); }
    friend bool operator==(const aligned_allocator&, const aligned_allocator&) noexcept { return true; }
};

template <class T>
using buffer = std::vector<T, aligned_allocator<T>>;

// ---- CPU features -------------------------------------------------------------------------------------

inline bool has_avx512f() { return __builtin_cpu_supports("avx512f") != 0; }
inline bool has_avx2() { return __builtin_cpu_supports("avx2") != 0; }
// F16C is CPUID.1:ECX bit 29; AVX support (checked by the builtin, OS state included) is its precondition.
inline bool has_f16c()
{
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    return __builtin_cpu_supports("avx") && __get_cpuid(1, &eax, &ebx, &ecx, &edx) && (ecx & (1u << 29)) != 0;
}
inline bool has_avx512_bf16()
{
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    return has_avx512f() && __get_cpuid_count(7, 1, &eax, &ebx, &ecx, &edx) && (eax & (1u << 5)) != 0;
}

// ---- kernels ------------------------------------------------------------------------------------------

// GCC 12 warns falsely (-Wmaybe-uninitialized) inside its AVX-512 intrinsic headers (the _mm512_undefined_*
// idiom), as lowbit's kernels note; silenced around the baselines only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

// Truncating float -> int32 (vcvttps2dq), then int32 -> uint8 keeping the low byte (vpmovdb).
__attribute__((target("avx512f"))) inline void pack_u8_avx512(const float* in, std::uint8_t* out, std::size_t n)
{
    std::size_t i = 0;
    for (; i + 16 <= n; i += 16)
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i),
                         _mm512_cvtepi32_epi8(_mm512_cvttps_epi32(_mm512_loadu_ps(in + i))));
    if (i < n) {
        const auto m = static_cast<__mmask16>((1u << (n - i)) - 1);
        _mm512_mask_cvtepi32_storeu_epi8(out + i, m, _mm512_cvttps_epi32(_mm512_maskz_loadu_ps(m, in + i)));
    }
}

// Truncating float -> int32, then saturating packs to uint8 (32 values per step).
__attribute__((target("avx2"))) inline void pack_u8_avx2(const float* in, std::uint8_t* out, std::size_t n)
{
    std::size_t i = 0;
    const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
    for (; i + 32 <= n; i += 32) {
        const __m256i a = _mm256_cvttps_epi32(_mm256_loadu_ps(in + i));
        const __m256i b = _mm256_cvttps_epi32(_mm256_loadu_ps(in + i + 8));
        const __m256i c = _mm256_cvttps_epi32(_mm256_loadu_ps(in + i + 16));
        const __m256i d = _mm256_cvttps_epi32(_mm256_loadu_ps(in + i + 24));
        const __m256i bytes = _mm256_packus_epi16(_mm256_packs_epi32(a, b), _mm256_packs_epi32(c, d));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i), _mm256_permutevar8x32_epi32(bytes, order));
    }
    for (; i < n; ++i) out[i] = static_cast<std::uint8_t>(static_cast<int>(in[i]));
}

// One value (the loops' tails; _cvtss_sh would do, but clang's is a compound literal -Wpedantic rejects).
__attribute__((target("f16c"))) inline std::uint16_t f16c_one(float x)
{
    return static_cast<std::uint16_t>(_mm_cvtsi128_si32(_mm_cvtps_ph(_mm_set_ss(x), _MM_FROUND_TO_NEAREST_INT)));
}

__attribute__((target("avx512f,f16c"))) inline void cvtps2ph_avx512(const float* in, std::uint16_t* out, std::size_t n)
{
    std::size_t i = 0;
    for (; i + 16 <= n; i += 16)
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i),
                            _mm512_cvtps_ph(_mm512_loadu_ps(in + i), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
    for (; i < n; ++i) out[i] = f16c_one(in[i]);
}

__attribute__((target("avx512f,f16c"))) inline void cvtph2ps_avx512(const std::uint16_t* in, float* out, std::size_t n)
{
    std::size_t i = 0;
    for (; i + 16 <= n; i += 16)
        _mm512_storeu_ps(out + i, _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(in + i))));
    for (; i < n; ++i) out[i] = _cvtsh_ss(in[i]);
}

__attribute__((target("avx,f16c"))) inline void cvtps2ph_f16c(const float* in, std::uint16_t* out, std::size_t n)
{
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i),
                         _mm256_cvtps_ph(_mm256_loadu_ps(in + i), _MM_FROUND_TO_NEAREST_INT));
    for (; i < n; ++i) out[i] = f16c_one(in[i]);
}

__attribute__((target("avx,f16c"))) inline void cvtph2ps_f16c(const std::uint16_t* in, float* out, std::size_t n)
{
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm256_storeu_ps(out + i, _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(in + i))));
    for (; i < n; ++i) out[i] = _cvtsh_ss(in[i]);
}

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

// ---- the widest kernel this CPU runs (nullptr: none, the benchmark reports an error) ----------------------

using pack_f32_u8_kernel = void (*)(const float*, std::uint8_t*, std::size_t);
using cvtps2ph_kernel = void (*)(const float*, std::uint16_t*, std::size_t);
using cvtph2ps_kernel = void (*)(const std::uint16_t*, float*, std::size_t);

inline pack_f32_u8_kernel best_pack_f32_u8()
{
    return has_avx512f() ? pack_u8_avx512 : has_avx2() ? pack_u8_avx2 : nullptr;
}
inline cvtps2ph_kernel best_cvtps2ph()
{
    return has_avx512f() ? cvtps2ph_avx512 : has_f16c() ? cvtps2ph_f16c : nullptr;
}
inline cvtph2ps_kernel best_cvtph2ps()
{
    return has_avx512f() ? cvtph2ps_avx512 : has_f16c() ? cvtph2ps_f16c : nullptr;
}

// Which baseline kernels ran and what the CPU offers, in the JSON context of the run.
inline void describe_baselines()
{
    benchmark::AddCustomContext("cpu_avx512f", has_avx512f() ? "yes" : "no");
    benchmark::AddCustomContext("cpu_avx512_bf16", has_avx512_bf16() ? "yes" : "no");
    benchmark::AddCustomContext("cpu_f16c", has_f16c() ? "yes" : "no");
    benchmark::AddCustomContext("baseline_pack_f32_u8", has_avx512f() ? "vcvttps2dq+vpmovdb zmm (truncating)"
                                                                      : "vcvttps2dq+vpackssdw+vpackuswb ymm");
    benchmark::AddCustomContext("baseline_cvt_f16", has_avx512f() ? "vcvtps2ph/vcvtph2ps zmm (16 lanes)"
                                                                  : "vcvtps2ph/vcvtph2ps ymm (8 lanes, F16C)");
    benchmark::AddCustomContext("baseline_memcpy", "glibc memcpy");
}

}  // namespace lowbit_bench
