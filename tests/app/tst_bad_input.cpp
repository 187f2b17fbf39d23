// Bad input through the real binary (issue 7, SPEC section 5): every row is a config or a command
// line that must be refused with exit code 2 and exactly one line on stderr that names the problem,
// with nothing on stdout and nothing written: no --out folder (an existing one stays as it was) and
// no other file in the working directory. Each row runs in a fresh temporary directory holding the
// config as bad.json, so messages name the file as given.
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include "tests/support/process.h"

namespace {

using Result = initscope::testing::ProcessResult;

// How a row's bad.json comes to be. Large files are made when the row runs, not kept in the table.
enum Setup {
  kText,          // bad.json holds the row's text
  kNoFile,        // there is no bad.json
  kDirectory,     // bad.json is a folder
  kHundredMB,     // a valid JSON object whose one string is 100 MB long
  kSpaces16MiB,   // 16 MiB of whitespace (the largest file read), then {}
  kLongName,      // a 15 MiB activation name
  kLongWord,      // a 15 MiB unquoted word where a value should be
  kManyKeys,      // 300 000 unknown keys, then a bad seed
  kManyValues,    // 1.5 million zeros in one array
  kNestedArrays,  // 10 000 nested arrays
  kNestedObjects  // 10 000 nested objects
};

// A small experiment, quick to run: the config of the rows whose problem is on the command line.
const QByteArray kSmall = R"({"version": 1, "input": {"dim": 16, "batch": 16},
  "network": {"depth": 2, "width": 16}})";

// An experiment of about 1.2 GiB (depth 100, width 1024, batch 1024).
const QByteArray kBig = R"({"version": 1, "input": {"dim": 1024, "batch": 1024},
  "network": {"depth": 100, "width": 1024}})";

// The largest experiment the bounds allow: terabytes.
const QByteArray kHuge = R"({"version": 1, "input": {"dim": 8192, "batch": 65536},
  "network": {"depth": 1000, "width": 8192}})";

const QStringList kRun = {"run", "bad.json", "--out", "out"};
const QStringList kExport = {"export", "bad.json", "--out", "out"};

void row(const char* name, const QStringList& args, Setup setup, const QByteArray& text,
         const QString& prefix, const QStringList& expected, bool out_exists = false) {
  QTest::newRow(name) << args << int(setup) << text << prefix << expected << out_exists;
}

// `initscope run bad.json --out out` on a config whose text is the problem.
void config_row(const char* name, const QByteArray& text, const QStringList& expected) {
  row(name, kRun, kText, text, "initscope run: bad.json: ", expected);
}

// A command line whose problem is an argument; bad.json is kSmall, a valid config.
void args_row(const char* name, const QStringList& args, const QString& prefix,
              const QStringList& expected) {
  row(name, args, kText, kSmall, prefix, expected);
}

bool write(const QString& path, const QByteArray& text) {
  QFile file(path);
  return file.open(QIODevice::WriteOnly) && file.write(text) == text.size();
}

// Writes head, `count` copies of `unit`, then tail, a megabyte at a time.
bool write_repeated(const QString& path, const QByteArray& head, const QByteArray& unit,
                    qint64 count, const QByteArray& tail) {
  QFile file(path);
  if (!file.open(QIODevice::WriteOnly) || file.write(head) != head.size()) return false;
  const qint64 per_chunk = qMax<qint64>(1, (1 << 20) / unit.size());
  const QByteArray chunk = unit.repeated(per_chunk);
  for (qint64 done = 0; done < count; done += per_chunk) {
    const QByteArray& part = count - done >= per_chunk ? chunk : unit.repeated(count - done);
    if (file.write(part) != part.size()) return false;
  }
  return file.write(tail) == tail.size();
}

