#include "core/io/json.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <unordered_map>
#include <utility>

#include "core/io/format.h"
#include "core/names.h"

namespace initscope::json {
namespace {

bool is_digit(unsigned char c) {
  return c >= '0' && c <= '9';
}
bool is_letter(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_continuation(unsigned char c) {
  return (c & 0xC0) == 0x80;
}

// The length of the well-formed UTF-8 sequence starting at text[pos] (RFC 3629, table 3-7 of the
// Unicode standard: no overlong forms, no encoded surrogates, nothing above U+10FFFF), or 0.
std::size_t utf8_sequence_length(std::string_view text, std::size_t pos, char32_t* code_point) {
  const auto at = [&](std::size_t i) -> unsigned {
    return pos + i < text.size() ? static_cast<unsigned char>(text[pos + i]) : 0u;
  };
  const unsigned c = at(0);
  std::size_t length = 0;
  unsigned low = 0x80, high = 0xBF;  // the allowed range of the second byte
  char32_t value = 0;
  if (c < 0x80) {
    if (code_point) *code_point = c;
    return 1;
  } else if (c >= 0xC2 && c <= 0xDF) {
    length = 2;
    value = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    length = 3;
    value = c & 0x0F;
    if (c == 0xE0) low = 0xA0;
    if (c == 0xED) high = 0x9F;  // U+D800..U+DFFF are surrogates, not characters
  } else if (c >= 0xF0 && c <= 0xF4) {
    length = 4;
    value = c & 0x07;
    if (c == 0xF0) low = 0x90;
    if (c == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  for (std::size_t i = 1; i < length; ++i) {
    const unsigned b = at(i);
    if (i == 1 ? (b < low || b > high) : !is_continuation(static_cast<unsigned char>(b))) return 0;
    value = (value << 6) | (b & 0x3F);
  }
  if (code_point) *code_point = value;
  return length;
}

void append_utf8(char32_t cp, std::string& out) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::string hex(unsigned value, int digits) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string text(static_cast<std::size_t>(digits), '0');
  for (int i = digits - 1; i >= 0; --i, value >>= 4)
    text[static_cast<std::size_t>(i)] = kDigits[value & 0xF];
  return text;
}

std::string code_point_name(char32_t cp) {
  return "U+" + hex(cp, cp > 0xFFFF ? 6 : 4);
}

// A string as a JSON literal for messages and output: quotes, backslashes and control characters
// escaped, invalid UTF-8 replaced by U+FFFD.
void append_quoted(std::string_view s, std::string& out) {
  out += '"';
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += "\\u" + hex(c, 4);
        } else if (c < 0x80) {
          out += static_cast<char>(c);
        } else if (const std::size_t n = utf8_sequence_length(s, i, nullptr)) {
          out.append(s.substr(i, n));
          i += n;
          continue;
        } else {
          out += "\xEF\xBF\xBD";
        }
    }
    ++i;
  }
  out += '"';
}

std::string quoted(std::string_view s) {
  std::string out;
  append_quoted(s, out);
  return out;
}

// Messages show at most this many bytes of a word or string, cut at a character boundary.
std::string_view cut(std::string_view s, std::size_t limit = 40) {
  if (s.size() <= limit) return s;
  while (limit > 0 && is_continuation(static_cast<unsigned char>(s[limit]))) --limit;
  return s.substr(0, limit);
}

// The integer a JSON number text denotes, judged exactly from its digits; `magnitude` is empty
// when |value| ≥ 2^64. nullopt when the number is not an integer.
struct ExactInteger {
  bool negative = false;
  std::optional<std::uint64_t> magnitude;
};

std::optional<ExactInteger> exact_integer(std::string_view text) {
  ExactInteger result;
  std::size_t i = 0;
  if (i < text.size() && text[i] == '-') {
    result.negative = true;
    ++i;
  }
  std::string digits;
  long long exponent = 0;
  for (; i < text.size() && is_digit(static_cast<unsigned char>(text[i])); ++i) digits += text[i];
  if (i < text.size() && text[i] == '.') {
    for (++i; i < text.size() && is_digit(static_cast<unsigned char>(text[i])); ++i) {
      digits += text[i];
      --exponent;
    }
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool negative_exponent = false;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) negative_exponent = text[i++] == '-';
    long long e = 0;
    // Saturate: any exponent beyond this makes the value either 0 or far beyond 2^64.
    for (; i < text.size() && is_digit(static_cast<unsigned char>(text[i])); ++i) {
      e = std::min(e * 10 + (text[i] - '0'), 1'000'000'000'000LL);
    }
    exponent += negative_exponent ? -e : e;
  }
  const std::size_t first = digits.find_first_not_of('0');
  if (first == std::string::npos) {
    result.magnitude = 0;
    return result;
  }
  digits.erase(0, first);
  while (digits.back() == '0') {
    digits.pop_back();
    ++exponent;
  }
  if (exponent < 0) return std::nullopt;
  if (static_cast<long long>(digits.size()) + exponent > 20) return result;
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  std::uint64_t m = 0;
  for (char d : digits) {
    const auto digit = static_cast<std::uint64_t>(d - '0');
    if (m > (kMax - digit) / 10) return result;
    m = m * 10 + digit;
  }
  for (long long k = 0; k < exponent; ++k) {
    if (m > kMax / 10) return result;
    m *= 10;
  }
  result.magnitude = m;
  return result;
}

