#pragma once

// A lesson: an experiment file (SPEC section 3) with a text around it. The lesson keys sit at the
// top level beside the config's:
//   "title", "summary" (what the lesson is about), "observe" (where to look in the plots),
//   "question" (a prediction to make before looking), "answer" (revealed on request).

#include <string>
#include <string_view>
#include <vector>

#include "core/config.h"

namespace initscope {

struct Lesson {
  std::string title;
  std::string summary;
  std::string observe;
  std::string question;
  std::string answer;
  Config config;
  std::vector<std::string> warnings;  // the config's, e.g. unknown keys
};

/// Reads a lesson; every lesson key is required and must be a non-empty string. Throws InputError
/// `<source>: <key>: <problem>` like parse_config.
Lesson parse_lesson(std::string_view text, std::string_view source);

}  // namespace initscope
