#include "core/io/config_io.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <memory>
#include <span>

#include "core/data/fashion_mnist.h"
#include "core/error.h"
#include "core/io/format.h"
#include "core/io/json.h"

namespace initscope {
namespace {

// The keys SPEC section 3 defines, per object, in the order config_to_json writes them. They are
// also the did-you-mean candidates for unknown keys.
constexpr std::string_view kTopKeys[] = {"version", "seed", "input", "network", "activation",
                                         "init",    "norm", "loss",  "train"};
constexpr std::string_view kInputKeys[] = {"dim",      "batch",  "distribution",
                                           "channels", "height", "width"};
constexpr std::string_view kNetworkKeys[] = {"type",      "depth",    "width", "bias",
                                             "bias_init", "residual", "kernel"};
constexpr std::string_view kActivationKeys[] = {"name", "param"};
constexpr std::string_view kInitKeys[] = {
    "scheme",  "gain",    "mode",     "mean",  "std",          "low",          "high", "value",
    "trunc_a", "trunc_b", "sparsity", "scale", "distribution", "nonlinearity", "a",    "groups"};
constexpr std::string_view kNormKeys[] = {"name", "placement", "eps",  "groups",
                                          "size", "alpha",     "beta", "k"};
constexpr std::string_view kLossKeys[] = {"name"};
// A lesson file (core/lesson.h) is an experiment file with these five texts beside its keys: not
// part of the experiment, and not unknown either, so `initscope run` and `train` read a lesson
// without a warning.
constexpr std::string_view kLessonTextKeys[] = {"title", "summary", "observe", "question",
                                                "answer"};
constexpr std::string_view kTrainKeys[] = {
    "task",  "steps",        "batch",      "optimizer",  "lr",        "momentum", "weight_decay",
    "betas", "adam_eps",     "readout_init", "eval_every", "eval_size", "data_dir"};

// The spellings of init.gain and network.bias_init that are not numbers.
// The words a file may use; a number stands for the remaining kind (a manual gain, a constant).
constexpr std::string_view kGainWords[] = {name_of(GainSetting::Kind::automatic),
                                           name_of(GainSetting::Kind::empirical)};
constexpr std::string_view kBiasInitWords[] = {name_of(BiasInit::Kind::zeros),
                                               name_of(BiasInit::Kind::torch_default)};

constexpr int kVersion = 1;
// norm.groups, norm.size and init.groups count channels or features, so the width bound caps them.
constexpr std::int64_t kMaxCount = kMaxWidth;

const std::string kVersionHint =
    "(this reader understands version " + std::to_string(kVersion) + ")";

[[noreturn]] void fail(std::string_view path, const std::string& problem) {
  throw InputError(std::string(path) + ": " + problem);
}

std::string quoted(std::string_view s) {
  return json::describe(json::Value::string(std::string(s)));
}

std::string between(std::int64_t low, std::int64_t high, const std::string& got) {
  return "must be between " + std::to_string(low) + " and " + std::to_string(high) + ", got " + got;
}

// --- checks shared by the reader and validate() ------------------------------------------------

void check_range(std::string_view path, std::int64_t value, std::int64_t low, std::int64_t high) {
  if (value < low || value > high) fail(path, between(low, high, std::to_string(value)));
}

void check_finite(std::string_view path, double value) {
  if (!std::isfinite(value)) fail(path, "must be a finite number, got " + format_number(value));
}

// --- reading one value -------------------------------------------------------------------------

std::int64_t read_int(const json::Value& v, std::string_view path, std::int64_t low,
                      std::int64_t high) {
  if (!v.is_number() || !v.is_integral())
    fail(path, "expected an integer, got " + json::describe(v));
  const auto value = v.to_int64();
  if (!value || *value < low || *value > high) fail(path, between(low, high, json::describe(v)));
  return *value;
}

double read_double(const json::Value& v, std::string_view path) {
  if (!v.is_number()) fail(path, "expected a number, got " + json::describe(v));
  return v.as_number();  // finite: the JSON reader refuses anything else
}

bool read_bool(const json::Value& v, std::string_view path) {
  if (!v.is_bool()) fail(path, "expected true or false, got " + json::describe(v));
  return v.as_bool();
}

// Names and keys are short words: a longer one gets no did-you-mean (the search is quadratic in
// the length, and a 15 MB "name" would take seconds and gigabytes).
constexpr std::size_t kMaxHintedLength = 64;

// ` (did you mean "x"?)` for a typo (did_you_mean), for a different case ("ReLU"), or for names
// the word starts or is the start of ("batchnorm" → "batch", "kaiming" → "kaiming_uniform" or
// "kaiming_normal"); else "".
std::string name_hint(std::string_view word, std::span<const std::string_view> candidates) {
  if (word.size() > kMaxHintedLength) return {};
  std::string lower(word);
  for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  std::vector<std::string_view> matches;
  const auto add = [&](std::string_view name) {
    if (std::find(matches.begin(), matches.end(), name) == matches.end()) matches.push_back(name);
  };
  for (std::string_view name : candidates) {
    if (name == lower) add(name);
  }
  if (matches.empty()) {
    if (std::string hint = did_you_mean(word, candidates); !hint.empty()) return hint;
  }
  if (matches.empty() && lower.size() >= 3) {
    for (std::string_view name : candidates) {
      if (name.starts_with(lower) || (name.size() >= 3 && lower.starts_with(name))) add(name);
    }
  }
  if (matches.empty() || matches.size() > 3) return {};
  std::string hint = " (did you mean ";
  for (std::size_t i = 0; i < matches.size(); ++i) {
    if (i > 0) hint += i + 1 < matches.size() ? ", " : " or ";
    hint += "\"" + std::string(matches[i]) + "\"";
  }
  return hint + "?)";
}

// `unknown <family> "<name>"` and a hint. The name is shown as a JSON string, escaped and cut, so
// that a newline or a megabyte in the file cannot break the message's one line.
std::string unknown_name(std::string_view family, const std::string& name,
                         std::span<const std::string_view> candidates) {
  return "unknown " + std::string(family) + " " + json::describe(json::Value::string(name)) +
         name_hint(name, candidates);
}

template <typename E>
E read_name(const json::Value& v, std::string_view path) {
  if (!v.is_string()) fail(path, "expected a string, got " + json::describe(v));
  if (const std::optional<E> value = find_by_name<E>(v.as_string())) return *value;
  std::vector<std::string_view> names;  // aliases included, as parse_name
  for (const auto& entry : EnumNames<E>::table) names.push_back(entry.name);
  fail(path, unknown_name(EnumNames<E>::family, v.as_string(), names));
}

// A value that is one of a few words or a number: init.gain, network.bias_init.
// Returns the index of the word, or nullopt for a number (then `number` is set).
std::optional<std::size_t> read_word_or_number(const json::Value& v, std::string_view path,
                                               std::span<const std::string_view> words,
                                               std::string_view family, double& number) {
  std::string expected = "expected ";
  for (std::string_view word : words) expected += quoted(word) + ", ";
  expected.resize(expected.size() - 2);
  expected += " or a number, got ";
  if (v.is_number()) {
    number = v.as_number();
    return std::nullopt;
  }
  if (v.is_string()) {
    for (std::size_t i = 0; i < words.size(); ++i) {
      if (v.as_string() == words[i]) return i;
    }
    if (!name_hint(v.as_string(), words).empty()) {
      fail(path, unknown_name(family, v.as_string(), words));
    }
  }
  fail(path, expected + json::describe(v));
}

// --- reading the sections ----------------------------------------------------------------------

class Reader {
 public:
  Reader(std::string_view source, std::vector<std::string>& warnings)
      : source_(source), warnings_(warnings) {}

