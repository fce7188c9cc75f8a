// lowbit: low-precision number formats. The umbrella header; it depends on the standard library only.
#pragma once

#include "convert.hpp"
#include "core/format_info.hpp"
#include "core/options.hpp"
#include "types/float_format.hpp"
#include "types/named_formats.hpp"
#include "version.hpp"
