#pragma once

// Fashion-MNIST (Xiao, Rasul & Vollgraf 2017), the images a training run learns from: 28 × 28 grey
// pixels of clothing in 10 classes, 60000 to train on and 10000 to test, read from the four IDX
// files as Debian's package dataset-fashion-mnist installs them:
// /usr/share/datasets/fashion-mnist/{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz.

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace initscope {

inline constexpr int kFashionMnistSide = 28;
inline constexpr int kFashionMnistPixels = kFashionMnistSide * kFashionMnistSide;
inline constexpr int kFashionMnistClasses = 10;
// The sizes of Debian's package: what a config's train.batch and train.eval_size are bounded by.
inline constexpr int kFashionMnistTrainImages = 60000;
inline constexpr int kFashionMnistTestImages = 10000;

/// One split: `count` images of kFashionMnistPixels bytes each, row by row, and their labels.
struct ImageSet {
  int count = 0;
  std::vector<std::uint8_t> pixels;  // count × 784, as stored: 0 is the background
  std::vector<std::uint8_t> labels;  // count, each 0..9
};

struct FashionMnist {
  ImageSet train, test;
  std::string folder;  // where the files were read
};

/// The folder the files are read from: `data_dir` (the config's train.data_dir) if not empty, else
/// $INITSCOPE_FASHION_MNIST if set and not empty, else /usr/share/datasets/fashion-mnist.
std::string fashion_mnist_folder(const std::string& data_dir = {});

/// Reads the four files of fashion_mnist_folder(data_dir) and checks them whole: gzip, the IDX
/// header, images of 28 × 28, the exact size, labels 0..9, as many labels as images (any count, so
/// that small test sets load too). Loads once per process and folder (the folder's name as given):
/// later calls return the same object. Thread-safe; a failed load is not kept, so the next call
/// tries again. Throws DataError `<path of the file>: <problem>; install Debian's package
/// dataset-fashion-mnist, or ...`.
std::shared_ptr<const FashionMnist> load_fashion_mnist(const std::string& data_dir = {});

/// The normalized value of each pixel value p, as torch's ToTensor and Normalize((0.2860,),
/// (0.3530,)) compute it in float32: ((float)p / 255 − 0.2860f) / 0.3530f.
const std::array<float, 256>& fashion_mnist_pixel_values();

/// Writes the images set[indices[0]], set[indices[1]], ... normalized into `out`, one row of 784
/// floats each: the batch a training step reads. Throws std::logic_error unless `out` holds
/// indices.size() × 784 floats and every index is in [0, set.count).
void gather_images(const ImageSet& set, std::span<const std::int64_t> indices,
                   std::span<float> out);

}  // namespace initscope
