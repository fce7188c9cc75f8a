// Packed FP4/FP6 storage (lowbit/packed.hpp) on every ISA path this machine supports, against oracles written
// here from the layout definition: a bit-by-bit reference packer (element i's bit k is stream bit
// width * i + k, stream bit j is bit j % 8 of byte j / 8), hand-worked bytes, and the scalar lowbit::convert
// per element. Lengths 0..257 (and across the 512-element chunks) at several misalignments of both spans,
// with guard bytes around every output; size errors thrown before anything is written.
#include <catch2/catch.hpp>

#include "option_sets.hpp"
#include "simd_test_state.hpp"

#include <lowbit/lowbit.hpp>
#include <lowbit/packed.hpp>
#include <lowbit/simd/isa.hpp>
#include <lowbit/simd/packing_dispatch.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <random>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#if LOWBIT_SIMD_X86
#include <xmmintrin.h>
#endif

namespace {

using lowbit::float4_e2m1fn;
using lowbit::float6_e2m3fn;
using lowbit::float6_e3m2fn;
using lowbit::simd::isa;
namespace packed = lowbit::packed;

constexpr std::uint8_t guard_byte = 0xA5;

using lowbit_test::isa_restorer;

template <class T>
constexpr unsigned width = static_cast<unsigned>(T::info.total_bits);

template <class T>
T code(unsigned c)
{
    return T::from_bits(static_cast<std::uint8_t>(c));
}

// The layout definition, one bit at a time; bytes past the last element's bits are 0.
template <class T>
std::vector<std::uint8_t> reference_pack(const std::vector<T>& codes)
{
    const std::size_t bits = width<T> * codes.size();
    std::vector<std::uint8_t> bytes((bits + 7) / 8, 0);
    for (std::size_t i = 0; i < codes.size(); ++i)
        for (unsigned k = 0; k < width<T>; ++k)
            if ((codes[i].bits() >> k) & 1u) {
                const std::size_t bit = width<T> * i + k;
                bytes[bit / 8] = static_cast<std::uint8_t>(bytes[bit / 8] | 1u << (bit % 8));
            }
    return bytes;
}

template <class T>
unsigned reference_get(const std::vector<std::uint8_t>& bytes, std::size_t index)
{
    unsigned c = 0;
    for (unsigned k = 0; k < width<T>; ++k) {
        const std::size_t bit = width<T> * index + k;
        c |= ((bytes[bit / 8] >> (bit % 8)) & 1u) << k;
    }
    return c;
}

template <class T>
std::vector<T> random_codes(std::size_t n, std::mt19937& rng)
{
    std::uniform_int_distribution<unsigned> any_code(0, (1u << width<T>)-1u);
    std::vector<T> codes(n);
    for (T& c : codes) c = code<T>(any_code(rng));
    return codes;
}

std::vector<isa> isas() { return lowbit::simd::available_isas(); }

std::string isa_text(isa which) { return std::string(lowbit::simd::isa_name(which)); }

// Lengths 0..257 plus lengths around the bulk conversions' 512-element chunks and the kernels' steps.
std::vector<std::size_t> lengths()
{
    std::vector<std::size_t> result;
    for (std::size_t n = 0; n <= 257; ++n) result.push_back(n);
    for (const std::size_t n : {319u, 383u, 511u, 512u, 513u, 515u, 1023u, 1024u, 1029u, 1600u}) result.push_back(n);
    return result;
}

// Misalignments (in elements or bytes) applied to the input and output spans.
constexpr std::size_t offsets[] = {0, 1, 3, 7};

}  // namespace

TEST_CASE("packed: bytes_for and the concept", "[packed]")
{
    static_assert(packed::packable_format<float4_e2m1fn>);
    static_assert(packed::packable_format<float6_e2m3fn>);
    static_assert(packed::packable_format<float6_e3m2fn>);
    static_assert(packed::packable_format<lowbit::float_format<3, 2, 2, lowbit::specials::finite>>);
    static_assert(!packed::packable_format<lowbit::float8_e4m3fn>);
    static_assert(!packed::packable_format<lowbit::float16>);
    static_assert(!packed::packable_format<lowbit::float_format<2, 2, 1, lowbit::specials::finite>>);  // 5 bits
    static_assert(packed::bytes_for<float4_e2m1fn>(7) == 4);
    static_assert(packed::bytes_for<float6_e2m3fn>(5) == 4);

    for (std::size_t n = 0; n < 100; ++n) {
        CHECK(packed::bytes_for<float4_e2m1fn>(n) == (4 * n + 7) / 8);
        CHECK(packed::bytes_for<float6_e2m3fn>(n) == (6 * n + 7) / 8);
        CHECK(packed::bytes_for<float6_e3m2fn>(n) == (6 * n + 7) / 8);
    }
    const std::size_t huge = std::numeric_limits<std::size_t>::max();
    CHECK(packed::bytes_for<float4_e2m1fn>(huge) == huge / 2 + 1);
    CHECK(packed::bytes_for<float6_e2m3fn>(huge) == huge / 4 * 3 + 3);
}

