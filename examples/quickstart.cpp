// A tour of lowbit: the named formats and their ranges, conversions under every rounding and overflow
// mode, and stochastic rounding. Build and run:  cmake --build build --target quickstart && build/examples/quickstart
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <map>
#include <random>
#include <string>

#include <lowbit/lowbit.hpp>

namespace {

// A value, exactly where that is short: the exact decimal if it fits in 12 characters, else 2^k for a power
// of two, else 6 significant digits with the exact hex float beside them.
std::string show(double v)
{
    char buf[64];
    if (std::isnan(v) || std::isinf(v) || v == 0) {
        std::snprintf(buf, sizeof buf, "%g", v);
        return buf;
    }
    // Every value here is dyadic, so its decimal expansion is finite and glibc prints all of it.
    char exact[512];
    std::snprintf(exact, sizeof exact, "%.200g", v);
    if (std::strlen(exact) <= 12) return exact;
    int exponent = 0;
    if (std::frexp(std::fabs(v), &exponent) == 0.5) {
        std::snprintf(buf, sizeof buf, "%s2^%d", v < 0 ? "-" : "", exponent - 1);
        return buf;
    }
    std::snprintf(buf, sizeof buf, "%.6g (%a)", v, v);
    return buf;
}

// printf's %-Ns counts bytes; this pads by characters, so that "—" lines up.
void cell(const std::string& s, int width)
{
    int chars = 0;
    for (const char c : s) chars += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    std::printf("%s%*s", s.c_str(), width > chars ? width - chars : 0, "");
}

const char* policy_name(lowbit::specials s)
{
    switch (s) {
    case lowbit::specials::ieee: return "Inf + NaNs";
    case lowbit::specials::fn: return "NaN only";
    case lowbit::specials::fnuz: return "NaN = -0 code";
    case lowbit::specials::finite: return "none";
    case lowbit::specials::e8m0: return "NaN, no zero";
    }
    return "?";
}

// Every limit below is the decoded value of a code, so the table shows what the library really does.
template <class T>
void print_format_row(const char* name)
{
    using code_t = typename T::storage_type;
    constexpr lowbit::format_info f = T::info;
    const auto value_of = [](std::uint32_t code) {
        return static_cast<double>(T::from_bits(static_cast<code_t>(code)));
    };

    const double max = value_of(f.max_magnitude_code);
    // Field 1 starts the normal binades; in E8M0 every code is normal and code 0 is the smallest.
    const double min_normal = value_of(f.specials == lowbit::specials::e8m0 ? 0u : 1u << f.mantissa_bits);
    const std::string min_sub = f.has_subnormals && f.mantissa_bits > 0 ? show(value_of(1)) : "—";
    const std::uint32_t one = T(1.0).bits();
    const double epsilon = value_of(one + 1) - 1.0;  // gap above 1 = 2^-M

    std::printf("%-19s %4d %3d %3d %5d  %-15s", name, f.total_bits, f.exponent_bits, f.mantissa_bits, f.bias,
                policy_name(f.specials));
    cell(show(max), 27);
    cell(show(min_normal), 13);
    cell(min_sub, 13);
    cell(show(epsilon), 14);
    std::printf("%6llu\n", static_cast<unsigned long long>(f.finite_code_count));
}

void print_format_table()
{
    std::printf("%-19s %4s %3s %3s %5s  %-15s%-27s%-13s%-13s%-14s%6s\n", "format", "bits", "E", "M", "bias",
                "specials", "max", "min normal", "min subnorm.", "epsilon", "finite");
    print_format_row<lowbit::float8_e4m3fn>("float8_e4m3fn");
    print_format_row<lowbit::float8_e4m3>("float8_e4m3");
    print_format_row<lowbit::float8_e4m3fnuz>("float8_e4m3fnuz");
    print_format_row<lowbit::float8_e4m3b11fnuz>("float8_e4m3b11fnuz");
    print_format_row<lowbit::float8_e3m4>("float8_e3m4");
    print_format_row<lowbit::float8_e5m2>("float8_e5m2");
    print_format_row<lowbit::float8_e5m2fnuz>("float8_e5m2fnuz");
    print_format_row<lowbit::float8_e8m0fnu>("float8_e8m0fnu");
    print_format_row<lowbit::float6_e2m3fn>("float6_e2m3fn");
    print_format_row<lowbit::float6_e3m2fn>("float6_e3m2fn");
    print_format_row<lowbit::float4_e2m1fn>("float4_e2m1fn");
    print_format_row<lowbit::bfloat16>("bfloat16");
    print_format_row<lowbit::float16>("float16");
    print_format_row<lowbit::tfloat32>("tfloat32");
}

constexpr double inputs[] = {1.0625, 300, 464, 470, 1e6, -1e6, 1e-3, std::numeric_limits<double>::infinity(),
                             std::numeric_limits<double>::quiet_NaN()};

// One table per format: the five rounding modes (nonsaturating), then nearest-even under the two
// saturating overflow modes. Each cell is the code in hex and its value.
template <class T>
void print_conversion_table(const char* name)
{
    using lowbit::overflow;
    using lowbit::rounding;
    struct column {
        const char* title;
        rounding mode;
        overflow on_overflow;
    };
    constexpr column columns[] = {
        {"nearest_even", rounding::nearest_even, overflow::nonsaturating},
        {"nearest_away", rounding::nearest_away, overflow::nonsaturating},
        {"toward_zero", rounding::toward_zero, overflow::nonsaturating},
        {"toward_positive", rounding::toward_positive, overflow::nonsaturating},
        {"toward_negative", rounding::toward_negative, overflow::nonsaturating},
        {"ne+sat_finite", rounding::nearest_even, overflow::saturate_finite},
        {"ne+saturate", rounding::nearest_even, overflow::saturate},
    };
    std::printf("\n%s (columns 1-5: overflow::nonsaturating)\n%-8s", name, "input");
    for (const column& c : columns) std::printf(&c == &columns[6] ? " %s" : " %-17s", c.title);
    std::printf("\n");
    for (const double x : inputs) {
        std::printf("%-8g", x);
        for (const column& c : columns) {
            const T y = lowbit::convert<T>(x, c.mode, c.on_overflow);
            char text[32];
            std::snprintf(text, sizeof text, "0x%02x %g", static_cast<unsigned>(y.bits()), static_cast<double>(y));
            std::printf(&c == &columns[6] ? " %s" : " %-17s", text);
        }
        std::printf("\n");
    }
}

// Stochastic rounding picks the upper neighbour with probability (x - lower) / ulp, so the mean is x.
void print_stochastic_example()
{
    using fp4 = lowbit::float4_e2m1fn;
    const float x = 2.75f;  // between the FP4 codes 2.0 (0x4) and 3.0 (0x5): expect 3.0 three times in four
    constexpr int draws = 10000;
    std::mt19937 rng(2024);  // any source of uniform 32-bit words works
    std::map<unsigned, int> histogram;
    double sum = 0;
    for (int i = 0; i < draws; ++i) {
        const fp4 y = lowbit::convert_stochastic<fp4>(x, static_cast<std::uint32_t>(rng()));
        ++histogram[y.bits()];
        sum += static_cast<double>(y);
    }
    std::printf("\nStochastic rounding of %g to float4_e2m1fn, %d random words:\n", static_cast<double>(x), draws);
    for (const auto& [code, count] : histogram)
        std::printf("  0x%x = %-4g %5d  (%.1f%%)\n", code,
                    static_cast<double>(fp4::from_bits(static_cast<std::uint8_t>(code))), count, 100.0 * count / draws);
    std::printf("  mean %.4f (nearest-even would always give %g)\n", sum / draws,
                static_cast<double>(lowbit::convert<fp4>(x)));
}

}  // namespace

int main()
{
    std::printf("lowbit %d.%d.%d — named formats (limits decoded from their codes)\n\n", LOWBIT_VERSION_MAJOR,
                LOWBIT_VERSION_MINOR, LOWBIT_VERSION_PATCH);
    print_format_table();

    std::printf("\nConversions from double: code and value in each rounding / overflow mode\n");
    print_conversion_table<lowbit::float8_e4m3fn>("float8_e4m3fn");
    print_conversion_table<lowbit::float8_e5m2>("float8_e5m2");
    print_conversion_table<lowbit::float4_e2m1fn>("float4_e2m1fn");

    print_stochastic_example();
    return 0;
}
