// Exhaustive float32 sweep (see exhaustive_sweep.hpp) through bfloat16, IEEE half and TF32.
#include "exhaustive_sweep.hpp"

TEST_CASE("exhaustive float32 -> bfloat16", "[conversion][exhaustive]")
{
    lowbit_exhaustive::sweep_all_floats<lowbit::bfloat16>("bfloat16");
}

TEST_CASE("exhaustive float32 -> float16", "[conversion][exhaustive]")
{
    lowbit_exhaustive::sweep_all_floats<lowbit::float16>("float16");
}

TEST_CASE("exhaustive float32 -> tfloat32", "[conversion][exhaustive]")
{
    lowbit_exhaustive::sweep_all_floats<lowbit::tfloat32>("tfloat32");
}
