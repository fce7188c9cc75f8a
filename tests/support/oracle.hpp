// Test support: an exact rounding oracle for any float_format, written from the format definition
// (formats-spec.md §1.1, docs/floating-formats.md) and exact dyadic arithmetic, never from lowbit's decoder or
// encoder. A format is a sorted list of its finite magnitudes (plus one virtual grid point above max); a
// real value is located on it by exact comparisons, then each rounding and overflow mode picks a code.
#pragma once

#include <lowbit/core/format_info.hpp>
#include <lowbit/core/options.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "exact_dyadic.hpp"

namespace lowbit_test {

using lowbit::overflow;
using lowbit::rounding;
using lowbit::specials;
using lowbit::unsigned_negative;

inline void exact_oracle_assert(bool ok, const char* what)
{
    if (!ok) throw std::logic_error(std::string("exact oracle: ") + what);
}

struct spec {
    int e;
    int m;
    int bias;
    specials policy;
    bool is_signed;
    bool subnormals;
};

enum class kind { zero, finite, infinite, nan };

// An exact value: class, sign, and for finite values the signed magnitude.
struct exact_value {
    kind k;
    bool negative;
    dyadic value;  // signed; zero unless k == finite
};

// Value of a code as integer significand and exponent (value = (-1)^negative * m * 2^e).
struct decoded {
    kind k;
    bool negative;  // NaN: its sign where NaNs are signed (ieee, fn), else false
    std::uint64_t m;
    int e;
};

inline decoded decode_code(const spec& f, std::uint32_t code)
{
    const std::uint32_t magnitude_mask = (std::uint32_t{1} << (f.e + f.m)) - 1;
    const std::uint32_t magnitude = code & magnitude_mask;
    const bool negative = f.is_signed && ((code >> (f.e + f.m)) & 1u) != 0;
    const std::uint32_t field = magnitude >> f.m;
    const std::uint32_t fraction = magnitude & ((std::uint32_t{1} << f.m) - 1);
    const std::uint32_t top_field = (std::uint32_t{1} << f.e) - 1;
    switch (f.policy) {
    case specials::ieee:
        if (field == top_field) return {fraction == 0 ? kind::infinite : kind::nan, negative, 0, 0};
        break;
    case specials::fn:
        if (magnitude == magnitude_mask) return {kind::nan, negative, 0, 0};
        break;
    case specials::fnuz:
        if (negative && magnitude == 0) return {kind::nan, false, 0, 0};
        break;
    case specials::e8m0:
        if (magnitude == magnitude_mask) return {kind::nan, false, 0, 0};
        return {kind::finite, false, 1, static_cast<int>(field) - f.bias};
    case specials::finite: break;
    }
    if (field == 0) {
        if (fraction == 0 || !f.subnormals) return {kind::zero, negative, 0, 0};
        return {kind::finite, negative, fraction, 1 - f.bias - f.m};
    }
    return {kind::finite, negative, (std::uint64_t{1} << f.m) | fraction, static_cast<int>(field) - f.bias - f.m};
}

inline exact_value exact_of(const decoded& d)
{
    return {d.k, d.negative, d.k == kind::finite ? dyadic::scaled(d.negative, d.m, d.e) : dyadic{}};
}

// What lowbit must produce: a code, or a NaN (of the given sign where NaNs are signed).
struct expectation {
    bool nan;
    bool negative;
    std::uint32_t code;
};

struct format {
    spec s;
    std::vector<dyadic> values;  // distinct finite magnitudes, increasing, then the virtual grid point
    std::vector<std::uint32_t> codes;
    std::vector<dyadic> mids;  // mids[i] = (values[i] + values[i + 1]) / 2
    std::uint32_t sign_mask = 0;
    bool has_inf = false;
    bool has_nan = false;
    bool has_zero = true;
    bool has_negative_zero = false;
    bool signed_nan = false;
    std::uint32_t inf_code = 0;

    std::size_t top() const { return values.size() - 1; }
    std::uint32_t max_code() const { return codes[codes.size() - 2]; }
    std::size_t smallest_positive() const { return has_zero ? 1 : 0; }

