// lowbit::convert_stochastic: the statistics of stochastic rounding, its documented use of the random
// word (convert.hpp: the first 32 dropped bits d plus the word, a carry out rounds up), and overflow.
#include <catch2/catch.hpp>

#include <lowbit/lowbit.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace {

using lowbit::overflow;

template <class T>
std::uint32_t sr_code(T t)
{
    return static_cast<std::uint32_t>(t.bits());
}

template <class T>
double sr_value(std::uint32_t code)
{
    return static_cast<double>(T::from_bits(static_cast<typename T::storage_type>(code)));
}

template <class T>
constexpr std::uint32_t sr_sign_mask()
{
    return T::info.sign_mask;
}

// A fixed seed per case (the cases run in a fixed order), so that they do not all see the same words.
std::uint32_t next_seed()
{
    static std::uint32_t case_number = 0;
    return 20240611u + 7919u * case_number++;
}

// One case: x lies 1/4 of the way from `lower` to `upper` (adjacent codes, given by value).
struct quarter_case {
    const char* what;
    double lower;
    double upper;
};

// Over N words of a fixed-seed mt19937, the result is always `lower` or `upper`, `upper` with frequency
// 1/4 within 4 sigma; -x gives exactly the mirrored code for the same word.
template <class T, class F>
void check_quarter(const char* format, const quarter_case& c)
{
    constexpr int n = 200000;
    const double p = 0.25;
    const F x = static_cast<F>(c.lower + (c.upper - c.lower) * p);
    REQUIRE(static_cast<double>(x) == c.lower + (c.upper - c.lower) * p);  // exact by construction
    const std::uint32_t lower_code = sr_code(lowbit::convert<T>(c.lower));
    const std::uint32_t upper_code = sr_code(lowbit::convert<T>(c.upper));
    REQUIRE(sr_value<T>(lower_code) == c.lower);
    REQUIRE(sr_value<T>(upper_code) == c.upper);

    std::mt19937 gen(next_seed());
    int ups = 0;
    int strays = 0;
    int asymmetric = 0;
    std::uint32_t stray_code = 0;
    for (int i = 0; i < n; ++i) {
        const std::uint32_t word = static_cast<std::uint32_t>(gen());
        const std::uint32_t got = sr_code(lowbit::convert_stochastic<T>(x, word));
        if (got == upper_code)
            ++ups;
        else if (got != lower_code) {
            ++strays;
            stray_code = got;
        }
        const std::uint32_t mirrored = sr_code(lowbit::convert_stochastic<T>(-x, word));
        if (mirrored != (got | sr_sign_mask<T>())) ++asymmetric;
    }
    const double freq = static_cast<double>(ups) / n;
    const double sigma = std::sqrt(p * (1 - p) / n);
    INFO(format << " " << c.what << " from " << (sizeof(F) == 4 ? "float" : "double") << ": x = " << x
                << ", upper frequency " << freq << " (expected " << p << " +- " << 4 * sigma << "), stray results "
                << strays << " (e.g. code " << stray_code << "), sign asymmetries " << asymmetric);
    CHECK(strays == 0);
    CHECK(asymmetric == 0);
    CHECK(std::fabs(freq - p) <= 4 * sigma);
}

template <class T>
void check_quarters(const char* format, const std::vector<quarter_case>& cases)
{
    for (const auto& c : cases) {
        check_quarter<T, float>(format, c);
        check_quarter<T, double>(format, c);
    }
}

