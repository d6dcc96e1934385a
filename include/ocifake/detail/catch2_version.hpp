#pragma once
// Which Catch2 ocifake/catch2.hpp (and ocifake's own tests) include: OCIFAKE_CATCH2_VERSION, 3 when
// v3's headers are on the include path, else 2; define it to choose.

#ifndef OCIFAKE_CATCH2_VERSION
#if __has_include(<catch2/catch_test_macros.hpp>)
#define OCIFAKE_CATCH2_VERSION 3
#else
#define OCIFAKE_CATCH2_VERSION 2
#endif
#endif
