// Test support: every combination of the deterministic conversion options (rounding, overflow, NaN encoding,
// NaN into formats without a NaN code, IEEE directed overflow), and a readable description of one.
#pragma once

#include <lowbit/core/options.hpp>

#include <string>
#include <vector>

namespace lowbit_test {

// The 5 x 3 x 3 x 2 x 2 = 180 option sets the bulk kernels must honour exactly as the scalar engine does.
inline std::vector<lowbit::conversion_options> every_conversion_options()
{
    std::vector<lowbit::conversion_options> result;
    for (int r = 0; r < 5; ++r)
        for (int v = 0; v < 3; ++v)
            for (int n = 0; n < 3; ++n)
                for (int w = 0; w < 2; ++w)
                    for (int d = 0; d < 2; ++d) {
                        lowbit::conversion_options o;
                        o.rounding = static_cast<lowbit::rounding>(r);
                        o.overflow = static_cast<lowbit::overflow>(v);
                        o.nan = static_cast<lowbit::nan_encoding>(n);
                        o.nan_without_code = static_cast<lowbit::nan_without_code>(w);
                        o.directed_overflow = static_cast<lowbit::directed_overflow>(d);
                        result.push_back(o);
                    }
    return result;
}

inline std::string describe_options(const lowbit::conversion_options& o)
{
    return "rounding " + std::to_string(static_cast<int>(o.rounding)) + ", overflow " +
           std::to_string(static_cast<int>(o.overflow)) + ", nan " + std::to_string(static_cast<int>(o.nan)) +
           ", nan_without_code " + std::to_string(static_cast<int>(o.nan_without_code)) + ", directed_overflow " +
           std::to_string(static_cast<int>(o.directed_overflow));
}

}  // namespace lowbit_test