  Config read(const json::Value& root) {
    if (!root.is_object()) throw InputError("the top level must be an object");
    Config c;
    read_version(root);
    for (const json::Member& m : root.members()) {
      const std::string& key = m.key;
      const json::Value& v = m.value;
      if (key == "version") {
        // read first, above
      } else if (key == "seed") {
        c.seed = read_seed(v);
      } else if (key == "input") {
        read_input(section(v, key), c.input);
      } else if (key == "network") {
        read_network(section(v, key), c.network);
      } else if (key == "activation") {
        read_activation(section(v, key), c.activation);
      } else if (key == "init") {
        read_init(section(v, key), c.init);
      } else if (key == "norm") {
        read_norm(section(v, key), c.norm);
      } else if (key == "loss") {
        read_loss(section(v, key), c.loss);
      } else if (key == "train") {
        c.train.emplace();
        read_train(section(v, key), *c.train);
      } else if (std::find(std::begin(kLessonTextKeys), std::end(kLessonTextKeys), key) !=
                 std::end(kLessonTextKeys)) {
        // a lesson's text, read by parse_lesson
      } else {
        unknown_key(key, key, kTopKeys);
      }
    }
    if (c.train) apply_task_input(c);
    if (unknown_keys_ > kMaxKeyWarnings) {
      warnings_.push_back(std::string(source_) + ": " +
                          std::to_string(unknown_keys_ - kMaxKeyWarnings) +
                          " more unknown keys, ignored");
    }
    return c;
  }

