// The strict JSON reader and the pretty writer: every kind of value, positions, every refusal
// with its exact line and column, round trips, escapes and Unicode.
#include <QtTest>

#include <cmath>
#include <limits>
#include <string>

#include "core/error.h"
#include "core/io/json.h"

using namespace initscope;
using json::Value;

namespace {

std::string to_std(const QByteArray& bytes) {
  return std::string(bytes.constData(), bytes.size());
}

// A document nested `depth` levels: [[[...]]].
std::string nested_arrays(int depth) {
  return std::string(static_cast<std::size_t>(depth), '[') +
         std::string(static_cast<std::size_t>(depth), ']');
}

// (Not a raw string: moc misreads \" inside one.)
const QString kValidEscapes = " (valid: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)";

}  // namespace

class TestJson : public QObject {
  Q_OBJECT

 private slots:
  // Each valid document, written back: checks the value read, its kind and the writer's layout.
  void parses_valid_documents_data() {
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QByteArray>("written");
    QTest::newRow("null") << QByteArray("null") << QByteArray("null\n");
    QTest::newRow("true") << QByteArray(" true ") << QByteArray("true\n");
    QTest::newRow("false") << QByteArray("\n\tfalse\r\n") << QByteArray("false\n");
    QTest::newRow("integer") << QByteArray("20") << QByteArray("20\n");
    QTest::newRow("negative integer") << QByteArray("-7") << QByteArray("-7\n");
    QTest::newRow("zero") << QByteArray("0") << QByteArray("0\n");
    QTest::newRow("fraction") << QByteArray("0.10") << QByteArray("0.1\n");
    QTest::newRow("exponent") << QByteArray("1E-5") << QByteArray("1e-05\n");
    QTest::newRow("integral float") << QByteArray("2.0e1") << QByteArray("20.0\n");
    QTest::newRow("big integer kept exactly")
        << QByteArray("18446744073709551615") << QByteArray("18446744073709551615\n");
    QTest::newRow("string") << QByteArray(R"("tanh")") << QByteArray("\"tanh\"\n");
    QTest::newRow("empty string") << QByteArray(R"("")") << QByteArray("\"\"\n");
    QTest::newRow("empty array") << QByteArray("[ ]") << QByteArray("[]\n");
    QTest::newRow("empty object") << QByteArray("{ }") << QByteArray("{}\n");
    QTest::newRow("scalar array") << QByteArray(R"([1,2.5,"x",true,false,null])")
                                  << QByteArray("[1, 2.5, \"x\", true, false, null]\n");
    QTest::newRow("object in order")
        << QByteArray(R"({"b":1,"a":{"z":[],"y":{}}})")
        << QByteArray("{\n  \"b\": 1,\n  \"a\": {\n    \"z\": [],\n    \"y\": {}\n  }\n}\n");
    QTest::newRow("array of objects")
        << QByteArray(R"([{"a":1},[2]])") << QByteArray("[\n  {\n    \"a\": 1\n  },\n  [2]\n]\n");
    QTest::newRow("BOM") << QByteArray("\xEF\xBB\xBF{\"a\": 1}")
                         << QByteArray("{\n  \"a\": 1\n}\n");
    QTest::newRow("tiny number underflows to zero") << QByteArray("1e-400") << QByteArray("0.0\n");
    QTest::newRow("largest double")
        << QByteArray("1.7976931348623157e308") << QByteArray("1.7976931348623157e+308\n");
  }
  void parses_valid_documents() {
    QFETCH(QByteArray, text);
    QFETCH(QByteArray, written);
    QCOMPARE(QByteArray::fromStdString(json::write(json::parse(to_std(text)))), written);
  }

  void accessors_read_each_kind() {
    const Value v = json::parse(
        R"({"n": null, "b": true, "x": 1.50, "s": "hi", "a": [1, 2], "o": {"k": "v"}})");
    QVERIFY(v.is_object());
    QCOMPARE(v.size(), std::size_t(6));
    QVERIFY(v.find("n")->is_null());
    QCOMPARE(v.find("b")->as_bool(), true);
    QCOMPARE(v.find("x")->as_number(), 1.5);
    QCOMPARE(v.find("x")->number_text(), std::string("1.50"));
    QCOMPARE(v.find("s")->as_string(), std::string("hi"));
    QCOMPARE(v.find("a")->items().size(), std::size_t(2));
    QCOMPARE(v.find("o")->find("k")->as_string(), std::string("v"));
    QVERIFY(v.find("missing") == nullptr);
    QCOMPARE(v.members()[4].key, std::string("a"));
  }

