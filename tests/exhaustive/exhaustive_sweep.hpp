// The exhaustive float32 sweep shared by tests/exhaustive/*.cpp: every one of the 2^32 float inputs through
// one format, checking order and bracketing properties that need no reference data.
//
// For every non-NaN float x, with v(c) the value of code c:
//  (a) monotonic: walking x from -Inf to +Inf (negative floats by decreasing bit pattern, then positive ones
//      by increasing pattern), v(convert(x, nearest_even, nonsaturating)) never decreases; a NaN result
//      (overflow in a format without Inf) is ordered as Inf of x's sign;
//  (b) bracketing: with overflow::saturate, v(toward_negative(x)) <= x <= v(toward_positive(x)) for |x| <= max,
//      and both are exactly ±max for |x| > max (±Inf included: `saturate` clamps them);
//  (c) adjacency: toward_negative(x) and toward_positive(x) are the same code iff x is a value of the format,
//      else two codes with no value of the format strictly between them (ranks of the sorted values differ
//      by one, ±0 sharing a rank);
//  (d) nearest: convert(x, nearest_even) is one of those two codes and is not farther from x than the other;
//      at a tie it is the code whose last bit is 0 (E8M0, without fraction bits: the upper one);
//  and every NaN input gives a NaN code (or +max, lowbit's default, in a format without NaN).
// E8M0 has no zero and no negative values: it is swept over positive inputs only (x > +0), and below its
// smallest value 2^-127 every mode must give code 0x00 (the encoder's documented clamp: nothing lies below).
#pragma once

#include <catch2/catch.hpp>

#include <lowbit/lowbit.hpp>

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <iostream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

namespace lowbit_exhaustive {

struct sweep_report {
    std::uint64_t checked = 0;
    std::uint64_t failures = 0;
    std::vector<std::string> examples;

    [[gnu::cold, gnu::noinline]] void fail(std::uint32_t input_bits, const char* what, std::uint32_t a,
                                           std::uint32_t b)
    {
        ++failures;
        if (examples.size() >= 10) return;
        std::ostringstream s;
        s.precision(9);
        s << what << ": x = " << std::bit_cast<float>(input_bits) << " (0x" << std::hex << input_bits << "), codes 0x"
          << a << " / 0x" << b;
        examples.push_back(s.str());
    }
    std::string text() const
    {
        std::ostringstream s;
        s << failures << " failures in " << checked << " inputs";
        for (const auto& e : examples) s << "\n  " << e;
        return s.str();
    }
};

// Per-code values and ranks, from the library's decoder (itself checked code by code against an ldexp oracle
// in tests/unit/test_research_formats.cpp).
template <class T>
struct code_tables {
    std::vector<double> value;
    std::vector<std::int32_t> rank;  // position among the distinct non-NaN values, -1 for NaN
    double max = 0;

    code_tables()
    {
        const std::uint32_t count = std::uint32_t{1} << T::info.total_bits;
        value.resize(count);
        rank.assign(count, -1);
        std::vector<double> sorted;
        for (std::uint32_t c = 0; c < count; ++c) {
            value[c] = static_cast<double>(T::from_bits(static_cast<typename T::storage_type>(c)));
            if (!std::isnan(value[c])) sorted.push_back(value[c]);
            if (std::isfinite(value[c])) max = std::max(max, value[c]);
        }
        std::sort(sorted.begin(), sorted.end());
        sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());  // -0 == +0: one entry
        for (std::uint32_t c = 0; c < count; ++c)
            if (!std::isnan(value[c]))
                rank[c] = static_cast<std::int32_t>(std::lower_bound(sorted.begin(), sorted.end(), value[c]) -
                                                    sorted.begin());
    }
};

template <class T>
class sweeper {
public:
    explicit sweeper(const code_tables<T>& t) : t_(t) {}

