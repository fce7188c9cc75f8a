// Decode and conversion of unnamed research formats (and the small named ones) against an oracle written
// here from the format definition alone: the sorted list of every finite value, built with std::ldexp,
// and rounding by searching that list with exact double comparisons.
#include <catch2/catch.hpp>

#include <lowbit/lowbit.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using lowbit::overflow;
using lowbit::rounding;
using lowbit::specials;
using lowbit::unsigned_negative;

// ---------------------------------------------------------------------------------------------------------
// Failure bookkeeping: loops count failures and keep a few examples, then make a single assertion.
struct research_failures {
    std::uint64_t checked = 0;
    std::uint64_t count = 0;
    std::vector<std::string> examples;

    template <class Describe>
    void expect(bool ok, Describe&& describe)
    {
        ++checked;
        if (ok) return;
        ++count;
        if (examples.size() < 12) examples.push_back(describe());
    }
    std::string report() const
    {
        std::ostringstream s;
        s << count << " failures out of " << checked << " checks";
        for (const auto& e : examples) s << "\n  " << e;
        return s.str();
    }
};

std::string show(double x)
{
    std::ostringstream s;
    s.precision(17);
    s << x << " (" << std::hexfloat << x << ")";
    return s.str();
}

std::string hex(std::uint32_t code)
{
    std::ostringstream s;
    s << "0x" << std::hex << code;
    return s.str();
}

const char* name_of(rounding r)
{
    switch (r) {
    case rounding::nearest_even: return "nearest_even";
    case rounding::nearest_away: return "nearest_away";
    case rounding::toward_zero: return "toward_zero";
    case rounding::toward_positive: return "toward_positive";
    case rounding::toward_negative: return "toward_negative";
    }
    return "?";
}

const char* name_of(overflow o)
{
    switch (o) {
    case overflow::nonsaturating: return "nonsaturating";
    case overflow::saturate_finite: return "saturate_finite";
    case overflow::saturate: return "saturate";
    }
    return "?";
}

constexpr rounding all_roundings[] = {rounding::nearest_even, rounding::nearest_away, rounding::toward_zero,
                                      rounding::toward_positive, rounding::toward_negative};
constexpr overflow all_overflows[] = {overflow::nonsaturating, overflow::saturate_finite, overflow::saturate};

// ---------------------------------------------------------------------------------------------------------
// The oracle. Everything below is derived from the format's parameters as the spec (formats-spec.md §1.1,
// §2) and float_format.hpp's comment define them, never from lowbit::format_info or lowbit's decoder.
// The oracle's own sanity checks (cheap enough for inner loops, unlike a Catch assertion).
void oracle_assert(bool ok, const char* what)
{
    if (!ok) throw std::logic_error(std::string("research oracle: ") + what);
}

struct format_spec {
    int e;
    int m;
    int bias;
    specials policy;
    bool is_signed;
    bool subnormals;
};

enum class value_kind { finite, infinite, nan };

struct oracle_value {
    value_kind kind;
    double value;  // signed; ±inf for infinite, NaN for nan
};

