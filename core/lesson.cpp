#include "core/lesson.h"

#include <array>
#include <string>
#include <string_view>
#include <utility>

#include "core/io/config_io.h"
#include "core/error.h"
#include "core/io/json.h"

namespace initscope {
namespace {

// The lesson keys and their fields, in the order a missing one is reported: a file missing several
// names the first of them, as a reader would fill them in.
struct LessonKey {
  std::string_view key;
  std::string Lesson::*field;
};
constexpr std::array<LessonKey, 5> kLessonKeys{{
    {"title", &Lesson::title},
    {"summary", &Lesson::summary},
    {"observe", &Lesson::observe},
    {"question", &Lesson::question},
    {"answer", &Lesson::answer},
}};

bool is_lesson_key(std::string_view key) {
  for (const LessonKey& k : kLessonKeys) {
    if (k.key == key) return true;
  }
  return false;
}

[[noreturn]] void fail(std::string_view source, std::string_view path, const std::string& problem) {
  throw InputError(std::string(source) + ": " + std::string(path) + ": " + problem);
}

// A text the window shows as it is: whitespace alone would leave an empty box, so it counts as
// empty.
std::string read_text(const json::Value& root, std::string_view key, std::string_view source) {
  const json::Value* v = root.find(key);
  if (!v) fail(source, key, "missing");
  if (!v->is_string()) fail(source, key, "expected a string, got " + json::describe(*v));
  const std::string& text = v->as_string();
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
    fail(source, key, "must not be empty");
  }
  return text;
}

}  // namespace

Lesson parse_lesson(std::string_view text, std::string_view source) {
  json::Value root;
  try {
    root = json::parse(text);
  } catch (const json::ParseError& e) {
    // The same message parse_config gives for the same malformed text.
    throw InputError(std::string(source) + ": " + e.what());
  }
  if (!root.is_object()) {
    throw InputError(std::string(source) + ": the top level must be an object");
  }

  Lesson lesson;
  for (const LessonKey& k : kLessonKeys) lesson.*k.field = read_text(root, k.key, source);

  // The rest is an experiment file, and is read by the very code that reads one, so a lesson can
  // hold nothing an experiment file could not and its unknown keys are warned about the same way.
  // Config errors name JSON paths, not positions, so writing the object back loses nothing.
  json::Value config = json::Value::object();
  for (const json::Member& m : root.members()) {
    if (!is_lesson_key(m.key)) config.set(m.key, m.value);
  }
  LoadedConfig loaded = parse_config(json::write(config), source);
  lesson.config = std::move(loaded.config);
  lesson.warnings = std::move(loaded.warnings);
  return lesson;
}

}  // namespace initscope
