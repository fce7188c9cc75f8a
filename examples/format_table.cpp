// Prints every code of a floating format as a table: code, hex, binary, value (shortest round-trip decimal)
// and class. The format is a named one or any ExMy given at run time:
//   format_table float8_e4m3fn
//   format_table 3 2 3 fn                 (E, M, bias, specials: ieee|fn|fnuz|finite|e8m0)
//   format_table 4 3 7 ieee unsigned nosubnormals
// Build and run:  cmake --build build --target format_table && build/examples/format_table float6_e2m3fn
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <lowbit/charconv.hpp>
#include <lowbit/lowbit.hpp>

namespace {

using lowbit::format_info;
using lowbit::specials;

// The checks float_format's static_asserts make, at run time: an empty string for valid parameters.
// (A candidate for core/format_info.hpp, so that the template and run-time tools share one list.)
std::string format_parameter_error(int e, int m, int bias, specials sp, bool is_signed, bool subnormals)
{
    const int total = e + m + (is_signed ? 1 : 0);
    if (e < 1) return "at least one exponent bit is needed";
    if (e > 11) return "more than 11 exponent bits cannot be decoded to double";
    if (m < 0) return "the number of mantissa bits cannot be negative";
    if (total > 32) return "a format wider than 32 bits has no storage type";
    if (total < 2) return "a format needs at least two bits";
    if (sp == specials::ieee && m < 1) return "the ieee policy needs a mantissa bit to tell NaN from Inf";
    if (sp == specials::ieee && e < 2) return "the ieee policy with one exponent bit leaves no normal numbers";
    if (sp == specials::fn && m < 1 && e < 2) return "the fn policy would make every nonzero code NaN";
    if (sp == specials::fnuz && !is_signed) return "the fnuz policy needs a sign bit (its NaN is the negative-zero code)";
    if (sp == specials::e8m0 && (is_signed || m != 0 || subnormals))
        return "the e8m0 policy is unsigned, exponent-only and has no subnormals";
    const format_info info = lowbit::detail::make_format_info(e, m, bias, sp, is_signed, subnormals);
    if (!lowbit::detail::fits_exactly<double>(info))
        return "the bias puts values outside the range of double";
    return {};
}

struct named {
    const char* name;
    const format_info& info;
};

const named named_formats[] = {
    {"float8_e4m3fn", lowbit::float8_e4m3fn::info},       {"float8_e4m3", lowbit::float8_e4m3::info},
    {"float8_e4m3fnuz", lowbit::float8_e4m3fnuz::info},   {"float8_e4m3b11fnuz", lowbit::float8_e4m3b11fnuz::info},
    {"float8_e3m4", lowbit::float8_e3m4::info},           {"float8_e5m2", lowbit::float8_e5m2::info},
    {"float8_e5m2fnuz", lowbit::float8_e5m2fnuz::info},   {"float8_e8m0fnu", lowbit::float8_e8m0fnu::info},
    {"float6_e2m3fn", lowbit::float6_e2m3fn::info},       {"float6_e3m2fn", lowbit::float6_e3m2fn::info},
    {"float4_e2m1fn", lowbit::float4_e2m1fn::info},       {"bfloat16", lowbit::bfloat16::info},
    {"float16", lowbit::float16::info},                   {"tfloat32", lowbit::tfloat32::info},
};

int usage(const char* program, const std::string& problem)
{
    if (!problem.empty()) std::fprintf(stderr, "%s: %s\n", program, problem.c_str());
    std::fprintf(stderr,
                 "usage: %s NAME\n"
                 "       %s E M BIAS [ieee|fn|fnuz|finite|e8m0] [unsigned] [nosubnormals]\n"
                 "names:",
                 program, program);
    for (const named& n : named_formats) std::fprintf(stderr, " %s", n.name);
    std::fprintf(stderr, "\n");
    return 2;
}

bool parse_int(std::string_view s, int& out)
{
    const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    return r.ec == std::errc{} && r.ptr == s.data() + s.size();
}

const char* class_of(const format_info& f, std::uint32_t code)
{
    const lowbit::detail::decoded_value d = lowbit::detail::decode(f, code);
    switch (d.cls) {
    case lowbit::detail::value_class::nan: return "nan";
    case lowbit::detail::value_class::infinite: return "inf";
    case lowbit::detail::value_class::zero: return "zero";
    case lowbit::detail::value_class::finite: break;
    }
    const std::uint32_t field = (code & f.magnitude_mask) >> f.mantissa_bits;
    return field == 0 && f.specials != specials::e8m0 ? "subnormal" : "normal";
}

void print_table(const format_info& f, const char* title)
{
    std::printf("# %s: E%dM%d bias %d, %s, %s, %s subnormals; %d bits\n", title, f.exponent_bits, f.mantissa_bits,
                f.bias,
                f.specials == specials::ieee     ? "ieee"
                : f.specials == specials::fn     ? "fn"
                : f.specials == specials::fnuz   ? "fnuz"
                : f.specials == specials::finite ? "finite"
                                                 : "e8m0",
                f.is_signed ? "signed" : "unsigned", f.has_subnormals ? "with" : "without", f.total_bits);
    const int hex_digits = (f.total_bits + 3) / 4;
    std::printf("%10s  %*s  %*s  %-14s %s\n", "code", hex_digits + 2, "hex", f.total_bits, "binary", "value", "class");
    const std::uint64_t count = std::uint64_t{1} << f.total_bits;
    for (std::uint64_t c = 0; c < count; ++c) {
        const auto code = static_cast<std::uint32_t>(c);
        char binary[40];
        for (int i = 0; i < f.total_bits; ++i) binary[i] = (code >> (f.total_bits - 1 - i)) & 1u ? '1' : '0';
        binary[f.total_bits] = '\0';
        char value[512];
        const auto r = lowbit::detail::text::to_chars_shortest(value, value + sizeof value - 1, f, code,
                                                               lowbit::detail::text::style::plain);
        *r.ptr = '\0';
        std::printf("%10u  0x%0*x  %s  %-14s %s\n", code, hex_digits, code, binary, value, class_of(f, code));
    }
}

}  // namespace