oracle_value oracle_decode(const format_spec& f, std::uint32_t code)
{
    const std::uint32_t magnitude_mask = (std::uint32_t{1} << (f.e + f.m)) - 1;
    const std::uint32_t magnitude = code & magnitude_mask;
    const bool negative = f.is_signed && ((code >> (f.e + f.m)) & 1u) != 0;
    const std::uint32_t field = magnitude >> f.m;
    const std::uint32_t fraction = magnitude & ((std::uint32_t{1} << f.m) - 1);
    const std::uint32_t top_field = (std::uint32_t{1} << f.e) - 1;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();

    switch (f.policy) {
    case specials::ieee:
        if (field == top_field) return fraction == 0 ? oracle_value{value_kind::infinite, negative ? -inf : inf}
                                                     : oracle_value{value_kind::nan, nan};
        break;
    case specials::fn:
        if (magnitude == magnitude_mask) return {value_kind::nan, nan};
        break;
    case specials::fnuz:
        if (negative && magnitude == 0) return {value_kind::nan, nan};
        break;
    case specials::e8m0:
        if (magnitude == magnitude_mask) return {value_kind::nan, nan};
        return {value_kind::finite, std::ldexp(1.0, static_cast<int>(field) - f.bias)};
    case specials::finite: break;
    }
    double v;
    if (field == 0)  // subnormal binade; without subnormals these codes read as zero (DAZ, float_format.hpp)
        v = f.subnormals ? std::ldexp(static_cast<double>(fraction), 1 - f.bias - f.m) : 0.0;
    else
        v = std::ldexp(static_cast<double>((std::uint32_t{1} << f.m) | fraction),
                       static_cast<int>(field) - f.bias - f.m);
    return {value_kind::finite, negative ? -v : v};
}

struct oracle_format {
    format_spec spec;
    // Every finite magnitude, sorted, each with the one code the encoder must produce for it (the lowest
    // code of that value), then one virtual entry: the next grid point above max, whose code is
    // max_code + 1 (used for the overflow threshold and the parity of ties at the top).
    std::vector<double> values;
    std::vector<std::uint32_t> codes;
    std::uint32_t sign_mask = 0;
    bool has_inf = false;
    bool has_nan = false;
    bool has_zero = true;
    bool has_negative_zero = false;
    bool signed_nan = false;  // whether NaN codes carry a sign (ieee, fn)
    std::uint32_t inf_code = 0;

    double max() const { return values[values.size() - 2]; }
    std::uint32_t max_code() const { return codes[codes.size() - 2]; }
    double beyond() const { return values.back(); }
};

oracle_format make_oracle(const format_spec& f)
{
    oracle_format o;
    o.spec = f;
    o.sign_mask = f.is_signed ? std::uint32_t{1} << (f.e + f.m) : 0;
    o.has_inf = f.policy == specials::ieee;
    o.has_nan = f.policy != specials::finite;
    o.has_zero = f.policy != specials::e8m0;
    o.has_negative_zero = f.is_signed && f.policy != specials::fnuz;
    o.signed_nan = f.is_signed && (f.policy == specials::ieee || f.policy == specials::fn);
    o.inf_code = ((std::uint32_t{1} << f.e) - 1) << f.m;

    const std::uint32_t magnitudes = std::uint32_t{1} << (f.e + f.m);
    for (std::uint32_t c = 0; c < magnitudes; ++c) {
        const oracle_value v = oracle_decode(f, c);
        if (v.kind != value_kind::finite) continue;
        if (!o.values.empty() && v.value == o.values.back()) continue;  // DAZ codes: keep the first
        o.values.push_back(v.value);
        o.codes.push_back(c);
    }
    oracle_assert(std::is_sorted(o.values.begin(), o.values.end()), "values not increasing with the code");
    int exponent = 0;
    std::frexp(o.values.back(), &exponent);  // max = f * 2^exponent, f in [0.5, 1)
    o.values.push_back(o.values.back() + std::ldexp(1.0, exponent - 1 - f.m));
    o.codes.push_back(o.codes.back() + 1);
    return o;
}

// What the conversion must give: a code, or any NaN code (with a sign where NaNs are signed).
struct expectation {
    bool nan;
    bool negative;  // for a NaN in a format with signed NaNs
    std::uint32_t code;
};

struct oracle_options {
    rounding mode;
    overflow on_overflow;
    unsigned_negative on_negative = unsigned_negative::invalid;
};

