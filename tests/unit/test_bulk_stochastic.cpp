// Seeded bulk stochastic rounding (lowbit/bulk_stochastic.hpp) and its generator (lowbit/random/philox.hpp):
// Philox4x32-10 against Random123's published known answers; the documented element -> (counter, key, word)
// mapping; every ISA path element by element against the scalar lowbit::convert_stochastic with the
// element's word, over adversarial inputs (including inputs placed exactly at the carry boundary of their
// own word, and values far below the subnormal range) under every overflow and NaN option; lengths 0..257 at
// misalignments with guards; conversion in pieces through the stream offset; the statistics of the result;
// length mismatches.
#include <catch2/catch.hpp>

#include <lowbit/bulk_stochastic.hpp>
#include <lowbit/lowbit.hpp>
#include <lowbit/random/philox.hpp>
#include <lowbit/simd/isa.hpp>

#include "format_list.hpp"
#include "simd_test_state.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <span>
#include <stdexcept>
#include <string>
#include <unordered_set>
#include <vector>

namespace {

using lowbit::simd::isa;

using lowbit_test::isa_restorer;

// The named formats of at most 16 bits (tfloat32 has 19), by the names format_list.hpp knows.
const std::vector<std::string> format_names = {
    "float8_e4m3fn", "float8_e4m3",   "float8_e4m3fnuz", "float8_e4m3b11fnuz", "float8_e3m4",
    "float8_e5m2",   "float8_e5m2fnuz", "float8_e8m0fnu", "float6_e2m3fn",     "float6_e3m2fn",
    "float4_e2m1fn", "bfloat16",      "half"};

template <class F>
void for_each_format(F&& f)
{
    for (const std::string& name : format_names) {
        INFO("format " << name);
        lowbit_test::with_format(name, f);
    }
}

template <class T>
std::uint32_t bits_of(T x)
{
    return static_cast<std::uint32_t>(x.bits());
}

float from_bits(std::uint32_t b) { return std::bit_cast<float>(b); }
std::uint32_t float_bits(float f) { return std::bit_cast<std::uint32_t>(f); }

// The definition the bulk conversion must meet, element by element.
template <class T>
std::uint32_t expected_code(float x, std::uint64_t seed, std::uint64_t index, const lowbit::conversion_options& o)
{
    return bits_of(lowbit::convert_stochastic<T>(x, lowbit::stochastic_random_word(seed, index), o));
}

// Dropped significand bits of a float with exponent field `field` converted to T: the distance from the
// float's last significand bit to the target's last kept bit (the binade's ulp, or the subnormal ulp).
template <class T>
int dropped_bits(int field)
{
    const int float_lsb = std::max(field, 1) - 127 - 23;
    const int target_exponent = std::max(std::max(field, 1) - 127, T::info.min_normal_exponent);
    return target_exponent - T::info.mantissa_bits - float_lsb;
}

// A positive float whose first 32 dropped bits sit right at the carry boundary of `word`: the largest
// value of its kept interval that truncates, or (when `carry`) the smallest that rounds up. Only the low
// dropped bits are searched (the predicate is monotone there); the scalar engine decides. Returns 0 when
// the interval has no boundary (every value truncates with this word).
template <class T>
float boundary_value(int field, std::uint32_t high_fraction, std::uint32_t word, bool carry)
{
    const int dropped = dropped_bits<T>(field);
    const int searched = std::min(dropped, 23);
    const std::uint32_t low_mask = (std::uint32_t{1} << searched) - 1;
    const std::uint32_t fixed = (static_cast<std::uint32_t>(field) << 23) | (high_fraction & 0x7FFFFFu & ~low_mask);
    const auto rounds_up = [&](std::uint32_t low) {
        const float x = from_bits(fixed | low);
        return bits_of(lowbit::convert_stochastic<T>(x, word, lowbit::overflow::saturate)) !=
               bits_of(lowbit::convert<T>(x, lowbit::rounding::toward_zero, lowbit::overflow::saturate));
    };
    if (!rounds_up(low_mask)) return 0.0f;
    std::uint32_t lo = 0;  // invariant: the first value that rounds up is in [lo, hi]
    std::uint32_t hi = low_mask;
    while (lo < hi) {
        const std::uint32_t mid = lo + (hi - lo) / 2;
        if (rounds_up(mid))
            hi = mid;
        else
            lo = mid + 1;
    }
    if (!carry && lo == 0) return 0.0f;
    return from_bits(fixed | (carry ? lo : lo - 1));
}

// Inputs for elements first_index .. first_index + count - 1 of `seed`'s stream, built against each
// element's own word: carry-boundary values over every float exponent field (so every dropped-bit count,
// from the normal range to far below the subnormal range), and for half of the words close enough to 2^32
// the deepest field where a carry is still possible (32 or more dropped bits: the boundary is hit exactly).
template <class T>
std::vector<float> boundary_inputs(std::uint64_t seed, std::uint64_t first_index, std::size_t count)
{
    std::mt19937 rng(static_cast<std::uint32_t>(seed * 31 + first_index));
    std::vector<float> in(count);
    for (std::size_t k = 0; k < count; ++k) {
        const std::uint32_t word = lowbit::stochastic_random_word(seed, first_index + k);
        int field = static_cast<int>(k * 97 % 255);
        // With D >= 32 dropped bits the first 32 are the significand shifted down by D - 32: a carry is
        // possible only if that can exceed ~word. Take the deepest such field when there is one.
        // (Fields ascend, so dropped-bit counts descend: the first match is the deepest.)
        for (int f = 1; f < 255 && (k & 2) != 0; ++f) {
            const int dropped = dropped_bits<T>(f);
            if (dropped >= 32 && dropped < 56 && ((std::uint32_t{0xFFFFFF} >> (dropped - 32)) > ~word)) {
                field = f;
                break;
            }
        }
        float x = boundary_value<T>(field, static_cast<std::uint32_t>(rng()), word, (k & 1) != 0);
        if (x == 0.0f) x = from_bits(static_cast<std::uint32_t>(rng()) & 0x7F7FFFFFu);
        in[k] = (rng() & 1) != 0 ? -x : x;
    }
    return in;
}

// Inputs that do not depend on the words: every value of T (a sample of a 16-bit format's) with its float
// neighbours, points 1/4, 1/2 and 3/4 of the way to the next value, values 2^-1 .. 2^-60 of the smallest
// subnormal, float subnormals, the overflow boundary, ±0, ±Inf, NaNs with payloads, random bit patterns
// and random values in range.
template <class T>
std::vector<float> adversarial_inputs()
{
    using storage = typename T::storage_type;
    std::vector<double> values;
    constexpr std::uint32_t codes = std::uint32_t{1} << T::info.total_bits;
    constexpr std::uint32_t step = codes > 256 ? 67 : 1;
    for (std::uint32_t c = 0; c < codes; c += step) {
        const double v = static_cast<double>(T::from_bits(static_cast<storage>(c)));
        if (std::isfinite(v) && v >= 0) values.push_back(v);
    }
    const double max = static_cast<double>(T::from_bits(static_cast<storage>(T::info.max_magnitude_code)));
    values.push_back(max);
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());