  void integers_are_exact_data() {
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<bool>("integral");
    QTest::addColumn<bool>("fits_int64");
    QTest::addColumn<qint64>("as_int64");
    QTest::addColumn<bool>("fits_uint64");
    QTest::addColumn<quint64>("as_uint64");
    QTest::newRow("20") << QByteArray("20") << true << true << qint64(20) << true << quint64(20);
    QTest::newRow("20.0") << QByteArray("20.0") << true << true << qint64(20) << true
                          << quint64(20);
    QTest::newRow("2e1") << QByteArray("2e1") << true << true << qint64(20) << true << quint64(20);
    QTest::newRow("2.5") << QByteArray("2.5") << false << false << qint64(0) << false << quint64(0);
    QTest::newRow("1e-3") << QByteArray("1e-3") << false << false << qint64(0) << false
                          << quint64(0);
    QTest::newRow("-0") << QByteArray("-0") << true << true << qint64(0) << true << quint64(0);
    QTest::newRow("-5") << QByteArray("-5") << true << true << qint64(-5) << false << quint64(0);
    QTest::newRow("2^64 - 1") << QByteArray("18446744073709551615") << true << false << qint64(0)
                              << true << quint64(18446744073709551615ull);
    QTest::newRow("2^64 - 2, beyond a double's precision")
        << QByteArray("18446744073709551614") << true << false << qint64(0) << true
        << quint64(18446744073709551614ull);
    QTest::newRow("2^64") << QByteArray("18446744073709551616") << true << false << qint64(0)
                          << false << quint64(0);
    QTest::newRow("int64 min") << QByteArray("-9223372036854775808") << true << true
                               << std::numeric_limits<qint64>::min() << false << quint64(0);
    QTest::newRow("int64 max + 1") << QByteArray("9223372036854775808") << true << false
                                   << qint64(0) << true << quint64(9223372036854775808ull);
    QTest::newRow("1e19") << QByteArray("1e19") << true << false << qint64(0) << true
                          << quint64(10000000000000000000ull);
    QTest::newRow("1e30") << QByteArray("1e30") << true << false << qint64(0) << false
                          << quint64(0);
    QTest::newRow("1.5e1") << QByteArray("1.5e1") << true << true << qint64(15) << true
                           << quint64(15);
  }
  void integers_are_exact() {
    QFETCH(QByteArray, text);
    QFETCH(bool, integral);
    QFETCH(bool, fits_int64);
    QFETCH(qint64, as_int64);
    QFETCH(bool, fits_uint64);
    QFETCH(quint64, as_uint64);
    const Value v = json::parse(to_std(text));
    QCOMPARE(v.is_integral(), integral);
    QCOMPARE(v.to_int64().has_value(), fits_int64);
    if (fits_int64) QCOMPARE(qint64(*v.to_int64()), as_int64);
    QCOMPARE(v.to_uint64().has_value(), fits_uint64);
    if (fits_uint64) QCOMPARE(quint64(*v.to_uint64()), as_uint64);
  }

  void positions_are_recorded() {
    // Columns count characters: "é" is two bytes but one column. CR LF is one line break.
    const std::string text =
        "{\r\n"
        "  \"depth\": 20,\n"
        "  \"é\": [true, \"x\"],\n"
        "\t\"o\": {\"k\": null}\n"
        "}";
    const Value v = json::parse(text);
    QCOMPARE(v.line(), 1);
    QCOMPARE(v.column(), 1);
    const auto& members = v.members();
    QCOMPARE(members[0].key_position.line, 2);
    QCOMPARE(members[0].key_position.column, 3);
    QCOMPARE(members[0].value.line(), 2);
    QCOMPARE(members[0].value.column(), 12);
    const Value& array = members[1].value;
    QCOMPARE(array.line(), 3);
    QCOMPARE(array.column(), 8);
    QCOMPARE(array.items()[1].line(), 3);
    QCOMPARE(array.items()[1].column(), 15);
    QCOMPARE(members[2].key_position.column, 2);
    const Value& null = *members[2].value.find("k");
    QCOMPARE(null.line(), 4);
    QCOMPARE(null.column(), 13);
  }