expectation oracle_convert(const oracle_format& f, double x, const oracle_options& opt)
{
    const auto code = [](std::uint32_t c) { return expectation{false, false, c}; };
    const auto nan = [](bool negative) { return expectation{true, negative, 0}; };
    if (std::isnan(x)) return f.has_nan ? nan(std::signbit(x)) : code(f.max_code());  // nan_without_code default

    bool negative = std::signbit(x);
    double a = std::fabs(x);
    if (!f.spec.is_signed && negative) {
        if (a == 0) {
            negative = false;
        } else if (opt.on_negative == unsigned_negative::magnitude) {
            negative = false;
        } else {
            // A negative value that rounds to zero is +0; anything else is invalid.
            if (f.has_zero && std::isfinite(a)) {
                const double smallest = f.values[1];
                bool to_zero = false;
                switch (opt.mode) {
                case rounding::nearest_even: to_zero = a <= smallest / 2; break;  // the tie goes to even 0
                case rounding::nearest_away: to_zero = a < smallest / 2; break;
                case rounding::toward_zero:
                case rounding::toward_positive: to_zero = a < smallest; break;
                case rounding::toward_negative: to_zero = false; break;  // -a rounds down, away from 0
                }
                if (to_zero) return code(0);
            }
            const bool clamps = std::isinf(a) ? opt.on_overflow == overflow::saturate
                                              : opt.on_overflow != overflow::nonsaturating;
            if (!clamps && f.has_nan) return nan(false);
            return code(0);
        }
    }
    const std::uint32_t sign = negative ? f.sign_mask : 0;
    const auto beyond_max = [&](bool saturating) {
        if (saturating || (!f.has_inf && !f.has_nan)) return code(sign | f.max_code());
        if (f.has_inf) return code(sign | f.inf_code);
        return nan(negative);
    };
    if (std::isinf(a)) return beyond_max(opt.on_overflow == overflow::saturate);
    if (!f.has_zero) {
        // E8M0: zero is invalid like a negative value (unless signs are ignored), and anything below the
        // smallest value lands on it in every rounding mode (encode.hpp: nothing lies below).
        if (a == 0) {
            if (opt.on_negative == unsigned_negative::magnitude) return code(0);
            if (opt.on_overflow == overflow::nonsaturating && f.has_nan) return nan(false);
            return code(0);
        }
        if (a < f.values[0]) return code(0);
    }
    const bool finite_saturates = opt.on_overflow != overflow::nonsaturating;

    const rounding r = opt.mode;
    const bool toward_zero = r == rounding::toward_zero || (r == rounding::toward_positive && negative) ||
                             (r == rounding::toward_negative && !negative);
    const bool away = (r == rounding::toward_positive && !negative) || (r == rounding::toward_negative && negative);

    // Index of the largest entry <= a (the virtual entry included).
    const auto it = std::upper_bound(f.values.begin(), f.values.end(), a);
    const std::size_t lo = static_cast<std::size_t>(it - f.values.begin()) - 1;
    const std::size_t top = f.values.size() - 1;  // the virtual entry
    const auto with_sign = [&](std::size_t i) {
        if (i == top) return beyond_max(finite_saturates);
        if (f.codes[i] == 0 && !f.has_negative_zero) return code(0);
        return code(sign | f.codes[i]);
    };

    if (lo == top) {  // at or beyond the grid point above max: overflow in every mode except toward zero
        if (toward_zero) return code(sign | f.max_code());
        return beyond_max(finite_saturates);
    }
    if (f.values[lo] == a) return with_sign(lo);
    const std::size_t hi = lo + 1;
    std::size_t pick;
    if (toward_zero)
        pick = lo;
    else if (away)
        pick = hi;
    else {
        const double mid = (f.values[lo] + f.values[hi]) / 2;  // exact: both have few bits, close exponents
        oracle_assert(mid > f.values[lo] && mid < f.values[hi], "inexact midpoint");
        if (a < mid)
            pick = lo;
        else if (a > mid)
            pick = hi;
        else if (r == rounding::nearest_away)
            pick = hi;
        else if (f.spec.m == 0) {
            // Without fraction bits every nonzero significand is the implicit 1, so no neighbour is "even":
            // lowbit (like ml_dtypes for E8M0, formats-spec.md §1.4) rounds such ties up, except the tie
            // between 0 and the smallest normal, where 0's significand is the even one.
            pick = f.values[lo] == 0 ? lo : hi;
        } else {
            // Ties to the code whose last bit is 0. Without subnormals, 0 and the smallest normal are both
            // even codes; the tie goes to 0, whose significand at the rounding place 2^emin is even (0 vs 1).
            const bool lo_even = (f.codes[lo] & 1u) == 0;
            const bool hi_even = (f.codes[hi] & 1u) == 0;
            oracle_assert(lo_even != hi_even || (lo == 0 && !f.spec.subnormals), "tie without one even code");
            pick = lo_even ? lo : hi;
        }
    }
    // For the virtual entry only the IEEE directed rule matters: toward zero was handled above.
    return with_sign(pick);
}

