#include "core/data/fashion_mnist.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <future>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string_view>

#include "core/error.h"

namespace initscope {
namespace {

constexpr char kDefaultFolder[] = "/usr/share/datasets/fashion-mnist";
// IDX magic numbers: two zero bytes, the element type (0x08, unsigned byte), the dimensions.
constexpr std::uint32_t kImagesMagic = 0x00000803;
constexpr std::uint32_t kLabelsMagic = 0x00000801;

constexpr std::array<float, 256> kPixelValues = [] {
  std::array<float, 256> values{};
  for (int p = 0; p < 256; ++p) values[p] = (static_cast<float>(p) / 255.0f - 0.2860f) / 0.3530f;
  return values;
}();

[[noreturn]] void fail(const std::string& path, const std::string& problem) {
  throw DataError(path + ": " + problem +
                   "; install Debian's package dataset-fashion-mnist, or point "
                   "INITSCOPE_FASHION_MNIST at a folder holding the four files");
}

std::uint32_t big_endian(const std::uint8_t* bytes) {
  return std::uint32_t{bytes[0]} << 24 | std::uint32_t{bytes[1]} << 16 |
         std::uint32_t{bytes[2]} << 8 | std::uint32_t{bytes[3]};
}

std::string hex(std::uint32_t value) {
  char text[11];
  std::snprintf(text, sizeof text, "0x%08x", value);
  return text;
}

struct GzClose {
  void operator()(gzFile file) const { gzclose(file); }
};
using GzFile = std::unique_ptr<gzFile_s, GzClose>;

// Throws if reading `file` went wrong: a read error, or damaged gzip data (a bad checksum, a
// stream cut short).
void check_read(gzFile file, const std::string& path) {
  int code = Z_OK;
  std::string_view message = gzerror(file, &code);  // "<path>: <what went wrong>"
  if (code == Z_OK) return;
  if (message.starts_with(path + ": ")) message.remove_prefix(path.size() + 2);
  fail(path,
       (code == Z_ERRNO ? "cannot read (" : "corrupt gzip data (") + std::string(message) + ")");
}

// Decompresses up to `size` bytes into `out` and returns how many there were: fewer only at the
// end of the data.
std::size_t read_some(gzFile file, const std::string& path, std::uint8_t* out, std::size_t size) {
  std::size_t total = 0;
  while (total < size) {
    const auto chunk = static_cast<unsigned>(std::min<std::size_t>(size - total, 1u << 30));
    const int got = gzread(file, out + total, chunk);
    check_read(file, path);
    total += static_cast<std::size_t>(got);
    if (static_cast<unsigned>(got) < chunk) break;
  }
  return total;
}

// The data of one IDX file after its header: the images (count × 784 bytes) when `magic` is
// kImagesMagic, else the labels (count bytes). Checks the magic number, the images' 28 × 28 and
// that the data is exactly as long as the header says.
std::vector<std::uint8_t> read_idx(const std::string& path, std::uint32_t magic) {
  GzFile file(gzopen(path.c_str(), "rb"));
  if (!file) fail(path, std::string("cannot open (") + std::strerror(errno) + ")");
  gzbuffer(file.get(), 1 << 17);             // reads of 128 KiB rather than 8 KiB
  const bool direct = gzdirect(file.get());  // looks at the first bytes: gzip or not
  check_read(file.get(), path);
  if (direct) fail(path, "not gzip data");

  const bool images = magic == kImagesMagic;
  const std::size_t header_size = images ? 16 : 8;
  std::uint8_t header[16];
  const std::size_t header_got = read_some(file.get(), path, header, header_size);
  if (header_got >= 4 && big_endian(header) != magic)
    fail(path, "magic number " + hex(big_endian(header)) + ", expected " + hex(magic));
  if (header_got < header_size)
    fail(path, "truncated: expected a " + std::to_string(header_size) + "-byte header, got " +
                   std::to_string(header_got) + " bytes");
  const std::uint32_t count = big_endian(header + 4);
  if (images) {
    const std::uint32_t rows = big_endian(header + 8), cols = big_endian(header + 12);
    if (rows != kFashionMnistSide || cols != kFashionMnistSide)
      fail(path, std::to_string(count) + " images of " + std::to_string(rows) + " × " +
                     std::to_string(cols) + ", expected 28 × 28");
  }

  const std::uint64_t expected = std::uint64_t{count} * (images ? kFashionMnistPixels : 1);
  const auto sizes = [&](std::uint64_t got) {
    return "expected " + std::to_string(header_size + expected) + " bytes, got " +
           std::to_string(header_size + got);
  };
  // The buffer grows as the data comes, so that a header claiming billions of images costs no more
  // memory than the file holds; the first 64 MiB take the largest file of the set in one piece.
  std::vector<std::uint8_t> data;
  while (data.size() < expected) {
    const std::size_t have = data.size();
    data.resize(std::min<std::uint64_t>(expected, std::max<std::size_t>(2 * have, 64u << 20)));
    const std::size_t got = read_some(file.get(), path, data.data() + have, data.size() - have);
    if (got < data.size() - have) fail(path, "truncated: " + sizes(have + got));
  }
  std::uint64_t extra = 0;
  std::uint8_t scratch[1 << 16];
  while (const std::size_t got = read_some(file.get(), path, scratch, sizeof scratch)) extra += got;
  if (extra > 0) fail(path, "trailing bytes: " + sizes(expected + extra));
  return data;
}

// The images and labels of one split, "train" or "t10k", checked against each other.
ImageSet read_split(const std::string& folder, const std::string& split) {
  const std::filesystem::path base(folder);
  const std::string labels_path = base / (split + "-labels-idx1-ubyte.gz");
  ImageSet set;
  set.pixels = read_idx(base / (split + "-images-idx3-ubyte.gz"), kImagesMagic);
  set.labels = read_idx(labels_path, kLabelsMagic);
  const std::size_t count = set.pixels.size() / kFashionMnistPixels;
  if (set.labels.size() != count)
    fail(labels_path,
         std::to_string(count) + " images but " + std::to_string(set.labels.size()) + " labels");
  const auto bad = std::find_if(set.labels.begin(), set.labels.end(),
                                [](std::uint8_t label) { return label >= kFashionMnistClasses; });
  if (bad != set.labels.end())
    fail(labels_path, "label " + std::to_string(*bad) + " at index " +
                          std::to_string(bad - set.labels.begin()) + ", expected 0–9");
  set.count = static_cast<int>(count);
  return set;
}

}  // namespace

std::string fashion_mnist_folder(const std::string& data_dir) {
  if (!data_dir.empty()) return data_dir;
  const char* from_environment = std::getenv("INITSCOPE_FASHION_MNIST");
  return from_environment && *from_environment ? from_environment : kDefaultFolder;
}

std::shared_ptr<const FashionMnist> load_fashion_mnist(const std::string& data_dir) {
  // One load at a time: a second caller for the same folder waits and gets the first one's data.
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const FashionMnist>> loaded;
  const std::string folder = fashion_mnist_folder(data_dir);
  std::lock_guard lock(mutex);
  if (const auto it = loaded.find(folder); it != loaded.end()) return it->second;

  // The train images are 47 of the 55 MB to decompress; the test split is read beside them. When
  // both splits are broken the train split's error is the one thrown, whichever thread ends first.
  auto test = std::async(std::launch::async, read_split, folder, "t10k");
  auto data = std::make_shared<FashionMnist>();
  data->train = read_split(folder, "train");
  data->test = test.get();
  data->folder = folder;
  loaded.emplace(folder, data);
  return data;
}

const std::array<float, 256>& fashion_mnist_pixel_values() {
  return kPixelValues;
}

void gather_images(const ImageSet& set, std::span<const std::int64_t> indices,
                   std::span<float> out) {
  if (out.size() != indices.size() * kFashionMnistPixels)
    throw std::logic_error("gather_images: " + std::to_string(out.size()) + " floats for " +
                           std::to_string(indices.size()) + " images");
  for (std::size_t row = 0; row < indices.size(); ++row) {
    const std::int64_t index = indices[row];
    if (index < 0 || index >= set.count)
      throw std::logic_error("gather_images: image " + std::to_string(index) + " of a set of " +
                             std::to_string(set.count));
    const std::uint8_t* pixels = set.pixels.data() + index * kFashionMnistPixels;
    float* values = out.data() + row * kFashionMnistPixels;
    for (int i = 0; i < kFashionMnistPixels; ++i) values[i] = kPixelValues[pixels[i]];
  }
}

}  // namespace initscope
