// Quantizes synthetic tensors (Gaussian, Laplace, Gaussian with rare large outliers) with MXFP8, MXFP6,
// MXFP4 and MXINT8 under each scale rule, and, for reference, with plain per-tensor casts, and prints the
// signal-to-quantization-noise ratio of each (dB, higher is better).
//   compare_formats                      (65536 values per tensor, blocks of 32, seed 1)
//   compare_formats --size 4096 --block 16 --seed 7 --csv
// Build and run:  cmake --build build --target compare_formats && build/examples/compare_formats
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <limits>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <lowbit/bulk.hpp>
#include <lowbit/lowbit.hpp>
#include <lowbit/mx.hpp>

namespace {

namespace mx = lowbit::mx;

struct settings {
    std::size_t size = 65536;
    std::size_t block = 32;
    std::uint32_t seed = 1;
    bool csv = false;
};

int usage(const char* program, const std::string& problem)
{
    std::fprintf(stderr,
                 "%s: %s\n"
                 "usage: %s [--size N] [--block B] [--seed S] [--csv]\n"
                 "  --size N   values per tensor, 1 to 100000000 (default 65536)\n"
                 "  --block B  MX block size, 1 to N (default 32)\n"
                 "  --seed S   random seed, an unsigned 32-bit integer (default 1)\n"
                 "  --csv      comma-separated output instead of a table\n",
                 program, problem.c_str(), program);
    return 2;
}

template <class Unsigned>
bool parse_unsigned(std::string_view text, Unsigned& out)
{
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
    return error == std::errc{} && end == text.data() + text.size() && !text.empty();
}

struct tensor {
    std::string name;
    std::vector<float> values;
};

std::vector<tensor> make_tensors(std::size_t n, std::uint32_t seed)
{
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::exponential_distribution<float> exponential(1.0f);
    std::uniform_real_distribution<float> unit(0.0f, 1.0f);
    std::vector<tensor> tensors = {{"gaussian", {}}, {"laplace", {}}, {"outliers", {}}};
    for (std::size_t i = 0; i < n; ++i) {
        tensors[0].values.push_back(normal(rng));
        tensors[1].values.push_back(exponential(rng) - exponential(rng));  // Laplace(0, 1): heavier tails
        // Gaussian with one value in 1000 multiplied by 100, as activation outliers in LLMs.
        const float v = normal(rng);
        tensors[2].values.push_back(unit(rng) < 0.001f ? v * 100.0f : v);
    }
    return tensors;
}

double sqnr_db(const std::vector<float>& x, const std::vector<float>& q)
{
    double signal = 0.0, noise = 0.0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        const double d = static_cast<double>(x[i]) - static_cast<double>(q[i]);
        signal += static_cast<double>(x[i]) * static_cast<double>(x[i]);
        noise += d * d;
    }
    if (noise == 0.0) return INFINITY;
    if (!std::isfinite(noise)) return -INFINITY;
    return 10.0 * std::log10(signal / noise);
}

// A quantizer: values in, the values it represents out.
using quantizer = std::function<std::vector<float>(const std::vector<float>&)>;

struct method {
    std::string name;
    std::string rule;
    quantizer run;
};

template <class Elem>
quantizer mx_quantizer(mx::scale_rule rule, std::size_t block)
{
    return [rule, block](const std::vector<float>& x) {
        std::vector<std::uint8_t> elements(mx::element_bytes<Elem>(x.size()));
        std::vector<lowbit::float8_e8m0fnu> scales(mx::scale_count(x.size(), block));
        mx::quantize<Elem>(x, elements, scales, rule, block);
        std::vector<float> back(x.size());
        mx::dequantize<Elem>(elements, scales, back, block);
        return back;
    };
}

// A plain cast to T, saturating at T's max; with `scaled`, the whole tensor is first multiplied by
// max(T) / amax (the usual per-tensor FP8 recipe) and divided back afterwards.
template <class T>
quantizer cast_quantizer(bool scaled)
{
    return [scaled](const std::vector<float>& x) {
        float factor = 1.0f;
        if (scaled) {
            float amax = 0.0f;
            for (float v : x) amax = std::fmax(amax, std::fabs(v));
            if (amax > 0.0f) factor = static_cast<float>(std::numeric_limits<T>::max()) / amax;
        }
        std::vector<float> scaled_x(x.size());
        for (std::size_t i = 0; i < x.size(); ++i) scaled_x[i] = x[i] * factor;
        std::vector<T> codes(x.size());
        lowbit::convert<T>(scaled_x, codes, lowbit::rounding::nearest_even, lowbit::overflow::saturate);
        std::vector<float> back(x.size());
        lowbit::convert<T>(codes, back);
        for (float& v : back) v /= factor;
        return back;
    };
}