    // One non-NaN input, in increasing order of value.
    void check(std::uint32_t bits)
    {
        using lowbit::overflow;
        using lowbit::rounding;
        const float x = std::bit_cast<float>(bits);
        const double xd = x;
        const auto rc = static_cast<std::uint32_t>(lowbit::convert<T>(x).bits());
        const auto tn = static_cast<std::uint32_t>(lowbit::convert<T>(x, rounding::toward_negative, overflow::saturate).bits());
        const auto tp = static_cast<std::uint32_t>(lowbit::convert<T>(x, rounding::toward_positive, overflow::saturate).bits());
        ++report.checked;

        // (a)
        double v = t_.value[rc];
        if (std::isnan(v)) v = std::signbit(x) ? -inf : inf;
        if (v < previous_) report.fail(bits, "(a) nearest_even decreased", previous_code_, rc);
        previous_ = v;
        previous_code_ = rc;

        const double vn = t_.value[tn];
        const double vp = t_.value[tp];
        if (std::fabs(xd) > t_.max) {
            // (b) beyond the finite range: both clamp to max of x's sign.
            const std::uint32_t want = (std::signbit(x) ? T::info.sign_mask : 0) | T::info.max_magnitude_code;
            if (tn != want || tp != want) report.fail(bits, "(b) |x| > max: not both saturated to max", tn, tp);
            return;
        }
        if constexpr (!T::info.has_zero) {
            if (xd < vn) {  // below the smallest value: the documented clamp to code 0
                if (tn != 0 || tp != 0 || rc != 0) report.fail(bits, "below the smallest value: not code 0", tn, tp);
                return;
            }
        }
        // (b)
        if (!(vn <= xd && xd <= vp)) {
            report.fail(bits, "(b) toward_negative(x) <= x <= toward_positive(x) violated", tn, tp);
            return;
        }
        // (c)
        if (vn == xd) {
            if (tn != tp) report.fail(bits, "(c) exact x: directed results differ", tn, tp);
        } else if (vp == xd || tn == tp || t_.rank[tp] != t_.rank[tn] + 1) {
            report.fail(bits, "(c) inexact x: directed results not adjacent", tn, tp);
        }
        // (d) x - vn and vp - x are exact in double (adjacent format values, a 24-bit x between them).
        const double below = xd - vn;
        const double above = vp - xd;
        if (rc == tn) {
            if (below > above) report.fail(bits, "(d) nearest_even took the farther neighbour", rc, tp);
        } else if (rc == tp) {
            if (above > below) report.fail(bits, "(d) nearest_even took the farther neighbour", rc, tn);
        } else {
            report.fail(bits, "(d) nearest_even is neither directed result", rc, tn);
        }
        if (below == above && tn != tp) {
            // A tie goes to the code whose last bit is 0; without fraction bits (E8M0) every significand is 1
            // and ties go up, as in ml_dtypes.
            const bool ok = T::info.mantissa_bits == 0 ? rc == tp : (rc & 1u) == 0;
            if (!ok) report.fail(bits, "(d) tie not resolved to the even code", rc, rc == tn ? tp : tn);
        }
    }

    void check_nan(std::uint32_t bits)
    {
        const float x = std::bit_cast<float>(bits);
        ++report.checked;
        for (lowbit::overflow o : {lowbit::overflow::nonsaturating, lowbit::overflow::saturate}) {
            const auto c = static_cast<std::uint32_t>(lowbit::convert<T>(x, lowbit::rounding::nearest_even, o).bits());
            const bool ok = T::info.has_nan ? std::isnan(t_.value[c]) : c == T::info.max_magnitude_code;
            if (!ok) report.fail(bits, "NaN input: wrong code", c, 0);
        }
    }

    sweep_report report;

private:
    static constexpr double inf = std::numeric_limits<double>::infinity();
    const code_tables<T>& t_;
    double previous_ = -inf;
    std::uint32_t previous_code_ = 0;
};

// The whole sweep for one format; one REQUIRE at the end, with the first failures printed.
template <class T>
void sweep_all_floats(const char* name)
{
    const auto start = std::chrono::steady_clock::now();
    const code_tables<T> tables;
    sweeper<T> s(tables);
    constexpr std::uint64_t sign = 0x80000000u;
    constexpr std::uint64_t inf_bits = 0x7F800000u;
    if constexpr (T::info.is_signed) {
        // -Inf up to -0: negative floats by decreasing bit pattern.
        for (std::uint64_t u = sign | inf_bits; u >= sign; --u) s.check(static_cast<std::uint32_t>(u));
        for (std::uint64_t u = 0; u <= inf_bits; ++u) s.check(static_cast<std::uint32_t>(u));
    } else {
        for (std::uint64_t u = 1; u <= inf_bits; ++u) s.check(static_cast<std::uint32_t>(u));  // x > +0
    }
    for (std::uint64_t u = inf_bits + 1; u < sign; ++u) {  // NaNs of both signs
        s.check_nan(static_cast<std::uint32_t>(u));
        s.check_nan(static_cast<std::uint32_t>(u | sign));
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cout << "exhaustive " << name << ": " << s.report.checked << " float32 inputs checked in " << seconds
              << " s, " << s.report.failures << " failures\n";
    INFO(name << ": " << s.report.text());
    REQUIRE(s.report.failures == 0);
    REQUIRE(s.report.checked >= (T::info.is_signed ? 0xFF000002u + 0x00FFFFFEu : 0x7F800000u + 0x00FFFFFEu));
}

}  // namespace lowbit_exhaustive
