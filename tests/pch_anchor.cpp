// Carries the precompiled Catch2 header the test executables reuse (tests/CMakeLists.txt).