// Every finite code converts to itself whatever the word; word 0 truncates; 0xFFFFFFFF rounds up
// every value whose first 32 dropped bits are not all zero (checked on values a few float ulps
// above each code, where those bits are nonzero).
template <class T>
void check_exact_and_extreme_words(const char* format)
{
    std::mt19937 gen(7u);
    int failures = 0;
    std::string first;
    const auto fail = [&](const std::string& what) {
        if (failures++ == 0) first = what;
    };
    const std::uint32_t count = std::uint32_t{1} << T::info.total_bits;
    const std::uint32_t max_code = T::info.max_magnitude_code;
    for (std::uint32_t code = 0; code < count; ++code) {
        const double v = sr_value<T>(code);
        if (!std::isfinite(v)) continue;
        const std::uint32_t magnitude = code & T::info.magnitude_mask;
        const std::uint32_t words[] = {0u, 1u, 0x80000000u, 0xFFFFFFFFu, static_cast<std::uint32_t>(gen()),
                                       static_cast<std::uint32_t>(gen())};
        for (std::uint32_t w : words) {
            if (sr_code(lowbit::convert_stochastic<T>(v, w)) != code)
                fail(std::string(format) + ": exact " + std::to_string(v) + " changed with word " + std::to_string(w));
            if (sr_code(lowbit::convert_stochastic<T>(static_cast<float>(v), w)) != code)
                fail(std::string(format) + ": exact float " + std::to_string(v) + " changed");
        }
        if (v == 0 || magnitude == max_code) continue;
        // A little above |v| (away from zero), still below the next code: float and double neighbours.
        const double away = std::signbit(v) ? -std::numeric_limits<double>::infinity()
                                             : std::numeric_limits<double>::infinity();
        const double above = std::nextafter(v, away);
        const float above_f = std::nextafter(static_cast<float>(v), static_cast<float>(away));
        const std::uint32_t next = code + 1;  // the next magnitude, same sign
        if (sr_code(lowbit::convert_stochastic<T>(above, 0u)) != code)
            fail(std::string(format) + ": word 0 did not truncate " + std::to_string(above));
        if (sr_code(lowbit::convert_stochastic<T>(above_f, 0u)) != code)
            fail(std::string(format) + ": word 0 did not truncate float " + std::to_string(above_f));
        // A double one ulp above v has its only nonzero dropped bit far past the 32nd: ignored, truncated.
        if (T::info.mantissa_bits + 32 < 52 && sr_code(lowbit::convert_stochastic<T>(above, 0xFFFFFFFFu)) != code)
            fail(std::string(format) + ": dropped bits past the 32nd were not ignored for " + std::to_string(above));
        // One float ulp above v is within the first 32 dropped bits when the format keeps >= 23 - 32 bits
        // and v is a normal float: 0xFFFFFFFF must round it up.
        if (sr_code(lowbit::convert_stochastic<T>(above_f, 0xFFFFFFFFu)) != next)
            fail(std::string(format) + ": word 0xFFFFFFFF did not round up float " + std::to_string(above_f));
    }
    INFO(failures << " failures; first: " << first);
    CHECK(failures == 0);
}

}  // namespace

TEST_CASE("stochastic rounding picks the upper neighbour with probability 1/4 at a quarter point",
          "[conversion][stochastic]")
{
    using namespace lowbit;
    check_quarters<float8_e4m3fn>("float8_e4m3fn", {{"normal", 1.0, 1.125},
                                                    {"normal, large", 256, 288},
                                                    {"subnormal", 3 * std::ldexp(1.0, -9), 4 * std::ldexp(1.0, -9)},
                                                    {"below min subnormal", 0, std::ldexp(1.0, -9)},
                                                    {"subnormal to normal", 7 * std::ldexp(1.0, -9), std::ldexp(1.0, -6)}});
    check_quarters<float8_e5m2>("float8_e5m2", {{"normal", 1.0, 1.25},
                                                {"binade edge", 1.75, 2.0},
                                                {"subnormal", std::ldexp(1.0, -16), std::ldexp(2.0, -16)},
                                                {"below min subnormal", 0, std::ldexp(1.0, -16)}});
    check_quarters<float4_e2m1fn>("float4_e2m1fn", {{"normal", 4, 6}, {"subnormal", 0, 0.5}, {"sub/normal", 0.5, 1}});
    check_quarters<bfloat16>("bfloat16", {{"normal", 1.0, 1.0078125},
                                          {"subnormal", std::ldexp(5.0, -133), std::ldexp(6.0, -133)},
                                          {"below min subnormal", 0, std::ldexp(1.0, -133)}});
    check_quarters<float16>("float16", {{"normal", 1.0, 1.0 + std::ldexp(1.0, -10)},
                                        {"near max", 65504 - 32, 65504},
                                        {"subnormal", std::ldexp(9.0, -24), std::ldexp(10.0, -24)}});
}

TEST_CASE("stochastic rounding keeps exact values and honours the extreme words", "[conversion][stochastic]")
{
    using namespace lowbit;
    check_exact_and_extreme_words<float8_e4m3fn>("float8_e4m3fn");
    check_exact_and_extreme_words<float8_e4m3fnuz>("float8_e4m3fnuz");
    check_exact_and_extreme_words<float8_e5m2>("float8_e5m2");
    check_exact_and_extreme_words<float8_e3m4>("float8_e3m4");
    check_exact_and_extreme_words<float6_e2m3fn>("float6_e2m3fn");
    check_exact_and_extreme_words<float4_e2m1fn>("float4_e2m1fn");
    check_exact_and_extreme_words<float16>("float16");
    check_exact_and_extreme_words<bfloat16>("bfloat16");
}

