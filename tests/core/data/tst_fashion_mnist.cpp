// core's Fashion-MNIST loader: small IDX sets written with zlib into a temporary folder load
// exactly, every kind of broken file is refused with one line naming the file and the problem, the
// folder comes from the argument, the environment or Debian's path in that order, and the pixels
// normalize as torch's. When Debian's dataset-fashion-mnist is installed, the real set is checked.
#include <zlib.h>

#include <array>
#include <cmath>
#include <filesystem>
#include <fstream>

#include <QTemporaryDir>
#include <QtTest>

#include "core/data/fashion_mnist.h"
#include "core/error.h"

using namespace initscope;
namespace fs = std::filesystem;

namespace {

using Bytes = std::vector<std::uint8_t>;

const std::string kDebianFolder = "/usr/share/datasets/fashion-mnist";
const std::string kHint =
    "; install Debian's package dataset-fashion-mnist, or point INITSCOPE_FASHION_MNIST at a "
    "folder holding the four files";

void append_big_endian(Bytes& bytes, std::uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) bytes.push_back(std::uint8_t(value >> shift));
}

Bytes idx_images(std::uint32_t count, std::uint32_t rows, std::uint32_t cols, const Bytes& pixels) {
  Bytes bytes;
  for (std::uint32_t value : {0x00000803u, count, rows, cols}) append_big_endian(bytes, value);
  bytes.insert(bytes.end(), pixels.begin(), pixels.end());
  return bytes;
}

Bytes idx_labels(const Bytes& labels) {
  Bytes bytes;
  append_big_endian(bytes, 0x00000801);
  append_big_endian(bytes, std::uint32_t(labels.size()));
  bytes.insert(bytes.end(), labels.begin(), labels.end());
  return bytes;
}

void write_gz(const fs::path& path, const Bytes& bytes) {
  gzFile file = gzopen(path.c_str(), "wb");
  QVERIFY(file);
  QCOMPARE(gzwrite(file, bytes.data(), unsigned(bytes.size())), int(bytes.size()));
  QCOMPARE(gzclose(file), Z_OK);
}

// A split of `count` images whose pixels run through every byte value, labelled 0, 1, 2, ...
struct Split {
  Bytes pixels, labels;
};
Split make_split(int count, int seed) {
  Split split;
  for (int i = 0; i < count * kFashionMnistPixels; ++i)
    split.pixels.push_back(std::uint8_t(i * 7 + seed));
  for (int i = 0; i < count; ++i) split.labels.push_back(std::uint8_t((i + seed) % 10));
  return split;
}

const Split kTrain = make_split(3, 0);
const Split kTest = make_split(2, 5);

void write_set(const fs::path& folder) {
  write_gz(folder / "train-images-idx3-ubyte.gz", idx_images(3, 28, 28, kTrain.pixels));
  write_gz(folder / "train-labels-idx1-ubyte.gz", idx_labels(kTrain.labels));
  write_gz(folder / "t10k-images-idx3-ubyte.gz", idx_images(2, 28, 28, kTest.pixels));
  write_gz(folder / "t10k-labels-idx1-ubyte.gz", idx_labels(kTest.labels));
}

// The message load_fashion_mnist throws for `folder`, or "<loaded>".
std::string load_error(const fs::path& folder) {
  try {
    load_fashion_mnist(folder);
  } catch (const InputError& error) {
    return error.what();
  }
  return "<loaded>";
}

// Sets or (with nullptr) unsets an environment variable for a scope, then restores it.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value)
      : name_(name), had_(qEnvironmentVariableIsSet(name)), old_(qgetenv(name)) {
    value ? qputenv(name, value) : qunsetenv(name);
  }
  ~ScopedEnv() { had_ ? qputenv(name_, old_) : qunsetenv(name_); }

 private:
  const char* name_;
  bool had_;
  QByteArray old_;
};

}  // namespace

class TestFashionMnist : public QObject {
  Q_OBJECT

 private slots:
  void a_valid_set_loads_exactly() {
    QTemporaryDir dir;
    write_set(dir.path().toStdString());
    const auto data = load_fashion_mnist(dir.path().toStdString());
    QCOMPARE(data->folder, dir.path().toStdString());
    QCOMPARE(data->train.count, 3);
    QCOMPARE(data->train.pixels, kTrain.pixels);
    QCOMPARE(data->train.labels, kTrain.labels);
    QCOMPARE(data->test.count, 2);
    QCOMPARE(data->test.pixels, kTest.pixels);
    QCOMPARE(data->test.labels, kTest.labels);
  }

