// The bulk functions on spans (lowbit::convert, lowbit::convert_stochastic, lowbit::packed::pack, unpack
// and convert, and the MX quantizers and dequantizers) refuse overlapping spans with std::invalid_argument
// before writing anything, on every isa, and accept spans that only touch.

#include <catch2/catch.hpp>

#include <lowbit/bulk.hpp>
#include <lowbit/bulk_stochastic.hpp>
#include <lowbit/lowbit.hpp>
#include <lowbit/mx/ggml_mxfp4.hpp>
#include <lowbit/mx/matrix.hpp>
#include <lowbit/mx/quantize.hpp>
#include <lowbit/packed.hpp>
#include <lowbit/simd/isa.hpp>

#include "simd_test_state.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <stdexcept>
#include <vector>

namespace {

using lowbit::simd::isa;

constexpr std::size_t count = 64;

// One byte buffer that the tests view as floats and as codes at chosen byte offsets, so that input and
// output can overlap or just touch. Floats and the one- and two-byte code types are implicit-lifetime types,
// so viewing the bytes as them is well defined.
struct arena {
    alignas(64) unsigned char bytes[1024];

    arena()
    {
        for (std::size_t i = 0; i < 256; ++i) {
            const float x = static_cast<float>(i % 17) * 0.25f - 2.0f;
            std::memcpy(bytes + 4 * i, &x, sizeof x);
        }
    }
    template <class T>
    std::span<T> view(std::size_t byte_offset, std::size_t n)
    {
        return std::span<T>(reinterpret_cast<T*>(bytes + byte_offset), n);
    }
};

// Runs `call`, which must throw std::invalid_argument saying the spans overlap, and checks that the arena's
// bytes did not change.
template <class Call>
void require_refused(arena& a, Call call)
{
    std::vector<unsigned char> before(std::begin(a.bytes), std::end(a.bytes));
    REQUIRE_THROWS_WITH(call(), Catch::Contains("spans overlap"));
    REQUIRE(std::equal(before.begin(), before.end(), std::begin(a.bytes)));
}

}  // namespace

TEST_CASE("bulk conversions refuse overlapping spans without writing", "[api][simd]")
{
    lowbit_test::for_each_isa([&](isa) {
        arena a;
        using fp8 = lowbit::float8_e4m3fn;
        const auto floats = a.view<const float>(0, count);  // bytes 0 .. 255

        // float32 -> codes: the codes start inside the floats, at their first byte, or cover their last one.
        for (const std::size_t offset : {std::size_t{0}, std::size_t{100}, std::size_t{255}})
            require_refused(a, [&] { lowbit::convert(floats, a.view<fp8>(offset, count)); });
        require_refused(a, [&] { lowbit::convert(a.view<const float>(32, count), a.view<fp8>(0, count)); });
        require_refused(a, [&] {
            lowbit::convert_stochastic(floats, a.view<fp8>(128, count), lowbit::stochastic_stream{1, 0},
                                       lowbit::conversion_options{});
        });

        // codes -> float32: in place would overwrite codes not yet read.
        require_refused(a, [&] { lowbit::convert(a.view<const fp8>(0, count), a.view<float>(0, count)); });
        // Format to format.
        require_refused(a, [&] {
            lowbit::convert(a.view<const lowbit::bfloat16>(0, count), a.view<fp8>(64, count), lowbit::conversion_options{});
        });

        // Spans that only touch are fine, and give what separate buffers give.
        lowbit::convert(floats, a.view<fp8>(256, count));
        std::vector<fp8> expected(count);
        lowbit::convert(floats, std::span<fp8>(expected));
        for (std::size_t i = 0; i < count; ++i) REQUIRE(a.view<fp8>(256, count)[i].bits() == expected[i].bits());
        REQUIRE_NOTHROW(lowbit::convert(a.view<const fp8>(256, count), a.view<float>(512, count)));
        REQUIRE_NOTHROW(lowbit::convert(a.view<const fp8>(256, count), a.view<float>(0, count)));
    });
}