    std::vector<float> in;
    const auto with_neighbours = [&in](double v) {
        const auto f = static_cast<float>(v);
        in.push_back(f);
        in.push_back(std::nextafter(f, std::numeric_limits<float>::infinity()));
        in.push_back(std::nextafter(f, 0.0f));
    };
    for (std::size_t k = 0; k < values.size(); ++k) {
        with_neighbours(values[k]);
        const double next = k + 1 < values.size() ? values[k + 1] : 2 * values[k];  // past max: beyond the range
        for (const double part : {0.25, 0.5, 0.75, 0.999}) with_neighbours(values[k] + (next - values[k]) * part);
    }
    const double smallest = values.size() > 1 ? values[1] : values[0];
    std::mt19937 rng(2024);
    for (int k = 1; k <= 60; ++k) {
        with_neighbours(std::ldexp(smallest, -k));
        with_neighbours(std::ldexp(smallest * (1 + static_cast<double>(rng() % 1000) / 1000), -k));
    }
    for (const double v : {2 * max, 4 * max, 1e30, 3.0e38}) with_neighbours(v);
    for (const std::uint32_t b :
         {0x00000000u, 0x00000001u, 0x00000002u, 0x000FFFFFu, 0x007FFFFFu, 0x00400000u, 0x00800000u, 0x00800001u,
          0x7F7FFFFFu, 0x7F800000u, 0x7FC00000u, 0x7F800001u, 0x7FBFFFFFu, 0x7FFFFFFFu, 0x7FC12345u, 0x7FA5A5A5u,
          0x3F800000u, 0x3F800001u, 0x3FFFFFFFu})
        in.push_back(from_bits(b));
    const std::size_t structured = in.size();
    for (std::size_t k = 0; k < structured; ++k) in.push_back(-in[k]);