bool is_integer_text(std::string_view text) {
  return text.find_first_of(".eE") == std::string_view::npos;
}

bool is_nonfinite_word(std::string_view word) {
  std::string lower(word);
  for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return lower == "nan" || lower == "inf" || lower == "infinity";
}

}  // namespace

// A recursive-descent reader that tracks line and column as it goes. Recursion is bounded by
// kMaxNesting, checked before each descent. A friend of Value, to fill numbers and objects
// directly.
class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {
    if (text_.starts_with("\xEF\xBB\xBF")) pos_ = 3;
  }

  Value parse_document() {
    Value value = parse_value(0);
    skip_whitespace();
    if (!at_end()) {
      fail(here(), "trailing characters after the JSON value, starting with " + describe_here());
    }
    return value;
  }

  // The whole text must be one JSON number: Value::number_from_text.
  Value parse_lone_number() {
    if (at_end() || (peek() != '-' && !is_digit(peek()))) unexpected("expected a number");
    Value value = parse_number();
    if (!at_end()) unexpected("expected the end of the number");
    return value;
  }

 private:
  bool at_end() const { return pos_ >= text_.size(); }
  unsigned char peek(std::size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? static_cast<unsigned char>(text_[pos_ + ahead]) : 0;
  }
  Position here() const { return {line_, column_}; }

  // Consumes one byte. Columns count code points, so continuation bytes do not advance them; a
  // CR LF pair, a lone LF and a lone CR each end a line.
  void advance() {
    const auto c = static_cast<unsigned char>(text_[pos_++]);
    if (c == '\n' || (c == '\r' && peek() != '\n')) {
      ++line_;
      column_ = 1;
    } else if (c != '\r' && !is_continuation(c)) {
      ++column_;
    }
  }

  [[noreturn]] static void fail(Position position, const std::string& problem) {
    throw ParseError(position, problem);
  }

  // The character at the current position for a message: 'x', or its code point where it would
  // not show (a control character) or could be mistaken (curly quotes, non-breaking spaces).
  std::string describe_here() {
    const unsigned char c = peek();
    if (c == '\'') return "\"'\"";
    if (c >= 0x20 && c < 0x7F) return std::string("'") + static_cast<char>(c) + "'";
    if (c < 0x80) return code_point_name(c);
    char32_t cp = 0;
    const std::size_t n = utf8_sequence_length(text_, pos_, &cp);
    if (n == 0) invalid_utf8();
    return "'" + std::string(text_.substr(pos_, n)) + "' (" + code_point_name(cp) + ")";
  }

  [[noreturn]] void invalid_utf8() {
    fail(here(), "invalid UTF-8 (byte 0x" + hex(peek(), 2) + "); save the file as UTF-8");
  }

  // "unexpected end of input, <expected>" or "unexpected character 'x', <expected>".
  [[noreturn]] void unexpected(const std::string& expected) {
    if (at_end()) fail(here(), "unexpected end of input, " + expected);
    fail(here(), "unexpected character " + describe_here() + ", " + expected);
  }

  void skip_whitespace() {
    while (!at_end()) {
      const unsigned char c = peek();
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
      advance();
    }
  }

  Value parse_value(int depth) {
    skip_whitespace();
    if (at_end()) unexpected("expected a value");
    if (++values_ > kMaxValues) {
      fail(here(), "more than " + std::to_string(kMaxValues) + " values in the document");
    }
    const unsigned char c = peek();
    const Position start = here();
    Value value;
    if (c == '{') {
      value = parse_object(depth + 1);
    } else if (c == '[') {
      value = parse_array(depth + 1);
    } else if (c == '"') {
      value = Value::string(parse_string());
    } else if (c == '-' || is_digit(c)) {
      value = parse_number();
    } else if (is_letter(c)) {
      value = parse_word();
    } else if (c == '\'') {
      unexpected("expected a value (strings take double quotes)");
    } else {
      unexpected("expected a value");
    }
    value.set_position(start);
    return value;
  }

  void check_depth(int depth) {
    if (depth > kMaxNesting) {
      fail(here(), "nesting deeper than " + std::to_string(kMaxNesting) + " levels");
    }
  }

  std::string_view read_word() {
    const std::size_t begin = pos_;
    while (!at_end() && (is_letter(peek()) || is_digit(peek()) || peek() == '_')) advance();
    return text_.substr(begin, pos_ - begin);
  }

  // true, false, null; anything else spelled with letters gets a targeted message.
  Value parse_word() {
    const Position start = here();
    const std::string_view word = read_word();
    if (word == "true") return Value::boolean(true);
    if (word == "false") return Value::boolean(false);
    if (word == "null") return Value::null();
    if (is_nonfinite_word(word))
      fail(start, std::string(word) + " is not valid JSON; use a number");
    static constexpr std::string_view kLiterals[] = {"true", "false", "null"};
    // A long word is no typo of these (and the edit distance is quadratic in its length).
    std::string hint = word.size() <= 16 ? did_you_mean(word, kLiterals) : "";
    if (hint.empty()) hint = " (strings take double quotes)";
    fail(start, "invalid literal " + quoted(cut(word)) + hint);
  }

  Value parse_number() {
    const Position start = here();
    const std::size_t begin = pos_;
    if (peek() == '-') {
      advance();
      if (is_letter(peek())) {
        const std::string_view word = read_word();
        if (is_nonfinite_word(word)) {
          fail(start, "-" + std::string(word) + " is not valid JSON; use a number");
        }
        fail(start, "invalid number " + quoted("-" + std::string(cut(word))));
      }
    }
    if (peek() == '0') {
      advance();
      if (is_digit(peek())) fail(start, "leading zeros are not allowed in numbers");
    } else if (is_digit(peek())) {
      while (is_digit(peek())) advance();
    } else {
      unexpected("expected a digit after '-'");
    }
    if (peek() == '.') {
      advance();
      if (!is_digit(peek())) unexpected("expected a digit after '.'");
      while (is_digit(peek())) advance();
    }
    if (peek() == 'e' || peek() == 'E') {
      advance();
      if (peek() == '+' || peek() == '-') advance();
      if (!is_digit(peek())) unexpected("expected a digit in the exponent");
      while (is_digit(peek())) advance();
    }
    const std::string_view text = text_.substr(begin, pos_ - begin);
    double x = 0.0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), x);
    if (error == std::errc::result_out_of_range) {
      // from_chars reports underflow and overflow alike. A value below the smallest denormal
      // rounds to zero, as in any JSON reader; only a value beyond the largest double is refused.
      if (exact_integer(text).has_value() || !underflows(text)) {
        fail(start, "number " + std::string(cut(text)) + " is out of the range of a double");
      }
      x = text.starts_with('-') ? -0.0 : 0.0;
    } else if (error != std::errc() || end != text.data() + text.size()) {
      fail(start, "invalid number " + quoted(cut(text)));
    }
    return make_number(text, x);
  }

  // Whether a number (already known to be out of a double's range) is tiny rather than huge: the
  // decimal exponent of its first significant digit is negative.
  static bool underflows(std::string_view text) {
    std::size_t i = text.starts_with('-') ? 1 : 0;
    long long order = -1;  // position of the leading digit relative to the decimal point
    bool seen = false;
    for (; i < text.size() && is_digit(static_cast<unsigned char>(text[i])); ++i) {
      if (seen || text[i] != '0') {
        seen = true;
        ++order;
      }
    }
    if (i < text.size() && text[i] == '.') {
      for (++i; i < text.size() && is_digit(static_cast<unsigned char>(text[i])); ++i) {
        if (seen) continue;
        --order;
        if (text[i] != '0') seen = true;
      }
    }
    long long e = 0;
    bool negative = false;
    if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
      ++i;
      if (i < text.size() && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
      for (; i < text.size(); ++i) e = std::min(e * 10 + (text[i] - '0'), 1'000'000'000'000LL);
    }
    return order + (negative ? -e : e) < 0;
  }

  // The text is kept as written: an integer's digits are exact where the double is not.
  static Value make_number(std::string_view text, double x) {
    Value v;
    v.type_ = Type::number;
    v.number_ = x;
    v.text_ = text;
    return v;
  }

  std::string parse_string() {
    const Position start = here();
    advance();  // the opening quote
    std::string out;
    while (true) {
      if (at_end()) {
        fail(here(), "unexpected end of input inside the string that starts at line " +
                         std::to_string(start.line) + ", column " + std::to_string(start.column));
      }
      const unsigned char c = peek();
      if (c == '"') {
        advance();
        return out;
      }
      if (c == '\\') {
        parse_escape(out);
      } else if (c < 0x20) {
        std::string hint;
        if (c == '\n') hint = " (write it as \\n)";
        if (c == '\t') hint = " (write it as \\t)";
        if (c == '\r') hint = " (write it as \\r)";
        fail(here(), "unescaped control character " + code_point_name(c) + " in a string" + hint);
      } else if (c < 0x80) {
        out += static_cast<char>(c);
        advance();
      } else {
        const std::size_t n = utf8_sequence_length(text_, pos_, nullptr);
        if (n == 0) invalid_utf8();
        out.append(text_.substr(pos_, n));
        for (std::size_t k = 0; k < n; ++k) advance();
      }
    }
  }

  // The four hex digits after "\u", or nullopt; the caller fails then, so what was consumed
  // does not matter.
  std::optional<char32_t> read_hex4() {
    char32_t value = 0;
    for (int k = 0; k < 4; ++k) {
      const unsigned char c = peek();
      unsigned digit = 0;
      if (is_digit(c)) {
        digit = c - '0';
      } else if (c >= 'a' && c <= 'f') {
        digit = c - 'a' + 10;
      } else if (c >= 'A' && c <= 'F') {
        digit = c - 'A' + 10;
      } else {
        return std::nullopt;
      }
      value = (value << 4) | digit;
      advance();
    }
    return value;
  }

  void parse_escape(std::string& out) {
    const Position start = here();
    advance();  // the backslash
    if (at_end()) unexpected("expected an escape after '\\'");
    const unsigned char c = peek();
    const char* simple = nullptr;
    switch (c) {
      case '"':
        simple = "\"";
        break;
      case '\\':
        simple = "\\";
        break;
      case '/':
        simple = "/";
        break;
      case 'b':
        simple = "\b";
        break;
      case 'f':
        simple = "\f";
        break;
      case 'n':
        simple = "\n";
        break;
      case 'r':
        simple = "\r";
        break;
      case 't':
        simple = "\t";
        break;
      case 'u':
        break;
      default: {
        const std::string shown =
            c >= 0x20 && c < 0x7F ? std::string(1, static_cast<char>(c)) : describe_here();
        fail(start, "invalid escape '\\" + shown +
                        "' in a string (valid: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)");
      }
    }
    if (simple) {
      out += simple;
      advance();
      return;
    }
    advance();  // the 'u'
    const auto unit = read_hex4();
    if (!unit) fail(start, "invalid \\u escape: expected 4 hex digits");
    char32_t cp = *unit;
    if (cp >= 0xDC00 && cp <= 0xDFFF) {
      fail(start, "lone surrogate \\u" + hex(cp, 4) + ": a low surrogate must follow a high one");
    }
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      // UTF-16 pair: the high surrogate must be followed by an escaped low surrogate.
      std::optional<char32_t> low;
      if (peek() == '\\' && peek(1) == 'u') {
        const Position second = here();
        advance();
        advance();
        low = read_hex4();
        if (!low) fail(second, "invalid \\u escape: expected 4 hex digits");
      }
      if (!low || *low < 0xDC00 || *low > 0xDFFF) {
        fail(start, "lone surrogate \\u" + hex(cp, 4) +
                        ": a high surrogate must be followed by a low one (\\uDC00-\\uDFFF)");
      }
      cp = 0x10000 + ((cp - 0xD800) << 10) + (*low - 0xDC00);
    }
    append_utf8(cp, out);
  }

  Value parse_array(int depth) {
    check_depth(depth);
    advance();  // '['
    Value array = Value::array();
    skip_whitespace();
    if (peek() == ']') {
      advance();
      return array;
    }
    while (true) {
      skip_whitespace();
      if (peek() == ']' && !array.items().empty()) fail(last_comma_, "trailing comma before ']'");
      array.push_back(parse_value(depth));
      skip_whitespace();
      if (peek() == ',') {
        last_comma_ = here();
        advance();
      } else if (peek() == ']') {
        advance();
        return array;
      } else {
        unexpected("expected ',' or ']'");
      }
    }
  }

  Value parse_object(int depth) {
    check_depth(depth);
    advance();  // '{'
    Value object = Value::object();
    skip_whitespace();
    if (peek() == '}') {
      advance();
      return object;
    }
    // Objects are small, so duplicates are found by a scan; a large one switches to an index.
    std::unordered_map<std::string, int> index;
    constexpr std::size_t kScanLimit = 16;
    while (true) {
      skip_whitespace();
      if (peek() == '}' && object.size() > 0) fail(last_comma_, "trailing comma before '}'");
      if (peek() != '"') {
        unexpected(peek() == '\'' || is_letter(peek()) ? "expected a key (keys take double quotes)"
                                                       : "expected a key");
      }
      const Position key_position = here();
      std::string key = parse_string();
      const std::vector<Member>& members = object.members();
      std::optional<int> first_line;
      if (members.size() < kScanLimit) {
        for (const Member& m : members) {
          if (m.key == key) first_line = m.key_position.line;
        }
      } else {
        if (index.empty()) {
          for (const Member& m : members) index.emplace(m.key, m.key_position.line);
        }
        if (auto it = index.find(key); it != index.end()) first_line = it->second;
        index.emplace(key, key_position.line);
      }
      if (first_line) {
        fail(key_position, "duplicate key " + quoted(cut(key)) + " (first at line " +
                               std::to_string(*first_line) + ")");
      }
      skip_whitespace();
      if (peek() != ':') unexpected("expected ':' after the key");
      advance();
      Value value = parse_value(depth);
      append_member(object, Member{std::move(key), std::move(value), key_position});
      skip_whitespace();
      if (peek() == ',') {
        last_comma_ = here();
        advance();
      } else if (peek() == '}') {
        advance();
        return object;
      } else {
        unexpected("expected ',' or '}'");
      }
    }
  }

  // Appends without set()'s search for the key: duplicates are already refused.
  static void append_member(Value& object, Member member) {
    object.members_.push_back(std::move(member));
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  int line_ = 1;
  int column_ = 1;
  Position last_comma_;
  std::size_t values_ = 0;
};