bool set_up(Setup setup, const QString& path, const QByteArray& text) {
  switch (setup) {
    case kText:
      return write(path, text);
    case kNoFile:
      return true;
    case kDirectory:
      return QDir().mkdir(path);
    case kHundredMB:
      return write_repeated(path, R"({"version": 1, "x": ")", "a", 100'000'000, "\"}");
    case kSpaces16MiB:
      return write_repeated(path, "", " ", (16 << 20) - 2, "{}");
    case kLongName:
      return write_repeated(path, R"({"version": 1, "activation": {"name": ")", "a", 15 << 20,
                            "\"}}");
    case kLongWord:
      return write_repeated(path, R"({"version": 1, "x": )", "a", 15 << 20, "}");
    case kManyKeys: {
      QFile file(path);
      if (!file.open(QIODevice::WriteOnly)) return false;
      QByteArray keys = R"({"version": 1)";
      for (int i = 0; i < 300'000; ++i) keys += ", \"k" + QByteArray::number(i) + "\": 0";
      keys += R"(, "seed": -1})";
      return file.write(keys) == keys.size();
    }
    case kManyValues:
      return write_repeated(path, R"({"version": 1, "x": [)", "0,", 1'500'000, "0]}");
    case kNestedArrays:
      return write_repeated(path, R"({"version": 1, "x": )", "[", 10'000,
                            QByteArray(10'000, ']') + "}");
    case kNestedObjects:
      return write_repeated(path, "", R"({"a": )", 10'000, "1" + QByteArray(10'000, '}'));
  }
  return false;
}

// Every file and folder under dir, with its size and modification time: what a run must not change.
QStringList snapshot(const QString& dir) {
  QStringList entries;
  QDirIterator it(dir, QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot,
                  QDirIterator::Subdirectories);
  while (it.hasNext()) {
    it.next();
    const QFileInfo info = it.fileInfo();
    entries << QDir(dir).relativeFilePath(info.filePath()) + " " +
                   QString::number(info.isDir() ? -1 : info.size()) + " " +
                   QString::number(info.lastModified().toMSecsSinceEpoch());
  }
  entries.sort();
  return entries;
}

}  // namespace

class TestBadInput : public QObject {
  Q_OBJECT

 private slots:
  void refused_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("setup");
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("prefix");        // the line starts with it
    QTest::addColumn<QStringList>("expected");  // and contains each of these
    QTest::addColumn<bool>("out_exists");       // out/ exists before, with a file in it

    // --- wrong types ---
    config_row("depth is a string", R"({"version": 1, "network": {"depth": "20"}})",
               {R"(network.depth: expected an integer, got "20")"});
    config_row("seed is an object", R"({"version": 1, "seed": {"value": 3}})",
               {"seed: expected an integer, got an object"});
    config_row("activation is an array", R"({"version": 1, "activation": ["relu"]})",
               {"activation: expected an object, got an array"});
    config_row("activation name is an array", R"({"version": 1, "activation": {"name": ["relu"]}})",
               {"activation.name: expected a string, got an array"});
    config_row("bias is a number", R"({"version": 1, "network": {"bias": 1}})",
               {"network.bias: expected true or false, got 1"});
    config_row("std is a boolean", R"({"version": 1, "init": {"scheme": "normal", "std": true}})",
               {"init.std: expected a number, got true"});
    config_row("width is null", R"({"version": 1, "network": {"width": null}})",
               {"network.width: expected an integer, got null"});
    config_row("batch is fractional", R"({"version": 1, "input": {"batch": 2.5}})",
               {"input.batch: expected an integer, got 2.5"});
    config_row("top level is an array", R"([{"version": 1}])", {"the top level must be an object"});
    config_row("version is a string", R"({"version": "1"})",
               {R"(version: expected an integer, got "1")"});

