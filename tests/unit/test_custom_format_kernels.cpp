// The SIMD bulk conversions (lowbit/bulk.hpp: AVX2 and AVX-512 encoders and decoders, dispatched at run time)
// on CUSTOM floating formats, element by element against the scalar engine (lowbit::convert<T>(float,
// options) for encoding, static_cast<float> for decoding; the scalar path is checked against conformance data
// elsewhere). The vector encoders take shortcuts whose validity depends on the format's parameters
// (simd/kernel_support.hpp: binade_addend_shortcut, signed_addend_shortcut, nearest_even_shortcut), and so do
// the decoders (float16 route, scaling, byte lookups): a custom format near one of those limits can be
// handled by a shortcut that does not hold for it. (E4M3 with bias -100 gave wrong AVX2 codes because the
// addend 2^(E + 23 - m) overflowed float; the named formats are nowhere near any limit.)
//
// So: a compile-time list of formats (8-bit first, then 6- and 4-bit, then a few of 9 to 16 bits) with every
// exponent width 2..8, at biases that put them on both sides of every such condition: the usual bias, the
// smallest and largest bias with vector kernels and one beyond each, the largest value in binade 2^126,
// 2^127 and 2^128, the AVX2 addend 2^(emax + 23 - m) just inside and just outside float, the smallest
// subnormal at 2^-124 / 2^-125 / 2^-126 (shortcut limits), 2^104 / 2^105 (the subnormal addend's limit),
// 2^-133 / 2^-134 (the AVX-512 byte decoder) and 2^-149 / 2^-150 (float's range), and each specials policy;
// plus formats without vector kernels (unsigned, no subnormals, bias out of range), which must still work
// through the scalar fallback. A test checks that the list keeps covering both sides of each condition.
//
// Inputs per format: every finite value (a sample of each binade's edges for wider formats) with its float
// neighbours, the midpoints between consecutive values (ties) with theirs, values beyond the largest, float's
// extremes and subnormals, ±0, ±Inf, NaNs with payloads, values spread over the format's binades, values
// within its range and random bit patterns; run as generated (blocks that mix in-range and out-of-range
// lanes, which the general lanes redo) and sorted by magnitude (whole blocks within range, which the
// shortcuts take), under all 180 option sets, on every ISA this machine supports. Decoders: every code, in
// order and permuted. One REQUIRE per (format, options, input order, ISA), with the first mismatches.
//
// Compile time: each format instantiates the kernels of 2 ISAs x 5 rounding modes (about 1.2 s with g++ -O2),
// so the checks themselves are compiled once and reach each format through a few function pointers
// (format_ops), and the list holds about 100 formats.
#include <catch2/catch.hpp>

#include "option_sets.hpp"
#include "simd_test_state.hpp"

#include <lowbit/bulk.hpp>
#include <lowbit/lowbit.hpp>
#include <lowbit/simd/dispatch.hpp>
#include <lowbit/simd/isa.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <limits>
#include <random>
#include <span>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