// --- ParseError ------------------------------------------------------------------------------

ParseError::ParseError(Position position, const std::string& problem)
    : InputError("line " + std::to_string(position.line) + ", column " +
                 std::to_string(position.column) + ": " + problem),
      position_(position),
      problem_(problem) {}

std::string_view type_name(Type type) {
  switch (type) {
    case Type::null:
      return "null";
    case Type::boolean:
      return "boolean";
    case Type::number:
      return "number";
    case Type::string:
      return "string";
    case Type::array:
      return "array";
    case Type::object:
      return "object";
  }
  return "?";
}

// --- Value -----------------------------------------------------------------------------------

Value Value::boolean(bool b) {
  Value v;
  v.type_ = Type::boolean;
  v.bool_ = b;
  return v;
}

Value Value::number(double x) {
  if (!std::isfinite(x)) return Value();
  Value v;
  v.type_ = Type::number;
  v.number_ = x;
  v.text_ = format_number(x);
  return v;
}

Value Value::integer(std::int64_t i) {
  Value v;
  v.type_ = Type::number;
  v.number_ = static_cast<double>(i);
  v.text_ = std::to_string(i);
  return v;
}

Value Value::unsigned_integer(std::uint64_t i) {
  Value v;
  v.type_ = Type::number;
  v.number_ = static_cast<double>(i);
  v.text_ = std::to_string(i);
  return v;
}