// ---------------------------------------------------------------------------------------------------------
// Inputs: every value, its float/double neighbours, every midpoint and its neighbours, values beyond max,
// tiny values, zeros, infinities and NaNs, with both signs.
template <class F>
std::vector<F> make_inputs(const oracle_format& f)
{
    std::vector<F> in;
    const F inf = std::numeric_limits<F>::infinity();
    const auto add_exact = [&](double d) {
        const F x = static_cast<F>(d);
        if (static_cast<double>(x) != d) return;  // not a value of F: skip (its neighbours are elsewhere)
        in.push_back(x);
        in.push_back(std::nextafter(x, inf));
        in.push_back(std::nextafter(x, -inf));
    };
    for (std::size_t i = 0; i < f.values.size(); ++i) {
        add_exact(f.values[i]);
        if (i + 1 < f.values.size()) {
            add_exact((f.values[i] + f.values[i + 1]) / 2);
            add_exact(f.values[i] + (f.values[i + 1] - f.values[i]) / 4);
        }
    }
    const double min_positive = f.values[0] > 0 ? f.values[0] : f.values[1];
    for (double d : {min_positive / 2, min_positive / 4, min_positive * 0.75, min_positive / 1024, f.beyond() * 2,
                     f.beyond() * 1.5, f.max() * 1024, 1e30, 1e-30})
        add_exact(d);
    for (F d : {std::numeric_limits<F>::max(), std::numeric_limits<F>::min(), std::numeric_limits<F>::denorm_min(),
                F(0), inf, std::numeric_limits<F>::quiet_NaN()})
        in.push_back(d);
    const std::size_t n = in.size();
    for (std::size_t i = 0; i < n; ++i) in.push_back(-in[i]);
    return in;
}

template <class T>
std::uint32_t code_of(T t)
{
    return static_cast<std::uint32_t>(t.bits());
}

template <class T, class F>
void check_conversions_from(const oracle_format& f, const char* name, research_failures& fails,
                            unsigned_negative on_negative)
{
    const std::vector<F> inputs = make_inputs<F>(f);
    for (rounding r : all_roundings) {
        for (overflow o : all_overflows) {
            lowbit::conversion_options options;
            options.rounding = r;
            options.overflow = o;
            options.unsigned_negative = on_negative;
            const oracle_options oo{r, o, on_negative};
            for (F x : inputs) {
                const std::uint32_t got = code_of(lowbit::convert<T>(x, options));
                const expectation want = oracle_convert(f, static_cast<double>(x), oo);
                bool ok = false;
                if (want.nan) {
                    ok = oracle_decode(f.spec, got).kind == value_kind::nan;
                    if (ok && f.signed_nan) ok = ((got & f.sign_mask) != 0) == want.negative;
                } else {
                    ok = got == want.code;
                }
                fails.expect(ok, [&] {
                    return std::string(name) + " from " + (sizeof(F) == 4 ? "float " : "double ") +
                           show(static_cast<double>(x)) + " " + name_of(r) + "/" + name_of(o) + ": got " + hex(got) +
                           ", want " + (want.nan ? std::string(want.negative ? "-NaN" : "NaN") : hex(want.code));
                });
            }
        }
    }
}

