// lowbit's version as one integer and as parts, for feature tests in consumer code.
#pragma once

#define LOWBIT_VERSION_MAJOR 0
#define LOWBIT_VERSION_MINOR 1
#define LOWBIT_VERSION_PATCH 0
// major * 10000 + minor * 100 + patch, so `#if LOWBIT_VERSION >= 100` reads naturally.
#define LOWBIT_VERSION (LOWBIT_VERSION_MAJOR * 10000 + LOWBIT_VERSION_MINOR * 100 + LOWBIT_VERSION_PATCH)