Value Value::number_from_text(std::string_view text) {
  try {
    return Reader(text).parse_lone_number();
  } catch (const ParseError& e) {
    throw InputError("invalid JSON number " + quoted(cut(text)) + ": " + e.problem());
  }
}

Value Value::string(std::string s) {
  Value v;
  v.type_ = Type::string;
  v.text_ = std::move(s);
  return v;
}

Value Value::array(std::vector<Value> items) {
  Value v;
  v.type_ = Type::array;
  v.items_ = std::move(items);
  return v;
}

Value Value::object() {
  Value v;
  v.type_ = Type::object;
  return v;
}

void Value::type_mismatch(Type wanted) const {
  const std::string_view name = type_name(wanted);
  const bool vowel = name.front() == 'a' || name.front() == 'o';
  std::string message = std::string("expected ") + (vowel ? "an " : "a ") + std::string(name) +
                        ", got " + describe(*this);
  if (position_.line > 0) {
    message = "line " + std::to_string(position_.line) + ", column " +
              std::to_string(position_.column) + ": " + message;
  }
  throw InputError(message);
}

bool Value::as_bool() const {
  if (type_ != Type::boolean) type_mismatch(Type::boolean);
  return bool_;
}

double Value::as_number() const {
  if (type_ != Type::number) type_mismatch(Type::number);
  return number_;
}