TEST_CASE("packed: hand-worked bytes", "[packed]")
{
    const isa_restorer restore;
    for (const isa which : isas()) {
        lowbit::simd::set_isa(which);
        INFO(isa_text(which));

        // CUDA's __nv_cvt_float2_to_fp4x2(x = 1.0, y = -6.0) = 0xF2: element 0 in the low nibble.
        std::vector<float4_e2m1fn> fp4{code<float4_e2m1fn>(0x2), code<float4_e2m1fn>(0xF)};
        std::vector<std::uint8_t> one(1);
        packed::pack<float4_e2m1fn>(fp4, one);
        CHECK(one[0] == 0xF2);
        std::vector<float> pair{1.0f, -6.0f};
        packed::convert<float4_e2m1fn>(pair, one);
        CHECK(one[0] == 0xF2);

        // An odd count leaves the last high nibble 0: codes 1, 2, 3 -> 0x21 0x03.
        std::vector<float4_e2m1fn> three{code<float4_e2m1fn>(1), code<float4_e2m1fn>(2), code<float4_e2m1fn>(3)};
        std::vector<std::uint8_t> two(2, 0xFF);
        packed::pack<float4_e2m1fn>(three, two);
        CHECK(two == std::vector<std::uint8_t>{0x21, 0x03});

        // E2M3: 1.0 = 0 01 000 = 0x08, 2.0 = 0 10 000 = 0x10, 3.0 = 0 10 100 = 0x14, -7.5 = 1 11 111 = 0x3F.
        // byte0 = 0x08 | (0x10 << 6 & 0xFF) = 0x08; byte1 = 0x10 >> 2 | (0x14 << 4 & 0xFF) = 0x04 | 0x40 = 0x44;
        // byte2 = 0x14 >> 4 | 0x3F << 2 = 0x01 | 0xFC = 0xFD.
        std::vector<float> four{1.0f, 2.0f, 3.0f, -7.5f};
        std::vector<std::uint8_t> fp6(3);
        packed::convert<float6_e2m3fn>(four, fp6);
        CHECK(fp6 == std::vector<std::uint8_t>{0x08, 0x44, 0xFD});
        // Five codes: 0x3F x4 fill three bytes; 0x01 then takes the low 6 bits of byte 3, padding 0.
        std::vector<float6_e3m2fn> five(4, code<float6_e3m2fn>(0x3F));
        five.push_back(code<float6_e3m2fn>(0x01));
        std::vector<std::uint8_t> four_bytes(4, 0xEE);
        packed::pack<float6_e3m2fn>(five, four_bytes);
        CHECK(four_bytes == std::vector<std::uint8_t>{0xFF, 0xFF, 0xFF, 0x01});
        // Codes 0x01, 0x02, 0x04 (three codes, 18 bits -> 3 bytes): bit 0, bit 7, bit 14.
        std::vector<float6_e3m2fn> spread{code<float6_e3m2fn>(1), code<float6_e3m2fn>(2), code<float6_e3m2fn>(4)};
        std::vector<std::uint8_t> three_bytes(3, 0xEE);
        packed::pack<float6_e3m2fn>(spread, three_bytes);
        CHECK(three_bytes == std::vector<std::uint8_t>{0x81, 0x40, 0x00});

        std::vector<float> back(4);
        packed::convert<float6_e2m3fn>(fp6, back);
        CHECK(back == four);
    }
}

namespace {

template <class T>
void check_pack_unpack(isa which)
{
    std::mt19937 rng(2024);
    for (const std::size_t n : lengths()) {
        for (const std::size_t offset : offsets) {
            const std::size_t byte_offset = (offset * 5 + n) % 8;
            INFO(isa_text(which) << ", " << width<T> << "-bit, n = " << n << ", offsets " << offset << ", "
                                 << byte_offset);
            const std::vector<T> codes = random_codes<T>(n, rng);
            const std::vector<std::uint8_t> expected = reference_pack(codes);

            // pack into a guarded, misaligned buffer.
            std::vector<T> code_buffer(n + 8);
            std::copy(codes.begin(), codes.end(), code_buffer.begin() + static_cast<std::ptrdiff_t>(offset));
            std::vector<std::uint8_t> byte_buffer(expected.size() + 16, guard_byte);
            const std::span<std::uint8_t> bytes(byte_buffer.data() + byte_offset, expected.size());
            packed::pack(std::span<const T>(code_buffer.data() + offset, n), bytes);
            for (std::size_t k = 0; k < byte_buffer.size(); ++k) {
                const bool inside = k >= byte_offset && k < byte_offset + expected.size();
                const std::uint8_t want = inside ? expected[k - byte_offset] : guard_byte;
                if (byte_buffer[k] != want) {
                    INFO("pack: byte " << k << (inside ? "" : " (guard)"));
                    REQUIRE(int{byte_buffer[k]} == int{want});
                }
            }

            // unpack from bytes whose padding bits are all 1 (they must be ignored) into a guarded buffer.
            std::vector<std::uint8_t> padded = expected;
            const std::size_t used_bits = width<T> * n;
            if (used_bits % 8 != 0 && !padded.empty())
                padded.back() = static_cast<std::uint8_t>(padded.back() | (0xFFu << (used_bits % 8)));
            std::vector<std::uint8_t> in_buffer(padded.size() + 8, 0x5A);
            std::copy(padded.begin(), padded.end(), in_buffer.begin() + static_cast<std::ptrdiff_t>(byte_offset));
            const T guard_code = code<T>(0x2A);
            std::vector<T> out_buffer(n + 16, guard_code);
            packed::unpack(std::span<const std::uint8_t>(in_buffer.data() + byte_offset, padded.size()),
                           std::span<T>(out_buffer.data() + offset, n));
            for (std::size_t k = 0; k < out_buffer.size(); ++k) {
                const bool inside = k >= offset && k < offset + n;
                const unsigned want = inside ? codes[k - offset].bits() : guard_code.bits();
                if (out_buffer[k].bits() != want) {
                    INFO("unpack: element " << k << (inside ? "" : " (guard)"));
                    REQUIRE(unsigned{out_buffer[k].bits()} == want);
                }
            }
        }
    }
}

}  // namespace

