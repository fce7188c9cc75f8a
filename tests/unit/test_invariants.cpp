// Round trips over every code: decode -> encode is the identity on every non-NaN code of every named
// format (from float and from double, under every rounding, overflow and directed-overflow option), and
// every NaN code decodes to NaN and re-encodes to a NaN code under every NaN encoding.
#include <catch2/catch.hpp>

#include <lowbit/lowbit.hpp>

#include <cmath>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

namespace {

using lowbit::conversion_options;
using lowbit::directed_overflow;
using lowbit::nan_encoding;
using lowbit::overflow;
using lowbit::rounding;

constexpr rounding invariant_roundings[] = {rounding::nearest_even, rounding::nearest_away, rounding::toward_zero,
                                            rounding::toward_positive, rounding::toward_negative};
constexpr overflow invariant_overflows[] = {overflow::nonsaturating, overflow::saturate_finite, overflow::saturate};
constexpr directed_overflow invariant_directed[] = {directed_overflow::ieee, directed_overflow::like_nearest};
constexpr nan_encoding invariant_nans[] = {nan_encoding::quiet_with_sign, nan_encoding::canonical,
                                           nan_encoding::keep_payload};

struct invariant_failures {
    std::uint64_t checked = 0;
    std::uint64_t count = 0;
    std::vector<std::string> examples;
    void fail(const std::string& what)
    {
        ++count;
        if (examples.size() < 12) examples.push_back(what);
    }
    std::string report() const
    {
        std::ostringstream s;
        s << count << " failures out of " << checked << " conversions";
        for (const auto& e : examples) s << "\n  " << e;
        return s.str();
    }
};

std::string invariant_hex(std::uint32_t v)
{
    std::ostringstream s;
    s << "0x" << std::hex << v;
    return s.str();
}

template <class T, class F>
std::uint32_t reencode(F x, const conversion_options& o)
{
    return static_cast<std::uint32_t>(lowbit::convert<T>(x, o).bits());
}

template <class T>
bool is_nan_code(std::uint32_t code)
{
    return std::isnan(static_cast<double>(T::from_bits(static_cast<typename T::storage_type>(code))));
}

template <class T>
void check_round_trips(const char* name)
{
    constexpr auto& info = T::info;
    const std::uint32_t count = std::uint32_t{1} << info.total_bits;
    invariant_failures fails;
    std::uint64_t nan_codes = 0;
    std::uint64_t inf_codes = 0;
    for (std::uint32_t code = 0; code < count; ++code) {
        const T t = T::from_bits(static_cast<typename T::storage_type>(code));
        if (static_cast<std::uint32_t>(t.bits()) != code) fails.fail(std::string(name) + ": from_bits changed " + invariant_hex(code));
        const double d = static_cast<double>(t);
        float f = 0;
        if constexpr (T::decodes_exactly_to_float) {
            f = static_cast<float>(t);
            const bool same = std::isnan(d) ? std::isnan(f) : static_cast<double>(f) == d && std::signbit(f) == std::signbit(d);
            if (!same) fails.fail(std::string(name) + ": float and double decodes differ for " + invariant_hex(code));
        }
        const bool negative = (code & info.sign_mask) != 0;

        if (std::isnan(d)) {
            ++nan_codes;
            for (nan_encoding n : invariant_nans) {
                for (overflow o : invariant_overflows) {
                    conversion_options opt;
                    opt.nan = n;
                    opt.overflow = o;
                    const std::uint32_t from_d = reencode<T>(d, opt);
                    ++fails.checked;
                    if (!is_nan_code<T>(from_d))
                        fails.fail(std::string(name) + ": NaN code " + invariant_hex(code) + " re-encodes to " + invariant_hex(from_d));
                    if constexpr (T::decodes_exactly_to_float) {
                        const std::uint32_t from_f = reencode<T>(f, opt);
                        ++fails.checked;
                        if (!is_nan_code<T>(from_f))
                            fails.fail(std::string(name) + ": NaN code " + invariant_hex(code) + " re-encodes from float to " +
                                       invariant_hex(from_f));
                    }
                }
            }
            continue;
        }

        // ±Inf codes come back as ±Inf except under `saturate`, which clamps infinities to ±max.
        const bool infinite = std::isinf(d);
        if (infinite) ++inf_codes;
        for (rounding r : invariant_roundings) {
            for (overflow o : invariant_overflows) {
                for (directed_overflow dov : invariant_directed) {
                    conversion_options opt;
                    opt.rounding = r;
                    opt.overflow = o;
                    opt.directed_overflow = dov;
                    const std::uint32_t want =
                        infinite && o == overflow::saturate ? (negative ? info.sign_mask : 0) | info.max_magnitude_code
                                                            : code;
                    const std::uint32_t from_d = reencode<T>(d, opt);
                    ++fails.checked;
                    if (from_d != want)
                        fails.fail(std::string(name) + ": code " + invariant_hex(code) + " -> double -> " +
                                   invariant_hex(from_d) + " (rounding " + std::to_string(static_cast<int>(r)) + ", overflow " +
                                   std::to_string(static_cast<int>(o)) + ")");
                    if constexpr (T::decodes_exactly_to_float) {
                        const std::uint32_t from_f = reencode<T>(f, opt);
                        ++fails.checked;
                        if (from_f != want)
                            fails.fail(std::string(name) + ": code " + invariant_hex(code) + " -> float -> " +
                                       invariant_hex(from_f) + " (rounding " + std::to_string(static_cast<int>(r)) +
                                       ", overflow " + std::to_string(static_cast<int>(o)) + ")");
                    }
                }
            }
        }
    }
    // The number of NaN and Inf codes is a property of the policy, worth pinning beside the round trips.
    const std::uint64_t expected_specials = count - info.finite_code_count;
    INFO(name << ": " << count << " codes (" << nan_codes << " NaN, " << inf_codes << " Inf); " << fails.report());
    CHECK(fails.count == 0);
    CHECK(nan_codes + inf_codes == expected_specials);
    CHECK(fails.checked >= count);
}

}  // namespace