 private:
  // The version comes first whatever its place in the file: under another version every other
  // key may mean something else.
  static void read_version(const json::Value& root) {
    const json::Value* v = root.find("version");
    if (!v) fail("version", "missing " + kVersionHint);
    if (!v->is_number() || !v->is_integral()) {
      fail("version", "expected an integer, got " + json::describe(*v));
    }
    if (v->to_int64() != kVersion) {
      fail("version", "unsupported version " + json::describe(*v) + " " + kVersionHint);
    }
  }

  static std::uint64_t read_seed(const json::Value& v) {
    if (!v.is_number() || !v.is_integral()) {
      fail("seed", "expected an integer, got " + json::describe(v));
    }
    const auto seed = v.to_uint64();
    if (!seed) {
      fail("seed", "must be between 0 and " +
                       std::to_string(std::numeric_limits<std::uint64_t>::max()) + ", got " +
                       json::describe(v));
    }
    return *seed;
  }

  static const json::Value& section(const json::Value& v, std::string_view path) {
    if (!v.is_object()) fail(path, "expected an object, got " + json::describe(v));
    return v;
  }

  // `path` is the section's prefix and the key. A key that is not a short printable word is shown
  // as a JSON string, escaped and cut, so that the warning stays one line. Past kMaxKeyWarnings
  // unknown keys are only counted (read() adds one line for the rest): a file of half a million
  // keys would otherwise print half a million lines.
  void unknown_key(std::string_view path, std::string_view key,
                   std::span<const std::string_view> known) {
    if (++unknown_keys_ > kMaxKeyWarnings) return;
    const bool plain = key.size() <= kMaxHintedLength && !key.empty() &&
                       std::none_of(key.begin(), key.end(), [](char c) {
                         return static_cast<unsigned char>(c) < 0x20 || c == 0x7F;
                       });
    const std::string shown = plain ? std::string(path)
                                    : std::string(path.substr(0, path.size() - key.size())) +
                                          json::describe(json::Value::string(std::string(key)));
    const std::string hint = key.size() <= kMaxHintedLength ? did_you_mean(key, known) : "";
    warnings_.push_back(std::string(source_) + ": " + shown + ": unknown key, ignored" + hint);
  }

  void read_input(const json::Value& object, Config::Input& input) {
    for (const json::Member& m : object.members()) {
      const std::string path = "input." + m.key;
      input_keys_.push_back(m.key);
      const json::Value& v = m.value;
      if (m.key == "dim") {
        input.dim = read_int(v, path, 1, kMaxInputDim);
      } else if (m.key == "batch") {
        input.batch = read_int(v, path, 1, kMaxBatch);
      } else if (m.key == "distribution") {
        input.distribution = read_name<InputDistribution>(v, path);
      } else if (m.key == "channels") {
        input.channels = read_int(v, path, 1, kMaxImageExtent);
      } else if (m.key == "height") {
        input.height = read_int(v, path, 1, kMaxImageExtent);
      } else if (m.key == "width") {
        input.width = read_int(v, path, 1, kMaxImageExtent);
      } else {
        unknown_key(path, m.key, kInputKeys);
      }
    }
  }

  void read_network(const json::Value& object, Config::Network& network) {
    for (const json::Member& m : object.members()) {
      const std::string path = "network." + m.key;
      const json::Value& v = m.value;
      if (m.key == "type") {
        network.type = read_name<NetworkType>(v, path);
      } else if (m.key == "depth") {
        network.depth = read_int(v, path, 1, kMaxDepth);
      } else if (m.key == "width") {
        network.width = read_int(v, path, 1, kMaxWidth);
      } else if (m.key == "bias") {
        network.bias = read_bool(v, path);
      } else if (m.key == "bias_init") {
        double value = 0.0;
        const auto word = read_word_or_number(v, path, kBiasInitWords, "bias_init", value);
        if (!word) {
          network.bias_init = {BiasInit::Kind::constant, value};
        } else {
          network.bias_init = {*word == 0 ? BiasInit::Kind::zeros : BiasInit::Kind::torch_default};
        }
      } else if (m.key == "residual") {
        network.residual = read_name<Residual>(v, path);
      } else if (m.key == "kernel") {
        network.kernel = read_int(v, path, 1, kMaxKernel);
      } else {
        unknown_key(path, m.key, kNetworkKeys);
      }
    }
  }

