// Exhaustive float32 sweep (see exhaustive_sweep.hpp) through the E4M3 family of FP8 formats.
#include "exhaustive_sweep.hpp"

TEST_CASE("exhaustive float32 -> float8_e4m3fn", "[conversion][exhaustive]")
{
    lowbit_exhaustive::sweep_all_floats<lowbit::float8_e4m3fn>("float8_e4m3fn");
}

TEST_CASE("exhaustive float32 -> float8_e4m3", "[conversion][exhaustive]")
{
    lowbit_exhaustive::sweep_all_floats<lowbit::float8_e4m3>("float8_e4m3");
}

TEST_CASE("exhaustive float32 -> float8_e4m3fnuz", "[conversion][exhaustive]")
{
    lowbit_exhaustive::sweep_all_floats<lowbit::float8_e4m3fnuz>("float8_e4m3fnuz");
}

TEST_CASE("exhaustive float32 -> float8_e4m3b11fnuz", "[conversion][exhaustive]")
{
    lowbit_exhaustive::sweep_all_floats<lowbit::float8_e4m3b11fnuz>("float8_e4m3b11fnuz");
}