int main(int argc, char** argv)
{
    const char* program = argc > 0 ? argv[0] : "format_table";
    if (argc == 2) {
        const std::string_view name = argv[1];
        for (const named& n : named_formats)
            if (name == n.name) {
                if (n.info.total_bits > 20) return usage(program, std::string(n.name) + " has too many codes to list");
                print_table(n.info, n.name);
                return 0;
            }
        return usage(program, "unknown format name '" + std::string(name) + "'");
    }
    if (argc < 4) return usage(program, argc == 1 ? "" : "expected a name, or E M BIAS");
    int e = 0, m = 0, bias = 0;
    if (!parse_int(argv[1], e) || !parse_int(argv[2], m) || !parse_int(argv[3], bias))
        return usage(program, "E, M and BIAS must be integers");
    specials sp = specials::ieee;
    bool is_signed = true, subnormals = true;
    for (int i = 4; i < argc; ++i) {
        const std::string_view a = argv[i];
        if (a == "ieee") sp = specials::ieee;
        else if (a == "fn") sp = specials::fn;
        else if (a == "fnuz") sp = specials::fnuz;
        else if (a == "finite") sp = specials::finite;
        else if (a == "e8m0") sp = specials::e8m0, is_signed = false, subnormals = false;
        else if (a == "unsigned") is_signed = false;
        else if (a == "nosubnormals") subnormals = false;
        else return usage(program, "unknown option '" + std::string(a) + "'");
    }
    const std::string problem = format_parameter_error(e, m, bias, sp, is_signed, subnormals);
    if (!problem.empty()) return usage(program, "invalid format: " + problem);
    const format_info info = lowbit::detail::make_format_info(e, m, bias, sp, is_signed, subnormals);
    if (info.total_bits > 20) return usage(program, "a format of more than 20 bits has too many codes to list");
    const std::string title = "E" + std::to_string(e) + "M" + std::to_string(m);
    print_table(info, title.c_str());
    return 0;
}