const std::string& Value::number_text() const {
  if (type_ != Type::number) type_mismatch(Type::number);
  return text_;
}

const std::string& Value::as_string() const {
  if (type_ != Type::string) type_mismatch(Type::string);
  return text_;
}

const std::vector<Value>& Value::items() const {
  if (type_ != Type::array) type_mismatch(Type::array);
  return items_;
}

const std::vector<Member>& Value::members() const {
  if (type_ != Type::object) type_mismatch(Type::object);
  return members_;
}

bool Value::is_integral() const {
  return exact_integer(number_text()).has_value();
}

std::optional<std::int64_t> Value::to_int64() const {
  const auto exact = exact_integer(number_text());
  if (!exact || !exact->magnitude) return std::nullopt;
  const std::uint64_t m = *exact->magnitude;
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (!exact->negative) {
    if (m > kMax) return std::nullopt;
    return static_cast<std::int64_t>(m);
  }
  if (m > kMax + 1) return std::nullopt;
  return m == kMax + 1 ? std::numeric_limits<std::int64_t>::min() : -static_cast<std::int64_t>(m);
}

std::optional<std::uint64_t> Value::to_uint64() const {
  const auto exact = exact_integer(number_text());
  if (!exact || !exact->magnitude) return std::nullopt;
  if (exact->negative && *exact->magnitude != 0) return std::nullopt;
  return *exact->magnitude;
}