namespace {

using lowbit::simd::isa;
using lowbit::specials;

// ---------------------------------------------------------------------------------------------------------
// The formats. Each alias picks the bias that puts one property where the condition under test changes.

constexpr specials ieee = specials::ieee;
constexpr specials fn = specials::fn;
constexpr specials fnuz = specials::fnuz;
constexpr specials finite_only = specials::finite;  // (not `finite`: math.h declares a function of that name)

// The exponent field of the largest finite value (format_info::max_magnitude_code >> m).
constexpr int largest_field(int e, int m, specials s)
{
    const int top = (1 << e) - 1;
    if (s == specials::ieee) return top - 1;               // the all-ones field is Inf/NaN
    if (s == specials::fn) return m >= 1 ? top : top - 1;  // only the all-ones magnitude is NaN
    return top;                                            // fnuz, finite
}

// The IEEE-style bias 2^(E-1) - 1.
template <int E, int M, specials S>
using usual_bias = lowbit::float_format<E, M, (1 << (E - 1)) - 1, S>;
// The largest finite value in binade 2^Exponent (format_info::max_exponent == Exponent).
template <int E, int M, specials S, int Exponent>
using largest_in_binade = lowbit::float_format<E, M, largest_field(E, M, S) - Exponent, S>;
// The smallest subnormal 2^Exponent (min_normal_exponent - M == Exponent).
template <int E, int M, specials S, int Exponent>
using smallest_subnormal = lowbit::float_format<E, M, 1 - M - Exponent, S>;
template <int E, int M, specials S, int Bias>
using with_bias = lowbit::float_format<E, M, Bias, S>;

template <class... T>
struct format_list {};

// Formats of 8 bits (E + M = 7). "The addend shortcuts": the AVX-512 byte encoders' signed_addend_shortcut
// and the AVX2 binade_addend_shortcut (at most 8 bits, 1..7 fraction bits, smallest subnormal at least
// 2^-124, largest value below 2^128; AVX2 also needs 2^(emax + 23 - m) finite). Otherwise nearest-even takes
// the rebias shortcut (largest value below 2^128), which rounds subnormals by adding 2^(emin - m + 23) only
// if the smallest subnormal lies in [2^-125, 2^104], and the other modes the general lanes. With M = 0 the
// only significand bit is the implicit 1, so a nearest-even tie between two binades goes up (1.5·2^k becomes
// 2^(k+1), docs/conformance.md), not to the even code.
using eight_bit_formats = format_list<
    // The usual bias, with a specials policy no named format has.
    usual_bias<2, 5, fn>, usual_bias<3, 4, finite_only>, usual_bias<4, 3, finite_only>, usual_bias<5, 2, fn>,
    usual_bias<6, 1, ieee>, usual_bias<7, 0, fnuz>,
    // The largest and smallest bias with vector kernels (the scalar fast path needs emin in [-126, 127]).
    with_bias<4, 3, fn, 127>, with_bias<5, 2, ieee, -126>,
    // Largest value in binade 2^127: the last one below 2^128 (every shortcut may still apply), under each
    // policy (the range check's limit depends on it); 2^128: beyond float, general lanes and no float
    // decoding; 2^126: below 2^127.
    largest_in_binade<2, 5, finite_only, 127>, largest_in_binade<3, 4, ieee, 127>, largest_in_binade<4, 3, fn, 127>,
    largest_in_binade<4, 3, ieee, 127>, largest_in_binade<4, 3, fnuz, 127>, largest_in_binade<5, 2, ieee, 127>,
    largest_in_binade<6, 1, fn, 127>, largest_in_binade<7, 0, finite_only, 127>,
    largest_in_binade<2, 5, ieee, 128>, largest_in_binade<4, 3, fn, 128>, largest_in_binade<5, 2, fnuz, 128>,
    largest_in_binade<7, 0, fn, 128>,
    largest_in_binade<3, 4, fn, 126>, largest_in_binade<4, 3, ieee, 126>, largest_in_binade<6, 1, finite_only, 126>,
    // The AVX2 addend 2^(emax + 23 - m): 2^127 (the binade shortcut applies) and 2^128 (it must not).
    largest_in_binade<2, 5, finite_only, 109>, largest_in_binade<2, 5, finite_only, 110>,
    largest_in_binade<4, 3, fn, 107>, largest_in_binade<4, 3, fn, 108>,
    largest_in_binade<5, 2, ieee, 106>, largest_in_binade<5, 2, ieee, 107>,
    largest_in_binade<6, 1, fnuz, 105>, largest_in_binade<6, 1, fnuz, 106>,
    // Smallest subnormal 2^-124 (the addend shortcuts apply) and 2^-125 (they do not; the rebias shortcut
    // does, with its subnormal addend).
    smallest_subnormal<2, 5, ieee, -124>, smallest_subnormal<2, 5, ieee, -125>,
    smallest_subnormal<4, 3, fn, -124>, smallest_subnormal<4, 3, fn, -125>,
    smallest_subnormal<5, 2, finite_only, -124>, smallest_subnormal<5, 2, finite_only, -125>,
    smallest_subnormal<6, 1, ieee, -124>, smallest_subnormal<6, 1, ieee, -125>,
    // Smallest subnormal 2^-125 / 2^-126 where the rebias shortcut is the only one (M = 0), and 2^-126 for
    // E4M3: float subnormals no longer round to zero, so subnormal lanes leave the shortcut.
    smallest_subnormal<7, 0, finite_only, -125>, smallest_subnormal<7, 0, finite_only, -126>,
    smallest_subnormal<4, 3, fnuz, -126>,
    // Smallest subnormal 2^104 / 2^105: the rebias shortcut's subnormal addend 2^(emin - m + 23) is 2^127
    // (finite) or 2^128 (not), with the largest value still below 2^128.
    smallest_subnormal<2, 5, fn, 104>, smallest_subnormal<2, 5, fn, 105>,
    smallest_subnormal<3, 4, fnuz, 104>, smallest_subnormal<3, 4, fnuz, 105>,
    smallest_subnormal<4, 3, finite_only, 104>, smallest_subnormal<4, 3, finite_only, 105>,
    // Decoders: AVX2's float16 route needs the bias in [-112, 141] (8-bit, 2..9 fraction bits); its scaling
    // route a bias in [0, 253] (here for M = 1, which the float16 route does not take).
    with_bias<3, 4, ieee, -112>, with_bias<3, 4, ieee, -113>, with_bias<6, 1, finite_only, 0>,
    with_bias<6, 1, finite_only, -1>,
    // One exponent bit (every nonzero field is normal).
    with_bias<1, 6, finite_only, 0>>;

// Formats of 6 bits (E + M = 5) and 4 bits (E + M = 3), codes in the low bits of a byte.
using narrow_formats = format_list<
    usual_bias<2, 3, ieee>, usual_bias<3, 2, fnuz>, usual_bias<4, 1, fn>, usual_bias<5, 0, finite_only>,
    largest_in_binade<2, 3, fn, 127>, largest_in_binade<3, 2, ieee, 127>, largest_in_binade<4, 1, finite_only, 127>,
    largest_in_binade<5, 0, fn, 127>, largest_in_binade<3, 2, finite_only, 128>,
    largest_in_binade<2, 3, finite_only, 107>, largest_in_binade<2, 3, finite_only, 108>,
    largest_in_binade<3, 2, fn, 106>, largest_in_binade<3, 2, fn, 107>,
    smallest_subnormal<2, 3, finite_only, -124>, smallest_subnormal<2, 3, finite_only, -125>,
    smallest_subnormal<4, 1, fnuz, -124>, smallest_subnormal<4, 1, fnuz, -125>,
    smallest_subnormal<5, 0, fnuz, -126>,
    with_bias<3, 2, finite_only, -126>, with_bias<3, 2, finite_only, 0>, with_bias<3, 2, finite_only, -1>,
    // 4 bits.
    usual_bias<2, 1, fnuz>, usual_bias<3, 0, fn>, with_bias<2, 1, finite_only, 127>,
    largest_in_binade<2, 1, ieee, 127>, largest_in_binade<3, 0, finite_only, 127>,
    largest_in_binade<2, 1, finite_only, 128>,
    largest_in_binade<2, 1, ieee, 105>, largest_in_binade<2, 1, ieee, 106>,
    smallest_subnormal<2, 1, fn, -124>, smallest_subnormal<2, 1, fn, -125>,
    smallest_subnormal<2, 1, finite_only, 104>, smallest_subnormal<2, 1, finite_only, 105>,
    smallest_subnormal<3, 0, finite_only, 104>, smallest_subnormal<3, 0, finite_only, 105>>;

// Formats of 9 to 16 bits (16-bit storage): the rebias shortcut, or the general lanes beyond 2^128; no
// vector decoders (only bfloat16's and float16's layouts have them).
using wide_formats = format_list<
    with_bias<8, 0, finite_only, 127>, largest_in_binade<8, 1, ieee, 127>, with_bias<8, 7, fn, 127>,
    with_bias<5, 10, ieee, 14>, smallest_subnormal<5, 10, fn, -125>, smallest_subnormal<5, 10, fn, -126>,
    smallest_subnormal<2, 13, finite_only, 104>, smallest_subnormal<2, 13, finite_only, 105>,
    largest_in_binade<4, 11, fnuz, 127>, largest_in_binade<6, 9, finite_only, 127>,
    largest_in_binade<3, 12, ieee, 128>, usual_bias<4, 7, fn>>;

// Formats without vector encoders (bias beyond the kernels' range, unsigned, no subnormals), and decoder
// edges beyond the encoders' range: the AVX-512 byte decoder needs the smallest subnormal at least 2^-133
// (every value's low 16 bits zero); float decoding at all needs it at least 2^-149.
using scalar_encoder_formats = format_list<
    with_bias<4, 3, fn, 128>, with_bias<4, 3, fn, -127>,
    smallest_subnormal<4, 3, fn, -133>, smallest_subnormal<4, 3, fn, -134>,
    smallest_subnormal<2, 5, finite_only, -149>, smallest_subnormal<2, 5, finite_only, -150>,
    lowbit::float_format<4, 3, 7, fn, lowbit::sign_bit::absent>,
    lowbit::float_format<4, 3, 7, fn, lowbit::sign_bit::present, lowbit::subnormals::absent>>;

template <class T, class... Rest>
constexpr bool listed_once() noexcept
{
    return (0 + ... + (std::is_same_v<T, Rest> ? 1 : 0)) == 1;
}
template <class... T>
constexpr bool no_duplicates(format_list<T...>) noexcept
{
    return (... && listed_once<T, T...>());
}
template <class... T, class... U, class... V, class... W>
constexpr bool no_duplicates(format_list<T...>, format_list<U...>, format_list<V...>, format_list<W...>) noexcept
{
    return no_duplicates(format_list<T..., U..., V..., W...>{});
}
static_assert(no_duplicates(eight_bit_formats{}, narrow_formats{}, wide_formats{}, scalar_encoder_formats{}),
              "a format appears twice in the lists (two aliases chose the same bias)");

// ---------------------------------------------------------------------------------------------------------
// Each format behind function pointers, so that the checks below are compiled once.

float from_bits(std::uint32_t b) { return std::bit_cast<float>(b); }
std::uint32_t float_bits(float f) { return std::bit_cast<std::uint32_t>(f); }

constexpr int smallest_exponent(const lowbit::format_info& f) noexcept
{
    return f.has_subnormals ? f.min_normal_exponent - f.mantissa_bits : f.min_normal_exponent;
}

const char* specials_name(specials s)
{
    switch (s) {
    case specials::ieee: return "ieee";
    case specials::fn: return "fn";
    case specials::fnuz: return "fnuz";
    case specials::finite: return "finite";
    case specials::e8m0: return "e8m0";
    }
    return "?";
}

struct format_ops {
    lowbit::format_info info;
    bool vector_encoder;  // on avx2 and on avx512 (under every rounding mode)
    bool avx2_decoder;
    bool avx512_decoder;
    bool decodes_to_float;
    // The value of a code (exact, as double), for building inputs.
    double (*value)(std::uint32_t code);
    // lowbit::convert<T>(x, o).bits(): the oracle.
    std::uint32_t (*scalar_encode)(float x, const lowbit::conversion_options& o);
    // lowbit::convert<T>(span, span, o) on the active isa, codes widened.
    void (*bulk_encode)(std::span<const float> in, std::span<std::uint32_t> codes, const lowbit::conversion_options& o);
    // static_cast<float>(T::from_bits(code)) and lowbit::convert(span<const T>, span<float>); null where T
    // has no float decoding.
    float (*scalar_decode)(std::uint32_t code);
    void (*bulk_decode)(std::span<const std::uint32_t> codes, std::span<float> out);

