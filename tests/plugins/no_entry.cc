// A shared library that is not a plugin: it has no entry symbol.
extern "C" __attribute__((visibility("default"))) int fixture_no_entry_answer() { return 42; }