  void a_bom_does_not_shift_columns() {
    const Value v = json::parse("\xEF\xBB\xBF[1, 2]");
    QCOMPARE(v.column(), 1);
    QCOMPARE(v.items()[1].column(), 5);
  }

  void errors_data() {
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<int>("line");
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("problem");
    // Unexpected end and unexpected characters.
    QTest::newRow("empty") << QByteArray("") << 1 << 1
                           << "unexpected end of input, expected a value";
    QTest::newRow("only whitespace")
        << QByteArray(" \n  ") << 2 << 3 << "unexpected end of input, expected a value";
    QTest::newRow("unclosed object")
        << QByteArray(R"({"a": 1)") << 1 << 8 << "unexpected end of input, expected ',' or '}'";
    QTest::newRow("unclosed object, newline")
        << QByteArray("{\"a\": 1\n") << 2 << 1 << "unexpected end of input, expected ',' or '}'";
    QTest::newRow("unclosed array")
        << QByteArray("[1, 2") << 1 << 6 << "unexpected end of input, expected ',' or ']'";
    QTest::newRow("missing value")
        << QByteArray(R"({"a": })") << 1 << 7 << "unexpected character '}', expected a value";
    QTest::newRow("missing colon") << QByteArray(R"({"a" 1})") << 1 << 6
                                   << "unexpected character '1', expected ':' after the key";
    QTest::newRow("missing comma")
        << QByteArray("[1 2]") << 1 << 4 << "unexpected character '2', expected ',' or ']'";
    QTest::newRow("missing comma in object") << QByteArray("{\"a\": 1\n \"b\": 2}") << 2 << 2
                                             << "unexpected character '\"', expected ',' or '}'";
    QTest::newRow("stray character")
        << QByteArray("@") << 1 << 1 << "unexpected character '@', expected a value";
    QTest::newRow("control character")
        << QByteArray("[\x01]", 3) << 1 << 2 << "unexpected character U+0001, expected a value";
    QTest::newRow("curly quote") << QByteArray(
                                        "{\xE2\x80\x9C"
                                        "a\xE2\x80\x9D: 1}")
                                 << 1 << 2
                                 << QString::fromUtf8(
                                        "unexpected character '\xE2\x80\x9C' (U+201C), expected "
                                        "a key");
    QTest::newRow("unquoted key") << QByteArray("{a: 1}") << 1 << 2
                                  << "unexpected character 'a', expected a key (keys take double "
                                     "quotes)";
    QTest::newRow("single quotes") << QByteArray("['x']") << 1 << 2
                                   << "unexpected character \"'\", expected a value (strings "
                                      "take double quotes)";
    QTest::newRow("trailing comma in array")
        << QByteArray("[1,\n 2,\n]") << 2 << 3 << "trailing comma before ']'";
    QTest::newRow("trailing comma in object")
        << QByteArray(R"({"a": 1,})") << 1 << 8 << "trailing comma before '}'";
    QTest::newRow("leading comma")
        << QByteArray("[,1]") << 1 << 2 << "unexpected character ',', expected a value";
    // Trailing characters.
    QTest::newRow("two values") << QByteArray("1 2") << 1 << 3
                                << "trailing characters after the JSON value, starting with '2'";
    QTest::newRow("after an object") << QByteArray("{}\n\n  x") << 3 << 3
                                     << "trailing characters after the JSON value, starting "
                                        "with 'x'";
    QTest::newRow("two closing brackets") << QByteArray("[1]]") << 1 << 4
                                          << "trailing characters after the JSON value, "
                                             "starting with ']'";
    // Literals.
    QTest::newRow("NaN") << QByteArray(R"({"std": NaN})") << 1 << 9
                         << "NaN is not valid JSON; use a number";
    QTest::newRow("Infinity") << QByteArray("[1, Infinity]") << 1 << 5
                              << "Infinity is not valid JSON; use a number";
    QTest::newRow("-Infinity") << QByteArray("\n  -Infinity") << 2 << 3
                               << "-Infinity is not valid JSON; use a number";
    QTest::newRow("nan") << QByteArray("nan") << 1 << 1 << "nan is not valid JSON; use a number";
    QTest::newRow("Python True") << QByteArray("[True]") << 1 << 2
                                 << R"(invalid literal "True" (did you mean "true"?))";
    QTest::newRow("unquoted string") << QByteArray(R"({"scheme": xavier})") << 1 << 12
                                     << R"(invalid literal "xavier" (strings take double quotes))";
    QTest::newRow("nulls") << QByteArray("nulls") << 1 << 1
                           << R"(invalid literal "nulls" (did you mean "null"?))";
    // Numbers.
    QTest::newRow("leading zero") << QByteArray("01") << 1 << 1
                                  << "leading zeros are not allowed in numbers";
    QTest::newRow("negative leading zero")
        << QByteArray("[-012]") << 1 << 2 << "leading zeros are not allowed in numbers";
    QTest::newRow("bare minus") << QByteArray("-") << 1 << 2
                                << "unexpected end of input, expected a digit after '-'";
    QTest::newRow("minus space") << QByteArray("- 1") << 1 << 2
                                 << "unexpected character ' ', expected a digit after '-'";
    QTest::newRow("dot without digits")
        << QByteArray("1.") << 1 << 3 << "unexpected end of input, expected a digit after '.'";
    QTest::newRow("dot then exponent")
        << QByteArray("1.e5") << 1 << 3 << "unexpected character 'e', expected a digit after '.'";
    QTest::newRow("empty exponent") << QByteArray("[1e+]") << 1 << 5
                                    << "unexpected character ']', expected a digit in the "
                                       "exponent";
    QTest::newRow("leading dot") << QByteArray(".5") << 1 << 1
                                 << "unexpected character '.', expected a value";
    QTest::newRow("plus sign") << QByteArray("+1") << 1 << 1
                               << "unexpected character '+', expected a value";
    QTest::newRow("hex") << QByteArray("0x10") << 1 << 2
                         << "trailing characters after the JSON value, starting with 'x'";
    QTest::newRow("too large") << QByteArray(R"({"a": 1e400})") << 1 << 7
                               << "number 1e400 is out of the range of a double";
    QTest::newRow("too large negative")
        << QByteArray("-2e308") << 1 << 1 << "number -2e308 is out of the range of a double";
    QTest::newRow("too many digits") << QByteArray(std::string(400, '9').c_str()) << 1 << 1
                                     << QString::fromStdString("number " + std::string(40, '9') +
                                                               " is out of the range of a double");
    // Strings.
    QTest::newRow("unterminated string") << QByteArray("[\n \"abc") << 2 << 6
                                         << "unexpected end of input inside the string that "
                                            "starts at line 2, column 2";
    QTest::newRow("bad escape") << QByteArray(R"("a\qb")") << 1 << 3
                                << "invalid escape '\\q' in a string" + kValidEscapes;
    QTest::newRow("escaped apostrophe")
        << QByteArray(R"("it\'s")") << 1 << 4 << "invalid escape '\\'' in a string" + kValidEscapes;
    QTest::newRow("short \\u") << QByteArray(R"("\u12G4")") << 1 << 2
                               << R"(invalid \u escape: expected 4 hex digits)";
    QTest::newRow("newline in string")
        << QByteArray("\"a\nb\"") << 1 << 3
        << R"(unescaped control character U+000A in a string (write it as \n))";
    QTest::newRow("tab in string")
        << QByteArray("[\"\t\"]") << 1 << 3
        << R"(unescaped control character U+0009 in a string (write it as \t))";
    QTest::newRow("NUL in string")
        << QByteArray("\"a\0\"", 4) << 1 << 3 << "unescaped control character U+0000 in a string";
    // UTF-8.
    QTest::newRow("invalid byte") << QByteArray("\"\xFF\"") << 1 << 2
                                  << "invalid UTF-8 (byte 0xFF); save the file as UTF-8";
    QTest::newRow("Latin-1 text") << QByteArray("{\"caf\xE9\": 1}") << 1 << 6
                                  << "invalid UTF-8 (byte 0xE9); save the file as UTF-8";
    QTest::newRow("after a multibyte character")
        << QByteArray("\"\xC3\xA9\xC3\"") << 1 << 3
        << "invalid UTF-8 (byte 0xC3); save the file as UTF-8";
    QTest::newRow("overlong") << QByteArray("\"\xC0\xAF\"") << 1 << 2
                              << "invalid UTF-8 (byte 0xC0); save the file as UTF-8";
    QTest::newRow("encoded surrogate") << QByteArray("\"\xED\xA0\x80\"") << 1 << 2
                                       << "invalid UTF-8 (byte 0xED); save the file as UTF-8";
    QTest::newRow("above U+10FFFF") << QByteArray("\"\xF4\x90\x80\x80\"") << 1 << 2
                                    << "invalid UTF-8 (byte 0xF4); save the file as UTF-8";
    QTest::newRow("stray continuation")
        << QByteArray("\"\x80\"") << 1 << 2 << "invalid UTF-8 (byte 0x80); save the file as UTF-8";
    QTest::newRow("outside a string")
        << QByteArray("[\xFE]") << 1 << 2 << "invalid UTF-8 (byte 0xFE); save the file as UTF-8";
    // Surrogates.
    QTest::newRow("lone high surrogate")
        << QByteArray(R"(["\uD800"])") << 1 << 3
        << R"(lone surrogate \uD800: a high surrogate must be followed by a low one )"
           R"((\uDC00-\uDFFF))";
    QTest::newRow("high surrogate then a letter")
        << QByteArray(R"("x\ud83dy")") << 1 << 3
        << R"(lone surrogate \uD83D: a high surrogate must be followed by a low one )"
           R"((\uDC00-\uDFFF))";
    QTest::newRow("two high surrogates")
        << QByteArray(R"("\uD800\uD800")") << 1 << 2
        << R"(lone surrogate \uD800: a high surrogate must be followed by a low one )"
           R"((\uDC00-\uDFFF))";
    QTest::newRow("lone low surrogate")
        << QByteArray(R"("\uDC00")") << 1 << 2
        << R"(lone surrogate \uDC00: a low surrogate must follow a high one)";
    // Duplicate keys: at the second occurrence, naming the first.
    QTest::newRow("duplicate key")
        << QByteArray("{\n  \"depth\": 1,\n  \"width\": 2,\n  \"depth\": 3\n}") << 4 << 3
        << R"(duplicate key "depth" (first at line 2))";
    QTest::newRow("duplicate in a nested object")
        << QByteArray(R"({"a": {"x": 1, "x": 2}, "x": 3})") << 1 << 16
        << R"(duplicate key "x" (first at line 1))";
    {
      // Past the linear scan: the index finds it too.
      std::string text = "{";
      for (int i = 0; i < 40; ++i) text += "\"k" + std::to_string(i) + "\": " + "1,\n";
      text += "\"k7\": 2}";
      QTest::newRow("duplicate in a large object") << QByteArray::fromStdString(text) << 41 << 1
                                                   << R"(duplicate key "k7" (first at line 8))";
    }
    // Depth.
    QTest::newRow("257 levels") << QByteArray::fromStdString(nested_arrays(257)) << 1 << 257
                                << "nesting deeper than 256 levels";
    QTest::newRow("10,000 levels") << QByteArray::fromStdString(nested_arrays(10000)) << 1 << 257
                                   << "nesting deeper than 256 levels";
  }
  void errors() {
    QFETCH(QByteArray, text);
    QFETCH(int, line);
    QFETCH(int, column);
    QFETCH(QString, problem);
    try {
      json::parse(to_std(text));
      QFAIL("no error");
    } catch (const json::ParseError& e) {
      QCOMPARE(QString::fromStdString(e.problem()), problem);
      QCOMPARE(e.line(), line);
      QCOMPARE(e.column(), column);
      QCOMPARE(QString::fromStdString(e.what()),
               QString("line %1, column %2: %3").arg(line).arg(column).arg(problem));
    }
  }

  void parse_errors_are_input_errors() {
    try {
      json::parse("[");
      QFAIL("no error");
    } catch (const InputError& e) {
      QCOMPARE(QString(e.what()), QString("line 1, column 2: unexpected end of input, expected a "
                                          "value"));
    }
  }

  void depth_limit_is_exact() {
    QVERIFY(json::parse(nested_arrays(json::kMaxNesting)).is_array());
    // Objects count as levels too, and mixed nesting is counted as a whole.
    std::string objects;
    for (int i = 0; i < 10000; ++i) objects += "{\"a\":[";
    try {
      json::parse(objects);
      QFAIL("no error");
    } catch (const json::ParseError& e) {
      QCOMPARE(QString::fromStdString(e.problem()), QString("nesting deeper than 256 levels"));
      // Level 257 is the 129th "{": 128 blocks of six characters before it.
      QCOMPARE(e.column(), 128 * 6 + 1);
    }
  }

  void round_trip_data() {
    QTest::addColumn<QByteArray>("text");
    QTest::newRow("scalars") << QByteArray(R"([null, true, false, 0, -0, 1, -1.5, "s"])");
    QTest::newRow("numbers") << QByteArray(
        "[0.1, 1e-05, 1e300, -2.2250738585072014e-308, 5e-324, 123456789012345678, 1.5e10]");
    QTest::newRow("big integers") << QByteArray("[18446744073709551615, -9223372036854775808]");
    QTest::newRow("escapes") << QByteArray(
        "[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\", \"\\u0001\\u001f\\u007f\"]");
    QTest::newRow("unicode") << QByteArray(R"(["\u00e9t\u00E9", "\ud83d\ude00", "ü€𝄞"])");
    QTest::newRow("nested") << QByteArray(
        R"({"a": [{"b": [[], {}]}, [1, [2, [3]]]], "c": {"d": {"e": null}}})");
    QTest::newRow("config") << QByteArray(R"({
      "version": 1, "seed": 0,
      "input": {"dim": 256, "batch": 512, "distribution": "normal"},
      "network": {"depth": 20, "width": 256, "bias": true, "bias_init": "zeros"},
      "norm": {"name": "none", "eps": 1e-5, "groups": 32}})");
    QTest::newRow("keys needing escapes") << QByteArray("{\"a\\\"b\": 1, \"\": 2, \"\\n\": 3}");
    QTest::newRow("empty containers") << QByteArray(R"([[], {}, [[]], [{}]])");
    QTest::newRow("deep") << QByteArray::fromStdString(nested_arrays(json::kMaxNesting));
  }
  void round_trip() {
    QFETCH(QByteArray, text);
    const Value v = json::parse(to_std(text));
    const std::string written = json::write(v);
    QVERIFY(json::parse(written) == v);
    QCOMPARE(json::write(json::parse(written)), written);
  }