TEST_CASE("packed: pack and unpack against the bit-by-bit reference", "[packed]")
{
    const isa_restorer restore;
    for (const isa which : isas()) {
        lowbit::simd::set_isa(which);
        check_pack_unpack<float4_e2m1fn>(which);
        check_pack_unpack<float6_e2m3fn>(which);
        check_pack_unpack<float6_e3m2fn>(which);
    }
}

namespace {

template <class T>
void check_round_trip_every_code(isa which)
{
    // Every code at every position of a group (4 FP6 codes per 3 bytes, 2 FP4 per byte): all codes, then
    // all codes rotated by one to eight places.
    constexpr unsigned count = 1u << width<T>;
    for (unsigned shift = 0; shift < 8; ++shift) {
        INFO(isa_text(which) << ", " << width<T> << "-bit, rotation " << shift);
        std::vector<T> codes(count + shift);
        for (unsigned k = 0; k < codes.size(); ++k) codes[k] = code<T>((k + count - shift) % count);
        std::vector<std::uint8_t> bytes(packed::bytes_for<T>(codes.size()));
        packed::pack<T>(codes, bytes);
        std::vector<T> back(codes.size());
        packed::unpack<T>(bytes, back);
        for (std::size_t k = 0; k < codes.size(); ++k) REQUIRE(unsigned{back[k].bits()} == codes[k].bits());
        for (std::size_t k = 0; k < codes.size(); ++k)
            REQUIRE(unsigned{packed::get<T>(bytes, k).bits()} == codes[k].bits());

        // Decoding to float is exact: the value of each code, bit for bit.
        std::vector<float> values(codes.size(), -1.0f);
        packed::convert<T>(bytes, values);
        for (std::size_t k = 0; k < codes.size(); ++k)
            REQUIRE(std::bit_cast<std::uint32_t>(values[k]) ==
                    std::bit_cast<std::uint32_t>(static_cast<float>(codes[k])));
    }
}

}  // namespace

TEST_CASE("packed: every code round-trips and decodes exactly", "[packed]")
{
    const isa_restorer restore;
    for (const isa which : isas()) {
        lowbit::simd::set_isa(which);
        check_round_trip_every_code<float4_e2m1fn>(which);
        check_round_trip_every_code<float6_e2m3fn>(which);
        check_round_trip_every_code<float6_e3m2fn>(which);
    }
}

TEST_CASE("packed: pack masks codes to the format width", "[packed]")
{
    // A T only ever holds valid codes; the kernels still mask, so stray high bits cannot leak into
    // neighbouring elements. Such a T can only be made by copying bytes.
    const isa_restorer restore;
    for (const isa which : isas()) {
        lowbit::simd::set_isa(which);
        INFO(isa_text(which));
        std::vector<float6_e2m3fn> dirty(100);
        std::vector<float6_e2m3fn> clean(100);
        for (std::size_t k = 0; k < dirty.size(); ++k) {
            dirty[k] = std::bit_cast<float6_e2m3fn>(static_cast<std::uint8_t>(0xC0u | (k * 37u % 64u)));
            clean[k] = code<float6_e2m3fn>(k * 37u % 64u);
        }
        std::vector<std::uint8_t> from_dirty(packed::bytes_for<float6_e2m3fn>(100));
        std::vector<std::uint8_t> from_clean(from_dirty.size());
        packed::pack<float6_e2m3fn>(dirty, from_dirty);
        packed::pack<float6_e2m3fn>(clean, from_clean);
        CHECK(from_dirty == from_clean);

        std::vector<float4_e2m1fn> dirty4(99);
        std::vector<float4_e2m1fn> clean4(99);
        for (std::size_t k = 0; k < dirty4.size(); ++k) {
            dirty4[k] = std::bit_cast<float4_e2m1fn>(static_cast<std::uint8_t>(0xF0u | (k * 7u % 16u)));
            clean4[k] = code<float4_e2m1fn>(k * 7u % 16u);
        }
        std::vector<std::uint8_t> from_dirty4(packed::bytes_for<float4_e2m1fn>(99));
        std::vector<std::uint8_t> from_clean4(from_dirty4.size());
        packed::pack<float4_e2m1fn>(dirty4, from_dirty4);
        packed::pack<float4_e2m1fn>(clean4, from_clean4);
        CHECK(from_dirty4 == from_clean4);
    }
}