std::size_t Value::size() const {
  if (type_ == Type::array) return items_.size();
  if (type_ == Type::object) return members_.size();
  return 0;
}

const Value* Value::find(std::string_view key) const {
  for (const Member& m : members()) {
    if (m.key == key) return &m.value;
  }
  return nullptr;
}

Value* Value::find(std::string_view key) {
  return const_cast<Value*>(std::as_const(*this).find(key));
}

void Value::set(std::string_view key, Value value) {
  if (Value* existing = find(key)) {
    *existing = std::move(value);
    return;
  }
  members_.push_back(Member{std::string(key), std::move(value), {}});
}

void Value::push_back(Value value) {
  if (type_ != Type::array) type_mismatch(Type::array);
  items_.push_back(std::move(value));
}

bool operator==(const Value& a, const Value& b) {
  if (a.type_ != b.type_) return false;
  switch (a.type_) {
    case Type::null:
      return true;
    case Type::boolean:
      return a.bool_ == b.bool_;
    case Type::number:
      if (is_integer_text(a.text_) && is_integer_text(b.text_)) {
        // Exact, beyond 2^53 too; "-0" is 0.
        const auto normal = [](const std::string& t) { return t == "-0" ? std::string("0") : t; };
        return normal(a.text_) == normal(b.text_);
      }
      return a.number_ == b.number_;
    case Type::string:
      return a.text_ == b.text_;
    case Type::array:
      return a.items_ == b.items_;
    case Type::object:
      return a.members_ == b.members_;
  }
  return false;
}

