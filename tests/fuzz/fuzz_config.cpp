// libFuzzer target: the bytes are a config file's text; see fuzz_one.h for what is checked.
// Built and run by `make fuzz`. A refusal (InputError) is the expected end of most inputs; a broken
// invariant aborts with its message, and any other exception, crash, sanitizer report, leak or
// timeout is reported by libFuzzer itself.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "tests/fuzz/fuzz_one.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    initscope::fuzz::fuzz_one(std::string_view(reinterpret_cast<const char*>(data), size));
  } catch (const initscope::fuzz::Finding& finding) {
    std::fprintf(stderr, "fuzz_config: %s\n", finding.what());
    std::abort();
  }
  return 0;
}