  void escapes_and_unicode_data() {
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QByteArray>("utf8");
    QTest::newRow("\\u00e9") << QByteArray(R"("\u00e9")") << QByteArray("\xC3\xA9");
    QTest::newRow("\\u20AC") << QByteArray(R"("\u20AC")") << QByteArray("\xE2\x82\xAC");
    QTest::newRow("surrogate pair")
        << QByteArray(R"("\ud83d\ude00")") << QByteArray("\xF0\x9F\x98\x80");
    QTest::newRow("last code point")
        << QByteArray(R"("\uDBFF\uDFFF")") << QByteArray("\xF4\x8F\xBF\xBF");
    QTest::newRow("raw UTF-8") << QByteArray("\"\xC3\xA9\xF0\x9F\x98\x80\"")
                               << QByteArray("\xC3\xA9\xF0\x9F\x98\x80");
    QTest::newRow("simple escapes")
        << QByteArray("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"") << QByteArray("\"\\/\b\f\n\r\t");
    QTest::newRow("NUL") << QByteArray(R"("a\u0000b")") << QByteArray("a\0b", 3);
  }
  void escapes_and_unicode() {
    QFETCH(QByteArray, text);
    QFETCH(QByteArray, utf8);
    QCOMPARE(QByteArray::fromStdString(json::parse(to_std(text)).as_string()), utf8);
  }

