// Instantiates lowbit::float_format with the parameters given on the command line, so that the compile_fail
// tests (CMakeLists.txt beside this file) can check which parameter sets the template rejects, and how.
#include <lowbit/lowbit.hpp>

using probe_format =
    lowbit::float_format<LOWBIT_PROBE_E, LOWBIT_PROBE_M, LOWBIT_PROBE_BIAS, lowbit::specials::LOWBIT_PROBE_SPECIALS,
                         lowbit::sign_bit::LOWBIT_PROBE_SIGN, lowbit::subnormals::LOWBIT_PROBE_SUBNORMALS>;

// A complete object forces the class template's instantiation, and with it every static_assert.
probe_format probe_instance{};

#ifdef LOWBIT_PROBE_TO_FLOAT
// Only formats whose values are all floats convert to float (the operator's requires-clause).
float probe_value = static_cast<float>(probe_instance);
#else
double probe_value = static_cast<double>(probe_instance);
#endif