template <class T>
void check_decode(const format_spec& spec, const char* name, research_failures& fails)
{
    const std::uint32_t count = std::uint32_t{1} << (spec.e + spec.m + (spec.is_signed ? 1 : 0));
    for (std::uint32_t c = 0; c < count; ++c) {
        const T t = T::from_bits(static_cast<typename T::storage_type>(c));
        const oracle_value want = oracle_decode(spec, c);
        const double got = static_cast<double>(t);
        bool ok = false;
        switch (want.kind) {
        case value_kind::nan: ok = std::isnan(got); break;
        case value_kind::infinite: ok = std::isinf(got) && std::signbit(got) == std::signbit(want.value); break;
        case value_kind::finite:
            ok = std::bit_cast<std::uint64_t>(got) == std::bit_cast<std::uint64_t>(want.value);  // -0 counts
            break;
        }
        if constexpr (T::decodes_exactly_to_float) {
            const float gf = static_cast<float>(t);
            if (want.kind == value_kind::nan)
                ok = ok && std::isnan(gf);
            else
                ok = ok && std::bit_cast<std::uint64_t>(static_cast<double>(gf)) == std::bit_cast<std::uint64_t>(got);
        }
        fails.expect(ok, [&] {
            return std::string(name) + " code " + hex(c) + " decodes to " + show(got) + ", oracle " + show(want.value);
        });
    }
}

template <int E, int M, int Bias, specials P, lowbit::sign_bit S = lowbit::sign_bit::present,
          lowbit::subnormals N = lowbit::subnormals::present>
void check_research_format(const char* name)
{
    using T = lowbit::float_format<E, M, Bias, P, S, N>;
    const format_spec spec{E, M, Bias, P, S == lowbit::sign_bit::present, N == lowbit::subnormals::present};
    const oracle_format f = make_oracle(spec);
    research_failures fails;
    check_decode<T>(spec, name, fails);
    check_conversions_from<T, float>(f, name, fails, unsigned_negative::invalid);
    check_conversions_from<T, double>(f, name, fails, unsigned_negative::invalid);
    if (!spec.is_signed) {
        check_conversions_from<T, float>(f, name, fails, unsigned_negative::magnitude);
        check_conversions_from<T, double>(f, name, fails, unsigned_negative::magnitude);
    }
    INFO(name << ": " << f.values.size() - 1 << " distinct finite magnitudes; " << fails.report());
    CHECK(fails.count == 0);
    CHECK(fails.checked > 1000);
}

template <class T>
void check_named_decode(const format_spec& spec, const char* name)
{
    // The alias must be the format the spec names (same parameters), then every code decodes as ldexp says.
    STATIC_REQUIRE(T::info.exponent_bits >= 1);
    CHECK(T::info.exponent_bits == spec.e);
    CHECK(T::info.mantissa_bits == spec.m);
    CHECK(T::info.bias == spec.bias);
    CHECK(T::info.specials == spec.policy);
    CHECK(T::info.is_signed == spec.is_signed);
    CHECK(T::info.has_subnormals == spec.subnormals);
    research_failures fails;
    check_decode<T>(spec, name, fails);
    INFO(name << ": " << fails.report());
    CHECK(fails.count == 0);
}

}  // namespace

