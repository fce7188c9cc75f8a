// Every code of every named format up to 16 bits decoded by lowbit, compared with the decode tables that
// ml_dtypes, Eigen and CUDA produced (tests/data, see its README for provenance).
#include <catch2/catch.hpp>

#include <bit>
#include <cmath>
#include <cstdint>
#include <string>

#include "conformance_data.hpp"
#include "format_list.hpp"

namespace {

using lowbit_test::decode_entry;

struct decode_table {
    const char* reference;  // file stem prefix: ml_dtypes, CUDA or Eigen
    const char* format;     // the reference's name for the format
};

constexpr decode_table tables[] = {
    {"mldtypes", "float8_e4m3fn"},   {"mldtypes", "float8_e4m3"},        {"mldtypes", "float8_e4m3fnuz"},
    {"mldtypes", "float8_e4m3b11fnuz"}, {"mldtypes", "float8_e3m4"},     {"mldtypes", "float8_e5m2"},
    {"mldtypes", "float8_e5m2fnuz"}, {"mldtypes", "float8_e8m0fnu"},     {"mldtypes", "float6_e2m3fn"},
    {"mldtypes", "float6_e3m2fn"},   {"mldtypes", "float4_e2m1fn"},      {"mldtypes", "bfloat16"},
    {"eigen", "half"},               {"cuda", "fp8_e4m3"},               {"cuda", "fp8_e5m2"},
    {"cuda", "e8m0"},                {"cuda", "fp6_e2m3"},               {"cuda", "fp6_e3m2"},
    {"cuda", "fp4_e2m1"},            {"cuda", "bf16"},                   {"cuda", "fp16"},
};

// Compares one decoded value with the reference: finite values bit for bit (so the sign of zero counts),
// Inf by sign, NaN by class only (payloads are artefacts of each reference's widening).
bool same_value(double ours, const decode_entry& ref)
{
    switch (ref.cls) {
    case decode_entry::kind::nan: return std::isnan(ours);
    case decode_entry::kind::inf: return std::isinf(ours) && std::signbit(ours) == std::signbit(ref.value);
    case decode_entry::kind::finite: return std::bit_cast<std::uint64_t>(ours) == std::bit_cast<std::uint64_t>(ref.value);
    }
    return false;
}

}  // namespace

TEST_CASE("every code decodes as the reference decodes it", "[conversion][decode][conformance]")
{
    for (const auto& table : tables) {
        const std::string name = std::string(table.reference) + "_" + table.format;
        SECTION(name)
        {
            const auto entries = lowbit_test::load_decode_table(name);
            lowbit_test::with_format(table.format, [&](auto tag) {
                using T = typename decltype(tag)::type;
                REQUIRE(entries.size() == (std::size_t{1} << T::info.total_bits));
                int mismatches = 0;
                for (const auto& e : entries) {
                    const T x = T::from_bits(static_cast<typename T::storage_type>(e.code));
                    const double as_double = static_cast<double>(x);
                    const double via_float = static_cast<double>(static_cast<float>(x));
                    if (!same_value(as_double, e) || !same_value(via_float, e)) {
                        if (++mismatches <= 5) {
                            INFO(name << " code " << std::hex << e.code << " ours " << as_double << " reference "
                                      << e.value);
                            CHECK(false);
                        }
                    }
                }
                CHECK(mismatches == 0);
            });
        }
    }
}

// CUDA decodes FP8/FP6/FP4 to a half and E8M0 to a bfloat16; those raw codes are the tables' fourth column.
// Decoding with lowbit and encoding the value into lowbit's float16/bfloat16 must give the same code (CUDA's
// NaN is the canonical all-ones code).
TEST_CASE("decoding through half and bfloat16 matches CUDA's native results", "[conversion][decode][conformance]")
{
    lowbit::conversion_options cuda_nan;
    cuda_nan.nan = lowbit::nan_encoding::canonical;
    for (const char* format : {"fp8_e4m3", "fp8_e5m2", "fp6_e2m3", "fp6_e3m2", "fp4_e2m1", "e8m0"}) {
        SECTION(format)
        {
            const auto entries = lowbit_test::load_decode_table(std::string("cuda_") + format);
            lowbit_test::with_format(format, [&](auto tag) {
                using T = typename decltype(tag)::type;
                int checked = 0;
                for (const auto& e : entries) {
                    REQUIRE(e.native.has_value());
                    const double v = static_cast<double>(T::from_bits(static_cast<typename T::storage_type>(e.code)));
                    const std::uint32_t ours = T::info.specials == lowbit::specials::e8m0
                                                   ? lowbit::convert<lowbit::bfloat16>(v, cuda_nan).bits()
                                                   : lowbit::convert<lowbit::float16>(v, cuda_nan).bits();
                    INFO("code " << std::hex << e.code);
                    CHECK(ours == *e.native);
                    ++checked;
                }
                CHECK(checked == (1 << T::info.total_bits));
            });
        }
    }
}
