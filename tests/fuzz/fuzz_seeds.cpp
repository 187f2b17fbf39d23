// The fuzz target's inputs, made by `make fuzz` from what the repository holds:
//   fuzz_seeds corpus DIR FILE...   writes one seed per file into DIR: an experiment file as it
//                                   is; a lesson as the experiment config it embeds (its lesson
//                                   keys left out) and again as config_to_json writes that config
//                                   (every key), named <lesson>.full.json
//   fuzz_seeds dict                 prints the dictionary (tests/fuzz/config.dict)

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <string_view>

#include "core/io/config_io.h"
#include "core/error.h"
#include "core/io/json.h"
#include "core/lesson.h"
#include "tests/fuzz/fuzz_dict.h"

namespace {

namespace fs = std::filesystem;

// The keys core/lesson.h adds to an experiment file.
constexpr std::string_view kLessonKeys[] = {"title", "summary", "observe", "question", "answer"};

bool is_lesson_key(std::string_view key) {
  for (std::string_view k : kLessonKeys) {
    if (k == key) return true;
  }
  return false;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw initscope::InputError(path.string() + ": cannot be opened");
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_file(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw initscope::InputError(path.string() + ": cannot be written");
}

void write_seeds(const fs::path& dir, const fs::path& file) {
  const std::string text = read_file(file);
  const std::string name = file.filename().string();
  const initscope::json::Value root = initscope::json::parse(text);
  if (!root.is_object() || !root.find("title")) {
    write_file(dir / name, text);  // an experiment file
    return;
  }
  const initscope::Lesson lesson = initscope::parse_lesson(text, file.string());
  initscope::json::Value config = initscope::json::Value::object();
  for (const initscope::json::Member& m : root.members()) {
    if (!is_lesson_key(m.key)) config.set(m.key, m.value);
  }
  write_file(dir / name, initscope::json::write(config));
  write_file(dir / (file.stem().string() + ".full.json"), initscope::config_to_json(lesson.config));
}

int usage() {
  std::cerr << "usage: fuzz_seeds corpus DIR FILE... | fuzz_seeds dict\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage();
  const std::string_view command = argv[1];
  try {
    if (command == "dict" && argc == 2) {
      std::cout << initscope::fuzz::dictionary();
      return 0;
    }
    if (command == "corpus" && argc >= 3) {
      const fs::path dir = argv[2];
      fs::create_directories(dir);
      for (int i = 3; i < argc; ++i) write_seeds(dir, argv[i]);
      return 0;
    }
  } catch (const std::exception& e) {
    std::cerr << "fuzz_seeds: " << e.what() << "\n";
    return 1;
  }
  return usage();
}