// The oracle itself, on values the spec lists (formats-spec.md §1.1 and §1.4), so it cannot be wrong
// in the same way as the library without someone noticing.
TEST_CASE("research oracle reproduces the spec's value sets", "[conversion]")
{
    const oracle_format e2m1 = make_oracle({2, 1, 1, specials::finite, true, true});
    const std::vector<double> e2m1_values{0, 0.5, 1, 1.5, 2, 3, 4, 6, 8};  // 8: the virtual grid point
    CHECK(e2m1.values == e2m1_values);
    const oracle_format e4m3fn = make_oracle({4, 3, 7, specials::fn, true, true});
    CHECK(e4m3fn.max() == 448);
    CHECK(e4m3fn.max_code() == 0x7E);
    CHECK(e4m3fn.beyond() == 480);
    // 464 is the tie 448/480: to the even code 0x7E; E5M2's 61440 ties 57344/65536 and overflows.
    CHECK(oracle_convert(e4m3fn, 464, {rounding::nearest_even, overflow::nonsaturating}).code == 0x7E);
    const oracle_format e5m2 = make_oracle({5, 2, 15, specials::ieee, true, true});
    CHECK(e5m2.max() == 57344);
    CHECK(oracle_convert(e5m2, 61440, {rounding::nearest_even, overflow::nonsaturating}).code == 0x7C);
    CHECK(oracle_convert(e5m2, 61440, {rounding::nearest_even, overflow::saturate_finite}).code == 0x7B);
    CHECK(oracle_convert(e5m2, 1e6, {rounding::toward_zero, overflow::nonsaturating}).code == 0x7B);
    CHECK(oracle_convert(e5m2, -1e6, {rounding::toward_positive, overflow::nonsaturating}).code == 0xFB);
    CHECK(oracle_convert(e5m2, -1e6, {rounding::toward_negative, overflow::nonsaturating}).code == 0xFC);
    CHECK(oracle_convert(e2m1, 0.75, {rounding::nearest_even, overflow::nonsaturating}).code == 0x2);
    CHECK(oracle_convert(e2m1, 1.75, {rounding::nearest_even, overflow::nonsaturating}).code == 0x4);
    CHECK(oracle_convert(e2m1, 0.75, {rounding::toward_zero, overflow::nonsaturating}).code == 0x1);
    CHECK(oracle_convert(e2m1, -0.1, {rounding::nearest_even, overflow::nonsaturating}).code == 0x8);
    CHECK(oracle_convert(e2m1, 100, {rounding::nearest_even, overflow::nonsaturating}).code == 0x7);
    const oracle_format fp16 = make_oracle({5, 10, 15, specials::ieee, true, true});
    CHECK(fp16.max() == 65504);
    CHECK(oracle_convert(fp16, 65520, {rounding::nearest_even, overflow::nonsaturating}).code == 0x7C00);
    CHECK(oracle_convert(fp16, std::ldexp(1.0, -25), {rounding::nearest_even, overflow::nonsaturating}).code == 0);
    CHECK(oracle_convert(fp16, std::ldexp(1.0, -25), {rounding::nearest_away, overflow::nonsaturating}).code == 1);
    // Without subnormals the E3M3 grid jumps from 0 to 2^-2.
    const oracle_format daz = make_oracle({3, 3, 3, specials::finite, true, false});
    CHECK(daz.values[0] == 0);
    CHECK(daz.values[1] == 0.25);
    CHECK(daz.codes[1] == 0x08);
}