    // The type as one would write it, to reproduce a failure.
    std::string name() const
    {
        std::ostringstream s;
        s << "float_format<" << info.exponent_bits << ", " << info.mantissa_bits << ", " << info.bias
          << ", specials::" << specials_name(info.specials);
        if (!info.is_signed || !info.has_subnormals)
            s << (info.is_signed ? ", sign_bit::present" : ", sign_bit::absent");
        if (!info.has_subnormals) s << ", subnormals::absent";
        s << ">";
        return s.str();
    }

    std::string facts() const
    {
        std::ostringstream s;
        s << info.total_bits << " bits, largest value in binade 2^" << info.max_exponent << ", smallest "
          << (info.has_subnormals ? "subnormal" : "normal") << " 2^" << smallest_exponent(info)
          << ", 2^(emax + 23 - m) = 2^" << info.max_exponent + 23 - info.mantissa_bits << "; vector encoders "
          << (vector_encoder ? "yes" : "no") << "; vector decoders: avx2 " << (avx2_decoder ? "yes" : "no")
          << ", avx512 " << (avx512_decoder ? "yes" : "no");
        return s.str();
    }

    int smallest() const noexcept { return smallest_exponent(info); }
    int emax() const noexcept { return info.max_exponent; }
    // The addend shortcuts' conditions other than the exponents a coverage check varies.
    bool addend_shape() const noexcept
    {
        return vector_encoder && info.total_bits <= 8 && info.mantissa_bits >= 1 && info.mantissa_bits <= 7;
    }
};

template <class T>
T from_code(std::uint32_t code)
{
    return T::from_bits(static_cast<typename T::storage_type>(code));
}

template <class T>
format_ops ops_for()
{
    using lowbit::simd::has_decode_kernel;
    using lowbit::simd::has_encode_kernel;
    format_ops ops{};
    ops.info = T::info;
    ops.vector_encoder = true;
    for (int r = 0; r < 5; ++r)
        for (const isa which : {isa::avx2, isa::avx512})
            ops.vector_encoder = ops.vector_encoder && has_encode_kernel<T>(which, static_cast<lowbit::rounding>(r));
    ops.avx2_decoder = has_decode_kernel<T>(isa::avx2);
    ops.avx512_decoder = has_decode_kernel<T>(isa::avx512);
    ops.decodes_to_float = T::decodes_exactly_to_float;
    ops.value = [](std::uint32_t code) { return static_cast<double>(from_code<T>(code)); };
    ops.scalar_encode = [](float x, const lowbit::conversion_options& o) {
        return static_cast<std::uint32_t>(lowbit::convert<T>(x, o).bits());
    };
    ops.bulk_encode = [](std::span<const float> in, std::span<std::uint32_t> codes, const lowbit::conversion_options& o) {
        std::vector<T> out(in.size(), from_code<T>(0x5A));
        lowbit::convert<T>(in, std::span<T>(out), o);
        for (std::size_t k = 0; k < out.size(); ++k) codes[k] = static_cast<std::uint32_t>(out[k].bits());
    };
    if constexpr (T::decodes_exactly_to_float) {
        ops.scalar_decode = [](std::uint32_t code) { return static_cast<float>(from_code<T>(code)); };
        ops.bulk_decode = [](std::span<const std::uint32_t> codes, std::span<float> out) {
            std::vector<T> in(codes.size());
            for (std::size_t k = 0; k < codes.size(); ++k) in[k] = from_code<T>(codes[k]);
            lowbit::convert(std::span<const T>(in), out);
        };
    }
    return ops;
}

template <class... T>
std::vector<format_ops> ops_of(format_list<T...>)
{
    return {ops_for<T>()...};
}

// ---------------------------------------------------------------------------------------------------------
// Descriptions for failure reports.

const char* rounding_name(lowbit::rounding r)
{
    switch (r) {
    case lowbit::rounding::nearest_even: return "nearest_even";
    case lowbit::rounding::nearest_away: return "nearest_away";
    case lowbit::rounding::toward_zero: return "toward_zero";
    case lowbit::rounding::toward_positive: return "toward_positive";
    case lowbit::rounding::toward_negative: return "toward_negative";
    }
    return "?";
}

const char* overflow_name(lowbit::overflow o)
{
    switch (o) {
    case lowbit::overflow::nonsaturating: return "nonsaturating";
    case lowbit::overflow::saturate_finite: return "saturate_finite";
    case lowbit::overflow::saturate: return "saturate";
    }
    return "?";
}

std::string options_name(const lowbit::conversion_options& o)
{
    return std::string(rounding_name(o.rounding)) + ", " + overflow_name(o.overflow) + " (" +
           lowbit_test::describe_options(o) + ")";
}

std::string hex(std::uint32_t v)
{
    std::ostringstream s;
    s << "0x" << std::hex << std::uppercase << v;
    return s.str();
}

std::string float_text(float x)
{
    std::ostringstream s;
    s.precision(9);
    s << x;
    return s.str();
}

struct mismatches {
    std::size_t count = 0;
    std::string examples;  // the first few, one per line

