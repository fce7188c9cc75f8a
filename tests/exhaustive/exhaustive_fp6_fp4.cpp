// Exhaustive float32 sweep (see exhaustive_sweep.hpp) through the OCP MX FP6 and FP4 element types.
#include "exhaustive_sweep.hpp"

TEST_CASE("exhaustive float32 -> float6_e2m3fn", "[conversion][exhaustive]")
{
    lowbit_exhaustive::sweep_all_floats<lowbit::float6_e2m3fn>("float6_e2m3fn");
}

TEST_CASE("exhaustive float32 -> float6_e3m2fn", "[conversion][exhaustive]")
{
    lowbit_exhaustive::sweep_all_floats<lowbit::float6_e3m2fn>("float6_e3m2fn");
}

TEST_CASE("exhaustive float32 -> float4_e2m1fn", "[conversion][exhaustive]")
{
    lowbit_exhaustive::sweep_all_floats<lowbit::float4_e2m1fn>("float4_e2m1fn");
}
