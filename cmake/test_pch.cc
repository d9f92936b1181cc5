// Compiled only to build the test programs' shared precompiled header
// (parcours_test_pch, cmake/ParcoursPch.cmake).