  void read_activation(const json::Value& object, Config::ActivationSetting& activation) {
    for (const json::Member& m : object.members()) {
      const std::string path = "activation." + m.key;
      if (m.key == "name") {
        activation.name = read_name<Activation>(m.value, path);
      } else if (m.key == "param") {
        activation.param = read_double(m.value, path);
      } else {
        unknown_key(path, m.key, kActivationKeys);
      }
    }
    // Checked once the name is known, wherever it stands in the object.
    if (activation.param && !takes_param(activation.name)) {
      warnings_.push_back(std::string(source_) + ": activation.param: " +
                          std::string(name_of(activation.name)) + " takes no parameter, ignored");
      activation.param.reset();
    }
  }

  void read_init(const json::Value& object, Config::Init& init) {
    InitArgs& args = init.args;
    for (const json::Member& m : object.members()) {
      const std::string path = "init." + m.key;
      const std::string& key = m.key;
      const json::Value& v = m.value;
      if (key == "scheme") {
        init.scheme = read_name<Scheme>(v, path);
      } else if (key == "gain") {
        double value = 0.0;
        const auto word = read_word_or_number(v, path, kGainWords, "gain", value);
        if (!word) {
          init.gain = {GainSetting::Kind::value, value};
        } else {
          init.gain = {*word == 0 ? GainSetting::Kind::automatic : GainSetting::Kind::empirical};
        }
      } else if (key == "mode") {
        args.mode = read_name<FanMode>(v, path);
      } else if (key == "mean") {
        args.mean = read_double(v, path);
      } else if (key == "std") {
        args.std = read_double(v, path);
      } else if (key == "low") {
        args.low = read_double(v, path);
      } else if (key == "high") {
        args.high = read_double(v, path);
      } else if (key == "value") {
        args.value = read_double(v, path);
      } else if (key == "trunc_a") {
        args.trunc_a = read_double(v, path);
      } else if (key == "trunc_b") {
        args.trunc_b = read_double(v, path);
      } else if (key == "sparsity") {
        args.sparsity = read_double(v, path);
      } else if (key == "scale") {
        args.scale = read_double(v, path);
      } else if (key == "distribution") {
        args.distribution = read_name<VsDistribution>(v, path);
      } else if (key == "nonlinearity") {
        init.nonlinearity = read_name<Nonlinearity>(v, path);
      } else if (key == "a") {
        init.a = read_double(v, path);
      } else if (key == "groups") {
        args.groups = read_int(v, path, 1, kMaxCount);
      } else {
        unknown_key(path, key, kInitKeys);
      }
    }
  }

  void read_norm(const json::Value& object, Config::NormSetting& norm) {
    for (const json::Member& m : object.members()) {
      const std::string path = "norm." + m.key;
      const json::Value& v = m.value;
      if (m.key == "name") {
        norm.name = read_name<Norm>(v, path);
      } else if (m.key == "placement") {
        norm.placement = read_name<NormPlacement>(v, path);
      } else if (m.key == "eps") {
        norm.eps = read_double(v, path);
      } else if (m.key == "groups") {
        norm.groups = read_int(v, path, 1, kMaxCount);
      } else if (m.key == "size") {
        norm.size = read_int(v, path, 1, kMaxCount);
      } else if (m.key == "alpha") {
        norm.alpha = read_double(v, path);
      } else if (m.key == "beta") {
        norm.beta = read_double(v, path);
      } else if (m.key == "k") {
        norm.k = read_double(v, path);
      } else {
        unknown_key(path, m.key, kNormKeys);
      }
    }
  }

  void read_loss(const json::Value& object, Config::LossSetting& loss) {
    for (const json::Member& m : object.members()) {
      const std::string path = "loss." + m.key;
      if (m.key == "name") {
        loss.name = read_name<Loss>(m.value, path);
      } else {
        unknown_key(path, m.key, kLossKeys);
      }
    }
  }

