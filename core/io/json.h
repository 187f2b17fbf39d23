#pragma once

// A strict JSON (RFC 8259) reader and a pretty writer, for the config file and stats.json.
// Strict, because a config is written by hand: whatever a lenient reader would guess at (NaN, a
// trailing comma, a duplicate key, a single-quoted string) is refused with the line and column
// of the first offending character, so the user fixes the file instead of running something else
// than what they wrote.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace initscope::json {

/// Where a value starts in the source text: 1-based line and column. Columns count characters
/// (UTF-8 code points), not bytes, as editors do; a BOM does not count. 0 for built values.
struct Position {
  int line = 0;
  int column = 0;
};

/// Malformed JSON. what() is `line L, column C: <problem>`.
class ParseError : public InputError {
 public:
  ParseError(Position position, const std::string& problem);

  int line() const { return position_.line; }
  int column() const { return position_.column; }
  Position position() const { return position_; }
  /// The message without its position.
  const std::string& problem() const { return problem_; }

 private:
  Position position_;
  std::string problem_;
};

/// Documents nested deeper than this are refused, so that reading (which recurses once per level)
/// cannot exhaust the stack whatever the input.
inline constexpr int kMaxNesting = 256;

/// Documents with more values than this (numbers, strings, arrays, ... wherever they stand) are
/// refused, so that memory stays bounded whatever the input: a value takes about 100 bytes, and a
/// 16 MB file of "0," would otherwise take a gigabyte.
inline constexpr std::size_t kMaxValues = 1'000'000;

enum class Type { null, boolean, number, string, array, object };

/// "null", "boolean", "number", "string", "array", "object".
std::string_view type_name(Type type);

struct Member;

/// A JSON value. Objects keep their members in file order; numbers keep their text, so that an
/// integer beyond 2^53 (a 64-bit seed) reads back exactly.
class Value {
 public:
  /// null
  Value() = default;

  static Value null();
  static Value boolean(bool b);
  /// A number written as its shortest round-trip text ("0.1", "1e-05", "20.0"). JSON has no
  /// NaN or infinity: a non-finite x gives null, as JavaScript's JSON.stringify does, so that an
  /// overflowing statistic still makes a readable file.
  static Value number(double x);
  /// A number written as an integer ("20", not "20.0").
  static Value integer(std::int64_t i);
  static Value unsigned_integer(std::uint64_t i);
  /// A number from its JSON text, kept as written if it is an integer. Throws InputError if the
  /// text is not a JSON number or is out of the range of a double.
  static Value number_from_text(std::string_view text);
  static Value string(std::string s);
  /// An empty array.
  static Value array();
  static Value array(std::vector<Value> items);
  static Value object();

  Type type() const { return type_; }
  bool is_null() const { return type_ == Type::null; }
  bool is_bool() const { return type_ == Type::boolean; }
  bool is_number() const { return type_ == Type::number; }
  bool is_string() const { return type_ == Type::string; }
  bool is_array() const { return type_ == Type::array; }
  bool is_object() const { return type_ == Type::object; }

  /// The accessors throw InputError ("line L, column C: expected a number, got a string") when
  /// the value has another type.
  bool as_bool() const;
  double as_number() const;
  /// The number's text: as written in the source, or as the writer will write it.
  const std::string& number_text() const;
  const std::string& as_string() const;
  const std::vector<Value>& items() const;
  const std::vector<Member>& members() const;

  /// Whether the number is an integer, judged exactly from its text: 20, 20.0, 2e1 and
  /// 18446744073709551616 are; 2.5 and 1e-3 are not.
  bool is_integral() const;
  /// The exact integer, or nullopt if the number is not integral or does not fit.
  std::optional<std::int64_t> to_int64() const;
  std::optional<std::uint64_t> to_uint64() const;

  /// Number of items of an array or members of an object.
  std::size_t size() const;
  /// An object's member, or nullptr.
  const Value* find(std::string_view key) const;
  Value* find(std::string_view key);

  /// On an object: replaces the member's value if the key exists, else appends the member.
  void set(std::string_view key, Value value);
  /// On an array: appends.
  void push_back(Value value);

  Position position() const { return position_; }
  int line() const { return position_.line; }
  int column() const { return position_.column; }
  void set_position(Position position) { position_ = position; }

  /// Same type and content; positions are ignored, object members compare in order, numbers by
  /// value (integers exactly, by their text).
  friend bool operator==(const Value& a, const Value& b);

 private:
  friend class Reader;

  [[noreturn]] void type_mismatch(Type wanted) const;

  Type type_ = Type::null;
  bool bool_ = false;
  double number_ = 0.0;
  std::string text_;  // string: the value; number: its text (a plain integer is written as is)
  std::vector<Value> items_;
  std::vector<Member> members_;
  Position position_;
};

struct Member {
  std::string key;
  Value value;
  Position key_position;  // of the key's opening quote

  friend bool operator==(const Member& a, const Member& b) {
    return a.key == b.key && a.value == b.value;
  }
};

// Defined here, where Member is complete: clang with libstdc++'s constexpr std::vector (C++20)
// instantiates vector<Member>'s constructor and destructor where a Value is built.
inline Value Value::null() {
  return Value();
}
inline Value Value::array() {
  return array(std::vector<Value>());
}

/// Reads one JSON document (a leading UTF-8 BOM is skipped). Throws ParseError.
Value parse(std::string_view text);

/// Pretty-prints with a 2-space indent and a final newline. Arrays holding only numbers, booleans,
/// nulls and strings stay on one line (`[0.5, 1.5]`), so histograms remain readable; everything
/// else takes one element per line. Invalid UTF-8 in a string is written as U+FFFD, so the output
/// always parses.
std::string write(const Value& value);

/// A short description of a value for messages: `"20"`, `2.5`, `true`, `null`, `an array`,
/// `an object`. Long strings are cut.
std::string describe(const Value& value);

}  // namespace initscope::json