    // Whether a code of this format is a NaN, and its sign bit.
    bool is_nan(std::uint32_t code) const { return decode_code(s, code).k == kind::nan; }
    bool sign_of(std::uint32_t code) const { return (code & sign_mask) != 0; }
};

inline format make_format(const spec& f)
{
    format o;
    o.s = f;
    o.sign_mask = f.is_signed ? std::uint32_t{1} << (f.e + f.m) : 0;
    o.has_inf = f.policy == specials::ieee;
    o.has_nan = f.policy != specials::finite;
    o.has_zero = f.policy != specials::e8m0;
    o.has_negative_zero = f.is_signed && f.policy != specials::fnuz;
    o.signed_nan = f.is_signed && (f.policy == specials::ieee || f.policy == specials::fn);
    o.inf_code = ((std::uint32_t{1} << f.e) - 1) << f.m;
    const std::uint32_t magnitudes = std::uint32_t{1} << (f.e + f.m);
    for (std::uint32_t c = 0; c < magnitudes; ++c) {
        const decoded d = decode_code(f, c);
        if (d.k != kind::finite && d.k != kind::zero) continue;
        const dyadic v = d.k == kind::zero ? dyadic{} : dyadic::scaled(false, d.m, d.e);
        if (!o.values.empty()) {
            if (v == o.values.back()) continue;  // field-0 codes without subnormals read as zero: keep the first
            exact_oracle_assert(o.values.back() < v, "values not increasing with the code");
        }
        o.values.push_back(v);
        o.codes.push_back(c);
    }
    // The virtual grid point: max plus one unit of max's integer significand (its binade's ulp), code max + 1.
    const decoded max = decode_code(f, o.codes.back());
    o.values.push_back(o.values.back() + dyadic::scaled(false, 1, max.e));
    o.codes.push_back(o.codes.back() + 1);
    for (std::size_t i = 0; i + 1 < o.values.size(); ++i) o.mids.push_back((o.values[i] + o.values[i + 1]).half());
    return o;
}

// A nonzero finite |v| located on a grid: `lo` is the index of the largest grid value <= |v| (-1 if |v| lies
// below values[0], only possible without zero); `exact` if equal; `vs_mid` compares |v| with the midpoint
// of lo and lo + 1; `vs_half_smallest` / `vs_smallest` compare |v| with half the smallest positive value and
// with it (for negative values in unsigned formats).
struct located {
    kind k;
    bool negative;
    long lo = 0;
    bool exact = false;
    int vs_mid = 0;
    int vs_half_smallest = 0;
    int vs_smallest = 0;
};

// cmp(g) = sign(|v| - g) for a nonnegative grid value g.
inline located locate(const format& f, kind k, bool negative, const std::function<int(const dyadic&)>& cmp)
{
    located l{k, negative};
    if (k != kind::finite) return l;
    long lo = -1;
    long hi = static_cast<long>(f.values.size());  // invariant: values[lo] <= |v| < values[hi]
    while (hi - lo > 1) {
        const long mid = lo + (hi - lo) / 2;
        if (cmp(f.values[static_cast<std::size_t>(mid)]) >= 0)
            lo = mid;
        else
            hi = mid;
    }
    l.lo = lo;
    l.exact = lo >= 0 && cmp(f.values[static_cast<std::size_t>(lo)]) == 0;
    if (lo >= 0 && static_cast<std::size_t>(lo) < f.top()) l.vs_mid = cmp(f.mids[static_cast<std::size_t>(lo)]);
    const dyadic& smallest = f.values[f.smallest_positive()];
    if (!f.s.is_signed && negative) {
        l.vs_half_smallest = cmp(smallest.half());
        l.vs_smallest = cmp(smallest);
    }
    return l;
}

inline located locate(const format& f, const exact_value& v)
{
    const dyadic magnitude = v.value.abs();
    return locate(f, v.k, v.negative, [&](const dyadic& g) { return compare(magnitude, g); });
}

struct mode {
    rounding r;
    overflow o;
    unsigned_negative on_negative = unsigned_negative::invalid;
};

// The code a conversion of the located value must give (docs/floating-formats.md, docs/conformance.md).
inline expectation round(const format& f, const located& x, const mode& md)
{
    const auto code = [](std::uint32_t c) { return expectation{false, false, c}; };
    const auto nan = [](bool negative) { return expectation{true, negative, 0}; };
    if (x.k == kind::nan) return f.has_nan ? nan(x.negative) : code(f.max_code());  // NaN without code: +max

    bool negative = x.negative;
    if (!f.s.is_signed && negative) {
        if (x.k == kind::zero || md.on_negative == unsigned_negative::magnitude) {
            negative = false;
        } else {
            if (f.has_zero && x.k == kind::finite) {
                bool to_zero = false;
                switch (md.r) {
                case rounding::nearest_even: to_zero = x.vs_half_smallest <= 0; break;
                case rounding::nearest_away: to_zero = x.vs_half_smallest < 0; break;
                case rounding::toward_zero:
                case rounding::toward_positive: to_zero = x.vs_smallest < 0; break;
                case rounding::toward_negative: to_zero = false; break;
                }
                if (to_zero) return code(0);
            }
            const bool clamps = x.k == kind::infinite ? md.o == overflow::saturate : md.o != overflow::nonsaturating;
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
    if (x.k == kind::infinite) return beyond_max(md.o == overflow::saturate);
    if (!f.has_zero) {
        if (x.k == kind::zero) {
            if (md.on_negative == unsigned_negative::magnitude) return code(0);
            if (md.o == overflow::nonsaturating && f.has_nan) return nan(false);
            return code(0);
        }
        if (x.lo < 0) return code(0);  // below the smallest value: every mode lands on it
    }
    const auto with_sign = [&](std::size_t i) {
        if (i == f.top()) return beyond_max(md.o != overflow::nonsaturating);
        if (f.codes[i] == 0 && !f.has_negative_zero) return code(0);
        return code(sign | f.codes[i]);
    };
    if (x.k == kind::zero) return with_sign(0);

    const rounding r = md.r;
    const bool toward_zero = r == rounding::toward_zero || (r == rounding::toward_positive && negative) ||
                             (r == rounding::toward_negative && !negative);
    const bool away = (r == rounding::toward_positive && !negative) || (r == rounding::toward_negative && negative);
    const std::size_t lo = static_cast<std::size_t>(x.lo);
    if (lo == f.top()) {
        if (toward_zero) return code(sign | f.max_code());
        return beyond_max(md.o != overflow::nonsaturating);
    }
    if (x.exact) return with_sign(lo);
    const std::size_t hi = lo + 1;
    std::size_t pick;
    if (toward_zero)
        pick = lo;
    else if (away)
        pick = hi;
    else if (x.vs_mid < 0)
        pick = lo;
    else if (x.vs_mid > 0)
        pick = hi;
    else if (r == rounding::nearest_away)
        pick = hi;
    else if (f.s.m == 0)
        pick = f.values[lo].is_zero() ? lo : hi;  // no even neighbour without fraction bits: ties up, except to 0
    else {
        const bool lo_even = (f.codes[lo] & 1u) == 0;
        const bool hi_even = (f.codes[hi] & 1u) == 0;
        exact_oracle_assert(lo_even != hi_even || (lo == 0 && !f.s.subnormals), "tie without one even code");
        pick = lo_even ? lo : hi;
    }
    return with_sign(pick);
}

// Whether lowbit's `got` meets the expectation: the exact code, or any NaN with the right sign.
inline bool meets(const format& f, const expectation& want, std::uint32_t got)
{
    if (want.nan) return f.is_nan(got) && (!f.signed_nan || f.sign_of(got) == want.negative);
    return got == want.code;
}

constexpr rounding all_roundings[] = {rounding::nearest_even, rounding::nearest_away, rounding::toward_zero,
                                      rounding::toward_positive, rounding::toward_negative};
constexpr overflow all_overflows[] = {overflow::nonsaturating, overflow::saturate_finite, overflow::saturate};

inline const char* name_of(rounding r)
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

inline const char* name_of(overflow o)
{
    switch (o) {
    case overflow::nonsaturating: return "nonsaturating";
    case overflow::saturate_finite: return "saturate_finite";
    case overflow::saturate: return "saturate";
    }
    return "?";
}

}  // namespace lowbit_test

// ---------------------------------------------------------------------------------------------------------
// Reference semantics of the four operations on exact values (IEEE 754 §6 and §7, docs/arithmetic.md),
// written here independently of lowbit: the exact result, or its class, and the comparison function that
// locates it on a grid. Division never divides: |a / b| >= g exactly when |a| >= g * |b|.
namespace lowbit_test {

enum class op { add, sub, mul, div };

inline const char* name_of(op o)
{
    switch (o) {
    case op::add: return "+";
    case op::sub: return "-";
    case op::mul: return "*";
    case op::div: return "/";
    }
    return "?";
}

// The exact result, located on f. `cancelled` is set for a zero sum of nonzero or opposite-signed zero
// operands: its sign is then - under toward_negative and + otherwise, decided per rounding mode.
struct exact_result {
    located where;
    bool cancelled = false;
};

inline exact_result reference(const format& f, op o, const exact_value& a, const exact_value& b)
{
    const auto special = [](kind k, bool negative) { return exact_result{located{k, negative}, false}; };
    if (a.k == kind::nan) return special(kind::nan, a.negative);
    if (b.k == kind::nan) return special(kind::nan, b.negative);
    switch (o) {
    case op::add:
    case op::sub: {
        const bool b_negative = b.negative != (o == op::sub);
        if (a.k == kind::infinite) {
            if (b.k == kind::infinite && a.negative != b_negative) return special(kind::nan, false);
            return special(kind::infinite, a.negative);
        }
        if (b.k == kind::infinite) return special(kind::infinite, b_negative);
        const dyadic sum = o == op::add ? a.value + b.value : a.value - b.value;
        if (sum.is_zero()) {
            if (a.k == kind::zero && b.k == kind::zero && a.negative == b_negative) return special(kind::zero, a.negative);
            return exact_result{located{kind::zero, false}, true};
        }
        return {locate(f, exact_value{kind::finite, sum.is_negative(), sum}), false};
    }
    case op::mul: {
        const bool negative = a.negative != b.negative;
        if (a.k == kind::infinite || b.k == kind::infinite) {
            if (a.k == kind::zero || b.k == kind::zero) return special(kind::nan, false);
            return special(kind::infinite, negative);
        }
        if (a.k == kind::zero || b.k == kind::zero) return special(kind::zero, negative);
        const dyadic product = a.value * b.value;
        return {locate(f, exact_value{kind::finite, negative, product}), false};
    }
    case op::div: {
        const bool negative = a.negative != b.negative;
        if (a.k == kind::infinite) {
            if (b.k == kind::infinite) return special(kind::nan, false);
            return special(kind::infinite, negative);
        }
        if (b.k == kind::infinite) return special(kind::zero, negative);
        if (b.k == kind::zero) return special(a.k == kind::zero ? kind::nan : kind::infinite, a.k == kind::zero ? false : negative);
        if (a.k == kind::zero) return special(kind::zero, negative);
        const dyadic na = a.value.abs();
        const dyadic nb = b.value.abs();
        return {locate(f, kind::finite, negative, [&](const dyadic& g) { return compare(na, g * nb); }), false};
    }
    }
    return special(kind::nan, false);
}

inline expectation expected(const format& f, const exact_result& x, const mode& md)
{
    if (!x.cancelled) return round(f, x.where, md);
    located zero = x.where;
    zero.negative = md.r == rounding::toward_negative;
    return round(f, zero, md);
}

}  // namespace lowbit_test

// ---------------------------------------------------------------------------------------------------------
// Drivers: lowbit's arithmetic and format-to-format conversion against the reference above.
#include <lowbit/convert.hpp>
#include <lowbit/types/float_arithmetic.hpp>

#include <random>
#include <sstream>

namespace lowbit_test {

struct failures {
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

inline std::string hex(std::uint32_t code)
{
    std::ostringstream s;
    s << "0x" << std::hex << code;
    return s.str();
}

inline std::string show(const expectation& e)
{
    if (e.nan) return e.negative ? "-NaN" : "NaN";
    return hex(e.code);
}

template <class T>
std::uint32_t code_of(T x)
{
    return static_cast<std::uint32_t>(x.bits());
}

template <class T>
T apply(op o, T a, T b, const lowbit::conversion_options& options)
{
    switch (o) {
    case op::add: return lowbit::add(a, b, options);
    case op::sub: return lowbit::sub(a, b, options);
    case op::mul: return lowbit::mul(a, b, options);
    case op::div: return lowbit::div(a, b, options);
    }
    return a;
}

template <class T>
T apply_operator(op o, T a, T b)
{
    switch (o) {
    case op::add: return a + b;
    case op::sub: return a - b;
    case op::mul: return a * b;
    case op::div: return a / b;
    }
    return a;
}

inline std::vector<mode> modes_for(const format& f, bool all)
{
    std::vector<mode> modes;
    for (rounding r : all_roundings) {
        for (overflow o : all_overflows) {
            if (!all && (r != rounding::nearest_even || o != overflow::nonsaturating)) continue;
            modes.push_back({r, o, unsigned_negative::invalid});
            if (!f.s.is_signed) modes.push_back({r, o, unsigned_negative::magnitude});
        }
    }
    return modes;
}

// One operation on one pair of codes under every mode in `modes`; the default mode also through the operator.
template <class T>
void check_pair(const format& f, const char* name, op o, std::uint32_t a, std::uint32_t b, const std::vector<mode>& modes,
                failures& fails)
{
    const exact_value xa = exact_of(decode_code(f.s, a));
    const exact_value xb = exact_of(decode_code(f.s, b));
    const exact_result x = reference(f, o, xa, xb);
    const T ta = T::from_bits(static_cast<typename T::storage_type>(a));
    const T tb = T::from_bits(static_cast<typename T::storage_type>(b));
    for (const mode& md : modes) {
        lowbit::conversion_options options;
        options.rounding = md.r;
        options.overflow = md.o;
        options.unsigned_negative = md.on_negative;
        const expectation want = expected(f, x, md);
        const std::uint32_t got = code_of(apply(o, ta, tb, options));
        fails.expect(meets(f, want, got), [&] {
            return std::string(name) + ": " + hex(a) + " " + name_of(o) + " " + hex(b) + " " + name_of(md.r) + "/" +
                   name_of(md.o) + (md.on_negative == unsigned_negative::magnitude ? "/magnitude" : "") + ": want " +
                   show(want) + ", got " + hex(got);
        });
    }
    const expectation want = expected(f, x, mode{rounding::nearest_even, overflow::nonsaturating});
    const std::uint32_t got = code_of(apply_operator(o, ta, tb));
    fails.expect(meets(f, want, got), [&] {
        return std::string(name) + ": operator " + hex(a) + " " + name_of(o) + " " + hex(b) + ": want " + show(want) +
               ", got " + hex(got);
    });
}

inline std::uint32_t code_count(const spec& s)
{
    return std::uint32_t{1} << (s.e + s.m + (s.is_signed ? 1 : 0));
}

// Every pair of codes, every operation.
template <class T>
void check_all_pairs(const spec& s, const char* name, bool all_modes, failures& fails)
{
    const format f = make_format(s);
    const std::vector<mode> modes = modes_for(f, all_modes);
    const std::uint32_t n = code_count(s);
    for (std::uint32_t a = 0; a < n; ++a)
        for (std::uint32_t b = 0; b < n; ++b)
            for (op o : {op::add, op::sub, op::mul, op::div}) check_pair<T>(f, name, o, a, b, modes, fails);
}

// Random pairs biased towards the interesting ones: uniform codes, special and edge codes, and second operands
// whose exponent is within a few binades of the first (cancellation, ties, carries).
template <class T>
void check_sampled_pairs(const spec& s, const char* name, std::uint64_t pairs, bool all_modes, std::uint64_t seed,
                         failures& fails)
{
    const format f = make_format(s);
    const std::vector<mode> modes = modes_for(f, all_modes);
    std::mt19937_64 rng(seed);
    const std::uint32_t n = code_count(s);
    const std::uint32_t fraction_mask = (std::uint32_t{1} << s.m) - 1;
    const std::uint32_t top_field = (std::uint32_t{1} << s.e) - 1;
    const std::uint32_t sign = f.sign_mask;
    const std::uint32_t one = static_cast<std::uint32_t>(s.bias) << s.m;
    const std::vector<std::uint32_t> edges{0, 1, 2, fraction_mask, fraction_mask + 1, f.max_code(), f.max_code() - 1,
                                           f.inf_code, f.inf_code + 1, n / 2 - 1, one, one + 1, one - 1,
                                           one + (std::uint32_t{1} << (s.m - 1))};
    const auto field_of = [&](std::uint32_t c) { return (c >> s.m) & top_field; };
    const auto with_field = [&](long field, std::uint32_t fraction) {
        if (field < 0) field = 0;
        if (field > static_cast<long>(top_field)) field = static_cast<long>(top_field);
        return (static_cast<std::uint32_t>(field) << s.m) | (fraction & fraction_mask);
    };
    const auto fraction = [&]() {
        std::uint32_t r = static_cast<std::uint32_t>(rng());
        // Often only a few leading fraction bits, so exact products, quotients and ties are common.
        if ((rng() & 1) != 0) r &= ~((std::uint32_t{1} << (rng() % static_cast<std::uint64_t>(s.m + 1))) - 1);
        return r;
    };
    for (std::uint64_t i = 0; i < pairs; ++i) {
        std::uint32_t a = 0;
        std::uint32_t b = 0;
        switch (rng() % 4) {
        case 0:
            a = static_cast<std::uint32_t>(rng()) & (n - 1);
            b = static_cast<std::uint32_t>(rng()) & (n - 1);
            break;
        case 1:
            a = edges[rng() % edges.size()];
            b = static_cast<std::uint32_t>(rng()) & (n - 1);
            if ((rng() & 1) != 0) std::swap(a, b);
            break;
        default: {
            a = with_field(static_cast<long>(rng() % (top_field + 1)), fraction());
            const long spread = s.m + 4;
            const long delta = static_cast<long>(rng() % static_cast<std::uint64_t>(2 * spread + 1)) - spread;
            b = with_field(static_cast<long>(field_of(a)) + delta, fraction());
            break;
        }
        }
        if ((rng() & 1) != 0) a ^= sign;
        if ((rng() & 1) != 0) b ^= sign;
        const op o = static_cast<op>(rng() % 4);
        check_pair<T>(f, name, o, a, b, modes, fails);
    }
}

// Every code of From to To, under every mode, against the oracle (decode From exactly, round in To).
template <class To, class From>
void check_conversion(const spec& to, const spec& from, const char* name, failures& fails)
{
    const format ft = make_format(to);
    const format ff = make_format(from);
    const std::vector<mode> modes = modes_for(ft, true);
    const std::uint32_t n = code_count(from);
    for (std::uint32_t c = 0; c < n; ++c) {
        const exact_value x = exact_of(decode_code(ff.s, c));
        const located where = locate(ft, x);
        const From source = From::from_bits(static_cast<typename From::storage_type>(c));
        for (const mode& md : modes) {
            lowbit::conversion_options options;
            options.rounding = md.r;
            options.overflow = md.o;
            options.unsigned_negative = md.on_negative;
            const expectation want = round(ft, where, md);
            const std::uint32_t got = code_of(lowbit::convert<To>(source, options));
            fails.expect(meets(ft, want, got), [&] {
                return std::string(name) + ": " + hex(c) + " " + name_of(md.r) + "/" + name_of(md.o) +
                       (md.on_negative == unsigned_negative::magnitude ? "/magnitude" : "") + ": want " + show(want) +
                       ", got " + hex(got);
            });
            if (md.on_negative == unsigned_negative::invalid) {
                const std::uint32_t short_form = code_of(lowbit::convert<To>(source, md.r, md.o));
                fails.expect(short_form == got, [&] { return std::string(name) + ": overloads disagree at " + hex(c); });
            }
        }
    }
}

}  // namespace lowbit_test