  void read_train(const json::Value& object, TrainSetting& train) {
    OptimizerSpec& o = train.optimizer;
    for (const json::Member& m : object.members()) {
      const std::string path = "train." + m.key;
      const std::string& key = m.key;
      const json::Value& v = m.value;
      if (key == "task") {
        train.task = read_name<TrainTask>(v, path);
      } else if (key == "steps") {
        train.steps = read_int(v, path, 0, kMaxTrainSteps);
      } else if (key == "batch") {
        train.batch = read_int(v, path, 1, kMaxBatch);
      } else if (key == "optimizer") {
        o.kind = read_name<OptimizerKind>(v, path);
      } else if (key == "lr") {
        o.lr = read_double(v, path);
      } else if (key == "momentum") {
        o.momentum = read_double(v, path);
      } else if (key == "weight_decay") {
        o.weight_decay = read_double(v, path);
      } else if (key == "betas") {
        if (!v.is_array() || v.size() != 2) fail(path, "expected [beta1, beta2], got " +
                                                           json::describe(v));
        o.beta1 = read_double(v.items()[0], path + "[0]");
        o.beta2 = read_double(v.items()[1], path + "[1]");
      } else if (key == "adam_eps") {
        o.eps = read_double(v, path);
      } else if (key == "readout_init") {
        train.readout_init = read_name<ReadoutInit>(v, path);
      } else if (key == "eval_every") {
        train.eval_every = read_int(v, path, 1, kMaxTrainSteps);
      } else if (key == "eval_size") {
        train.eval_size = read_int(v, path, 1, kMaxBatch);
      } else if (key == "data_dir") {
        if (!v.is_string()) fail(path, "expected a folder, got " + json::describe(v));
        train.data_dir = v.as_string();
      } else {
        unknown_key(path, key, kTrainKeys);
      }
    }
  }

  // Fashion-MNIST fixes the input's shape (SPEC section 8): an absent key takes it, a different
  // one is an error rather than a silent change.
  void apply_task_input(Config& c) const {
    if (c.train->task != TrainTask::fashion_mnist) return;
    const auto take = [&](const char* key, std::int64_t& field, std::int64_t value) {
      if (std::find(input_keys_.begin(), input_keys_.end(), key) == input_keys_.end()) {
        field = value;
      } else if (field != value) {
        fail(std::string("input.") + key,
             "the fashion_mnist task feeds " +
                 std::string(c.network.type == NetworkType::conv2d ? "1 × 28 × 28 images"
                                                                   : "784 pixels (28 × 28)") +
                 ": remove the key or set it to " + std::to_string(value) + ", got " +
                 std::to_string(field));
      }
    };
    if (c.network.type == NetworkType::conv2d) {
      take("channels", c.input.channels, 1);
      take("height", c.input.height, kFashionMnistSide);
      take("width", c.input.width, kFashionMnistSide);
    } else {
      take("dim", c.input.dim, kFashionMnistPixels);
    }
  }

  static constexpr std::size_t kMaxKeyWarnings = 20;