    std::uniform_real_distribution<double> in_range(-1.25 * max, 1.25 * max);
    for (int k = 0; k < 1500; ++k) in.push_back(from_bits(static_cast<std::uint32_t>(rng())));
    for (int k = 0; k < 1500; ++k) in.push_back(static_cast<float>(in_range(rng)));
    // Shuffled, so each kind of value meets every vector lane and many different words.
    std::shuffle(in.begin(), in.end(), rng);
    return in;
}

// Every overflow, NaN-encoding, NaN-without-code and unsigned-negative choice (36 combinations); rounding and
// directed_overflow, which stochastic rounding must ignore, vary along.
std::vector<lowbit::conversion_options> all_options()
{
    std::vector<lowbit::conversion_options> result;
    int k = 0;
    for (int v = 0; v < 3; ++v)
        for (int n = 0; n < 3; ++n)
            for (int w = 0; w < 2; ++w)
                for (int u = 0; u < 2; ++u, ++k) {
                    lowbit::conversion_options o;
                    o.overflow = static_cast<lowbit::overflow>(v);
                    o.nan = static_cast<lowbit::nan_encoding>(n);
                    o.nan_without_code = static_cast<lowbit::nan_without_code>(w);
                    o.unsigned_negative = static_cast<lowbit::unsigned_negative>(u);
                    o.rounding = static_cast<lowbit::rounding>(k % 5);
                    o.directed_overflow = static_cast<lowbit::directed_overflow>(k / 5 % 2);
                    result.push_back(o);
                }
    return result;
}

std::string describe(const lowbit::conversion_options& o)
{
    return "overflow " + std::to_string(static_cast<int>(o.overflow)) + ", nan " +
           std::to_string(static_cast<int>(o.nan)) + ", nan_without_code " +
           std::to_string(static_cast<int>(o.nan_without_code)) + ", unsigned_negative " +
           std::to_string(static_cast<int>(o.unsigned_negative)) + ", rounding " +
           std::to_string(static_cast<int>(o.rounding)) + ", directed_overflow " +
           std::to_string(static_cast<int>(o.directed_overflow));
}

// The bulk conversion of `in` as elements `offset`.. of `seed`'s stream on every ISA, against the
// per-element definition.
template <class T>
void check_against_scalar(const std::vector<float>& in, std::uint64_t seed, std::uint64_t offset,
                          const lowbit::conversion_options& o)
{
    std::vector<std::uint32_t> expected(in.size());
    for (std::size_t k = 0; k < in.size(); ++k) expected[k] = expected_code<T>(in[k], seed, offset + k, o);
    std::vector<T> out(in.size());
    lowbit_test::for_each_isa([&](isa which) {
        lowbit::convert_stochastic<T>(std::span<const float>(in), std::span<T>(out), {seed, offset}, o);
        std::size_t mismatches = 0;
        std::size_t first = 0;
        for (std::size_t k = 0; k < in.size(); ++k)
            if (bits_of(out[k]) != expected[k] && mismatches++ == 0) first = k;
        if (mismatches != 0) {
            INFO(lowbit::simd::isa_name(which) << ", " << describe(o) << ", seed " << seed << ", offset " << offset
                                               << ": " << mismatches << " mismatches; first at element " << first
                                               << ", input 0x" << std::hex << float_bits(in[first]) << ", word 0x"
                                               << lowbit::stochastic_random_word(seed, offset + first) << ", got 0x"
                                               << bits_of(out[first]) << ", expected 0x" << expected[first]);
            REQUIRE(mismatches == 0);
        }
    });
}

}  // namespace

