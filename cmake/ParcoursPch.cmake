# parcours_precompile(TARGET [CLI] [GTEST] [BEAST])
# parcours_reuse_precompiled(TARGET)  (the tests' precompiled headers)
#
# Precompiles the heavy third-party headers most of TARGET's sources include
# (the standard containers, nlohmann/json, spdlog, Boost.Asio's io_context, and
# on request CLI11, GoogleTest, Boost.Beast), so that each source file stops
# parsing them again: on the 2-core CI machine this is most of a build's time.
# Only third-party and standard headers go in, never the project's own, so that
# editing a project header does not rebuild every precompiled header.
function(parcours_precompile target)
  cmake_parse_arguments(PCH "CLI;GTEST;BEAST" "" "" ${ARGN})
  set(headers <algorithm> <functional> <map> <memory> <optional> <string> <string_view> <vector>
    <nlohmann/json.hpp> <spdlog/spdlog.h> <boost/asio/io_context.hpp>)
  if(PCH_CLI)
    list(APPEND headers <CLI/CLI.hpp>)
  endif()
  if(PCH_GTEST)
    list(APPEND headers <gtest/gtest.h>)
  endif()
  if(PCH_BEAST)
    list(APPEND headers <boost/beast/core.hpp> <boost/beast/http.hpp>)
  endif()
  target_precompile_headers(${target} PRIVATE ${headers})
endfunction()

# The test programs (unit, end-to-end, scenarios, plugin tests, conformance)
# share one precompiled header, built once by parcours_test_pch: they are
# compiled with the same flags, so each need not build its own.
function(parcours_reuse_precompiled target)
  if(TARGET parcours_test_pch)
    target_precompile_headers(${target} REUSE_FROM parcours_test_pch)
  endif()
endfunction()
