// Test support: scoped changes of process-wide SIMD state that a test restores whatever its outcome, the
// active instruction-set path (lowbit::simd::set_isa) and, on x86, MXCSR; and the loop that runs a check on
// every instruction-set path.
#pragma once

#include <catch2/catch.hpp>

#include <lowbit/simd/abi.hpp>
#include <lowbit/simd/isa.hpp>

#if LOWBIT_SIMD_X86
#include <xmmintrin.h>
#endif

namespace lowbit_test {

// Restores the active isa when a test that forces one ends.
struct isa_restorer {
    lowbit::simd::isa saved = lowbit::simd::active_isa();
    ~isa_restorer() { lowbit::simd::set_isa(saved); }
};

// Runs check(isa) once per instruction-set path this machine supports, with that path active and its name
// in the failure report; the path active before is restored afterwards.
template <class Check>
void for_each_isa(Check&& check)
{
    const isa_restorer restore;
    for (const lowbit::simd::isa which : lowbit::simd::available_isas()) {
        REQUIRE(lowbit::simd::set_isa(which));
        INFO("isa " << lowbit::simd::isa_name(which));
        check(which);
    }
}

#if LOWBIT_SIMD_X86
// Sets MXCSR to `bits` for the scope, restoring the previous value afterwards.
struct mxcsr_setting {
    unsigned saved = _mm_getcsr();
    explicit mxcsr_setting(unsigned bits) { _mm_setcsr(bits); }
    ~mxcsr_setting() { _mm_setcsr(saved); }
    mxcsr_setting(const mxcsr_setting&) = delete;
    mxcsr_setting& operator=(const mxcsr_setting&) = delete;
};
#endif

}  // namespace lowbit_test