    void add(std::size_t at, const std::string& what)
    {
        if (count++ < 4) examples += "  element " + std::to_string(at) + ": " + what + "\n";
    }
};

// ---------------------------------------------------------------------------------------------------------
// Inputs.

// The magnitude codes whose values seed the structured inputs: all of them up to 8 bits; for wider formats
// the lowest and highest 64, the first and last few of every binade, its middle and every 97th.
std::vector<std::uint32_t> seed_magnitudes(const lowbit::format_info& f)
{
    std::vector<std::uint32_t> result;
    for (std::uint32_t c = 0; c <= f.max_magnitude_code; ++c) {
        const std::uint32_t fraction = c & f.fraction_mask;
        const bool keep = f.total_bits <= 8 || c < 64 || c + 64 > f.max_magnitude_code || c % 97 == 0 ||
                          fraction < 3 || fraction + 3 > f.fraction_mask || fraction == f.fraction_mask / 2 ||
                          fraction == f.fraction_mask / 2 + 1;
        if (keep) result.push_back(c);
    }
    return result;
}

// The inputs for a format's encoders (see the header comment). The structured ones come first, in ascending
// order, so that whole blocks of them stay within the format's range.
std::vector<float> encoder_inputs(const format_ops& format)
{
    const lowbit::format_info& f = format.info;
    constexpr double float_max = std::numeric_limits<float>::max();
    constexpr float inf = std::numeric_limits<float>::infinity();

    std::vector<double> values;  // the format's nonnegative finite values, ascending
    for (const std::uint32_t c : seed_magnitudes(f)) values.push_back(format.value(c));
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());