TEST_CASE("Philox4x32-10 reproduces Random123's known answers", "[random][philox]")
{
    using lowbit::philox4x32_10;
    using counter = lowbit::philox4x32_counter;
    // Random123's kat_vectors, philox4x32_10 (compile time and run time).
    static_assert(philox4x32_10({0, 0, 0, 0}, {0, 0}) == counter{0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u});
    static_assert(philox4x32_10({0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu}, {0xffffffffu, 0xffffffffu}) ==
                  counter{0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu});
    static_assert(philox4x32_10({0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u}, {0xa4093822u, 0x299f31d0u}) ==
                  counter{0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u});
    volatile std::uint32_t zero = 0;  // keeps the run-time evaluation at run time
    const counter c{zero, zero, zero, zero};
    CHECK(philox4x32_10(c, {zero, zero}) == counter{0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u});
    CHECK(philox4x32_10({0x243f6a88u ^ zero, 0x85a308d3u, 0x13198a2eu, 0x03707344u}, {0xa4093822u, 0x299f31d0u}) ==
          counter{0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u});
    // Ten rounds is the two-argument Philox<10>; one round is the round function itself.
    CHECK(lowbit::philox4x32<10>({1, 2, 3, 4}, {5, 6}) == philox4x32_10({1, 2, 3, 4}, {5, 6}));
    CHECK(lowbit::philox4x32<1>({1, 2, 3, 4}, {5, 6}) == lowbit::philox4x32_round({1, 2, 3, 4}, {5, 6}));
}

TEST_CASE("stochastic_random_word follows the documented element -> (counter, key, word) mapping",
          "[random][stochastic][bulk]")
{
    // Seed 0, elements 0..3: Random123's all-zero known answer, word by word.
    static_assert(lowbit::stochastic_random_word(0, 0) == 0x6627e8d5u);
    static_assert(lowbit::stochastic_random_word(0, 1) == 0xe169c58du);
    static_assert(lowbit::stochastic_random_word(0, 2) == 0xbc57ac4cu);
    static_assert(lowbit::stochastic_random_word(0, 3) == 0x9b00dbd8u);
    const std::uint64_t seeds[] = {0, 1, 0xFFFFFFFFu, 0x100000000u, 0x0123456789ABCDEFu, ~std::uint64_t{0}};
    const std::uint64_t blocks[] = {0, 1, 2, 0xFFFFFFFFu, 0x100000000u, 0x123456789ABCDu, (~std::uint64_t{0}) / 4};
    for (const std::uint64_t seed : seeds) {
        // key[0] is the seed's low half, key[1] its high half.
        const lowbit::philox4x32_key key{static_cast<std::uint32_t>(seed & 0xFFFFFFFFu),
                                         static_cast<std::uint32_t>(seed >> 32)};
        for (const std::uint64_t block : blocks) {
            // counter = {block low, block high, 0, 0}; element 4 * block + w takes word w.
            const lowbit::philox4x32_counter counter{static_cast<std::uint32_t>(block & 0xFFFFFFFFu),
                                                     static_cast<std::uint32_t>(block >> 32), 0, 0};
            const lowbit::philox4x32_counter words = lowbit::philox4x32_10(counter, key);
            for (std::uint64_t w = 0; w < 4; ++w) CHECK(lowbit::stochastic_random_word(seed, 4 * block + w) == words[w]);
        }
    }
    // Not vacuous: words differ within a block, between blocks and between seeds.
    std::unordered_set<std::uint32_t> seen;
    for (std::uint64_t i = 0; i < 4096; ++i) seen.insert(lowbit::stochastic_random_word(7, i));
    for (std::uint64_t s = 0; s < 1024; ++s) seen.insert(lowbit::stochastic_random_word(s + 100, 5));
    CHECK(seen.size() >= 5110);  // 5120 draws from 2^32 values: a collision or two at most by chance
}