namespace {

template <class T>
void check_get_set()
{
    std::mt19937 rng(77);
    std::uniform_int_distribution<unsigned> any_byte(0, 255);
    for (std::size_t size = 0; size <= 13; ++size) {
        INFO(width<T> << "-bit, " << size << " bytes");
        std::vector<std::uint8_t> bytes(size);
        for (std::uint8_t& b : bytes) b = static_cast<std::uint8_t>(any_byte(rng));
        const std::size_t capacity = 8 * size / width<T>;  // whole elements within the bytes
        for (std::size_t index = 0; index < capacity; ++index) {
            INFO("index " << index);
            REQUIRE(unsigned{packed::get<T>(bytes, index).bits()} == reference_get<T>(bytes, index));
            // set changes exactly the element's bits.
            const unsigned value = any_byte(rng) % (1u << width<T>);
            std::vector<std::uint8_t> expected = bytes;
            for (unsigned k = 0; k < width<T>; ++k) {
                const std::size_t bit = width<T> * index + k;
                const auto mask = static_cast<std::uint8_t>(1u << (bit % 8));
                expected[bit / 8] = static_cast<std::uint8_t>(((value >> k) & 1u) ? expected[bit / 8] | mask
                                                                                  : expected[bit / 8] & ~mask);
            }
            packed::set(std::span<std::uint8_t>(bytes), index, code<T>(value));
            REQUIRE(bytes == expected);
            REQUIRE(unsigned{packed::get<T>(bytes, index).bits()} == value);
        }
        const std::vector<std::uint8_t> before = bytes;
        CHECK_THROWS_AS(packed::get<T>(bytes, capacity), std::out_of_range);
        CHECK_THROWS_AS(packed::set(std::span<std::uint8_t>(bytes), capacity, code<T>(1)), std::out_of_range);
        CHECK_THROWS_AS(packed::get<T>(bytes, std::numeric_limits<std::size_t>::max()), std::out_of_range);
        const std::size_t far = std::numeric_limits<std::size_t>::max();
        CHECK_THROWS_AS(packed::set(std::span<std::uint8_t>(bytes), far, code<T>(1)), std::out_of_range);
        CHECK(bytes == before);
    }
}

}  // namespace

TEST_CASE("packed: get and set", "[packed]")
{
    check_get_set<float4_e2m1fn>();
    check_get_set<float6_e2m3fn>();
    check_get_set<float6_e3m2fn>();
    // FP6 capacity edges: 4 bytes hold 5 elements (bits 24..29), 2 bytes hold 2.
    std::vector<std::uint8_t> four(4, 0xFF);
    CHECK(packed::get<float6_e2m3fn>(four, 4).bits() == 0x3F);
    CHECK_THROWS_AS(packed::get<float6_e2m3fn>(four, 5), std::out_of_range);
    std::vector<std::uint8_t> two(2, 0);
    CHECK_NOTHROW(packed::get<float6_e2m3fn>(two, 1));
    CHECK_THROWS_AS(packed::get<float6_e2m3fn>(two, 2), std::out_of_range);
}