TEST_CASE("stochastic rounding uses the first 32 dropped bits as documented", "[conversion][stochastic]")
{
    using namespace lowbit;
    // float16 from double: 1 + d * 2^-42 keeps 10 fraction bits, and the 42 dropped bits start with d.
    const std::uint32_t ds[] = {1u, 2u, 0x12345678u, 0x80000000u, 0xC0000001u, 0xFFFFFFFFu};
    for (std::uint32_t d : ds) {
        const double x = 1.0 + std::ldexp(static_cast<double>(d), -42);
        const std::uint64_t threshold = (std::uint64_t{1} << 32) - d;  // words >= this carry out
        const auto w_at = static_cast<std::uint32_t>(threshold);
        const auto w_below = static_cast<std::uint32_t>(threshold - 1);
        INFO("float16, d = " << d);
        CHECK(convert_stochastic<float16>(x, w_at).bits() == 0x3C01);
        CHECK(convert_stochastic<float16>(x, 0xFFFFFFFFu).bits() == 0x3C01);
        CHECK(convert_stochastic<float16>(x, w_below).bits() == 0x3C00);
        CHECK(convert_stochastic<float16>(x, 0u).bits() == 0x3C00);
        CHECK(convert_stochastic<float16>(-x, w_at).bits() == 0xBC01);
        CHECK(convert_stochastic<float16>(-x, w_below).bits() == 0xBC00);
        // Bits past the 32nd are ignored: adding 2^-52 (dropped bit 42) changes nothing.
        const double x_tail = x + std::ldexp(1.0, -52);
        CHECK(convert_stochastic<float16>(x_tail, w_below).bits() == 0x3C00);
    }
    // bfloat16 from float: 16 dropped bits k, so d = k << 16.
    for (std::uint32_t k : {1u, 0x1234u, 0x8000u, 0xFFFFu}) {
        const float x = 1.0f + static_cast<float>(std::ldexp(static_cast<double>(k), -23));
        const std::uint64_t threshold = (std::uint64_t{1} << 32) - (std::uint64_t{k} << 16);
        INFO("bfloat16, k = " << k);
        CHECK(convert_stochastic<bfloat16>(x, static_cast<std::uint32_t>(threshold)).bits() == 0x3F81);
        CHECK(convert_stochastic<bfloat16>(x, static_cast<std::uint32_t>(threshold - 1)).bits() == 0x3F80);
    }
    // E4M3FN subnormals from double: 2^-9 * (3 + d * 2^-32): the subnormal ulp is 2^-9.
    for (std::uint32_t d : {1u, 0x40000000u, 0xDEADBEEFu}) {
        const double x = std::ldexp(3.0 + std::ldexp(static_cast<double>(d), -32), -9);
        const std::uint64_t threshold = (std::uint64_t{1} << 32) - d;
        INFO("float8_e4m3fn subnormal, d = " << d);
        CHECK(convert_stochastic<float8_e4m3fn>(x, static_cast<std::uint32_t>(threshold)).bits() == 0x04);
        CHECK(convert_stochastic<float8_e4m3fn>(x, static_cast<std::uint32_t>(threshold - 1)).bits() == 0x03);
    }
    // Below the smallest subnormal: E5M2 with x = d * 2^-48 = (d / 2^32) * 2^-16: the dropped bits start at
    // the subnormal ulp 2^-16, so d is read as is.
    for (std::uint32_t d : {1u, 0x40000000u, 0xFFFFFFFFu}) {
        const double x = std::ldexp(static_cast<double>(d), -48);
        const std::uint64_t threshold = (std::uint64_t{1} << 32) - d;
        INFO("float8_e5m2 below min subnormal, d = " << d);
        CHECK(convert_stochastic<float8_e5m2>(x, static_cast<std::uint32_t>(threshold)).bits() == 0x01);
        CHECK(convert_stochastic<float8_e5m2>(x, static_cast<std::uint32_t>(threshold - 1)).bits() == 0x00);
        CHECK(convert_stochastic<float8_e5m2>(-x, static_cast<std::uint32_t>(threshold - 1)).bits() == 0x80);
    }
}

