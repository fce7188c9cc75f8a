// What the per-ISA kernels share: kernel signatures, which formats have SIMD kernels, the per-call encode
// constants and the padded decode tables.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "../core/encode.hpp"
#include "../core/format_info.hpp"
#include "../core/options.hpp"
#include "../types/float_format.hpp"
#include "abi.hpp"

#if LOWBIT_SIMD_X86
#include <xmmintrin.h>
#endif

namespace lowbit {
namespace simd {
inline namespace LOWBIT_SIMD_ABI {

template <floating_format T>
using encode_kernel = void (*)(const float* in, T* out, std::size_t n, const conversion_options& options);
template <floating_format T>
using decode_kernel = void (*)(const T* in, float* out, std::size_t n);

inline constexpr std::size_t rounding_mode_count = 5;

namespace kernel_detail {

// Formats the vector encoders handle: those that take the scalar engine's branch-free float path
// (encoder::encode_float) and are signed, so that only Inf/NaN leave the arithmetic path. That is every
// named format of 16 bits or fewer except float8_e8m0fnu (no zero, unsigned).
template <floating_format T>
inline constexpr bool vector_encodable = T::info.total_bits <= 16 && T::info.is_signed &&
                                         lowbit::detail::encoder<T::info>::has_float_fast_path &&
                                         sizeof(T) == sizeof(typename T::storage_type);

// The value of every code of an 8-bit-or-narrower format as float bits, indexed by the whole byte: codes
// of narrower formats repeat every 2^bits entries, so the index needs no masking.
// (Unconstrained variable templates: clang 14 crashes on some constrained ones; users check
// table_decodable first.)
template <floating_format T>
inline constexpr std::array<std::uint32_t, 256> byte_decode_table = [] {
    std::array<std::uint32_t, 256> table{};
    constexpr std::uint32_t mask = T::info.sign_mask | T::info.magnitude_mask;
    for (std::uint32_t c = 0; c < 256; ++c)
        table[c] = std::bit_cast<std::uint32_t>(lowbit::detail::value_table<float, T::info>[c & mask]);
    return table;
}();

template <floating_format T>
constexpr bool table_decodable() noexcept
{
    if constexpr (T::info.total_bits <= 8 && T::decodes_exactly_to_float &&
                  sizeof(T) == sizeof(typename T::storage_type))
        return true;
    else
        return false;
}

// Whether every decoded value has zero low 16 bits (at most 8 significant bits, NaNs quiet without
// payload), so that the AVX-512 decoder can look up the high halves with byte permutes.
template <floating_format T>
constexpr bool high_half_decodable() noexcept
{
    if constexpr (table_decodable<T>()) {
        for (const std::uint32_t v : byte_decode_table<T>)
            if ((v & 0xFFFFu) != 0) return false;
        return true;
    } else {
        return false;
    }
}

// Whether an 8-bit format's top bit is the sign and nothing else: the value of code | 0x80 is the value of
// code with the float's sign bit set, for all 128 codes (every signed 8-bit format except the FNUZ ones,
// whose 0x80 is NaN). The AVX-512 decoder then looks up the 7 low bits only and ORs the sign in.
template <floating_format T>
constexpr bool top_bit_is_sign() noexcept
{
    if constexpr (table_decodable<T>() && T::info.total_bits == 8) {
        for (std::size_t c = 0; c < 128; ++c)
            if (byte_decode_table<T>[c | 0x80] != (byte_decode_table<T>[c] | 0x80000000u)) return false;
        return true;
    } else {
        return false;
    }
}

// Whether every finite code decodes as float(magnitude bits placed at float's fraction position) times
// 2^(127 - bias), with the sign bit moved to bit 31: the exponent field lands in float's exponent field
// (a zero field makes a float subnormal, which the scaling turns into the format's subnormal), so one
// multiplication decodes normals and subnormals alike. Checked here for every code against the exact table,
// so the AVX2 decoder that relies on it cannot disagree with the scalar one; codes above the largest finite
// magnitude (Inf, NaN) are left to the table. False for FNUZ formats (their -0 code is NaN) and E8M0.
template <floating_format T>
constexpr bool decodes_by_scaling() noexcept
{
    if constexpr (table_decodable<T>() && T::info.is_signed && T::info.bias >= 0 && T::info.bias <= 253) {
        const float scale = std::bit_cast<float>(static_cast<std::uint32_t>(254 - T::info.bias) << 23);
        for (std::uint32_t c = 0; c < (std::uint32_t{1} << T::info.total_bits); ++c) {
            const std::uint32_t magnitude = c & T::info.magnitude_mask;
            if (magnitude > T::info.max_magnitude_code) continue;
            float value = std::bit_cast<float>(magnitude << (23 - T::info.mantissa_bits)) * scale;
            if ((c & T::info.sign_mask) != 0) value = -value;
            if (std::bit_cast<std::uint32_t>(value) != byte_decode_table<T>[c]) return false;
        }
        return true;
    } else {
        return false;
    }
}

// The byte order in which 64 codes enter the AVX-512 lookups so that the in-lane unpacks widening bytes to dwords
// leave the floats in element order: byte 16k + 8a + 4b + j takes code 16(2a + b) + 4k + j.
inline constexpr std::array<std::uint8_t, 64> widening_order = [] {
    std::array<std::uint8_t, 64> order{};
    for (std::size_t k = 0; k < 4; ++k)
        for (std::size_t a = 0; a < 2; ++a)
            for (std::size_t b = 0; b < 2; ++b)
                for (std::size_t j = 0; j < 4; ++j)
                    order[16 * k + 8 * a + 4 * b + j] = static_cast<std::uint8_t>(16 * (2 * a + b) + 4 * k + j);
    return order;
}();

// Byte `which` (2 or 3) of every table entry: the lookup tables of the AVX-512 decoder.
template <floating_format T, int Which>
inline constexpr std::array<std::uint8_t, 256> byte_plane = [] {
    std::array<std::uint8_t, 256> plane{};
    for (std::size_t c = 0; c < 256; ++c)
        plane[c] = static_cast<std::uint8_t>(byte_decode_table<T>[c] >> (8 * Which));
    return plane;
}();

template <const format_info& F>
constexpr bool is_layout(int e, int m, int bias) noexcept
{
    return F.exponent_bits == e && F.mantissa_bits == m && F.bias == bias && F.specials == specials::ieee &&
           F.is_signed && F.has_subnormals;
}
template <floating_format T>
inline constexpr bool is_bfloat16_layout = is_layout<T::info>(8, 7, 127) && sizeof(T) == 2;
template <floating_format T>
inline constexpr bool is_float16_layout = is_layout<T::info>(5, 10, 15) && sizeof(T) == 2;

// Codes the vector encoders cannot derive lane by lane from the float's bits, computed once per call by the
// scalar engine itself, so the option semantics (overflow modes, NaN encodings, IEEE directed overflow)
// have a single source. Index 0 for a positive input, 1 for a negative one.
struct encode_constants {
    std::uint32_t overflow[2];  // a finite value whose rounded code is beyond max
    std::uint32_t infinity[2];  // an infinite input
    std::uint32_t nan[2];       // a NaN input, unless nan_payload
    bool nan_payload;           // NaN -> sign | quiet NaN | the top fraction bits of the input
};

template <floating_format T>
constexpr encode_constants make_encode_constants(const conversion_options& o) noexcept
{
    using engine = lowbit::detail::encoder<T::info>;
    constexpr float inf = std::numeric_limits<float>::infinity();
    constexpr float nan = std::numeric_limits<float>::quiet_NaN();
    encode_constants c{};
    c.overflow[0] = engine::finite_overflow(false, o, false);
    c.overflow[1] = engine::finite_overflow(true, o, false);
    c.infinity[0] = T::encode(inf, o);
    c.infinity[1] = T::encode(-inf, o);
    c.nan[0] = T::encode(nan, o);
    c.nan[1] = T::encode(-nan, o);
    c.nan_payload = T::info.specials == specials::ieee && o.nan == nan_encoding::keep_payload;
    return c;
}

// make_encode_constants on first use: the kernels whose shortcut covers every finite value in range need
// the constants only for a step with a lane outside it, and computing them (six scalar encodes) costs as
// much as encoding a few hundred values, which matters to short calls.
template <floating_format T>
class lazy_encode_constants {
public:
    explicit constexpr lazy_encode_constants(const conversion_options& options) noexcept : options_(options) {}

    constexpr const encode_constants& get() noexcept
    {
        if (!ready_) {
            constants_ = make_encode_constants<T>(options_);
            ready_ = true;
        }
        return constants_;
    }

private:
    const conversion_options& options_;
    encode_constants constants_{};
    bool ready_ = false;
};

// The same for stochastic rounding, whose finite overflow ignores the directed-overflow option (the rounding
// direction is random).
template <floating_format T>
constexpr encode_constants make_stochastic_constants(const conversion_options& o) noexcept
{
    using engine = lowbit::detail::encoder<T::info>;
    encode_constants c = make_encode_constants<T>(o);
    c.overflow[0] = engine::finite_overflow(false, o, true);
    c.overflow[1] = engine::finite_overflow(true, o, true);
    return c;
}

// The per-format constants of the vector encoders (see encoder::float_field_table, which they compute
// arithmetically instead of looking up).
template <floating_format T>
struct encode_params {
    static constexpr int m = T::info.mantissa_bits;
    static constexpr int shift = 23 - m;                                   // float fraction bits below the ulp
    static constexpr int emin_field = T::info.min_normal_exponent + 127;  // float field of the smallest normal
    static constexpr std::uint32_t max_code = T::info.max_magnitude_code;
    static constexpr std::uint32_t sign_mask = T::info.sign_mask;
    static constexpr std::uint32_t quiet_nan = T::info.has_nan ? T::info.quiet_nan_code : 0;
    static constexpr bool negative_zero = T::info.has_negative_zero;
};

#if LOWBIT_SIMD_X86
// Whether MXCSR asks to flush subnormals (FTZ or DAZ). The silicon half converters are not documented to
// ignore these bits on every CPU (this machine's do), so a call that finds them set takes the integer path,
// which never reads MXCSR.
inline bool mxcsr_flushes_subnormals() noexcept
{
    return (_mm_getcsr() & 0x8040u) != 0;
}

// Leaves the caller's floating-point environment as the scalar engine does, which never touches it: while a
// kernel that uses float instructions runs (the nearest-even shortcut's addition, the silicon half
// converters, the AVX2 decoder's multiplication), every exception is masked, so a signalling NaN cannot trap
// under feenableexcept, and the status flags raised meanwhile are dropped. Rounding control, FTZ and DAZ
// are left as they are (the kernels check them).
class mxcsr_guard {
public:
    mxcsr_guard() noexcept : saved_(_mm_getcsr()) { _mm_setcsr((saved_ | 0x1F80u) & ~0x3Fu); }
    ~mxcsr_guard() { _mm_setcsr(saved_); }
    mxcsr_guard(const mxcsr_guard&) = delete;
    mxcsr_guard& operator=(const mxcsr_guard&) = delete;

private:
    unsigned saved_;
};

// Whether MXCSR's rounding control is round-to-nearest-even (the AVX2 shortcut's float addition uses it).
inline bool mxcsr_rounds_to_nearest() noexcept
{
    return (_mm_getcsr() & 0x6000u) == 0;
}
#endif

// The nearest-even shortcut of the vector encoders, exact for every input in T's finite range:
// - at or above T's smallest normal, the code is the float's magnitude rounded at T's last kept bit (add
//   half an ulp minus one plus the kept lsb, then shift), with the exponent rebias folded into the constant;
// - below it, the code is bits(|x| + A) - bits(A) for the power of two A whose ulp is T's subnormal spacing:
//   the float adder, told to round to nearest-even (embedded rounding on AVX-512, MXCSR checked on AVX2),
//   rounds |x| at that spacing, and a result of A + 2^emin is the smallest normal's code, as it should be.
//   This needs float subnormal inputs to round to zero in T (so DAZ cannot change the result):
//   `subnormals_by_addition` says whether it holds; otherwise such lanes count as outside the shortcut.
// A block with a lane beyond T's largest finite value (or Inf, NaN) is redone by the general lanes, so the
// shortcut never produces a code the scalar engine would not. That check compares codes, so it needs Inf's
// code to lie above max_code: T's largest value below 2^128 (`applies`); custom formats beyond that always
// take the general lanes.
template <floating_format T>
struct nearest_even_shortcut {
    static constexpr int m = T::info.mantissa_bits;
    // m >= 1: in a format without fraction bits the scalar engine sends a tie between two powers of two to
    // the one of larger magnitude, where this shortcut's kept-lsb rule would pick the even code (E7M0 with
    // bias 0 and 127 broke ties that way); such formats take the general lanes.
    static constexpr bool applies = T::info.max_exponent <= 127 && m >= 1;
    static constexpr int shift = 23 - m;
    static constexpr int emin = T::info.min_normal_exponent;
    static constexpr std::uint32_t min_normal_bits = static_cast<std::uint32_t>(emin + 127) << 23;
    // Wraps modulo 2^32 on purpose: the constant subtracts the rebias (emin + 126) << 23.
    static constexpr std::uint32_t offset =
        ((std::uint32_t{1} << (shift - 1)) - 1u) - (static_cast<std::uint32_t>(emin + 126) << 23);
    // A = 2^(emin - m + 23) must also be finite (custom 8-bit formats with a large negative bias fail that).
    static constexpr bool subnormals_by_addition = emin - m >= -125 && emin - m + 23 <= 127;
    static constexpr std::uint32_t addend_bits = static_cast<std::uint32_t>(emin - m + 23 + 127) << 23;
    static constexpr std::uint32_t max_code = T::info.max_magnitude_code;
    // The float's sign bit moved to T's sign position by one logical right shift.
    static constexpr int sign_shift = 32 - T::info.total_bits;
    static constexpr std::uint32_t sign_mask = T::info.sign_mask;
    static constexpr bool negative_zero = T::info.has_negative_zero;
};

// The nearest-even code of a format of at most 8 bits by one float addition (the AVX2 byte encoders'
// shortcut; AVX-512 takes signed_addend_shortcut below), exact for every input up to T's largest finite value.
// With E = max(exponent of |x|, emin), C = 2^(E + 23 - m) has ulp 2^(E - m), T's spacing in binade E (and
// below emin, its subnormal spacing), so the float adder told to round to nearest-even rounds |x| + C exactly
// as T does: bits(|x| + C) = bits(C) + q, q being |x| in units of that spacing, rounded. T's code is
// q + (E - emin)·2^m, and the sum's own exponent field supplies E:
//     bits(sum) >> (23 - m) = (E + 23 - m + 127)·2^m, so
//     code = bits(sum) + (bits(sum) >> (23 - m)) - (23 - m + 127 + emin)·2^m   (mod 256),
// and the constant goes into C's fraction as K, its negative modulo 256. K is even (m >= 1), so a tie still
// goes to T's even code; the low byte of bits(sum) + (bits(sum) >> (23 - m)) is then the code. Float
// subnormal inputs round to zero in every such T, so DAZ cannot change the result, and C is always normal.
// Lanes beyond `limit` (the largest magnitude whose code is at most max_code, Inf, NaN) are not handled.
template <floating_format T>
struct binade_addend_shortcut {
    static constexpr int m = T::info.mantissa_bits;
    static constexpr int shift = 23 - m;
    static constexpr int emin = T::info.min_normal_exponent;
    // T's largest value must be below 2^128 (then `limit` is a finite float and Inf and NaN lie beyond it),
    // which custom formats with a large bias need not be; m <= 7 for code_word_multipliers.
    static constexpr bool rounds_by_addend =
        vector_encodable<T> && T::info.total_bits <= 8 && m >= 1 && m <= 7 && emin - m >= -124 &&
        T::info.max_exponent <= 127;
    // The unscaled sum |x| + C (the AVX2 route) also needs C = 2^(E + shift) finite up to T's largest
    // exponent; custom formats with a large negative bias fail that and take the general lanes (before this
    // condition, E4M3 with bias -100 gave wrong AVX2 codes for 2% of random float bit patterns).
    static constexpr bool applies = rounds_by_addend && T::info.max_exponent + shift <= 127;
    // |x|'s exponent field is raised to at least emin's; C's exponent field is that plus `shift`.
    static constexpr std::uint32_t min_exponent_bits = static_cast<std::uint32_t>(emin + 127) << 23;
    static constexpr std::uint32_t fraction_constant =
        (256u - ((static_cast<std::uint32_t>(shift + 127 + emin) << m) & 0xFFu)) & 0xFFu;
    static constexpr std::uint32_t addend = (static_cast<std::uint32_t>(shift) << 23) + fraction_constant;
    static constexpr std::uint32_t max_code = T::info.max_magnitude_code;
    static constexpr std::uint32_t magnitude_mask = T::info.magnitude_mask;
    // Half an ulp above T's largest value, less one where the tie goes up to the next (odd max_code).
    static constexpr std::uint32_t limit =
        byte_decode_table<T>[max_code] + (std::uint32_t{1} << (shift - 1)) - (max_code & 1u);
    // The float's sign bit moved to T's sign position by one logical right shift.
    static constexpr int sign_shift = 32 - T::info.total_bits;
    static constexpr bool negative_zero = T::info.has_negative_zero;
    // The vector encoders take the code out of the sum with one vpmaddwd instead of a shift and an add. With
    // w0 and w1 the low and high words of bits(sum), the code is the low byte of w0 + (w1 >> j), j = 7 - m
    // (the shift 23 - m is at least 16). vpmaddwd with these multipliers computes w0·2^(8 + s) +
    // w1·2^(8 + s - j): its bits from 8 + s up are w0 + (w1 >> j) (w1's low j bits stay below bit 8 + s),
    // and taking the words as signed only subtracts multiples of 2^(24 + s) and 2^(24 + s - j) >= 2^18, above
    // the code. Per dword: 2^(8 + s) for the low word, 2^(m + 1 + s) for the high word. With s = 0, byte 1 of
    // the result is the code; with s = 4 (the AVX-512 packed FP4 encoder's odd elements), the code's low
    // nibble in its high nibble above a zero nibble (up to T's limit the sum's fraction K + q is below 2^16,
    // so w1's low bits are zero).
    static constexpr std::uint32_t code_word_multipliers(int s) noexcept
    {
        return (std::uint32_t{1} << (m + 1 + s)) << 16 | std::uint32_t{1} << (8 + s);
    }
};

// binade_addend_shortcut rearranged for AVX-512, where vrangeps clamps a magnitude and keeps the sign and an
// FMA can scale before it adds: C = ±2^E·(1 + K·2^-23), with E = max(exponent of |x|, emin) and the sign of
// x, and sum = x·2^-(23 - m) + C rounded once to nearest-even. That is binade_addend_shortcut's sum times
// 2^-(23 - m), with x's sign, so the same argument gives the code as the low byte of
// bits(sum) + (bits(sum) >> (23 - m)), now with K = -(127 + emin)·2^m (mod 256), still even. The sign bit
// lands at bit 31 - (23 - m) >= 8 of the shifted term, outside the low byte, and C's exponent field never
// needs adjusting: it is the clamped value's. No magnitude mask and no exponent arithmetic remain.
// Encoding x·2^k (an MX element scaled by its block's 2^k) in the same single rounding moves the clamp to
// 2^(emin - k) and the constant to (k - 127 - emin)·2^m; this needs 2^(emin - k) normal, k <= max_scaling.
template <floating_format T>
struct signed_addend_shortcut {
    using base = binade_addend_shortcut<T>;
    static constexpr int m = base::m;
    static constexpr int shift = base::shift;
    static constexpr int emin = base::emin;
    static constexpr bool applies = base::rounds_by_addend;  // x is scaled down: C stays finite
    static constexpr int max_scaling = emin + 126;
    // 2^-(23 - m): x's binade moved down to C's ulp.
    static constexpr float down_scale = std::bit_cast<float>(static_cast<std::uint32_t>(127 - shift) << 23);
    // C's sign and exponent, kept from the clamped value; the fraction is replaced by K.
    static constexpr std::uint32_t sign_and_exponent = 0xFF800000u;
    static constexpr std::uint32_t clamp_bits(int k) noexcept { return static_cast<std::uint32_t>(emin - k + 127) << 23; }
    static constexpr std::uint32_t fraction_constant(int k) noexcept
    {
        return (static_cast<std::uint32_t>(k - 127 - emin) << m) & 0xFFu;  // unsigned: wraps as intended
    }
    // Whether, without scaling (k = 0), the top byte of the code word (vpmaddwd of the sum with
    // code_word_multipliers(s), for s = 0 and 4) is the value's sign as a byte mask, 0xFF negative and 0
    // positive, for every value within T's limit. The sum is positive or negative with x, its high word
    // w1 = sign·2^15 + e·2^7 with e = 127 + E, E in [emin, emax] (the fraction K + q is below 2^16), and
    // vpmaddwd takes w1 as signed, so the word is 2^(8 + s)·V for a positive sum and 2^(8 + s)·(V - 2^(8 + m))
    // for a negative one, with V = K + q + e·2^m and q <= 2^(m + 1). The byte is the sign mask where
    // 2^(8 + s)·V < 2^24 and V < 2^(8 + m) (then a negative word lies in [-2^24, 0) when m + s <= 8).
    static constexpr bool sign_in_top_byte = [] {
        const long largest_v = static_cast<long>(fraction_constant(0)) + (1L << (m + 1)) + (127L + T::info.max_exponent) * (1L << m);
        for (const int s : {0, 4})
            if ((largest_v << (8 + s)) >= (1L << 24) || largest_v >= (1L << (8 + m)) || m + s > 8) return false;
        return true;
    }();
};

}  // namespace kernel_detail
}  // namespace LOWBIT_SIMD_ABI
}  // namespace simd
}  // namespace lowbit