  std::string_view source_;
  std::vector<std::string>& warnings_;
  std::size_t unknown_keys_ = 0;
  std::vector<std::string> input_keys_;  // the input keys the file sets
};

// The first layer's weight shape: the scheme's arguments are checked against it.

json::Value name_value(std::string_view name) {
  return json::Value::string(std::string(name));
}

void check_at_least(std::string_view path, double value, double low) {
  check_finite(path, value);
  if (!(value >= low)) fail(path, "must be at least " + format_number(low) + ", got " +
                                      format_number(value));
}

void check_fraction(std::string_view path, double value) {
  check_finite(path, value);
  if (!(value >= 0 && value < 1)) {
    fail(path, "must be at least 0 and below 1, got " + format_number(value));
  }
}

// SPEC section 8's bounds, torch's checks on its optimizers (lr, momentum, weight decay, eps at
// least 0, betas in [0, 1)) and the task's shapes.
void validate_train(const Config& c) {
  const TrainSetting& t = *c.train;
  const bool fashion = t.task == TrainTask::fashion_mnist;
  const bool conv = c.network.type == NetworkType::conv2d;
  check_range("train.steps", t.steps, 0, kMaxTrainSteps);
  check_range("train.batch", t.batch, 1, fashion ? kFashionMnistTrainImages : kMaxBatch);
  check_range("train.eval_every", t.eval_every, 1, kMaxTrainSteps);
  check_range("train.eval_size", t.eval_size, 1, fashion ? kFashionMnistTestImages : kMaxBatch);
  const OptimizerSpec& o = t.optimizer;
  check_at_least("train.lr", o.lr, 0.0);
  check_at_least("train.momentum", o.momentum, 0.0);
  check_at_least("train.weight_decay", o.weight_decay, 0.0);
  check_fraction("train.betas[0]", o.beta1);
  check_fraction("train.betas[1]", o.beta2);
  check_at_least("train.adam_eps", o.eps, 0.0);
  if (fashion) {
    if (conv && (c.input.channels != 1 || c.input.height != kFashionMnistSide ||
                 c.input.width != kFashionMnistSide)) {
      fail("input", "the fashion_mnist task feeds 1 × 28 × 28 images, not " +
                        std::to_string(c.input.channels) + " × " + std::to_string(c.input.height) +
                        " × " + std::to_string(c.input.width));
    }
    if (!conv && c.input.dim != kFashionMnistPixels) {
      fail("input.dim", "the fashion_mnist task feeds 784 pixels (28 × 28), not " +
                            std::to_string(c.input.dim));
    }
  } else if (conv) {
    fail("train.task", "the teacher task trains an mlp; use fashion_mnist for a conv2d stack");
  }
  // Batch norm sees the training batch: torch refuses a single value per feature.
  const std::int64_t positions = conv ? c.input.height * c.input.width : 1;
  if (c.norm.name == Norm::batch && t.batch * positions < 2) {
    fail("train.batch", "batch norm needs a training batch of at least 2, got 1");
  }
}

}  // namespace

Shape weight_shape(const Config& config, std::int64_t layer) {
  const bool conv = config.network.type == NetworkType::conv2d;
  const std::int64_t in =
      layer == 1 ? (conv ? config.input.channels : config.input.dim) : config.network.width;
  if (conv) return {config.network.width, in, config.network.kernel, config.network.kernel};
  return {config.network.width, in};
}

void validate(const Config& c) {
  if (c.version != kVersion) {
    fail("version", "unsupported version " + std::to_string(c.version) + " " + kVersionHint);
  }

  check_range("input.dim", c.input.dim, 1, kMaxInputDim);
  check_range("input.batch", c.input.batch, 1, kMaxBatch);
  check_range("input.channels", c.input.channels, 1, kMaxImageExtent);
  check_range("input.height", c.input.height, 1, kMaxImageExtent);
  check_range("input.width", c.input.width, 1, kMaxImageExtent);

  check_range("network.depth", c.network.depth, 1, kMaxDepth);
  check_range("network.width", c.network.width, 1, kMaxWidth);
  check_range("network.kernel", c.network.kernel, 1, kMaxKernel);
  // Odd, so that padding kernel/2 keeps the image size (SPEC section 7).
  if (c.network.kernel % 2 == 0) {
    fail("network.kernel", "must be odd, got " + std::to_string(c.network.kernel));
  }
  if (c.network.bias_init.kind == BiasInit::Kind::constant) {
    check_finite("network.bias_init", c.network.bias_init.value);
  }

  if (c.activation.param) check_finite("activation.param", *c.activation.param);

  const Config::Init& init = c.init;
  if (init.gain.kind == GainSetting::Kind::value) check_finite("init.gain", init.gain.value);
  check_finite("init.mean", init.args.mean);
  if (init.args.std) check_finite("init.std", *init.args.std);
  check_finite("init.low", init.args.low);
  check_finite("init.high", init.args.high);
  check_finite("init.value", init.args.value);
  check_finite("init.trunc_a", init.args.trunc_a);
  check_finite("init.trunc_b", init.args.trunc_b);
  check_finite("init.sparsity", init.args.sparsity);
  check_finite("init.scale", init.args.scale);
  if (init.a) check_finite("init.a", *init.a);
  check_range("init.groups", init.args.groups, 1, kMaxCount);

  const Config::NormSetting& norm = c.norm;
  check_finite("norm.eps", norm.eps);
  if (!(norm.eps > 0)) fail("norm.eps", "must be > 0, got " + format_number(norm.eps));
  check_range("norm.groups", norm.groups, 1, kMaxCount);
  check_range("norm.size", norm.size, 1, kMaxCount);
  check_finite("norm.alpha", norm.alpha);
  check_finite("norm.beta", norm.beta);
  check_finite("norm.k", norm.k);
  if (is_spatial(norm.name) && c.network.type != NetworkType::conv2d) {
    fail("norm.name", std::string(name_of(norm.name)) + " needs network.type \"conv2d\"");
  }
  // torch refuses a norm in training mode whose statistics would each see a single value
  // ("Expected more than 1 value per channel when training", "Expected more than 1 spatial element
  // when training"): its variance is 0 and the output all zeros.
  const bool conv = c.network.type == NetworkType::conv2d;
  const std::int64_t positions = conv ? c.input.height * c.input.width : 1;
  if (norm.name == Norm::batch && c.input.batch * positions < 2) {
    fail("norm.name", conv ? "batch norm needs more than one value per channel, but "
                             "input.batch × height × width is 1"
                           : "batch norm needs input.batch of at least 2, got 1");
  }
  if (norm.name == Norm::instance && positions < 2) {
    fail("norm.name",
         "instance norm needs more than one value per channel, but input.height × width is 1");
  }
  // GroupNorm splits the features of an mlp, the channels of a conv2d stack: width either way.
  if (norm.name == Norm::group && c.network.width % norm.groups != 0) {
    fail("norm.groups", std::to_string(norm.groups) + " does not divide network.width " +
                            std::to_string(c.network.width));
  }
  if (norm.name == Norm::group && c.input.batch * (c.network.width / norm.groups) * positions < 2) {
    fail("norm.groups", std::string("group norm needs more than one value per group, but "
                                    "input.batch × network.width / norm.groups") +
                            (conv ? " × height × width" : "") + " is 1");
  }

  if (c.train) validate_train(c);

  // The scheme's own checks (tensor rank, std >= 0, a kaiming mode, ...) against the first layer,
  // whose shape is the one most likely to differ from the others. A numeric gain is what the
  // engine passes; absent kaiming arguments take torch's defaults for the check.
  InitArgs args = init.args;
  if (init.gain.kind == GainSetting::Kind::value) args.gain = init.gain.value;
  args.nonlinearity = init.nonlinearity.value_or(Nonlinearity::leaky_relu);
  args.a = init.a.value_or(0.0);
  try {
    law_of(init.scheme, args, weight_shape(c, 1));
  } catch (const InputError& e) {
    fail("init", e.what());
  }
}

LoadedConfig parse_config(std::string_view text, std::string_view source) {
  LoadedConfig loaded;
  try {
    const json::Value root = json::parse(text);
    loaded.config = Reader(source, loaded.warnings).read(root);
    validate(loaded.config);
  } catch (const InputError& e) {
    throw InputError(std::string(source) + ": " + e.what());
  }
  return loaded;
}

LoadedConfig load_config(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (!fs::exists(status)) throw InputError(path + ": no such file");
  if (fs::is_directory(status)) throw InputError(path + ": is a directory, not a config file");
  const std::uintmax_t size = fs::file_size(path, error);
  if (!error && size > kMaxConfigFileBytes) {
    throw InputError(path + ": the file is " + std::to_string(size) +
                     " bytes, more than a config can be (16 MiB)");
  }

  const std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                             &std::fclose);
  if (!file) throw InputError(path + ": cannot be opened (" + std::strerror(errno) + ")");
  // Read at most one byte past the limit, so that a file that grows or reports no size (a pipe)
  // is refused too.
  std::string text;
  char buffer[1 << 16];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, file.get())) > 0) {
    text.append(buffer, n);
    if (text.size() > kMaxConfigFileBytes) {
      throw InputError(path + ": the file is more than a config can be (16 MiB)");
    }
  }
  if (std::ferror(file.get())) {
    throw InputError(path + ": cannot be read (" + std::strerror(errno) + ")");
  }
  return parse_config(text, path);
}