    std::vector<float> in;
    const auto with_neighbours = [&in](double v) {
        if (!(std::fabs(v) <= float_max)) return;  // beyond float: the float extremes below stand in
        const auto x = static_cast<float>(v);
        in.push_back(x);
        in.push_back(std::nextafter(x, inf));
        in.push_back(std::nextafter(x, -inf));
    };
    for (std::size_t k = 0; k < values.size(); ++k) {
        with_neighbours(values[k]);
        if (k + 1 < values.size()) with_neighbours((values[k] + values[k + 1]) / 2);  // ties
    }
    // Beyond the largest value: the tie with the next (absent) code, the next code, and farther.
    const double max = values.back();
    const double ulp = values.size() > 1 ? max - values[values.size() - 2] : max;
    for (const double v : {max + ulp / 2, max + ulp, max + 3 * ulp / 2, 2 * max, 4 * max, 1e30 * max})
        with_neighbours(v);
    // Float's extremes: the largest float, 2^127, float's smallest normals, subnormals (bit patterns), ±0,
    // ±Inf, NaNs with payloads.
    for (const double v : {float_max, 0x1p127, 0x1p-126, 0x1p-125, 0x1p-124, 0x1p-127, 1.0, 0.5}) with_neighbours(v);
    for (const std::uint32_t b :
         {0x00000000u, 0x00000001u, 0x00000002u, 0x00000003u, 0x007FFFFFu, 0x00400000u, 0x00400001u, 0x00012345u,
          0x00000800u, 0x7F800000u, 0x7FC00000u, 0x7F800001u, 0x7FBFFFFFu, 0x7FFFFFFFu, 0x7FC12345u, 0x7FA5A5A5u})
        in.push_back(from_bits(b));
    const std::size_t structured = in.size();
    for (std::size_t k = 0; k < structured; ++k) in.push_back(-in[k]);

