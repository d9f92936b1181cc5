// The library fixture_missing_dependency needs; it is built where the loader never looks.
extern "C" __attribute__((visibility("default"))) int parcours_fixture_stub_answer() { return 42; }