TEST_CASE("bulk stochastic rounding equals the scalar one with each element's word on every ISA",
          "[conversion][stochastic][bulk][simd]")
{
    for_each_format([](auto tag) {
        using T = typename decltype(tag)::type;
        const std::vector<float> fixed = adversarial_inputs<T>();
        // The last one wraps past 2^64 inside a vector step (the counter arithmetic must wrap with the index).
        const std::uint64_t offsets[] = {0, 3, 0xFFFFFFFFFFFFF000u - 40};
        std::size_t k = 0;
        for (const lowbit::conversion_options& o : all_options()) {
            const std::uint64_t seed = 0x5EED0000u + k;
            const std::uint64_t offset = offsets[k++ % 3];
            check_against_scalar<T>(fixed, seed, offset, o);
            check_against_scalar<T>(boundary_inputs<T>(seed, offset + 1, 2000), seed, offset + 1, o);
        }
    });
}

TEST_CASE("bulk stochastic rounding: every length 0..257, misaligned, guards untouched, any stream offset",
          "[conversion][stochastic][bulk][simd]")
{
    for_each_format([](auto tag) {
        using T = typename decltype(tag)::type;
        const T guard = T::from_bits(static_cast<typename T::storage_type>(0xA5A5u & (T::info.sign_mask | T::info.magnitude_mask)));
        const std::vector<float> pool = adversarial_inputs<T>();
        lowbit::conversion_options o;
        o.overflow = lowbit::overflow::saturate_finite;
        // The last two wrap past 2^64, one inside a vector step.
        const std::uint64_t offsets[] = {0, 1, 2, 3, 0xFFFFFFFFFFFFFFFDu, 0xFFFFFFFFFFFFFFD8u};
        lowbit_test::for_each_isa([&](isa which) {
            for (std::size_t n = 0; n <= 257; ++n) {
                for (std::size_t shift = 0; shift < 4; ++shift) {
                    const std::size_t out_shift = (shift * 3 + n) % 4;
                    const std::uint64_t offset = offsets[(n + shift) % 6];
                    std::vector<float> in_buffer(n + 8);
                    for (std::size_t k = 0; k < in_buffer.size(); ++k)
                        in_buffer[k] = pool[(k * 7 + n * 13 + shift) % pool.size()];
                    std::vector<T> out_buffer(n + 8, guard);
                    const std::span<const float> in(in_buffer.data() + shift, n);
                    lowbit::convert_stochastic<T>(in, std::span<T>(out_buffer.data() + out_shift, n), {99, offset}, o);
                    for (std::size_t k = 0; k < out_buffer.size(); ++k) {
                        const bool inside = k >= out_shift && k < out_shift + n;
                        const std::uint32_t expected =
                            inside ? expected_code<T>(in[k - out_shift], 99, offset + (k - out_shift), o) : bits_of(guard);
                        if (bits_of(out_buffer[k]) != expected) {
                            INFO(lowbit::simd::isa_name(which) << ": n = " << n << ", input shift " << shift
                                                               << ", output shift " << out_shift << ", stream offset "
                                                               << offset << ", element " << k
                                                               << (inside ? "" : " (guard)"));
                            REQUIRE(bits_of(out_buffer[k]) == expected);
                        }
                    }
                }
            }
        });
    });
}

