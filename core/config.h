#pragma once

// The experiment of SPEC sections 1, 3 and 7 as a plain value: every field has the SPEC's default.
// Reading and writing it as JSON lives in config_io.h; checking it in validate().

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/nn/activation.h"
#include "core/nn/loss.h"
#include "core/names.h"
#include "core/nn/norm.h"
#include "core/init/schemes.h"
#include "core/train/optimizer.h"

namespace initscope {

enum class InputDistribution { normal, uniform };
template <>
struct EnumNames<InputDistribution> {
  static constexpr std::string_view family = "input distribution";
  static constexpr std::array<NameEntry<InputDistribution>, 2> table{{
      {InputDistribution::normal, "normal"},
      {InputDistribution::uniform, "uniform"},
  }};
};

enum class NetworkType { mlp, conv2d };
template <>
struct EnumNames<NetworkType> {
  static constexpr std::string_view family = "network type";
  static constexpr std::array<NameEntry<NetworkType>, 2> table{{
      {NetworkType::mlp, "mlp"},
      {NetworkType::conv2d, "conv2d"},
  }};
};

/// h_l = h_{l−1} + α·block(h_{l−1}) where the shapes match: α = 1 (identity), 1/√depth (scaled),
/// 0 (rezero).
enum class Residual { none, identity, scaled, rezero };
template <>
struct EnumNames<Residual> {
  static constexpr std::string_view family = "residual";
  static constexpr std::array<NameEntry<Residual>, 4> table{{
      {Residual::none, "none"},
      {Residual::identity, "identity"},
      {Residual::scaled, "scaled"},
      {Residual::rezero, "rezero"},
  }};
};

enum class NormPlacement { pre, post };
template <>
struct EnumNames<NormPlacement> {
  static constexpr std::string_view family = "norm placement";
  static constexpr std::array<NameEntry<NormPlacement>, 2> table{{
      {NormPlacement::pre, "pre"},
      {NormPlacement::post, "post"},
  }};
};

/// init.gain: "auto" (torch's calculate_gain of the network's activation where torch defines one,
/// else the empirical gain), "empirical", or a number.
struct GainSetting {
  enum class Kind { automatic, empirical, value };
  Kind kind = Kind::automatic;
  double value = 1.0;  // used when kind == value

  bool operator==(const GainSetting&) const = default;
};

/// network.bias_init: "zeros", "torch_default" (U(±1/√fan_in)) or a number (constant).
struct BiasInit {
  enum class Kind { zeros, torch_default, constant };
  Kind kind = Kind::zeros;
  double value = 0.0;  // used when kind == constant

  bool operator==(const BiasInit&) const = default;
};

/// The kinds' names: the panel's combos show them; a file writes "auto", "empirical", "zeros" or
/// "torch_default", and a number for the other two.
template <>
struct EnumNames<GainSetting::Kind> {
  static constexpr std::string_view family = "gain";
  static constexpr std::array<NameEntry<GainSetting::Kind>, 3> table{{
      {GainSetting::Kind::automatic, "auto"},
      {GainSetting::Kind::empirical, "empirical"},
      {GainSetting::Kind::value, "manual"},
  }};
};

template <>
struct EnumNames<BiasInit::Kind> {
  static constexpr std::string_view family = "bias_init";
  static constexpr std::array<NameEntry<BiasInit::Kind>, 3> table{{
      {BiasInit::Kind::zeros, "zeros"},
      {BiasInit::Kind::torch_default, "torch_default"},
      {BiasInit::Kind::constant, "constant"},
  }};
};

/// train.task (SPEC section 8): Fashion-MNIST classification, or the synthetic teacher regression.
enum class TrainTask { fashion_mnist, teacher };
template <>
struct EnumNames<TrainTask> {
  static constexpr std::string_view family = "task";
  static constexpr std::array<NameEntry<TrainTask>, 2> table{{
      {TrainTask::fashion_mnist, "fashion_mnist"},
      {TrainTask::teacher, "teacher"},
  }};
};

/// train.readout_init: the readout's weight as the blocks' scheme has it, zeros, or torch's
/// nn.Linear default.
enum class ReadoutInit { same, zeros, torch_default };
template <>
struct EnumNames<ReadoutInit> {
  static constexpr std::string_view family = "readout_init";
  static constexpr std::array<NameEntry<ReadoutInit>, 3> table{{
      {ReadoutInit::same, "same"},
      {ReadoutInit::zeros, "zeros"},
      {ReadoutInit::torch_default, "torch_default"},
  }};
};

/// The `train` object (SPEC section 8), with its defaults.
struct TrainSetting {
  TrainTask task = TrainTask::fashion_mnist;
  std::int64_t steps = 300;
  std::int64_t batch = 128;
  OptimizerSpec optimizer;
  ReadoutInit readout_init = ReadoutInit::same;
  std::int64_t eval_every = 25;
  std::int64_t eval_size = 2000;
  std::string data_dir;  // empty: $INITSCOPE_FASHION_MNIST, else Debian's folder
  bool operator==(const TrainSetting&) const = default;
};

/// The readout's outputs: Fashion-MNIST's classes, the teacher's targets.
inline constexpr std::int64_t kReadoutOutputs = 10;

struct Config {
  int version = 1;
  std::uint64_t seed = 0;