namespace {

// Inputs on T's decision points: every value with its float neighbours, the midpoints (ties) and their
// neighbours, the overflow boundary, float subnormals, ±0, ±Inf, NaNs with payloads; then random bit
// patterns and random values within T's range.
template <class T>
std::vector<float> adversarial_inputs()
{
    std::vector<double> values;
    for (unsigned c = 0; c < (1u << width<T>); ++c) values.push_back(static_cast<double>(code<T>(c)));
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    std::vector<float> in;
    const auto with_neighbours = [&in](double v) {
        const auto f = static_cast<float>(v);
        in.push_back(f);
        in.push_back(std::nextafter(f, std::numeric_limits<float>::infinity()));
        in.push_back(std::nextafter(f, -std::numeric_limits<float>::infinity()));
    };
    for (std::size_t k = 0; k < values.size(); ++k) {
        with_neighbours(values[k]);
        if (k + 1 < values.size()) with_neighbours((values[k] + values[k + 1]) / 2);
    }
    const double max = values.back();
    const double step = max - values[values.size() - 2];
    for (const double v : {max + step / 2, max + step, 2 * max, 1e30}) {
        with_neighbours(v);
        with_neighbours(-v);
    }
    for (const std::uint32_t b : {0x00000000u, 0x80000000u, 0x00000001u, 0x80000001u, 0x007FFFFFu, 0x00800000u,
                                  0x7F7FFFFFu, 0xFF7FFFFFu, 0x7F800000u, 0xFF800000u, 0x7FC00000u, 0xFFC00000u,
                                  0x7F800001u, 0xFFFFFFFFu, 0x7FC12345u, 0xFFA5A5A5u})
        in.push_back(std::bit_cast<float>(b));
    std::mt19937 rng(4242);
    std::uniform_int_distribution<std::uint32_t> any_bits;
    std::uniform_real_distribution<double> in_range(-1.25 * max, 1.25 * max);
    for (int k = 0; k < 700; ++k) in.push_back(std::bit_cast<float>(any_bits(rng)));
    for (int k = 0; k < 1300; ++k) in.push_back(static_cast<float>(in_range(rng)));
    std::shuffle(in.begin(), in.end(), rng);
    return in;
}

template <class T>
std::vector<T> scalar_codes(std::span<const float> in, const lowbit::conversion_options& o)
{
    std::vector<T> codes;
    for (const float x : in) codes.push_back(lowbit::convert<T>(x, o));
    return codes;
}

template <class T>
void check_encode_all_options(isa which,
                              const std::vector<lowbit::conversion_options>& option_sets = lowbit_test::every_conversion_options())
{
    const std::vector<float> in = adversarial_inputs<T>();
    std::vector<std::uint8_t> out(packed::bytes_for<T>(in.size()));
    for (const lowbit::conversion_options& o : option_sets) {
        packed::convert<T>(in, out, o);
        const std::vector<std::uint8_t> expected = reference_pack(scalar_codes<T>(in, o));
        if (out != expected) {
            const auto first = static_cast<std::size_t>(std::mismatch(out.begin(), out.end(), expected.begin()).first -
                                                        out.begin());
            INFO(isa_text(which) << ", " << width<T> << "-bit, rounding " << int(o.rounding) << ", overflow "
                                 << int(o.overflow) << ", nan " << int(o.nan) << ", nan_without_code "
                                 << int(o.nan_without_code) << ", directed " << int(o.directed_overflow)
                                 << ": first differing byte " << first);
            REQUIRE(out == expected);
        }
    }
    // The two-argument-option overload is the same as the options struct.
    std::vector<std::uint8_t> simple(out.size());
    packed::convert<T>(in, simple, lowbit::rounding::toward_negative, lowbit::overflow::saturate);
    lowbit::conversion_options o;
    o.rounding = lowbit::rounding::toward_negative;
    o.overflow = lowbit::overflow::saturate;
    CHECK(simple == reference_pack(scalar_codes<T>(in, o)));
    packed::convert<T>(in, simple);
    CHECK(simple == reference_pack(scalar_codes<T>(in, lowbit::conversion_options{})));
}

template <class T>
void check_convert_lengths_and_alignment(isa which)
{
    const std::vector<float> pool = adversarial_inputs<T>();
    lowbit::conversion_options o;
    o.rounding = lowbit::rounding::nearest_away;
    o.overflow = lowbit::overflow::saturate;
    for (const std::size_t n : lengths()) {
        for (const std::size_t offset : offsets) {
            const std::size_t byte_offset = (offset * 3 + n) % 8;
            INFO(isa_text(which) << ", " << width<T> << "-bit, n = " << n << ", offsets " << offset << ", "
                                 << byte_offset);
            std::vector<float> in_buffer(n + 8);
            for (std::size_t k = 0; k < in_buffer.size(); ++k)
                in_buffer[k] = pool[(k * 7 + n * 13 + offset) % pool.size()];
            const std::span<const float> in(in_buffer.data() + offset, n);
            const std::vector<T> codes = scalar_codes<T>(in, o);
            const std::vector<std::uint8_t> expected = reference_pack(codes);

            std::vector<std::uint8_t> byte_buffer(expected.size() + 16, guard_byte);
            packed::convert<T>(in, std::span<std::uint8_t>(byte_buffer.data() + byte_offset, expected.size()), o);
            for (std::size_t k = 0; k < byte_buffer.size(); ++k) {
                const bool inside = k >= byte_offset && k < byte_offset + expected.size();
                const std::uint8_t want = inside ? expected[k - byte_offset] : guard_byte;
                if (byte_buffer[k] != want) {
                    INFO("encode: byte " << k << (inside ? "" : " (guard)"));
                    REQUIRE(int{byte_buffer[k]} == int{want});
                }
            }

            // And back: decoding the packed bytes gives the codes' exact values, nothing outside written.
            const float guard_value = std::bit_cast<float>(0x7FA5A5A5u);
            std::vector<float> float_buffer(n + 16, guard_value);
            packed::convert<T>(std::span<const std::uint8_t>(byte_buffer.data() + byte_offset, expected.size()),
                               std::span<float>(float_buffer.data() + offset, n));
            for (std::size_t k = 0; k < float_buffer.size(); ++k) {
                const bool inside = k >= offset && k < offset + n;
                const float want = inside ? static_cast<float>(codes[k - offset]) : guard_value;
                if (std::bit_cast<std::uint32_t>(float_buffer[k]) != std::bit_cast<std::uint32_t>(want)) {
                    INFO("decode: element " << k << (inside ? "" : " (guard)"));
                    REQUIRE(std::bit_cast<std::uint32_t>(float_buffer[k]) == std::bit_cast<std::uint32_t>(want));
                }
            }
        }
    }
}

}  // namespace