TEST_CASE("packed storage refuses overlapping spans without writing", "[api][packed]")
{
    lowbit_test::for_each_isa([&](isa) {
        arena a;
        using fp4 = lowbit::float4_e2m1fn;
        using fp6 = lowbit::float6_e2m3fn;
        const std::size_t fp4_bytes = lowbit::packed::bytes_for<fp4>(count);  // 32
        const std::size_t fp6_bytes = lowbit::packed::bytes_for<fp6>(count);  // 48

        require_refused(a, [&] { lowbit::packed::convert<fp4>(a.view<const float>(0, count), a.view<std::uint8_t>(200, fp4_bytes)); });
        require_refused(a, [&] { lowbit::packed::convert<fp6>(a.view<const float>(0, count), a.view<std::uint8_t>(0, fp6_bytes)); });
        require_refused(a, [&] { lowbit::packed::convert<fp6>(a.view<const std::uint8_t>(0, fp6_bytes), a.view<float>(32, count)); });
        require_refused(a, [&] { lowbit::packed::pack<fp4>(a.view<const fp4>(0, count), a.view<std::uint8_t>(63, fp4_bytes)); });
        require_refused(a, [&] { lowbit::packed::unpack<fp6>(a.view<const std::uint8_t>(10, fp6_bytes), a.view<fp6>(0, count)); });

        // Touching spans: the packed bytes right after the floats, then back right after those.
        lowbit::packed::convert<fp6>(a.view<const float>(0, count), a.view<std::uint8_t>(256, fp6_bytes));
        std::vector<std::uint8_t> expected(fp6_bytes);
        lowbit::packed::convert<fp6>(a.view<const float>(0, count), std::span<std::uint8_t>(expected));
        REQUIRE(std::equal(expected.begin(), expected.end(), a.view<std::uint8_t>(256, fp6_bytes).begin()));
        REQUIRE_NOTHROW(lowbit::packed::convert<fp6>(a.view<const std::uint8_t>(256, fp6_bytes), a.view<float>(256 + fp6_bytes, count)));
    });
}

TEST_CASE("MX quantization refuses overlapping spans without writing", "[api][mx]")
{
    namespace mx = lowbit::mx;
    using scale = lowbit::float8_e8m0fnu;
    lowbit_test::for_each_isa([&](isa) {
        arena a;
        const auto floats = a.view<const float>(0, count);  // bytes 0 .. 255; two blocks of 32

        // Quantize: the elements or the scales inside the floats, or the scales inside the elements.
        require_refused(a, [&] { mx::quantize<mx::fp8_e4m3>(floats, a.view<std::uint8_t>(192, count), a.view<scale>(300, 2)); });
        require_refused(a, [&] { mx::quantize<mx::fp8_e4m3>(floats, a.view<std::uint8_t>(300, count), a.view<scale>(255, 2)); });
        require_refused(a, [&] { mx::quantize<mx::fp8_e4m3>(floats, a.view<std::uint8_t>(300, count), a.view<scale>(363, 2)); });
        require_refused(a, [&] {
            mx::quantize_matrix<mx::fp8_e4m3>(floats, {2, 32}, mx::block_direction::along_rows, a.view<std::uint8_t>(0, count),
                                             a.view<scale>(300, 2));
        });
        require_refused(a, [&] { mx::ggml::quantize_mxfp4(floats, a.view<std::uint8_t>(240, 34)); });

        // Dequantize: the floats over the elements or over the scales (elements and scales may share bytes).
        require_refused(a, [&] { mx::dequantize<mx::fp8_e4m3>(a.view<const std::uint8_t>(300, count), a.view<const scale>(400, 2), a.view<float>(256, count)); });
        require_refused(a, [&] { mx::dequantize<mx::fp8_e4m3>(a.view<const std::uint8_t>(0, count), a.view<const scale>(700, 2), a.view<float>(512, count)); });
        require_refused(a, [&] {
            mx::dequantize_matrix<mx::fp8_e4m3>(a.view<const std::uint8_t>(300, count), a.view<const scale>(400, 2), {2, 32},
                                               mx::block_direction::along_rows, a.view<float>(200, count));
        });
        require_refused(a, [&] { mx::ggml::dequantize_mxfp4(a.view<const std::uint8_t>(300, 34), a.view<float>(320, count)); });

        // Touching spans: elements right after the floats, scales right after the elements; then floats
        // right after the elements, from elements and scales that share bytes (both only read).
        mx::quantize<mx::fp8_e4m3>(floats, a.view<std::uint8_t>(256, count), a.view<scale>(320, 2));
        std::vector<std::uint8_t> elements(count);
        std::vector<scale> scales(2);
        mx::quantize<mx::fp8_e4m3>(floats, std::span<std::uint8_t>(elements), std::span<scale>(scales));
        REQUIRE(std::equal(elements.begin(), elements.end(), a.view<std::uint8_t>(256, count).begin()));
        REQUIRE(a.view<scale>(320, 2)[1].bits() == scales[1].bits());
        REQUIRE_NOTHROW(mx::dequantize<mx::fp8_e4m3>(a.view<const std::uint8_t>(256, count), a.view<const scale>(256, 2),
                                                     a.view<float>(320, count)));
    });
}
