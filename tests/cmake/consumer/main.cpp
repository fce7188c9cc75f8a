// Checks that a consumer gets a working lowbit: one conversion each way, checked at compile and run time.
#include <lowbit/lowbit.hpp>

static_assert(lowbit::float8_e4m3fn(448.0f).bits() == 0x7E);

int main()
{
    const lowbit::float8_e5m2 x(1.5f);
    return static_cast<float>(x) == 1.5f && LOWBIT_VERSION >= 100 ? 0 : 1;
}