TEST_CASE("packed: float32 -> packed equals the scalar convert under every option", "[packed]")
{
    const isa_restorer restore;
    for (const isa which : isas()) {
        lowbit::simd::set_isa(which);
        check_encode_all_options<float4_e2m1fn>(which);
        check_encode_all_options<float6_e2m3fn>(which);
        check_encode_all_options<float6_e3m2fn>(which);
    }
}

TEST_CASE("packed: bulk conversions at every length and misalignment", "[packed]")
{
    const isa_restorer restore;
    for (const isa which : isas()) {
        lowbit::simd::set_isa(which);
        check_convert_lengths_and_alignment<float4_e2m1fn>(which);
        check_convert_lengths_and_alignment<float6_e2m3fn>(which);
        check_convert_lengths_and_alignment<float6_e3m2fn>(which);
    }
}

namespace {

// `call` must throw std::invalid_argument naming `function` and both sizes, and leave `buffer` unchanged.
template <class Call, class Buffer>
void check_size_error(Call call, const Buffer& buffer, const std::string& function, std::size_t got,
                      std::size_t expected)
{
    const Buffer before = buffer;
    try {
        call();
        FAIL("no exception for " << function);
    } catch (const std::invalid_argument& e) {
        const std::string message = e.what();
        INFO(message);
        CHECK(message.find(function) != std::string::npos);
        CHECK(message.find(" " + std::to_string(got) + " ") != std::string::npos);
        CHECK(message.find(" " + std::to_string(expected) + " ") != std::string::npos);
    }
    CHECK(buffer == before);
}

template <class T>
void check_size_errors()
{
    const std::size_t n = 9;
    const std::size_t right = packed::bytes_for<T>(n);
    std::vector<T> codes(n, code<T>(3));
    std::vector<float> floats(n, 1.5f);
    for (const std::size_t wrong : {right - 1, right + 1, std::size_t{0}}) {
        INFO(width<T> << "-bit, " << wrong << " bytes instead of " << right);
        std::vector<std::uint8_t> bytes(wrong, guard_byte);
        check_size_error([&] { packed::pack<T>(codes, bytes); }, bytes, "lowbit::packed::pack", wrong, right);
        check_size_error([&] { packed::convert<T>(floats, bytes); }, bytes, "lowbit::packed::convert", wrong, right);
        lowbit::conversion_options o;
        check_size_error([&] { packed::convert<T>(floats, bytes, o); }, bytes, "lowbit::packed::convert", wrong, right);
        std::vector<T> out_codes(n, code<T>(5));
        check_size_error([&] { packed::unpack<T>(bytes, out_codes); }, out_codes, "lowbit::packed::unpack", wrong,
                         right);
        std::vector<float> out_floats(n, 2.5f);
        check_size_error([&] { packed::convert<T>(bytes, out_floats); }, out_floats, "lowbit::packed::convert", wrong,
                         right);
    }
}

}  // namespace

TEST_CASE("packed: wrong sizes throw before anything is written", "[packed]")
{
    check_size_errors<float4_e2m1fn>();
    check_size_errors<float6_e2m3fn>();
    check_size_errors<float6_e3m2fn>();
    // Empty spans are a valid, empty conversion.
    std::vector<std::uint8_t> none;
    std::vector<float> no_floats;
    CHECK_NOTHROW(packed::convert<float4_e2m1fn>(no_floats, none));
    CHECK_NOTHROW(packed::convert<float6_e3m2fn>(none, no_floats));
}

TEST_CASE("packed: overloads accept spans of mutable and const data", "[packed]")
{
    std::vector<float6_e3m2fn> codes(6, code<float6_e3m2fn>(0x21));
    std::vector<std::uint8_t> bytes(packed::bytes_for<float6_e3m2fn>(codes.size()));
    packed::pack(std::span<float6_e3m2fn>(codes), std::span<std::uint8_t>(bytes));          // T deduced, mutable
    packed::pack(std::span<const float6_e3m2fn>(codes), std::span<std::uint8_t>(bytes));    // T deduced, const
    packed::pack<float6_e3m2fn>(codes, bytes);                                              // named, containers
    std::vector<float6_e3m2fn> back(codes.size());
    packed::unpack(std::span<const std::uint8_t>(bytes), std::span<float6_e3m2fn>(back));  // T deduced
    packed::unpack(std::span<std::uint8_t>(bytes), std::span<float6_e3m2fn>(back));
    CHECK(back == codes);
    const std::vector<std::uint8_t>& const_bytes = bytes;
    CHECK(packed::get<float6_e3m2fn>(const_bytes, 5).bits() == 0x21);
    packed::set(std::span<std::uint8_t>(bytes), 5, code<float6_e3m2fn>(0x3E));
    CHECK(packed::get<float6_e3m2fn>(bytes, 5).bits() == 0x3E);
    std::vector<float> values(codes.size());
    packed::convert<float6_e3m2fn>(std::span<std::uint8_t>(bytes), std::span<float>(values));
    std::vector<std::uint8_t> again(bytes.size());
    packed::convert<float6_e3m2fn>(std::span<float>(values), std::span<std::uint8_t>(again));
    CHECK(again == bytes);
}