  void writer_escapes_strings() {
    const Value v = Value::string(std::string("q\"b\\n\n\x01\x1f\x7f\xC3\xA9", 11));
    QCOMPARE(json::write(v), std::string("\"q\\\"b\\\\n\\n\\u0001\\u001F\x7f\xC3\xA9\"\n"));
    // Invalid UTF-8 cannot be written as JSON: it becomes U+FFFD, so the output still parses.
    const Value bad = Value::string(
        "a\xFF"
        "b");
    QCOMPARE(json::write(bad), std::string("\"a\xEF\xBF\xBD"
                                           "b\"\n"));
    QVERIFY(json::parse(json::write(bad)).is_string());
  }

  void builds_values() {
    Value root = Value::object();
    root.set("version", Value::integer(1));
    root.set("seed", Value::unsigned_integer(18446744073709551615ull));
    root.set("eps", Value::number(1e-5));
    root.set("depth", Value::number(20.0));
    root.set("name", Value::string("tanh"));
    root.set("nan", Value::number(std::numeric_limits<double>::quiet_NaN()));
    Value list = Value::array();
    list.push_back(Value::integer(-3));
    list.push_back(Value::boolean(false));
    list.push_back(Value::null());
    root.set("list", list);
    root.set("version", Value::integer(2));  // replaces, keeps its place
    QCOMPARE(json::write(root), std::string(R"({
  "version": 2,
  "seed": 18446744073709551615,
  "eps": 1e-05,
  "depth": 20.0,
  "name": "tanh",
  "nan": null,
  "list": [-3, false, null]
}
)"));
    QCOMPARE(root.size(), std::size_t(7));
    QCOMPARE(quint64(*root.find("seed")->to_uint64()), quint64(18446744073709551615ull));
  }