// --- parse and write -------------------------------------------------------------------------

Value parse(std::string_view text) {
  return Reader(text).parse_document();
}

namespace {

bool is_scalar(const Value& v) {
  return !v.is_array() && !v.is_object();
}

void write_value(const Value& v, int indent, std::string& out) {
  switch (v.type()) {
    case Type::null:
      out += "null";
      return;
    case Type::boolean:
      out += v.as_bool() ? "true" : "false";
      return;
    case Type::number:
      // Integers as written (exact beyond 2^53); other numbers in their shortest form.
      out += is_integer_text(v.number_text()) ? v.number_text() : format_number(v.as_number());
      return;
    case Type::string:
      append_quoted(v.as_string(), out);
      return;
    case Type::array: {
      const auto& items = v.items();
      if (items.empty()) {
        out += "[]";
        return;
      }
      if (std::all_of(items.begin(), items.end(), is_scalar)) {
        out += '[';
        for (std::size_t i = 0; i < items.size(); ++i) {
          if (i > 0) out += ", ";
          write_value(items[i], indent, out);
        }
        out += ']';
        return;
      }
      out += "[\n";
      for (std::size_t i = 0; i < items.size(); ++i) {
        out.append(static_cast<std::size_t>(indent + 2), ' ');
        write_value(items[i], indent + 2, out);
        out += i + 1 < items.size() ? ",\n" : "\n";
      }
      out.append(static_cast<std::size_t>(indent), ' ');
      out += ']';
      return;
    }
    case Type::object: {
      const auto& members = v.members();
      if (members.empty()) {
        out += "{}";
        return;
      }
      out += "{\n";
      for (std::size_t i = 0; i < members.size(); ++i) {
        out.append(static_cast<std::size_t>(indent + 2), ' ');
        append_quoted(members[i].key, out);
        out += ": ";
        write_value(members[i].value, indent + 2, out);
        out += i + 1 < members.size() ? ",\n" : "\n";
      }
      out.append(static_cast<std::size_t>(indent), ' ');
      out += '}';
      return;
    }
  }
}

}  // namespace

std::string write(const Value& value) {
  std::string out;
  write_value(value, 0, out);
  out += '\n';
  return out;
}

std::string describe(const Value& value) {
  switch (value.type()) {
    case Type::null:
      return "null";
    case Type::boolean:
      return value.as_bool() ? "true" : "false";
    case Type::number:
      return std::string(cut(value.number_text()));
    case Type::string: {
      const std::string& s = value.as_string();
      const std::string_view shown = cut(s);
      return quoted(shown) + (shown.size() < s.size() ? "..." : "");
    }
    case Type::array:
      return "an array";
    case Type::object:
      return "an object";
  }
  return "?";
}

}  // namespace initscope::json