    // Random values: spread over the binades from below the smallest value to beyond the largest (within
    // float's range), uniform within ±1.25 times the largest value, and any bit pattern.
    std::mt19937 rng(static_cast<std::uint32_t>(1000003 * f.exponent_bits + 1009 * f.mantissa_bits + f.bias + 77777));
    std::uniform_int_distribution<int> binade(std::max(smallest_exponent(f) - 3, -149), std::min(f.max_exponent + 2, 127));
    for (int k = 0; k < 1500; ++k) {
        const float fraction = 1.0f + static_cast<float>(rng() >> 9) * 0x1p-23f;
        const float v = std::ldexp(fraction, binade(rng));
        in.push_back((rng() & 1u) != 0 ? -v : v);
    }
    const double range = std::min(1.25 * max, float_max);
    std::uniform_real_distribution<double> within(-range, range);
    for (int k = 0; k < 1000; ++k) in.push_back(static_cast<float>(within(rng)));
    for (int k = 0; k < 2000; ++k) in.push_back(from_bits(static_cast<std::uint32_t>(rng())));
    return in;
}

// The same inputs ordered by magnitude: the blocks of the vector encoders then hold only values within the
// format's range (taken by the shortcuts) up to the one block that straddles its largest value.
std::vector<float> sorted_by_magnitude(std::vector<float> in)
{
    std::stable_sort(in.begin(), in.end(),
                     [](float a, float b) { return (float_bits(a) & 0x7FFFFFFFu) < (float_bits(b) & 0x7FFFFFFFu); });
    return in;
}

// ---------------------------------------------------------------------------------------------------------
// The checks.

// Every option set on both input orders, on every ISA, against the scalar engine element by element: one
// REQUIRE per (options, order, ISA) with the first few mismatches.
void check_encoders(const format_ops& format)
{
    const std::vector<float> generated = encoder_inputs(format);
    const std::vector<float> sorted = sorted_by_magnitude(generated);
    struct layout {
        const char* name;
        std::span<const float> in;
    };
    // The sorted order starts from its second element, so that its blocks begin elsewhere than the other's.
    const layout layouts[] = {{"inputs as generated", std::span<const float>(generated)},
                              {"inputs sorted by magnitude, from the second", std::span<const float>(sorted).subspan(1)}};
    std::vector<std::uint32_t> expected;
    std::vector<std::uint32_t> got;
    for (const lowbit::conversion_options& o : lowbit_test::every_conversion_options()) {
        for (const layout& l : layouts) {
            expected.resize(l.in.size());
            got.resize(l.in.size());
            for (std::size_t k = 0; k < l.in.size(); ++k) expected[k] = format.scalar_encode(l.in[k], o);
            lowbit_test::for_each_isa([&](isa) {
                format.bulk_encode(l.in, got, o);
                mismatches found;
                for (std::size_t k = 0; k < l.in.size(); ++k)
                    if (got[k] != expected[k])
                        found.add(k, "input " + hex(float_bits(l.in[k])) + " (" + float_text(l.in[k]) + "), expected " +
                                         hex(expected[k]) + ", got " + hex(got[k]));
                INFO(format.name() << ": " << format.facts());
                INFO("encode, " << options_name(o) << ", " << l.name << " (" << l.in.size() << " values)");
                INFO(found.count << " mismatches, the first:\n" << found.examples);
                REQUIRE(found.count == 0);
            });
        }
    }
}

// Every code decoded, in order and permuted (an odd stride), on every ISA, against static_cast<float>, by
// bits (NaNs included). Formats with values beyond float's range have no float decoding.
void check_decoder(const format_ops& format)
{
    if (format.bulk_decode == nullptr) return;
    const std::uint32_t codes = std::uint32_t{1} << format.info.total_bits;
    std::vector<std::uint32_t> in_order(codes);
    std::vector<std::uint32_t> permuted(codes);
    for (std::uint32_t c = 0; c < codes; ++c) {
        in_order[c] = c;
        permuted[c] = (c * 37u + 11u) & (codes - 1);
    }
    std::vector<float> out(codes);
    for (const std::vector<std::uint32_t>* in : {&in_order, &permuted}) {
        lowbit_test::for_each_isa([&](isa) {
            std::fill(out.begin(), out.end(), from_bits(0x7FA5A5A5u));
            format.bulk_decode(*in, out);
            mismatches found;
            for (std::size_t k = 0; k < codes; ++k) {
                const float expected = format.scalar_decode((*in)[k]);
                if (float_bits(out[k]) != float_bits(expected))
                    found.add(k, "code " + hex((*in)[k]) + ", expected " + hex(float_bits(expected)) + " (" +
                                     float_text(expected) + "), got " + hex(float_bits(out[k])) + " (" +
                                     float_text(out[k]) + ")");
            }
            INFO(format.name() << ": " << format.facts());
            INFO("decode, every code " << (in == &in_order ? "in order" : "permuted"));
            INFO(found.count << " mismatches, the first:\n" << found.examples);
            REQUIRE(found.count == 0);
        });
    }
}