TEST_CASE("a tensor converted in pieces through the stream offset gets the codes of one call",
          "[conversion][stochastic][bulk][simd]")
{
    const isa_restorer restore;
    for_each_format([](auto tag) {
        using T = typename decltype(tag)::type;
        const std::vector<float> all = adversarial_inputs<T>();
        const std::vector<float> in(all.begin(), all.begin() + 1000);
        const std::uint64_t base = 1ull << 40;  // the tensor itself starts inside a larger stream
        std::vector<T> whole(in.size());
        const std::vector<isa> isas = lowbit::simd::available_isas();
        REQUIRE(lowbit::simd::set_isa(isa::scalar));
        lowbit::convert_stochastic<T>(std::span<const float>(in), std::span<T>(whole), {7, base});
        for (const isa which : isas) {
            REQUIRE(lowbit::simd::set_isa(which));
            for (const std::size_t split : std::vector<std::size_t>{0, 1, 2, 3, 4, 5, 15, 16, 17, 31, 33, 63, 64, 65, 500, 997, 999, 1000}) {
                std::vector<T> pieces(in.size());
                const std::span<const float> source(in);
                const std::span<T> target(pieces);
                // The second piece on another isa than the first, so that chunking across paths is covered.
                lowbit::convert_stochastic<T>(source.first(split), target.first(split), {7, base});
                REQUIRE(lowbit::simd::set_isa(isas[(static_cast<std::size_t>(which) + split) % isas.size()]));
                lowbit::convert_stochastic<T>(source.subspan(split), target.subspan(split), {7, base + split});
                REQUIRE(lowbit::simd::set_isa(which));
                for (std::size_t k = 0; k < in.size(); ++k) {
                    if (bits_of(pieces[k]) != bits_of(whole[k])) {
                        INFO(lowbit::simd::isa_name(which) << ": split at " << split << ", element " << k);
                        REQUIRE(bits_of(pieces[k]) == bits_of(whole[k]));
                    }
                }
            }
        }
        // Not vacuous: another seed, or the same seed shifted by one element, changes some codes.
        std::vector<T> other(in.size());
        lowbit::convert_stochastic<T>(std::span<const float>(in), std::span<T>(other), {8, base});
        std::size_t differ = 0;
        for (std::size_t k = 0; k < in.size(); ++k) differ += bits_of(other[k]) != bits_of(whole[k]) ? 1 : 0;
        CHECK(differ > 20);
        lowbit::convert_stochastic<T>(std::span<const float>(in), std::span<T>(other), {7, base + 1});
        differ = 0;
        for (std::size_t k = 0; k < in.size(); ++k) differ += bits_of(other[k]) != bits_of(whole[k]) ? 1 : 0;
        CHECK(differ > 20);
    });
}

namespace {

// N copies of x rounded in one bulk call: only the two neighbours occur, the upper one with frequency
// p = (x - lower) / (upper - lower) within 5 standard errors, and the mean of the results is x within 5
// standard errors. The inputs are exact (p fits the first 32 dropped bits), so p is exactly the ideal one.
template <class T>
void check_unbiased(double lower, double upper, double p, isa which)
{
    constexpr std::size_t n = 200000;
    const double x = lower + (upper - lower) * p;
    REQUIRE(static_cast<double>(static_cast<float>(x)) == x);
    REQUIRE(static_cast<double>(lowbit::convert<T>(lower)) == lower);
    REQUIRE(static_cast<double>(lowbit::convert<T>(upper)) == upper);
    const std::vector<float> in(n, static_cast<float>(x));
    std::vector<T> out(n);
    lowbit::convert_stochastic<T>(std::span<const float>(in), std::span<T>(out), {0xC0FFEE, 12345});
    std::size_t ups = 0;
    std::size_t strays = 0;
    double sum = 0;
    for (const T t : out) {
        const auto v = static_cast<double>(t);
        sum += v;
        if (v == upper)
            ++ups;
        else if (v != lower)
            ++strays;
    }
    const double frequency = static_cast<double>(ups) / n;
    const double standard_error = std::sqrt(p * (1 - p) / n);
    const double mean = sum / n;
    INFO(lowbit::simd::isa_name(which) << ": x = " << x << " between " << lower << " and " << upper
                                       << ", upper frequency " << frequency << " (expected " << p << " +- "
                                       << 5 * standard_error << "), mean " << mean);
    CHECK(strays == 0);
    CHECK(std::fabs(frequency - p) <= 5 * standard_error);
    CHECK(std::fabs(mean - x) <= 5 * standard_error * (upper - lower));
    // Not vacuous: the error bound is far tighter than the gap between x and either neighbour.
    CHECK(5 * standard_error < std::min(p, 1 - p) / 4);
}

}  // namespace