    // --- zero, negative and huge sizes ---
    config_row("depth 0", R"({"version": 1, "network": {"depth": 0}})",
               {"network.depth: must be between 1 and 1000, got 0"});
    config_row("depth 1001", R"({"version": 1, "network": {"depth": 1001}})",
               {"network.depth: must be between 1 and 1000, got 1001"});
    config_row("width -3", R"({"version": 1, "network": {"width": -3}})",
               {"network.width: must be between 1 and 8192, got -3"});
    config_row("batch 1e12", R"({"version": 1, "input": {"batch": 1e12}})",
               {"input.batch: must be between 1 and 65536, got 1e12"});
    config_row("dim 2^63", R"({"version": 1, "input": {"dim": 9223372036854775808}})",
               {"input.dim: must be between 1 and 8192, got 9223372036854775808"});
    config_row("seed -1", R"({"version": 1, "seed": -1})",
               {"seed: must be between 0 and 18446744073709551615, got -1"});
    config_row("seed 2^64", R"({"version": 1, "seed": 18446744073709551616})",
               {"seed: must be between 0 and 18446744073709551615, got 18446744073709551616"});
    config_row("norm groups 0", R"({"version": 1, "norm": {"name": "group", "groups": 0}})",
               {"norm.groups: must be between 1 and 8192, got 0"});
    config_row("even kernel", R"({"version": 1, "network": {"type": "conv2d", "kernel": 4}})",
               {"network.kernel: must be odd, got 4"});
    config_row("eps 0", R"({"version": 1, "norm": {"name": "layer", "eps": 0}})",
               {"norm.eps: must be > 0, got 0"});

    // --- NaN and infinity: JSON has neither ---
    config_row("NaN literal", R"({"version": 1, "init": {"std": NaN}})",
               {"line 1, column 32: NaN is not valid JSON; use a number"});
    config_row("-Infinity literal", R"({"version": 1, "init": {"mean": -Infinity}})",
               {"line 1, column 33: -Infinity is not valid JSON; use a number"});
    config_row("1e999 overflows to Inf", R"({"version": 1, "init": {"std": 1e999}})",
               {"line 1, column 32: number 1e999 is out of the range of a double"});
    config_row("-1e999 overflows to -Inf", R"({"version": 1, "norm": {"eps": -1e999}})",
               {"number -1e999 is out of the range of a double"});
    config_row("nan as a string", R"({"version": 1, "init": {"std": "nan"}})",
               {R"(init.std: expected a number, got "nan")"});
    config_row("inf as a string",
               R"({"version": 1, "activation": {"name": "leaky_relu", "param": "inf"}})",
               {R"(activation.param: expected a number, got "inf")"});
    config_row("NaN as a string for the gain", R"({"version": 1, "init": {"gain": "NaN"}})",
               {R"(init.gain: expected "auto", "empirical" or a number, got "NaN")"});

    // --- unknown names, with the did-you-mean hint ---
    config_row("activation rleu", R"({"version": 1, "activation": {"name": "rleu"}})",
               {R"(activation.name: unknown activation "rleu" (did you mean "relu"?))"});
    config_row("scheme kaiming", R"({"version": 1, "init": {"scheme": "kaiming"}})",
               {R"(init.scheme: unknown scheme "kaiming" )"
                R"((did you mean "kaiming_uniform" or "kaiming_normal"?))"});
    config_row("norm batchnorm", R"({"version": 1, "norm": {"name": "batchnorm"}})",
               {R"(norm.name: unknown norm "batchnorm" (did you mean "batch"?))"});
    config_row("activation ReLU", R"({"version": 1, "activation": {"name": "ReLU"}})",
               {R"(unknown activation "ReLU" (did you mean "relu"?))"});
    config_row("loss mse_loss", R"({"version": 1, "loss": {"name": "mse_loss"}})",
               {R"(loss.name: unknown loss "mse_loss" (did you mean "mse"?))"});
    config_row("residual identiy", R"({"version": 1, "network": {"residual": "identiy"}})",
               {R"(network.residual: unknown residual "identiy" (did you mean "identity"?))"});
    config_row("name with a newline", R"({"version": 1, "activation": {"name": "re\nlu"}})",
               {R"(activation.name: unknown activation "re\nlu")"});
    row("15 MiB name", kRun, kLongName, {}, "initscope run: bad.json: ",
        {"activation.name: unknown activation \"" + QString(40, 'a') + "\"..."});