void check_formats(const std::vector<format_ops>& formats)
{
    for (const format_ops& format : formats) {
        DYNAMIC_SECTION(format.name())
        {
            check_encoders(format);
            check_decoder(format);
        }
    }
}

std::vector<format_ops> every_listed_format()
{
    std::vector<format_ops> all = ops_of(eight_bit_formats{});
    for (const auto& more : {ops_of(narrow_formats{}), ops_of(wide_formats{}), ops_of(scalar_encoder_formats{})})
        all.insert(all.end(), more.begin(), more.end());
    return all;
}

}  // namespace

TEST_CASE("custom 8-bit formats: bulk encoders and decoders match the scalar engine on every ISA",
          "[conversion][simd][custom]")
{
    check_formats(ops_of(eight_bit_formats{}));
}

TEST_CASE("custom 6- and 4-bit formats: bulk encoders and decoders match the scalar engine on every ISA",
          "[conversion][simd][custom]")
{
    check_formats(ops_of(narrow_formats{}));
}

TEST_CASE("custom 9- to 16-bit formats: bulk encoders and decoders match the scalar engine on every ISA",
          "[conversion][simd][custom]")
{
    check_formats(ops_of(wide_formats{}));
}

TEST_CASE("custom formats without vector encoders: the bulk conversions' scalar fallback matches the scalar engine",
          "[conversion][simd][custom]")
{
    check_formats(ops_of(scalar_encoder_formats{}));
}