TEST_CASE("bulk stochastic rounding is unbiased on every ISA", "[conversion][stochastic][bulk][simd]")
{
    lowbit_test::for_each_isa([&](isa which) {
        check_unbiased<lowbit::float8_e4m3fn>(1.0, 1.125, 0.3125, which);                  // normal
        check_unbiased<lowbit::float8_e4m3fn>(-288.0, -256.0, 0.75, which);                 // negative, large
        check_unbiased<lowbit::float8_e4m3fn>(0.0, std::ldexp(1.0, -9), 0.1875, which);     // below min subnormal
        check_unbiased<lowbit::float8_e5m2>(std::ldexp(3.0, -16), std::ldexp(4.0, -16), 0.5, which);  // subnormal
        check_unbiased<lowbit::float4_e2m1fn>(4.0, 6.0, 0.40625, which);
        check_unbiased<lowbit::bfloat16>(1.0, 1.0078125, 0.6796875, which);
        check_unbiased<lowbit::float16>(std::ldexp(1.0, -24), std::ldexp(2.0, -24), 0.0625, which);
        check_unbiased<lowbit::float8_e8m0fnu>(1.0, 2.0, 0.25, which);  // scalar path everywhere
    });
}

TEST_CASE("bulk stochastic rounding rejects a length mismatch before writing", "[conversion][stochastic][bulk]")
{
    lowbit_test::for_each_isa([&](isa) {
        const std::vector<float> in(40, 1.3f);
        const lowbit::float8_e4m3fn guard = lowbit::float8_e4m3fn::from_bits(0x5A);
        for (const std::size_t out_size : {std::size_t{0}, std::size_t{39}, std::size_t{41}}) {
            std::vector<lowbit::float8_e4m3fn> out(out_size, guard);
            CHECK_THROWS_AS(lowbit::convert_stochastic<lowbit::float8_e4m3fn>(
                                std::span<const float>(in), std::span<lowbit::float8_e4m3fn>(out), {1, 0}),
                            std::invalid_argument);
            for (const auto code : out) CHECK(code.bits() == guard.bits());
        }
        std::vector<lowbit::float16> halves(3, lowbit::float16::from_bits(0x1234));
        lowbit::conversion_options o;
        CHECK_THROWS_AS(lowbit::convert_stochastic<lowbit::float16>(std::span<const float>(),
                                                                    std::span<lowbit::float16>(halves), {1, 0}, o),
                        std::invalid_argument);
        for (const auto code : halves) CHECK(code.bits() == 0x1234);
        // Empty spans are fine and touch nothing.
        lowbit::convert_stochastic<lowbit::float16>(std::span<const float>(), std::span<lowbit::float16>(), {1, 0}, o);
    });
}

TEST_CASE("the vector stochastic kernels cover the formats the vector encoders cover", "[stochastic][simd]")
{
    using namespace lowbit;
    CHECK_FALSE(simd::has_stochastic_kernel<float8_e4m3fn>(isa::scalar));
    CHECK_FALSE(simd::has_stochastic_kernel<float8_e8m0fnu>(isa::avx512));
#if LOWBIT_SIMD_X86
    CHECK(simd::has_stochastic_kernel<float8_e4m3fn>(isa::avx512));
    CHECK(simd::has_stochastic_kernel<float4_e2m1fn>(isa::avx2));
    CHECK(simd::has_stochastic_kernel<bfloat16>(isa::avx2));
    CHECK(simd::has_stochastic_kernel<float16>(isa::avx512));
#endif
}