TEST_CASE("decode then encode is the identity on every non-NaN code", "[conversion]")
{
    using namespace lowbit;
    check_round_trips<float8_e4m3fn>("float8_e4m3fn");
    check_round_trips<float8_e4m3>("float8_e4m3");
    check_round_trips<float8_e4m3fnuz>("float8_e4m3fnuz");
    check_round_trips<float8_e4m3b11fnuz>("float8_e4m3b11fnuz");
    check_round_trips<float8_e3m4>("float8_e3m4");
    check_round_trips<float8_e5m2>("float8_e5m2");
    check_round_trips<float8_e5m2fnuz>("float8_e5m2fnuz");
    check_round_trips<float8_e8m0fnu>("float8_e8m0fnu");
    check_round_trips<float6_e2m3fn>("float6_e2m3fn");
    check_round_trips<float6_e3m2fn>("float6_e3m2fn");
    check_round_trips<float4_e2m1fn>("float4_e2m1fn");
    check_round_trips<bfloat16>("bfloat16");
    check_round_trips<float16>("float16");
}

TEST_CASE("decode then encode is the identity on all 2^19 tfloat32 codes", "[conversion]")
{
    check_round_trips<lowbit::tfloat32>("tfloat32");
}

TEST_CASE("the specials counted by the round trips are the spec's", "[conversion]")
{
    using namespace lowbit;
    // formats-spec.md §1.1, "finite codes" column: the round trips above count the rest as NaN/Inf.
    CHECK(float8_e4m3fn::info.finite_code_count == 254);
    CHECK(float8_e4m3::info.finite_code_count == 240);
    CHECK(float8_e4m3fnuz::info.finite_code_count == 255);
    CHECK(float8_e4m3b11fnuz::info.finite_code_count == 255);
    CHECK(float8_e3m4::info.finite_code_count == 224);
    CHECK(float8_e5m2::info.finite_code_count == 248);
    CHECK(float8_e5m2fnuz::info.finite_code_count == 255);
    CHECK(float8_e8m0fnu::info.finite_code_count == 255);
    CHECK(float6_e2m3fn::info.finite_code_count == 64);
    CHECK(float6_e3m2fn::info.finite_code_count == 64);
    CHECK(float4_e2m1fn::info.finite_code_count == 16);
    CHECK(bfloat16::info.finite_code_count == 65280);
    CHECK(float16::info.finite_code_count == 63488);
    CHECK(tfloat32::info.finite_code_count == 522240);
}
