// Exhaustive float32 sweep (see exhaustive_sweep.hpp) through E3M4, the E5M2 pair and the E8M0 scale.
#include "exhaustive_sweep.hpp"

TEST_CASE("exhaustive float32 -> float8_e3m4", "[conversion][exhaustive]")
{
    lowbit_exhaustive::sweep_all_floats<lowbit::float8_e3m4>("float8_e3m4");
}

TEST_CASE("exhaustive float32 -> float8_e5m2", "[conversion][exhaustive]")
{
    lowbit_exhaustive::sweep_all_floats<lowbit::float8_e5m2>("float8_e5m2");
}

TEST_CASE("exhaustive float32 -> float8_e5m2fnuz", "[conversion][exhaustive]")
{
    lowbit_exhaustive::sweep_all_floats<lowbit::float8_e5m2fnuz>("float8_e5m2fnuz");
}

// Positive inputs only: E8M0 has no zero and no negative values (see exhaustive_sweep.hpp).
TEST_CASE("exhaustive float32 -> float8_e8m0fnu", "[conversion][exhaustive]")
{
    lowbit_exhaustive::sweep_all_floats<lowbit::float8_e8m0fnu>("float8_e8m0fnu");
}