  void number_from_text() {
    const Value v = Value::number_from_text("12345678901234567890");
    QCOMPARE(json::write(v), std::string("12345678901234567890\n"));
    QCOMPARE(Value::number_from_text("2.50").as_number(), 2.5);
    QCOMPARE(Value::number_from_text("2.50").number_text(), std::string("2.50"));
    const char* bad[] = {"", "1.", "01", "abc", "1 ", "NaN", "1e999"};
    for (const char* text : bad) {
      QVERIFY_THROWS_EXCEPTION(InputError, Value::number_from_text(text));
    }
    try {
      Value::number_from_text("01");
    } catch (const InputError& e) {
      QCOMPARE(QString(e.what()),
               QString(R"(invalid JSON number "01": leading zeros are not allowed in numbers)"));
    }
  }

  void equality() {
    QVERIFY(json::parse("1") == json::parse("1.0"));
    QVERIFY(json::parse("1") == Value::number(1.0));
    QVERIFY(json::parse("-0") == json::parse("0"));
    QVERIFY(json::parse("18446744073709551615") != json::parse("18446744073709551614"));
    QVERIFY(json::parse(R"({"a": 1, "b": 2})") != json::parse(R"({"b": 2, "a": 1})"));
    QVERIFY(json::parse("[1, 2]") != json::parse("[1, 2, 3]"));
    QVERIFY(json::parse("\"1\"") != json::parse("1"));
    QVERIFY(json::parse(" [\n1]") == json::parse("[1]"));  // positions do not count
  }