namespace {

// A packable format without a vector encoder (unsigned) whose values have at most 4 significant bits: the
// bulk conversions take the chunked path (encode to codes, then pack), and the decoders whatever the isa has.
using ue3m3 = lowbit::float_format<3, 3, 3, lowbit::specials::finite, lowbit::sign_bit::absent>;

// Values inside T's finite range (and their float neighbours, float subnormals, zeros): every 16-lane block
// of them stays on the vector encoders' nearest-even shortcut, which the adversarial pool, with an
// out-of-range value in almost every block, mostly leaves.
template <class T>
std::vector<float> in_range_inputs()
{
    const auto max = static_cast<float>(std::numeric_limits<T>::max());
    std::mt19937 rng(99);
    std::uniform_real_distribution<float> in_range(-max, max);
    std::uniform_real_distribution<float> small(-0.25f, 0.25f);
    std::vector<float> in;
    for (int k = 0; k < 3000; ++k) in.push_back(k % 3 == 0 ? small(rng) : in_range(rng));
    for (const std::uint32_t b : {0x00000000u, 0x80000000u, 0x00000001u, 0x807FFFFFu})
        in[static_cast<std::size_t>(b % 2999)] = std::bit_cast<float>(b);
    return in;
}

std::vector<std::size_t> step_lengths()
{
    std::vector<std::size_t> result;
    for (std::size_t n = 0; n <= 200; ++n) result.push_back(n);
    for (const std::size_t n : {255u, 256u, 257u, 319u, 320u, 321u, 1029u}) result.push_back(n);
    return result;
}

// float32 -> packed under each rounding mode (each has its own kernel) at every length around the fused
// kernels' 32- and 64-element steps, from both pools, with guard bytes; then the bytes decoded back, once
// as written and once with the padding bits of the last byte set (they must be ignored).
template <class T>
void check_rounding_modes_at_every_length(isa which)
{
    const std::vector<float> pools[] = {adversarial_inputs<T>(), in_range_inputs<T>()};
    for (int r = 0; r < 5; ++r) {
        lowbit::conversion_options o;
        o.rounding = static_cast<lowbit::rounding>(r);
        o.overflow = r % 2 == 0 ? lowbit::overflow::nonsaturating : lowbit::overflow::saturate_finite;
        for (std::size_t p = 0; p < 2; ++p) {
            for (const std::size_t n : step_lengths()) {
                const std::size_t start = (n * 11 + static_cast<std::size_t>(r) * 17) % (pools[p].size() - n);
                const std::span<const float> in(pools[p].data() + start, n);
                const std::size_t byte_offset = (n + static_cast<std::size_t>(r)) % 8;
                INFO(isa_text(which) << ", " << width<T> << "-bit, rounding " << r << ", pool " << p << ", n = " << n
                                     << ", input offset " << start << ", byte offset " << byte_offset);
                const std::vector<T> codes = scalar_codes<T>(in, o);
                const std::vector<std::uint8_t> expected = reference_pack(codes);
                std::vector<std::uint8_t> byte_buffer(expected.size() + 16, guard_byte);
                const std::span<std::uint8_t> bytes(byte_buffer.data() + byte_offset, expected.size());
                packed::convert<T>(in, bytes, o);
                for (std::size_t k = 0; k < byte_buffer.size(); ++k) {
                    const bool inside = k >= byte_offset && k < byte_offset + expected.size();
                    const std::uint8_t want = inside ? expected[k - byte_offset] : guard_byte;
                    if (byte_buffer[k] != want) {
                        INFO("encode: byte " << k << (inside ? "" : " (guard)"));
                        REQUIRE(int{byte_buffer[k]} == int{want});
                    }
                }
                std::vector<std::uint8_t> padded = expected;
                if ((width<T> * n) % 8 != 0)
                    padded.back() = static_cast<std::uint8_t>(padded.back() | (0xFFu << (width<T> * n % 8)));
                const std::vector<std::uint8_t>* const sources[] = {&expected, &padded};
                for (const std::vector<std::uint8_t>* source : sources) {
                    std::vector<float> values(n + 2, -3.0f);
                    packed::convert<T>(std::span<const std::uint8_t>(*source), std::span<float>(values.data() + 1, n));
                    REQUIRE(values.front() == -3.0f);
                    REQUIRE(values.back() == -3.0f);
                    for (std::size_t k = 0; k < n; ++k)
                        REQUIRE(std::bit_cast<std::uint32_t>(values[k + 1]) ==
                                std::bit_cast<std::uint32_t>(static_cast<float>(codes[k])));
                }
            }
        }
    }
}

}  // namespace