  struct Input {
    std::int64_t dim = 256;
    std::int64_t batch = 512;
    InputDistribution distribution = InputDistribution::normal;
    std::int64_t channels = 3;  // conv2d
    std::int64_t height = 32;
    std::int64_t width = 32;
    bool operator==(const Input&) const = default;
  } input;

  struct Network {
    NetworkType type = NetworkType::mlp;
    std::int64_t depth = 20;
    std::int64_t width = 256;
    bool bias = true;
    BiasInit bias_init;
    Residual residual = Residual::none;
    std::int64_t kernel = 3;  // conv2d
    bool operator==(const Network&) const = default;
  } network;

  struct ActivationSetting {
    Activation name = Activation::tanh;
    std::optional<double> param;  // absent: the activation's default
    bool operator==(const ActivationSetting&) const = default;
  } activation;

  struct Init {
    Scheme scheme = Scheme::xavier_uniform;
    GainSetting gain;
    /// The scheme's own arguments. args.gain is not read from here: the engine resolves `gain`
    /// above into it. args.nonlinearity and args.a are used only when the two fields below are set.
    InitArgs args;
    std::optional<Nonlinearity> nonlinearity;  // kaiming: absent → from the network's activation
    std::optional<double> a;                   // kaiming: absent → the activation's param, or 0
    bool operator==(const Init&) const = default;
  } init;

  struct NormSetting {
    Norm name = Norm::none;
    NormPlacement placement = NormPlacement::pre;
    double eps = 1e-5;
    std::int64_t groups = 32;
    std::int64_t size = 5;  // local_response
    double alpha = 1e-4;
    double beta = 0.75;
    double k = 1.0;
    bool operator==(const NormSetting&) const = default;
  } norm;

  struct LossSetting {
    Loss name = Loss::random_gradient;
    bool operator==(const LossSetting&) const = default;
  } loss;

  /// Present: the experiment can be trained (initscope train, the Training view).
  std::optional<TrainSetting> train;

  bool operator==(const Config&) const = default;
};

inline bool is_conv(const Config& config) {
  return config.network.type == NetworkType::conv2d;
}

/// The rows of one sample in the engine's layout: H·W for a conv2d stack (core/nn/conv.h), 1 for
/// an mlp.
inline std::int64_t positions_of(const Config& config) {
  return is_conv(config) ? config.input.height * config.input.width : 1;
}

/// The SPEC's size bounds.
inline constexpr std::int64_t kMaxDepth = 1000;
inline constexpr std::int64_t kMaxWidth = 8192;
inline constexpr std::int64_t kMaxInputDim = 8192;
inline constexpr std::int64_t kMaxBatch = 65536;
inline constexpr std::int64_t kMaxKernel = 15;
// Image sides and channel counts share the width bound: beyond it a single image would not fit the
// default memory limit anyway.
inline constexpr std::int64_t kMaxImageExtent = 8192;
inline constexpr std::uint64_t kDefaultMaxMemory = 4ull << 30;  // 4 GiB
inline constexpr std::int64_t kMaxTrainSteps = 1000000;

}  // namespace initscope