TEST_CASE("research formats decode and convert like the ldexp oracle", "[conversion]")
{
    using lowbit::sign_bit;
    using lowbit::subnormals;
    SECTION("E1M2") {
        check_research_format<1, 2, 0, specials::finite>("E1M2 finite");
        check_research_format<1, 2, 0, specials::fn>("E1M2 fn");
    }
    SECTION("E2M2") {
        check_research_format<2, 2, 1, specials::finite>("E2M2 finite");
        check_research_format<2, 2, 1, specials::ieee>("E2M2 ieee");
        check_research_format<2, 2, 1, specials::fn>("E2M2 fn");
    }
    SECTION("E3M3") {
        check_research_format<3, 3, 3, specials::finite>("E3M3 finite");
        check_research_format<3, 3, 3, specials::ieee>("E3M3 ieee");
        check_research_format<3, 3, 3, specials::fn>("E3M3 fn");
        check_research_format<3, 3, 3, specials::fnuz>("E3M3 fnuz");
    }
    SECTION("E3M3 without subnormals") {
        check_research_format<3, 3, 3, specials::finite, sign_bit::present, subnormals::absent>(
            "E3M3 finite, no subnormals");
        check_research_format<3, 3, 3, specials::ieee, sign_bit::present, subnormals::absent>(
            "E3M3 ieee, no subnormals");
    }
    SECTION("unsigned E3M3") {
        check_research_format<3, 3, 3, specials::finite, sign_bit::absent>("unsigned E3M3 finite");
        check_research_format<3, 3, 3, specials::ieee, sign_bit::absent>("unsigned E3M3 ieee");
        check_research_format<3, 3, 3, specials::fn, sign_bit::absent>("unsigned E3M3 fn");
    }
    SECTION("no fraction bits") {
        check_research_format<3, 0, 3, specials::finite>("E3M0 finite");
        check_research_format<2, 0, 1, specials::fn>("E2M0 fn");
        check_research_format<4, 0, 7, specials::finite, sign_bit::absent>("unsigned E4M0 finite");
        check_research_format<5, 0, 15, specials::finite, sign_bit::absent, subnormals::absent>(
            "unsigned E5M0 finite, no subnormals");
    }
    SECTION("E6M1") {
        check_research_format<6, 1, 31, specials::finite>("E6M1 finite");
        check_research_format<6, 1, 31, specials::ieee>("E6M1 ieee");
        check_research_format<6, 1, 31, specials::fn>("E6M1 fn");
    }
    SECTION("E5M6") {
        check_research_format<5, 6, 15, specials::finite>("E5M6 finite");
        check_research_format<5, 6, 15, specials::ieee>("E5M6 ieee");
        check_research_format<5, 6, 15, specials::fn>("E5M6 fn");
    }
}

// The same oracle on the small named formats.
TEST_CASE("small named formats convert like the ldexp oracle", "[conversion]")
{
    check_research_format<4, 3, 7, specials::fn>("float8_e4m3fn");
    check_research_format<4, 3, 7, specials::ieee>("float8_e4m3");
    check_research_format<4, 3, 8, specials::fnuz>("float8_e4m3fnuz");
    check_research_format<4, 3, 11, specials::fnuz>("float8_e4m3b11fnuz");
    check_research_format<3, 4, 3, specials::ieee>("float8_e3m4");
    check_research_format<5, 2, 15, specials::ieee>("float8_e5m2");
    check_research_format<5, 2, 16, specials::fnuz>("float8_e5m2fnuz");
    check_research_format<2, 3, 1, specials::finite>("float6_e2m3fn");
    check_research_format<3, 2, 3, specials::finite>("float6_e3m2fn");
    check_research_format<2, 1, 1, specials::finite>("float4_e2m1fn");
    check_research_format<8, 0, 127, specials::e8m0, lowbit::sign_bit::absent, lowbit::subnormals::absent>(
        "float8_e8m0fnu");
}