  void a_broken_file_is_named_with_its_problem_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<QByteArray>("content");  // written as it is; empty: no file at all
    QTest::addColumn<QString>("problem");
    const auto gz = [](const Bytes& bytes) {
      QTemporaryDir dir;
      const fs::path path = fs::path(dir.path().toStdString()) / "f.gz";
      write_gz(path, bytes);
      std::ifstream file(path, std::ios::binary);
      return QByteArray::fromStdString(std::string(std::istreambuf_iterator<char>(file), {}));
    };
    const QString images = "train-images-idx3-ubyte.gz", labels = "t10k-labels-idx1-ubyte.gz";
    QTest::newRow("missing") << images << QByteArray() << "cannot open (No such file or directory)";
    QTest::newRow("not gzip") << labels << QByteArray("\x00\x00\x08\x01\x00\x00\x00\x00", 8)
                              << "not gzip data";
    QTest::newRow("short header") << images << gz({0, 0, 8, 3, 0, 0, 0, 3, 0, 0})
                                  << "truncated: expected a 16-byte header, got 10 bytes";
    Bytes two_images(kTrain.pixels.begin(), kTrain.pixels.begin() + 2 * 784);
    QTest::newRow("truncated") << images << gz(idx_images(3, 28, 28, two_images))
                               << "truncated: expected 2368 bytes, got 1584";
    Bytes longer = kTrain.pixels;
    longer.insert(longer.end(), 5, 0);
    QTest::newRow("trailing bytes") << images << gz(idx_images(3, 28, 28, longer))
                                    << "trailing bytes: expected 2368 bytes, got 2373";
    QTest::newRow("gzip cut short") << images << gz(idx_images(3, 28, 28, kTrain.pixels)).chopped(4)
                                    << "corrupt gzip data (unexpected end of file)";
    QByteArray bad_checksum = gz(idx_images(3, 28, 28, kTrain.pixels));
    bad_checksum[bad_checksum.size() - 6] ^= 1;  // in the CRC-32 of the trailer
    QTest::newRow("bad checksum") << images << bad_checksum
                                  << "corrupt gzip data (incorrect data check)";
    QTest::newRow("labels as images") << images << gz(idx_labels(kTrain.labels))
                                      << "magic number 0x00000801, expected 0x00000803";
    QTest::newRow("28 × 29") << images << gz(idx_images(3, 28, 29, kTrain.pixels))
                             << "3 images of 28 × 29, expected 28 × 28";
    QTest::newRow("label 10") << labels << gz(idx_labels({4, 10}))
                              << "label 10 at index 1, expected 0–9";
    QTest::newRow("one label short") << labels << gz(idx_labels({4})) << "2 images but 1 labels";
  }
  void a_broken_file_is_named_with_its_problem() {
    QFETCH(QString, file);
    QFETCH(QByteArray, content);
    QFETCH(QString, problem);
    QTemporaryDir dir;
    const fs::path folder = dir.path().toStdString();
    write_set(folder);
    const fs::path path = folder / file.toStdString();
    if (content.isEmpty()) {
      fs::remove(path);
    } else {
      std::ofstream(path, std::ios::binary) << content.toStdString();
    }
    QCOMPARE(
        QString::fromStdString(load_error(folder)),
        QString::fromStdString(path.string() + ": ") + problem + QString::fromStdString(kHint));
  }

  void a_folder_in_place_of_a_file_cannot_be_read() {
    QTemporaryDir dir;
    const fs::path folder = dir.path().toStdString();
    write_set(folder);
    const fs::path path = folder / "t10k-images-idx3-ubyte.gz";
    fs::remove(path);
    fs::create_directory(path);
    QCOMPARE(QString::fromStdString(load_error(folder)),
             QString::fromStdString(path.string() + ": cannot read (Is a directory)" + kHint));
  }

  void with_both_splits_broken_the_train_split_is_named() {
    QTemporaryDir dir;
    const fs::path folder = dir.path().toStdString();
    write_set(folder);
    fs::remove(folder / "train-labels-idx1-ubyte.gz");
    fs::remove(folder / "t10k-images-idx3-ubyte.gz");
    QCOMPARE(QString::fromStdString(load_error(folder)),
             QString::fromStdString((folder / "train-labels-idx1-ubyte.gz").string() +
                                    ": cannot open (No such file or directory)" + kHint));
  }

  void a_folder_loads_once_and_a_failure_is_not_kept() {
    QTemporaryDir dir;
    const fs::path folder = dir.path().toStdString();
    QVERIFY(load_error(folder).starts_with((folder / "train-images-idx3-ubyte.gz").string()));
    write_set(folder);
    const auto first = load_fashion_mnist(folder);
    fs::remove(folder / "train-images-idx3-ubyte.gz");
    QCOMPARE(load_fashion_mnist(folder), first);
  }

  void the_folder_is_the_argument_then_the_environment_then_debians() {
    {
      ScopedEnv env("INITSCOPE_FASHION_MNIST", "/from/env");
      QCOMPARE(fashion_mnist_folder("/from/config"), std::string("/from/config"));
      QCOMPARE(fashion_mnist_folder(), std::string("/from/env"));
    }
    {
      ScopedEnv env("INITSCOPE_FASHION_MNIST", "");
      QCOMPARE(fashion_mnist_folder(), kDebianFolder);
    }
    ScopedEnv env("INITSCOPE_FASHION_MNIST", nullptr);
    QCOMPARE(fashion_mnist_folder(), kDebianFolder);
    QCOMPARE(fashion_mnist_folder("/from/config"), std::string("/from/config"));
  }

  void the_environment_folder_is_loaded() {
    QTemporaryDir dir;
    write_set(dir.path().toStdString());
    ScopedEnv env("INITSCOPE_FASHION_MNIST", dir.path().toUtf8().constData());
    QCOMPARE(load_fashion_mnist()->folder, dir.path().toStdString());
    QCOMPARE(load_fashion_mnist()->train.labels, kTrain.labels);
  }

  void pixels_normalize_as_torch_in_float32() {
    const std::array<float, 256>& values = fashion_mnist_pixel_values();
    for (int p = 0; p < 256; ++p) {
      const float expected = (static_cast<float>(p) / 255.0f - 0.2860f) / 0.3530f;
      QCOMPARE(values[p], expected);
    }
    // Worked out apart, rounding to float32 after each operation.
    QCOMPARE(values[0], (0.0f - 0.286f) / 0.353f);
    QCOMPARE(values[0], -0x1.9ed252p-1f);
    QCOMPARE(values[1], -0x1.992236p-1f);
    QCOMPARE(values[128], 0x1.393c22p-1f);
    QCOMPARE(values[255], 0x1.02e69ep+1f);
  }

  void gather_images_writes_the_normalized_rows() {
    ImageSet set;
    set.count = 3;
    set.pixels = kTrain.pixels;
    set.labels = kTrain.labels;
    const std::array<std::int64_t, 2> indices{2, 0};
    std::vector<float> out(2 * 784, -99.0f);
    gather_images(set, indices, out);
    const auto& values = fashion_mnist_pixel_values();
    for (int row = 0; row < 2; ++row)
      for (int i = 0; i < 784; ++i)
        QCOMPARE(out[row * 784 + i], values[set.pixels[indices[row] * 784 + i]]);
    QVERIFY_THROWS_EXCEPTION(std::logic_error, gather_images(set, indices, {out.data(), 784}));
    const std::array<std::int64_t, 1> outside{3};
    QVERIFY_THROWS_EXCEPTION(std::logic_error, gather_images(set, outside, {out.data(), 784}));
  }

  void debians_set_has_the_published_counts() {
    if (!fs::exists(kDebianFolder)) QSKIP("dataset-fashion-mnist is not installed");
    const auto data = load_fashion_mnist(kDebianFolder);
    QCOMPARE(data->train.count, 60000);
    QCOMPARE(data->test.count, 10000);
    std::array<int, 10> train_classes{}, test_classes{};
    for (std::uint8_t label : data->train.labels) ++train_classes[label];
    for (std::uint8_t label : data->test.labels) ++test_classes[label];
    for (int c = 0; c < 10; ++c) {
      QCOMPARE(train_classes[c], 6000);
      QCOMPARE(test_classes[c], 1000);
    }
    QCOMPARE(int(data->train.labels[0]), 9);  // an ankle boot
    QCOMPARE(int(data->test.labels[0]), 9);
    // The mean and standard deviation the normalization takes, 0.2860 and 0.3530, are the train
    // set's to four places.
    double sum = 0, squares = 0;
    for (std::uint8_t p : data->train.pixels) {
      sum += p / 255.0;
      squares += (p / 255.0) * (p / 255.0);
    }
    const double n = double(data->train.pixels.size()), mean = sum / n;
    QVERIFY2(std::abs(mean - 0.2860) < 5e-5, std::to_string(mean).c_str());
    const double deviation = std::sqrt(squares / n - mean * mean);
    QVERIFY2(std::abs(deviation - 0.3530) < 5e-5, std::to_string(deviation).c_str());
  }
};

QTEST_APPLESS_MAIN(TestFashionMnist)
#include "tst_fashion_mnist.moc"