TEST_CASE("stochastic rounding beyond max follows the overflow mode", "[conversion][stochastic]")
{
    using namespace lowbit;
    const std::uint32_t up = 0xFFFFFFFFu;
    const std::uint32_t down = 0u;
    // E4M3FN: max 448, next grid point 480 (the NaN code). 456 is 1/4 of the way.
    CHECK(convert_stochastic<float8_e4m3fn>(456.0f, down).bits() == 0x7E);
    CHECK(convert_stochastic<float8_e4m3fn>(456.0f, up, overflow::nonsaturating).bits() == 0x7F);
    CHECK(convert_stochastic<float8_e4m3fn>(-456.0f, up, overflow::nonsaturating).bits() == 0xFF);
    CHECK(convert_stochastic<float8_e4m3fn>(456.0f, up, overflow::saturate_finite).bits() == 0x7E);
    CHECK(convert_stochastic<float8_e4m3fn>(-456.0, up, overflow::saturate).bits() == 0xFE);
    // 480 and beyond overflow whatever the word.
    for (double v : {480.0, 500.0, 1e6, 1e300}) {
        INFO("e4m3fn " << v);
        CHECK(std::isnan(static_cast<double>(convert_stochastic<float8_e4m3fn>(v, down))));
        CHECK(convert_stochastic<float8_e4m3fn>(v, down, overflow::saturate_finite).bits() == 0x7E);
        CHECK(convert_stochastic<float8_e4m3fn>(-v, down, overflow::saturate).bits() == 0xFE);
    }
    // E5M2: max 57344, ulp 8192; Inf when nonsaturating.
    CHECK(convert_stochastic<float8_e5m2>(59392.0f, down).bits() == 0x7B);
    CHECK(convert_stochastic<float8_e5m2>(59392.0f, up).bits() == 0x7C);
    CHECK(convert_stochastic<float8_e5m2>(-59392.0f, up).bits() == 0xFC);
    CHECK(convert_stochastic<float8_e5m2>(59392.0f, up, overflow::saturate_finite).bits() == 0x7B);
    CHECK(convert_stochastic<float8_e5m2>(65536.0f, down).bits() == 0x7C);
    CHECK(convert_stochastic<float8_e5m2>(65536.0f, down, overflow::saturate).bits() == 0x7B);
    // Infinities: Inf unless `saturate`; NaN stays NaN.
    const float inf = std::numeric_limits<float>::infinity();
    CHECK(convert_stochastic<float8_e5m2>(inf, down).bits() == 0x7C);
    CHECK(convert_stochastic<float8_e5m2>(-inf, up, overflow::saturate_finite).bits() == 0xFC);
    CHECK(convert_stochastic<float8_e5m2>(-inf, up, overflow::saturate).bits() == 0xFB);
    CHECK(std::isnan(static_cast<double>(convert_stochastic<float8_e5m2>(std::numeric_limits<float>::quiet_NaN(), up))));
    CHECK(std::isnan(static_cast<double>(convert_stochastic<float8_e4m3fnuz>(-inf, up))));
    CHECK(convert_stochastic<float8_e4m3fnuz>(-inf, up, overflow::saturate).bits() == 0xFF);
    // E2M1 (no Inf, no NaN): max 6, next grid point 8; overflow is +-6 in every mode.
    CHECK(convert_stochastic<float4_e2m1fn>(6.5f, up).bits() == 0x7);
    CHECK(convert_stochastic<float4_e2m1fn>(-6.5f, up).bits() == 0xF);
    CHECK(convert_stochastic<float4_e2m1fn>(100.0f, down).bits() == 0x7);
    // bfloat16: just below FLT_MAX-ish; the top bfloat16 binade rounds to Inf only when it carries.
    const float big = std::numeric_limits<float>::max();  // 0x7F7FFFFF: bf16 max 0x7F7F plus 0xFFFF dropped
    CHECK(convert_stochastic<bfloat16>(big, down).bits() == 0x7F7F);
    CHECK(convert_stochastic<bfloat16>(big, up).bits() == 0x7F80);
    CHECK(convert_stochastic<bfloat16>(big, up, overflow::saturate_finite).bits() == 0x7F7F);
    // Stochastic rounding ignores options.rounding and the IEEE directed-overflow rule.
    conversion_options o;
    o.rounding = rounding::toward_zero;
    CHECK(convert_stochastic<float8_e5m2>(59392.0f, up, o).bits() == 0x7C);
}