  void accessors_refuse_other_types() {
    const Value v = json::parse("{\n  \"a\": \"x\"}");
    try {
      v.find("a")->as_number();
      QFAIL("no error");
    } catch (const InputError& e) {
      QCOMPARE(QString(e.what()), QString(R"(line 2, column 8: expected a number, got "x")"));
    }
    QVERIFY_THROWS_EXCEPTION(InputError, v.items());
    QVERIFY_THROWS_EXCEPTION(InputError, Value().as_bool());
  }

  void describe_values() {
    QCOMPARE(json::describe(json::parse(R"("20")")), std::string(R"("20")"));
    QCOMPARE(json::describe(json::parse("2.50")), std::string("2.50"));
    QCOMPARE(json::describe(json::parse("true")), std::string("true"));
    QCOMPARE(json::describe(json::parse("null")), std::string("null"));
    QCOMPARE(json::describe(json::parse("[1]")), std::string("an array"));
    QCOMPARE(json::describe(json::parse("{}")), std::string("an object"));
    const QString cut = '"' + QString(40, 'x') + "\"...";
    QCOMPARE(QString::fromStdString(json::describe(Value::string(std::string(100, 'x')))), cut);
  }
};

QTEST_APPLESS_MAIN(TestJson)
#include "tst_json.moc"