TEST_CASE("every code of every named format decodes like the ldexp oracle", "[conversion][decode]")
{
    using namespace lowbit;
    check_named_decode<float8_e4m3fn>({4, 3, 7, specials::fn, true, true}, "float8_e4m3fn");
    check_named_decode<float8_e4m3>({4, 3, 7, specials::ieee, true, true}, "float8_e4m3");
    check_named_decode<float8_e4m3fnuz>({4, 3, 8, specials::fnuz, true, true}, "float8_e4m3fnuz");
    check_named_decode<float8_e4m3b11fnuz>({4, 3, 11, specials::fnuz, true, true}, "float8_e4m3b11fnuz");
    check_named_decode<float8_e3m4>({3, 4, 3, specials::ieee, true, true}, "float8_e3m4");
    check_named_decode<float8_e5m2>({5, 2, 15, specials::ieee, true, true}, "float8_e5m2");
    check_named_decode<float8_e5m2fnuz>({5, 2, 16, specials::fnuz, true, true}, "float8_e5m2fnuz");
    check_named_decode<float8_e8m0fnu>({8, 0, 127, specials::e8m0, false, false}, "float8_e8m0fnu");
    check_named_decode<float6_e2m3fn>({2, 3, 1, specials::finite, true, true}, "float6_e2m3fn");
    check_named_decode<float6_e3m2fn>({3, 2, 3, specials::finite, true, true}, "float6_e3m2fn");
    check_named_decode<float4_e2m1fn>({2, 1, 1, specials::finite, true, true}, "float4_e2m1fn");
    check_named_decode<bfloat16>({8, 7, 127, specials::ieee, true, true}, "bfloat16");
    check_named_decode<float16>({5, 10, 15, specials::ieee, true, true}, "float16");
    check_named_decode<tfloat32>({8, 10, 127, specials::ieee, true, true}, "tfloat32");
}

// Formats with 23 fraction bits hold every float of their normal range exactly, so every rounding mode must
// return the float's own value. float_format<8, 23, 127, ieee> is binary32 itself: its code is the float's
// bit pattern. Sampled over the whole float range (every 4099th pattern, plus odd/even neighbours of 1).
template <class T>
void check_holds_floats_exactly(const format_spec& spec, const char* name, bool code_is_float_bits)
{
    research_failures fails;
    const oracle_format f = make_oracle({spec.e, 0, spec.bias, spec.policy, spec.is_signed, spec.subnormals});
    std::vector<std::uint32_t> patterns{0x3F800000u, 0x3F800001u, 0x3F800002u, 0x3F800003u, 0x40400001u, 0x00000001u,
                                        0x00800001u, 0x7F7FFFFFu, 0xBF800001u};
    for (std::uint64_t u = 0; u < (std::uint64_t{1} << 32); u += 4099) patterns.push_back(static_cast<std::uint32_t>(u));
    for (std::uint32_t p : patterns) {
        const float x = std::bit_cast<float>(p);
        if (!std::isfinite(x)) continue;
        const double lo = std::ldexp(1.0, 1 - spec.bias);  // smallest normal of the format
        const double hi = f.max() * 2;                     // the top binade of T ends below 2 * 2^emax
        if (std::fabs(static_cast<double>(x)) < lo || std::fabs(static_cast<double>(x)) >= hi) continue;
        for (rounding r : all_roundings) {
            const std::uint32_t got = code_of(lowbit::convert<T>(x, r, overflow::saturate));
            const oracle_value v = oracle_decode(spec, got);
            bool ok = v.kind == value_kind::finite && v.value == static_cast<double>(x);
            if (code_is_float_bits) ok = ok && got == p;
            fails.expect(ok, [&] {
                return std::string(name) + " from float " + show(static_cast<double>(x)) + " " + name_of(r) + ": got " +
                       hex(got) + " = " + show(v.value);
            });
        }
        const std::uint32_t ctor = code_of(T(x));
        fails.expect(oracle_decode(spec, ctor).value == static_cast<double>(x), [&] {
            return std::string(name) + "(float " + show(static_cast<double>(x)) + ") gave " + hex(ctor);
        });
    }
    INFO(name << ": " << fails.report());
    CHECK(fails.count == 0);
    CHECK(fails.checked > 10000);
}

TEST_CASE("formats with 23 fraction bits keep every float of their range exactly", "[conversion]")
{
    check_holds_floats_exactly<lowbit::float_format<8, 23, 127, specials::ieee>>({8, 23, 127, specials::ieee, true, true},
                                                                                 "E8M23 (binary32)", true);
    check_holds_floats_exactly<lowbit::float_format<5, 23, 15, specials::finite>>(
        {5, 23, 15, specials::finite, true, true}, "E5M23 finite", false);
}