TEST_CASE("packed: the vector paths convert the named formats in one pass", "[packed]")
{
    // Guards the tests above against silently testing the chunked fallback instead of the fused kernels.
    using lowbit::simd::select_packed_decode;
    using lowbit::simd::select_packed_encode;
    for (const isa which : isas()) {
        if (which == isa::scalar) continue;
        INFO(isa_text(which));
        for (int r = 0; r < 5; ++r) {
            const auto mode = static_cast<lowbit::rounding>(r);
            CHECK(select_packed_encode<float4_e2m1fn>(which, mode) != nullptr);
            CHECK(select_packed_encode<float6_e2m3fn>(which, mode) != nullptr);
            CHECK(select_packed_encode<float6_e3m2fn>(which, mode) != nullptr);
            CHECK(select_packed_encode<ue3m3>(which, mode) == nullptr);  // no vector encoder: chunked
        }
        CHECK(select_packed_decode<float4_e2m1fn>(which) != nullptr);
        CHECK(select_packed_decode<float6_e2m3fn>(which) != nullptr);
        CHECK(select_packed_decode<float6_e3m2fn>(which) != nullptr);
    }
    CHECK(select_packed_encode<float4_e2m1fn>(isa::scalar, lowbit::rounding::nearest_even) == nullptr);
    CHECK(select_packed_decode<float4_e2m1fn>(isa::scalar) == nullptr);
}

TEST_CASE("packed: float32 -> packed under every rounding mode at every length, and back", "[packed]")
{
    const isa_restorer restore;
    for (const isa which : isas()) {
        lowbit::simd::set_isa(which);
        check_rounding_modes_at_every_length<float4_e2m1fn>(which);
        check_rounding_modes_at_every_length<float6_e2m3fn>(which);
        check_rounding_modes_at_every_length<float6_e3m2fn>(which);
    }
}

TEST_CASE("packed: a format without vector kernels converts through the chunked path", "[packed]")
{
    static_assert(packed::packable_format<ue3m3>);
    const isa_restorer restore;
    for (const isa which : isas()) {
        lowbit::simd::set_isa(which);
        check_encode_all_options<ue3m3>(which);
        check_round_trip_every_code<ue3m3>(which);
        check_convert_lengths_and_alignment<ue3m3>(which);
    }
}

#if LOWBIT_SIMD_X86
namespace {

using lowbit_test::mxcsr_setting;

std::vector<lowbit::conversion_options> one_option_set_per_rounding_mode()
{
    std::vector<lowbit::conversion_options> result(5);
    for (std::size_t r = 0; r < 5; ++r) result[r].rounding = static_cast<lowbit::rounding>(r);
    result[1].overflow = lowbit::overflow::saturate;
    return result;
}

}  // namespace

TEST_CASE("packed: MXCSR's flush-to-zero, denormals-are-zero and rounding bits change nothing", "[packed]")
{
    // The AVX2 nearest-even shortcut adds floats under MXCSR's rounding; the AVX2 FP6 decoders convert float16
    // subnormals (vcvtph2ps) and multiply, so they must step aside when MXCSR flushes.
    const isa_restorer restore;
    for (const unsigned bits : {0x8000u, 0x0040u, 0x2000u, 0x4000u, 0x6000u, 0x8040u | 0x6000u}) {
        const mxcsr_setting setting(0x1F80u | bits);
        for (const isa which : isas()) {
            lowbit::simd::set_isa(which);
            INFO("MXCSR bits 0x" << std::hex << bits);
            check_encode_all_options<float4_e2m1fn>(which, one_option_set_per_rounding_mode());
            check_encode_all_options<float6_e2m3fn>(which, one_option_set_per_rounding_mode());
            check_encode_all_options<float6_e3m2fn>(which, one_option_set_per_rounding_mode());
            check_round_trip_every_code<float4_e2m1fn>(which);
            check_round_trip_every_code<float6_e2m3fn>(which);
            check_round_trip_every_code<float6_e3m2fn>(which);
        }
    }
}

TEST_CASE("packed: conversions leave MXCSR's exception flags alone and never trap", "[packed]")
{
    const isa_restorer restore;
    const mxcsr_setting clean(0x1F80u);
    std::vector<float> in(100);
    for (std::size_t k = 0; k < in.size(); ++k) in[k] = static_cast<float>(k) * 0.37f - 9.0f;
    in[3] = std::bit_cast<float>(0x7F800001u);  // signalling NaN
    in[5] = 1e30f;
    in[7] = std::bit_cast<float>(0x00000003u);
    std::vector<std::uint8_t> fp4(packed::bytes_for<float4_e2m1fn>(in.size()));
    std::vector<std::uint8_t> fp6(packed::bytes_for<float6_e2m3fn>(in.size()));
    std::vector<float> back(in.size());
    for (const isa which : isas()) {
        lowbit::simd::set_isa(which);
        INFO(isa_text(which));
        for (const unsigned control : {0x1F80u, 0x0000u}) {  // all exceptions masked; all unmasked (a trap ends the test)
            _mm_setcsr(control);
            packed::convert<float4_e2m1fn>(in, fp4);
            packed::convert<float6_e2m3fn>(in, fp6);
            packed::convert<float6_e2m3fn>(fp6, back);
            const unsigned after = _mm_getcsr();
            _mm_setcsr(0x1F80u);
            CHECK((after & 0x3Fu) == 0);
        }
    }
}
#endif