    // --- a scheme or norm that does not fit the tensor ---
    config_row("groups not dividing width",
               R"({"version": 1, "network": {"width": 100}, "norm": {"name": "group"}})",
               {"norm.groups: 32 does not divide network.width 100"});
    config_row("eye on a 4-D weight",
               R"({"version": 1, "network": {"type": "conv2d"}, "init": {"scheme": "eye"}})",
               {"init: eye: needs a 2-D tensor, got 4-D [256, 3, 3, 3]"});
    config_row("dirac on a 2-D weight", R"({"version": 1, "init": {"scheme": "dirac"}})",
               {"init: dirac: needs a 3-D to 5-D tensor, got 2-D [256, 256]"});
    config_row("sparse on a 4-D weight",
               R"({"version": 1, "network": {"type": "conv2d"}, "init": {"scheme": "sparse"}})",
               {"init: sparse: needs a 2-D tensor, got 4-D [256, 3, 3, 3]"});
    config_row("instance norm on an mlp", R"({"version": 1, "norm": {"name": "instance"}})",
               {R"(norm.name: instance needs network.type "conv2d")"});
    config_row("batch norm on one sample",
               R"({"version": 1, "input": {"batch": 1}, "norm": {"name": "batch"}})",
               {"norm.name: batch norm needs input.batch of at least 2, got 1"});
    config_row("batch norm on one 1x1 image",
               R"({"version": 1, "network": {"type": "conv2d"}, "input": {"batch": 1, "height": 1,
                   "width": 1}, "norm": {"name": "batch"}})",
               {"norm.name: batch norm needs more than one value per channel, but input.batch × "
                "height × width is 1"});
    config_row("instance norm on 1x1 images",
               R"({"version": 1, "network": {"type": "conv2d"}, "input": {"height": 1,
                   "width": 1}, "norm": {"name": "instance"}})",
               {"norm.name: instance norm needs more than one value per channel, but "
                "input.height × width is 1"});
    config_row("group norm of one channel on one 1x1 image",
               R"({"version": 1, "network": {"type": "conv2d", "width": 8}, "input": {"batch": 1,
                   "height": 1, "width": 1}, "norm": {"name": "group", "groups": 8}})",
               {"norm.groups: group norm needs more than one value per group, but input.batch × "
                "network.width / norm.groups × height × width is 1"});
    config_row("group norm of one feature on one sample",
               R"({"version": 1, "network": {"width": 8}, "input": {"batch": 1},
                   "norm": {"name": "group", "groups": 8}})",
               {"norm.groups: group norm needs more than one value per group, but input.batch × "
                "network.width / norm.groups is 1"});

    // --- the version ---
    config_row("missing version", R"({"seed": 1})",
               {"version: missing (this reader understands version 1)"});
    config_row("version 2", R"({"version": 2})",
               {"version: unsupported version 2 (this reader understands version 1)"});
    config_row("version 1.5", R"({"version": 1.5})", {"version: expected an integer, got 1.5"});

    // --- malformed or unreadable files ---
    config_row("duplicate key", R"({"version": 1, "seed": 1, "seed": 2})",
               {R"(line 1, column 27: duplicate key "seed" (first at line 1))"});
    config_row("duplicate nested key",
               "{\"version\": 1,\n \"network\": {\"depth\": 2,\n  \"depth\": 3}}",
               {R"(line 3, column 3: duplicate key "depth" (first at line 2))"});
    row("10 000 nested arrays", kRun, kNestedArrays, {},
        "initscope run: bad.json: ", {"nesting deeper than 256 levels"});
    row("10 000 nested objects", kRun, kNestedObjects, {},
        "initscope run: bad.json: ", {"nesting deeper than 256 levels"});
    row("100 MB file", kRun, kHundredMB, {}, "initscope run: bad.json: ",
        {"the file is 100000023 bytes, more than a config can be (16 MiB)"});
    row("16 MiB of whitespace", kRun, kSpaces16MiB, {},
        "initscope run: bad.json: ", {"version: missing"});
    row("15 MiB unquoted word", kRun, kLongWord, {}, "initscope run: bad.json: ",
        {"line 1, column 21: invalid literal \"" + QString(40, 'a') +
         "\" (strings take double quotes)"});
    row("300 000 unknown keys, then a bad seed", kRun, kManyKeys, {},
        "initscope run: bad.json: ", {"seed: must be between 0 and 18446744073709551615, got -1"});
    row("1.5 million values", kRun, kManyValues, {},
        "initscope run: bad.json: ", {"more than 1000000 values in the document"});
    config_row("invalid UTF-8 in a string",
               "{\"version\": 1, \"x\": \"a\xFF"
               "b\"}",
               {"line 1, column 23: invalid UTF-8 (byte 0xFF); save the file as UTF-8"});
    config_row("overlong UTF-8", "{\"version\": 1, \"x\": \"\xC0\xAF\"}",
               {"invalid UTF-8 (byte 0xC0)"});
    config_row("UTF-8 encoded surrogate", "{\"version\": 1, \"x\": \"\xED\xA0\x80\"}",
               {"invalid UTF-8 (byte 0xED)"});
    config_row("UTF-8 cut at the end", "{\"version\": 1, \"x\": \"\xE2\x82",
               {"invalid UTF-8 (byte 0xE2)"});
    config_row("UTF-16 file", QByteArray("\xFF\xFE{\0\"\0", 6),
               {"line 1, column 1: invalid UTF-8 (byte 0xFF)"});
    config_row("lone surrogate escape", R"({"version": 1, "x": "\uD800"})",
               {R"(lone surrogate \uD800)"});
    // A leading UTF-8 BOM is accepted (Windows editors write one) and not counted in columns.
    config_row("BOM, then NaN", "\xEF\xBB\xBF{\"version\": 1, \"seed\": NaN}",
               {"line 1, column 24: NaN is not valid JSON"});
    config_row("two BOMs", "\xEF\xBB\xBF\xEF\xBB\xBF{\"version\": 1}",
               {"line 1, column 1: unexpected character", "(U+FEFF), expected a value"});
    row("a directory", kRun, kDirectory, {},
        "initscope run: bad.json: ", {"is a directory, not a config file"});
    row("a missing file", kRun, kNoFile, {}, "initscope run: bad.json: ", {"no such file"});
    config_row("an empty file", "",
               {"line 1, column 1: unexpected end of input, expected a value"});
    config_row("only whitespace", "\n\n  ", {"line 3, column 3: unexpected end of input"});
    config_row("trailing garbage", R"({"version": 1} x)",
               {"line 1, column 16: trailing characters after the JSON value, starting with 'x'"});
    config_row("two documents", "{\"version\": 1}\n{\"version\": 1}",
               {"line 2, column 1: trailing characters after the JSON value, starting with '{'"});
    config_row("NUL after the document", QByteArray("{\"version\": 1}\0", 15),
               {"line 1, column 15: trailing characters", "U+0000"});
    config_row("trailing comma", R"({"version": 1,})", {"trailing comma before '}'"});
    config_row("single quotes", R"({'version': 1})", {"keys take double quotes"});
    config_row("a comment", "// settings\n{\"version\": 1}",
               {"line 1, column 1: unexpected character '/', expected a value"});
    config_row("raw newline in a string", "{\"version\": 1, \"x\": \"a\nb\"}",
               {R"(unescaped control character U+000A in a string (write it as \n))"});
    config_row("cut-off document", R"({"version": 1, "network": {"depth": 2,)",
               {"unexpected end of input"});
    config_row("a PNG", QByteArray("\x89PNG\r\n\x1A\n\0\0\0\rIHDR", 16),
               {"line 1, column 1: invalid UTF-8 (byte 0x89)"});
    // The unknown key's warning is not shown: the refusal is the one line.
    config_row("unknown key, then a bad value",
               R"({"version": 1, "sede": 3, "network": {"depth": 0}})",
               {"network.depth: must be between 1 and 1000, got 0"});

    // --- over the memory limit: refused before any allocation, with the estimate ---
    row("--max-memory 1M", kRun + QStringList{"--max-memory", "1M"}, kText, kBig,
        "initscope run: bad.json: ",
        {"the run needs about 1.2 GiB (weights 400.4 MiB, activations 804.0 MiB",
         "over the limit of 1.0 MiB"});
    config_row("over the default 4 GiB", kHuge,
               {"the run needs about 4.2 TiB", "over the limit of 4.0 GiB"});
    config_row("unknown key, over the limit",
               R"({"version": 1, "sede": 3, "input": {"dim": 8192, "batch": 65536},
                   "network": {"depth": 1000, "width": 8192}})",
               {"over the limit of 4.0 GiB"});
    row("export over 4 GiB", kExport, kText, kHuge, "initscope export: bad.json: ",
        {"the run needs about 4.2 TiB", "over the limit of 4.0 GiB"});

    // --- bad command lines ---
    args_row("unknown command", {"rn", "bad.json"},
             "initscope: ", {R"(unknown command "rn" (did you mean "run"?))"});
    args_row("unknown option", kRun + QStringList{"--fast"},
             "initscope run: ", {"unknown option --fast; see initscope --help"});
    args_row("missing CONFIG", {"run", "--out", "out"},
             "initscope run: ", {"expected CONFIG [--out DIR]"});
    args_row("run alone", {"run"}, "initscope run: ", {"expected CONFIG"});
    args_row("two CONFIGs", {"run", "bad.json", "other.json", "--out", "out"},
             "initscope run: ", {R"(unexpected argument "other.json" (one CONFIG only))"});
    args_row("--threads 0", kRun + QStringList{"--threads", "0"},
             "initscope run: ", {R"(--threads takes a whole number from 1 to 1024, not "0")"});
    args_row("--threads abc", kRun + QStringList{"--threads", "abc"},
             "initscope run: ", {R"(--threads takes a whole number from 1 to 1024, not "abc")"});
    args_row("--threads 1.5", kRun + QStringList{"--threads", "1.5"},
             "initscope run: ", {R"(not "1.5")"});
    args_row("--threads 2000", kRun + QStringList{"--threads", "2000"},
             "initscope run: ", {R"(not "2000")"});
    args_row("--threads without a value", kRun + QStringList{"--threads"},
             "initscope run: ", {"--threads needs a value"});
    args_row(
        "--max-memory nonsense", kRun + QStringList{"--max-memory", "nonsense"},
        "initscope run: ", {R"(--max-memory takes a size such as 512M or 8G, not "nonsense")"});
    args_row("--max-memory 0", kRun + QStringList{"--max-memory", "0"},
             "initscope run: ", {R"(--max-memory takes a size such as 512M or 8G, not "0")"});
    args_row("--max-memory -1G", kRun + QStringList{"--max-memory", "-1G"},
             "initscope run: ", {R"(not "-1G")"});
    args_row("--max-memory 4X", kRun + QStringList{"--max-memory", "4X"},
             "initscope run: ", {R"(not "4X")"});
    args_row("--out without a value", {"run", "bad.json", "--out"},
             "initscope run: ", {"--out needs a value"});
    args_row("--out empty", {"run", "bad.json", "--out", ""},
             "initscope run: ", {"--out takes a folder, not an empty string"});
    args_row("export --size 0x0", kExport + QStringList{"--size", "0x0"}, "initscope export: ",
             {R"(--size takes WIDTHxHEIGHT in pixels, each 100 to 10000, not "0x0")"});
    args_row("export --size 800", kExport + QStringList{"--size", "800"}, "initscope export: ",
             {R"(--size takes WIDTHxHEIGHT in pixels, each 100 to 10000, not "800")"});
    args_row("export --format gif", kExport + QStringList{"--format", "gif"},
             "initscope export: ", {R"(unknown format "gif")"});
    args_row("export --format empty", kExport + QStringList{"--format", ""},
             "initscope export: ", {"--format names no format"});
    args_row("export --theme neon", kExport + QStringList{"--theme", "neon"},
             "initscope export: ", {R"(unknown theme "neon")"});
    args_row("export without --out", {"export", "bad.json"},
             "initscope export: ", {"expected CONFIG --out DIR"});
    args_row("export --out without a value", {"export", "bad.json", "--out"},
             "initscope export: ", {"--out needs a value"});
    args_row("export --out empty", {"export", "bad.json", "--out", ""},
             "initscope export: ", {"--out takes a folder, not an empty string"});
    args_row("export unknown option", kExport + QStringList{"--dpi", "300"},
             "initscope export: ", {"unknown option --dpi"});
    row("export a bad config", kExport, kText, R"({"version": 2})",
        "initscope export: bad.json: ", {"version: unsupported version 2"});
    row("export a missing config", kExport, kNoFile, {},
        "initscope export: bad.json: ", {"no such file"});
    args_row("gain with an unknown NAME", {"gain", "relux"},
             "initscope gain: ", {R"(unknown nonlinearity "relux" (did you mean "relu"?))"});
    args_row("gain with a non-number PARAM", {"gain", "leaky_relu", "abc"},
             "initscope gain: ", {R"(PARAM must be a finite number, not "abc")"});
    args_row("gain with PARAM 1e999", {"gain", "leaky_relu", "1e999"},
             "initscope gain: ", {R"(PARAM must be a finite number, not "1e999")"});
    args_row("gain with PARAM nan", {"gain", "leaky_relu", "nan"},
             "initscope gain: ", {R"(PARAM must be a finite number, not "nan")"});
    args_row("gain without NAME", {"gain"}, "initscope gain: ", {"expected NAME [PARAM]"});
    args_row("gain with three arguments", {"gain", "relu", "1", "2"},
             "initscope gain: ", {"expected NAME [PARAM]"});
    args_row("gui with two CONFIGs", {"gui", "bad.json", "other.json"},
             "initscope gui: ", {"expected at most one CONFIG"});

    // --- an output folder that exists already stays as it was ---
    row("run, out exists", kRun, kText, R"({"version": 1, "network": {"depth": 0}})",
        "initscope run: bad.json: ", {"network.depth: must be between 1 and 1000"}, true);
    row("export, out exists", kExport, kText, R"({"version": 1, "network": {"depth": 0}})",
        "initscope export: bad.json: ", {"network.depth: must be between 1 and 1000"}, true);
    row("over the limit, out exists", kRun, kText, kHuge,
        "initscope run: bad.json: ", {"over the limit of 4.0 GiB"}, true);
  }

  void refused() {
    QFETCH(QStringList, args);
    QFETCH(int, setup);
    QFETCH(QByteArray, text);
    QFETCH(QString, prefix);
    QFETCH(QStringList, expected);
    QFETCH(bool, out_exists);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(set_up(Setup(setup), dir.filePath("bad.json"), text));
    if (out_exists) {
      QVERIFY(QDir(dir.path()).mkdir("out"));
      QVERIFY(write(dir.filePath("out/stats.csv"), "earlier results\n"));
    }
    const QStringList before = snapshot(dir.path());

    QElapsedTimer timer;
    timer.start();
    const Result r = initscope::testing::run_initscope(
        args, 20000, QProcessEnvironment::systemEnvironment(), dir.path());
    const qint64 ms = timer.elapsed();

    QCOMPARE(r.exit_code, 2);
    QVERIFY2(r.err.endsWith('\n') && r.err.count('\n') == 1,
             qPrintable("not one line: " + r.err.left(2000)));
    QVERIFY2(!r.err.contains('\r'), qPrintable(r.err));
    QVERIFY2(r.err.startsWith(prefix), qPrintable(r.err.left(2000)));
    for (const QString& part : expected) {
      QVERIFY2(r.err.contains(part), qPrintable(r.err.left(2000) + "\nlacks: " + part));
    }
    QVERIFY2(r.err.size() < 1000, "the line should be short");
    QVERIFY2(r.out.isEmpty(), qPrintable(r.out));
    QCOMPARE(snapshot(dir.path()), before);
    if (!out_exists) QVERIFY(!QFileInfo::exists(dir.filePath("out")));
    QVERIFY2(ms < 10000, qPrintable(QString("took %1 ms").arg(ms)));
  }

  // `--help` anywhere on a command's line prints the usage and succeeds (it once said "unknown
  // option").
  void help_data() {
    QTest::addColumn<QStringList>("args");
    QTest::newRow("run --help") << QStringList{"run", "--help"};
    QTest::newRow("export --help") << QStringList{"export", "--help"};
    QTest::newRow("gain --help") << QStringList{"gain", "--help"};
    QTest::newRow("gui --help") << QStringList{"gui", "--help"};
    QTest::newRow("run -h") << QStringList{"run", "-h"};
    QTest::newRow("run CONFIG --help") << QStringList{"run", "bad.json", "--out", "out", "--help"};
    QTest::newRow("export CONFIG --help") << QStringList{"export", "bad.json", "--help"};
    QTest::newRow("--help among bad options") << QStringList{"run", "--threads", "0", "--help"};
  }
  void help() {
    QFETCH(QStringList, args);
    QTemporaryDir dir;
    QVERIFY(write(dir.filePath("bad.json"), kSmall));
    const QStringList before = snapshot(dir.path());
    const Result r = initscope::testing::run_initscope(
        args, 20000, QProcessEnvironment::systemEnvironment(), dir.path());
    QCOMPARE(r.exit_code, 0);
    QVERIFY2(r.out.startsWith("InitScope") && r.out.contains("Usage:") &&
                 r.out.contains("initscope run CONFIG [--out DIR]") &&
                 r.out.contains("initscope export CONFIG --out DIR"),
             qPrintable(r.out));
    QVERIFY2(r.err.isEmpty(), qPrintable(r.err));
    QCOMPARE(snapshot(dir.path()), before);
  }

  // The other side of the rows above: a leading BOM is accepted, and the warnings of a config that
  // runs are still shown (on run, with its first layer; on export, before the plots), each on one
  // line, at most 20 of them for unknown keys.
  void accepted_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QByteArray>("keys");  // put after "version": 1
    QTest::addColumn<QString>("warnings");
    const QString run = "initscope run: warning: bad.json: ";
    const QString exp = "initscope export: warning: bad.json: ";
    QTest::newRow("run") << kRun << QByteArray(R"(, "sede": 3)")
                         << run + "sede: unknown key, ignored (did you mean \"seed\"?)\n";
    QTest::newRow("export") << kExport + QStringList{"--format", "csv"}
                            << QByteArray(R"(, "sede": 3)")
                            << exp + "sede: unknown key, ignored (did you mean \"seed\"?)\n";
    QTest::newRow("key with a newline")
        << kRun << QByteArray(R"(, "se\nde": 3)")
        << run + R"("se\nde": unknown key, ignored (did you mean "seed"?))" + "\n";
    QByteArray keys;
    QString lines;
    for (int i = 0; i < 30; ++i) {
      keys += ", \"k" + QByteArray::number(i) + "\": 0";
      if (i < 20) lines += run + "k" + QString::number(i) + ": unknown key, ignored\n";
    }
    QTest::newRow("30 unknown keys") << kRun << keys
                                     << lines +
                                            "initscope run: warning: bad.json: 10 more unknown "
                                            "keys, ignored\n";
  }
  void accepted() {
    QFETCH(QStringList, args);
    QFETCH(QByteArray, keys);
    QFETCH(QString, warnings);
    QTemporaryDir dir;
    QByteArray text = "\xEF\xBB\xBF" + kSmall;
    text.replace("\"version\": 1", "\"version\": 1" + keys);
    QVERIFY(write(dir.filePath("bad.json"), text));
    const Result r = initscope::testing::run_initscope(
        args, 60000, QProcessEnvironment::systemEnvironment(), dir.path());
    QCOMPARE(r.exit_code, 0);
    QCOMPARE(r.err, warnings);
    QVERIFY(QFileInfo(dir.filePath("out/stats.csv")).size() > 0);
  }
};

QTEST_GUILESS_MAIN(TestBadInput)
#include "tst_bad_input.moc"
