// Exhaustive tier for arithmetic: every pair of codes of every format of 8 bits or fewer under every rounding
// and overflow mode, and 2 million sampled pairs each of bfloat16, float16 and tfloat32 under every mode,
// against the exact oracle (tests/support/oracle.hpp). The unit tier runs the nearest-even part.
#include <catch2/catch.hpp>

#include <lowbit/types/float_arithmetic.hpp>
#include <lowbit/types/named_formats.hpp>

#include "oracle.hpp"

namespace {

using namespace lowbit_test;

template <class T>
void all_pairs_all_modes(const spec& s, const char* name)
{
    failures fails;
    check_all_pairs<T>(s, name, true, fails);
    INFO(name << ": " << fails.report());
    CHECK(fails.count == 0);
    CHECK(fails.checked > 100000);
}

template <class T>
void sampled(const spec& s, const char* name)
{
    failures fails;
    check_sampled_pairs<T>(s, name, 2000000, true, 0xe4a0u + static_cast<std::uint64_t>(s.m), fails);
    INFO(name << ": " << fails.report());
    CHECK(fails.count == 0);
}

}  // namespace

TEST_CASE("exhaustive arithmetic: every pair of every 8-bit format, every mode", "[arithmetic]")
{
    using namespace lowbit;
    all_pairs_all_modes<float8_e4m3fn>({4, 3, 7, specials::fn, true, true}, "float8_e4m3fn");
    all_pairs_all_modes<float8_e4m3>({4, 3, 7, specials::ieee, true, true}, "float8_e4m3");
    all_pairs_all_modes<float8_e4m3fnuz>({4, 3, 8, specials::fnuz, true, true}, "float8_e4m3fnuz");
    all_pairs_all_modes<float8_e4m3b11fnuz>({4, 3, 11, specials::fnuz, true, true}, "float8_e4m3b11fnuz");
    all_pairs_all_modes<float8_e3m4>({3, 4, 3, specials::ieee, true, true}, "float8_e3m4");
    all_pairs_all_modes<float8_e5m2>({5, 2, 15, specials::ieee, true, true}, "float8_e5m2");
    all_pairs_all_modes<float8_e5m2fnuz>({5, 2, 16, specials::fnuz, true, true}, "float8_e5m2fnuz");
    all_pairs_all_modes<float8_e8m0fnu>({8, 0, 127, specials::e8m0, false, false}, "float8_e8m0fnu");
    all_pairs_all_modes<float_format<3, 3, 3, specials::ieee>>({3, 3, 3, specials::ieee, true, true}, "E3M3 ieee");
}

TEST_CASE("exhaustive arithmetic: 2M sampled pairs of bfloat16, float16, tfloat32, every mode", "[arithmetic]")
{
    using namespace lowbit;
    sampled<bfloat16>({8, 7, 127, specials::ieee, true, true}, "bfloat16");
    sampled<float16>({5, 10, 15, specials::ieee, true, true}, "float16");
    sampled<tfloat32>({8, 10, 127, specials::ieee, true, true}, "tfloat32");
}