std::string config_to_json(const Config& c) {
  using json::Value;
  Value root = Value::object();
  root.set("version", Value::integer(c.version));
  root.set("seed", Value::unsigned_integer(c.seed));

  Value input = Value::object();
  input.set("dim", Value::integer(c.input.dim));
  input.set("batch", Value::integer(c.input.batch));
  input.set("distribution", name_value(name_of(c.input.distribution)));
  input.set("channels", Value::integer(c.input.channels));
  input.set("height", Value::integer(c.input.height));
  input.set("width", Value::integer(c.input.width));
  root.set("input", std::move(input));

  Value network = Value::object();
  network.set("type", name_value(name_of(c.network.type)));
  network.set("depth", Value::integer(c.network.depth));
  network.set("width", Value::integer(c.network.width));
  network.set("bias", Value::boolean(c.network.bias));
  switch (c.network.bias_init.kind) {
    case BiasInit::Kind::zeros:
      network.set("bias_init", name_value(kBiasInitWords[0]));
      break;
    case BiasInit::Kind::torch_default:
      network.set("bias_init", name_value(kBiasInitWords[1]));
      break;
    case BiasInit::Kind::constant:
      network.set("bias_init", Value::number(c.network.bias_init.value));
      break;
  }
  network.set("residual", name_value(name_of(c.network.residual)));
  network.set("kernel", Value::integer(c.network.kernel));
  root.set("network", std::move(network));

  Value activation = Value::object();
  activation.set("name", name_value(name_of(c.activation.name)));
  // A parameter of an activation without one would only come back as a warning.
  if (c.activation.param && takes_param(c.activation.name)) {
    activation.set("param", Value::number(*c.activation.param));
  }
  root.set("activation", std::move(activation));

  const Config::Init& init = c.init;
  const InitArgs& args = init.args;
  Value init_json = Value::object();
  init_json.set("scheme", name_value(name_of(init.scheme)));
  switch (init.gain.kind) {
    case GainSetting::Kind::automatic:
      init_json.set("gain", name_value(kGainWords[0]));
      break;
    case GainSetting::Kind::empirical:
      init_json.set("gain", name_value(kGainWords[1]));
      break;
    case GainSetting::Kind::value:
      init_json.set("gain", Value::number(init.gain.value));
      break;
  }
  init_json.set("mode", name_value(name_of(args.mode)));
  init_json.set("mean", Value::number(args.mean));
  if (args.std) init_json.set("std", Value::number(*args.std));
  init_json.set("low", Value::number(args.low));
  init_json.set("high", Value::number(args.high));
  init_json.set("value", Value::number(args.value));
  init_json.set("trunc_a", Value::number(args.trunc_a));
  init_json.set("trunc_b", Value::number(args.trunc_b));
  init_json.set("sparsity", Value::number(args.sparsity));
  init_json.set("scale", Value::number(args.scale));
  init_json.set("distribution", name_value(name_of(args.distribution)));
  if (init.nonlinearity) init_json.set("nonlinearity", name_value(name_of(*init.nonlinearity)));
  if (init.a) init_json.set("a", Value::number(*init.a));
  init_json.set("groups", Value::integer(args.groups));
  root.set("init", std::move(init_json));

  Value norm = Value::object();
  norm.set("name", name_value(name_of(c.norm.name)));
  norm.set("placement", name_value(name_of(c.norm.placement)));
  norm.set("eps", Value::number(c.norm.eps));
  norm.set("groups", Value::integer(c.norm.groups));
  norm.set("size", Value::integer(c.norm.size));
  norm.set("alpha", Value::number(c.norm.alpha));
  norm.set("beta", Value::number(c.norm.beta));
  norm.set("k", Value::number(c.norm.k));
  root.set("norm", std::move(norm));

  Value loss = Value::object();
  loss.set("name", name_value(name_of(c.loss.name)));
  root.set("loss", std::move(loss));

  if (c.train) {
    const TrainSetting& t = *c.train;
    Value train = Value::object();
    train.set("task", name_value(name_of(t.task)));
    train.set("steps", Value::integer(t.steps));
    train.set("batch", Value::integer(t.batch));
    train.set("optimizer", name_value(name_of(t.optimizer.kind)));
    train.set("lr", Value::number(t.optimizer.lr));
    train.set("momentum", Value::number(t.optimizer.momentum));
    train.set("weight_decay", Value::number(t.optimizer.weight_decay));
    train.set("betas",
              Value::array({Value::number(t.optimizer.beta1), Value::number(t.optimizer.beta2)}));
    train.set("adam_eps", Value::number(t.optimizer.eps));
    train.set("readout_init", name_value(name_of(t.readout_init)));
    train.set("eval_every", Value::integer(t.eval_every));
    train.set("eval_size", Value::integer(t.eval_size));
    if (!t.data_dir.empty()) train.set("data_dir", Value::string(t.data_dir));
    root.set("train", std::move(train));
  }

  return json::write(root);
}

}  // namespace initscope