template <class Elem>
void add_mx(std::vector<method>& methods, const std::string& name, std::size_t block)
{
    for (mx::scale_rule rule : mx::all_scale_rules)
        methods.push_back({name, std::string(mx::scale_rule_name(rule)), mx_quantizer<Elem>(rule, block)});
}

}  // namespace

int main(int argc, char** argv)
{
    settings s;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        const bool has_value = i + 1 < argc;
        if (arg == "--csv") {
            s.csv = true;
        } else if (arg == "--size" && has_value) {
            if (!parse_unsigned(argv[++i], s.size) || s.size == 0 || s.size > 100000000)
                return usage(argv[0], "--size wants an integer from 1 to 100000000, not '" + std::string(argv[i]) + "'");
        } else if (arg == "--block" && has_value) {
            if (!parse_unsigned(argv[++i], s.block) || s.block == 0)
                return usage(argv[0], "--block wants a positive integer, not '" + std::string(argv[i]) + "'");
        } else if (arg == "--seed" && has_value) {
            if (!parse_unsigned(argv[++i], s.seed))
                return usage(argv[0], "--seed wants an unsigned 32-bit integer, not '" + std::string(argv[i]) + "'");
        } else if (arg == "--size" || arg == "--block" || arg == "--seed") {
            return usage(argv[0], std::string(arg) + " needs a value");
        } else {
            return usage(argv[0], "unknown argument '" + std::string(arg) + "'");
        }
    }
    if (s.block > s.size) return usage(argv[0], "--block cannot exceed --size");

    const std::vector<tensor> tensors = make_tensors(s.size, s.seed);
    std::vector<method> methods;
    add_mx<mx::fp8_e4m3>(methods, "MXFP8 E4M3", s.block);
    add_mx<mx::fp8_e5m2>(methods, "MXFP8 E5M2", s.block);
    add_mx<mx::fp6_e3m2>(methods, "MXFP6 E3M2", s.block);
    add_mx<mx::fp6_e2m3>(methods, "MXFP6 E2M3", s.block);
    add_mx<mx::fp4_e2m1>(methods, "MXFP4 E2M1", s.block);
    add_mx<mx::int8>(methods, "MXINT8", s.block);
    methods.push_back({"float8_e4m3fn cast", "-", cast_quantizer<lowbit::float8_e4m3fn>(false)});
    methods.push_back({"float8_e4m3fn scaled", "tensor", cast_quantizer<lowbit::float8_e4m3fn>(true)});
    methods.push_back({"float8_e5m2 cast", "-", cast_quantizer<lowbit::float8_e5m2>(false)});
    methods.push_back({"bfloat16 cast", "-", cast_quantizer<lowbit::bfloat16>(false)});

    if (s.csv) {
        std::printf("format,rule");
        for (const tensor& t : tensors) std::printf(",%s", t.name.c_str());
        std::printf("\n");
    } else {
        std::printf("SQNR in dB (higher is better); %zu values per tensor, MX blocks of %zu, seed %u\n\n", s.size,
                    s.block, s.seed);
        std::printf("%-22s %-7s", "format", "rule");
        for (const tensor& t : tensors) std::printf(" %10s", t.name.c_str());
        std::printf("\n");
    }
    for (const method& m : methods) {
        if (s.csv)
            std::printf("%s,%s", m.name.c_str(), m.rule.c_str());
        else
            std::printf("%-22s %-7s", m.name.c_str(), m.rule.c_str());
        for (const tensor& t : tensors) {
            const double db = sqnr_db(t.values, m.run(t.values));
            if (s.csv)
                std::printf(",%.2f", db);
            else
                std::printf(" %10.2f", db);
        }
        std::printf("\n");
    }
    return 0;
}