// The lists above are only useful while they straddle every condition: each entry here names one side of
// one, and some listed format must be on it. (The conditions are written from the formats' parameters, as
// simd/kernel_support.hpp documents them, so that a change there does not silently narrow this test.)
TEST_CASE("the custom format list covers both sides of every kernel condition", "[simd][custom]")
{
    const std::vector<format_ops> all = every_listed_format();
    using F = const format_ops&;
    struct side {
        const char* what;
        std::function<bool(F)> holds;
    };
    const side sides[] = {
        {"addend shortcuts: smallest subnormal 2^-124", [](F f) { return f.addend_shape() && f.emax() <= 127 && f.smallest() == -124; }},
        {"addend shortcuts: smallest subnormal 2^-125", [](F f) { return f.addend_shape() && f.emax() <= 127 && f.smallest() == -125; }},
        {"AVX2 addend 2^(emax + 23 - m) = 2^127",
         [](F f) { return f.addend_shape() && f.smallest() >= -124 && f.emax() + 23 - f.info.mantissa_bits == 127; }},
        {"AVX2 addend 2^(emax + 23 - m) = 2^128",
         [](F f) { return f.addend_shape() && f.smallest() >= -124 && f.emax() + 23 - f.info.mantissa_bits == 128; }},
        {"up to 8 bits, largest value in binade 2^126", [](F f) { return f.addend_shape() && f.emax() == 126; }},
        {"up to 8 bits, largest value in binade 2^127", [](F f) { return f.addend_shape() && f.emax() == 127; }},
        {"up to 8 bits, largest value in binade 2^128", [](F f) { return f.addend_shape() && f.emax() == 128; }},
        {"M = 0, largest value in binade 2^127", [](F f) { return f.vector_encoder && f.info.mantissa_bits == 0 && f.emax() == 127; }},
        {"M = 0, largest value in binade 2^128", [](F f) { return f.vector_encoder && f.info.mantissa_bits == 0 && f.emax() == 128; }},
        {"16-bit storage, largest value in binade 2^127", [](F f) { return f.vector_encoder && f.info.total_bits > 8 && f.emax() == 127; }},
        {"16-bit storage, largest value in binade 2^128", [](F f) { return f.vector_encoder && f.info.total_bits > 8 && f.emax() == 128; }},
        {"rebias shortcut, M = 0: smallest subnormal 2^-125",
         [](F f) { return f.vector_encoder && f.info.mantissa_bits == 0 && f.emax() <= 127 && f.smallest() == -125; }},
        {"rebias shortcut, M = 0: smallest subnormal 2^-126",
         [](F f) { return f.vector_encoder && f.info.mantissa_bits == 0 && f.emax() <= 127 && f.smallest() == -126; }},
        {"rebias shortcut, 16-bit storage: smallest subnormal 2^-125", [](F f) { return f.vector_encoder && f.info.total_bits > 8 && f.smallest() == -125; }},
        {"rebias shortcut, 16-bit storage: smallest subnormal 2^-126", [](F f) { return f.vector_encoder && f.info.total_bits > 8 && f.smallest() == -126; }},
        {"rebias shortcut, up to 8 bits: subnormal addend 2^127 (smallest subnormal 2^104)",
         [](F f) { return f.addend_shape() && f.emax() <= 127 && f.smallest() == 104; }},
        {"rebias shortcut, up to 8 bits: subnormal addend 2^128 (smallest subnormal 2^105)",
         [](F f) { return f.addend_shape() && f.emax() <= 127 && f.smallest() == 105; }},
        {"rebias shortcut, M = 0: subnormal addend 2^127",
         [](F f) { return f.vector_encoder && f.info.mantissa_bits == 0 && f.emax() <= 127 && f.smallest() == 104; }},
        {"rebias shortcut, M = 0: subnormal addend 2^128",
         [](F f) { return f.vector_encoder && f.info.mantissa_bits == 0 && f.emax() <= 127 && f.smallest() == 105; }},
        {"rebias shortcut, 16-bit storage: subnormal addend 2^127",
         [](F f) { return f.vector_encoder && f.info.total_bits > 8 && f.emax() <= 127 && f.smallest() == 104; }},
        {"rebias shortcut, 16-bit storage: subnormal addend 2^128",
         [](F f) { return f.vector_encoder && f.info.total_bits > 8 && f.emax() <= 127 && f.smallest() == 105; }},
        {"bias 127 with vector encoders", [](F f) { return f.vector_encoder && f.info.bias == 127; }},
        {"bias -126 with vector encoders", [](F f) { return f.vector_encoder && f.info.bias == -126; }},
        {"bias 128 without vector encoders", [](F f) { return !f.vector_encoder && f.info.is_signed && f.info.bias == 128; }},
        {"bias -127 without vector encoders", [](F f) { return !f.vector_encoder && f.info.is_signed && f.info.bias == -127; }},
        {"unsigned, without vector encoders", [](F f) { return !f.vector_encoder && !f.info.is_signed; }},
        {"no subnormals, without vector encoders", [](F f) { return !f.vector_encoder && !f.info.has_subnormals; }},
        {"decoders: smallest subnormal 2^-133", [](F f) { return f.info.total_bits <= 8 && f.decodes_to_float && f.smallest() == -133; }},
        {"decoders: smallest subnormal 2^-134", [](F f) { return f.info.total_bits <= 8 && f.decodes_to_float && f.smallest() == -134; }},
        {"decoders: smallest subnormal 2^-149", [](F f) { return f.info.total_bits <= 8 && f.decodes_to_float && f.smallest() == -149; }},
        {"decoders: smallest subnormal 2^-150 (no float decoding)", [](F f) { return !f.decodes_to_float && f.smallest() == -150; }},
        {"AVX2 decoder: 8 bits, M in 2..9, bias -112",
         [](F f) { return f.info.total_bits == 8 && f.info.mantissa_bits >= 2 && f.decodes_to_float && f.info.bias == -112; }},
        {"AVX2 decoder: 8 bits, M in 2..9, bias -113",
         [](F f) { return f.info.total_bits == 8 && f.info.mantissa_bits >= 2 && f.decodes_to_float && f.info.bias == -113; }},
        {"AVX2 decoder: M < 2, bias 0 (scaling)",
         [](F f) { return f.info.total_bits <= 8 && f.info.mantissa_bits < 2 && f.decodes_to_float && f.info.bias == 0; }},
        {"AVX2 decoder: M < 2, bias -1 (no scaling)",
         [](F f) { return f.info.total_bits <= 8 && f.info.mantissa_bits < 2 && f.decodes_to_float && f.info.bias == -1; }},
    };
    for (const side& s : sides) {
        INFO(s.what);
        CHECK(std::any_of(all.begin(), all.end(), s.holds));
    }

    // Every exponent width at 8, 6 and 4 bits (2..7, 2..5, 2..3; 8 at 9 bits and more) and each specials
    // policy at each of those widths, all with vector encoders.
    for (const int bits : {8, 6, 4}) {
        for (int e = 2; e + 1 < bits; ++e) {
            INFO(bits << " bits, " << e << " exponent bits");
            CHECK(std::any_of(all.begin(), all.end(), [&](F f) {
                return f.vector_encoder && f.info.total_bits == bits && f.info.exponent_bits == e;
            }));
        }
        for (const specials s : {ieee, fn, fnuz, finite_only}) {
            INFO(bits << " bits, specials::" << specials_name(s));
            CHECK(std::any_of(all.begin(), all.end(), [&](F f) {
                return f.vector_encoder && f.info.total_bits == bits && f.info.specials == s;
            }));
        }
    }
    CHECK(std::any_of(all.begin(), all.end(), [](F f) { return f.vector_encoder && f.info.exponent_bits == 8; }));
}

// The list with what each format has, for reading: run with the tag [.custom_list].
TEST_CASE("print the custom format list", "[.custom_list]")
{
    for (const format_ops& f : every_listed_format()) std::printf("%s: %s\n", f.name().c_str(), f.facts().c_str());
}
