// The inline ABI namespace of lowbit's SIMD layer, derived from the translation unit's baseline ISA flags.
#pragma once

// Every inline function that generates code (kernels, dispatch, the bulk API) is declared inside
// `inline namespace LOWBIT_SIMD_ABI`, so two translation units compiled with different -m flags emit
// differently mangled COMDATs: the linker can never keep a copy compiled for AVX-512 and hand it to a
// translation unit that was built to run on a plain x86-64. Shared data (the active-ISA state) lives
// outside it, so set_isa() is seen by every translation unit.
#if defined(__AVX512F__)
#define LOWBIT_SIMD_ABI abi_avx512
#elif defined(__AVX2__)
#define LOWBIT_SIMD_ABI abi_avx2
#elif defined(__AVX__)
#define LOWBIT_SIMD_ABI abi_avx
#elif defined(__SSE4_1__)
#define LOWBIT_SIMD_ABI abi_sse4
#else
#define LOWBIT_SIMD_ABI abi_base
#endif

// Hand-written x86 kernels need GCC or clang (target attributes, <immintrin.h>, <cpuid.h>).
#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__)) && \
    !defined(LOWBIT_SIMD_DISABLE)
#define LOWBIT_SIMD_X86 1
#else
#define LOWBIT_SIMD_X86 0
#endif

#if LOWBIT_SIMD_X86
// The avx2 path requires FMA too (every AVX2 CPU has it): the byte encoders round with one FMA.
#define LOWBIT_TARGET_AVX2 __attribute__((target("avx2,fma")))
// VBMI for the 256-entry byte lookups of the FP8 decoder (vpermi2b), DQ for the byte encoders' clamp
// (vrangeps); the avx512 path requires both.
#define LOWBIT_TARGET_AVX512 __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx512vbmi")))
// The bfloat16 encoder adds AVX512-BF16 (vcvtne2ps2bf16); it runs only where has_avx512_bf16().
#define LOWBIT_TARGET_AVX512_BF16 __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx512vbmi,avx512bf16")))
// The float16 kernels of the avx2 path use F16C (vcvtps2ph/vcvtph2ps); they run only where has_f16c().
#define LOWBIT_TARGET_AVX2_F16C __attribute__((target("avx2,fma,f16c")))
#define LOWBIT_SIMD_INLINE inline __attribute__((always_inline))
#endif

// GCC 12 warns falsely (-Wmaybe-uninitialized, and -Wuninitialized where several unpacks and maxima are
// inlined together) inside its AVX-512 intrinsic headers (the _mm512_undefined_* idiom); silenced around the
// intrinsic includes and kernels only.
#if defined(__GNUC__) && !defined(__clang__)
#define LOWBIT_SIMD_WARNINGS_PUSH                                                                  \
    _Pragma("GCC diagnostic push") _Pragma("GCC diagnostic ignored \"-Wmaybe-uninitialized\"") \
        _Pragma("GCC diagnostic ignored \"-Wuninitialized\"")
#define LOWBIT_SIMD_WARNINGS_POP _Pragma("GCC diagnostic pop")
#else
#define LOWBIT_SIMD_WARNINGS_PUSH
#define LOWBIT_SIMD_WARNINGS_POP
#endif
