// The config file of SPEC section 3: defaults, the SPEC's example, round trips, every refusal with
// its exact one-line message, warnings, and reading from disk.
#include <QtTest>

#include <cstdio>
#include <fstream>
#include <limits>
#include <string>

#include "core/io/config_io.h"
#include "core/error.h"
#include "core/io/format.h"

using namespace initscope;

namespace {

// Config == needs InitArgs ==; where schemes.h does not provide it yet, compare what the file
// holds (config_to_json writes every field) plus the InitArgs fields the file does not carry.
template <typename C>
bool same(const C& a, const C& b) {
  if constexpr (requires { a == b; }) {
    return a == b;
  } else {
    return config_to_json(a) == config_to_json(b) && a.init.args.gain == b.init.args.gain &&
           a.init.args.nonlinearity == b.init.args.nonlinearity && a.init.args.a == b.init.args.a &&
           a.activation.param == b.activation.param && a.init.gain == b.init.gain &&
           a.network.bias_init == b.network.bias_init;
  }
}

std::string message_of(const std::string& text, const std::string& source = "x.json") {
  try {
    parse_config(text, source);
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

std::string load_message(const std::string& path) {
  try {
    load_config(path);
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

// `{"version": 1, <body>}`, so that each bad document below shows only what is wrong.
QByteArray doc(const char* body) {
  return QByteArray("{\"version\": 1, ") + body + "}";
}

}  // namespace

class TestConfig : public QObject {
  Q_OBJECT

 private slots:
  void version_alone_gives_the_defaults() {
    const LoadedConfig loaded = parse_config(R"({"version": 1})", "x.json");
    QVERIFY(same(loaded.config, Config{}));
    QVERIFY(loaded.warnings.empty());
  }

  void reads_the_spec_example() {
    // SPEC section 3's example, verbatim (hence the one long line).
    const LoadedConfig loaded = parse_config(R"({
  "version": 1,
  "seed": 0,
  "input":      { "dim": 256, "batch": 512, "distribution": "normal" },
  "network":    { "depth": 20, "width": 256, "bias": true, "bias_init": "zeros", "residual": "none" },
  "activation": { "name": "tanh" },
  "init":       { "scheme": "xavier_uniform", "gain": "auto", "mode": "fan_in" },
  "norm":       { "name": "none", "placement": "pre", "eps": 1e-5, "groups": 32 },
  "loss":       { "name": "random_gradient" }
})",
                                             "lesson.json");
    const Config& c = loaded.config;
    QVERIFY(loaded.warnings.empty());
    QCOMPARE(c.version, 1);
    QCOMPARE(c.seed, std::uint64_t(0));
    QCOMPARE(c.input.dim, 256);
    QCOMPARE(c.input.batch, 512);
    QCOMPARE(c.input.distribution, InputDistribution::normal);
    QCOMPARE(c.network.type, NetworkType::mlp);
    QCOMPARE(c.network.depth, 20);
    QCOMPARE(c.network.width, 256);
    QCOMPARE(c.network.bias, true);
    QVERIFY(c.network.bias_init == BiasInit{});
    QCOMPARE(c.network.residual, Residual::none);
    QCOMPARE(c.activation.name, Activation::tanh);
    QVERIFY(!c.activation.param);
    QCOMPARE(c.init.scheme, Scheme::xavier_uniform);
    QVERIFY(c.init.gain == GainSetting{});
    QCOMPARE(c.init.args.mode, FanMode::fan_in);
    QCOMPARE(c.norm.name, Norm::none);
    QCOMPARE(c.norm.placement, NormPlacement::pre);
    QCOMPARE(c.norm.eps, 1e-5);
    QCOMPARE(c.norm.groups, 32);
    QCOMPARE(c.loss.name, Loss::random_gradient);
    // The example spells out the defaults.
    QVERIFY(same(c, Config{}));
  }

  void reads_every_key() {
    const LoadedConfig loaded = parse_config(R"({
  "version": 1, "seed": 18446744073709551615,
  "input": {"dim": 64, "batch": 32, "distribution": "uniform", "channels": 1, "height": 28,
            "width": 28},
  "network": {"type": "conv2d", "depth": 5, "width": 64, "bias": false, "bias_init": 0.1,
              "residual": "scaled", "kernel": 5},
  "activation": {"name": "leaky_relu", "param": 0.2},
  "init": {"scheme": "kaiming_normal", "gain": 1.5, "mode": "fan_out", "mean": 0.5, "std": 0.02,
           "low": -1, "high": 2, "value": 0.3, "trunc_a": -3, "trunc_b": 3, "sparsity": 0.25,
           "scale": 2, "distribution": "uniform", "nonlinearity": "relu", "a": 0.1, "groups": 2},
  "norm": {"name": "group", "placement": "post", "eps": 1e-3, "groups": 8, "size": 3,
           "alpha": 2e-4, "beta": 0.5, "k": 2},
  "loss": {"name": "mse"}
})",
                                             "x.json");
    const Config& c = loaded.config;
    QVERIFY(loaded.warnings.empty());
    QCOMPARE(c.seed, std::numeric_limits<std::uint64_t>::max());
    QCOMPARE(c.input.dim, 64);
    QCOMPARE(c.input.batch, 32);
    QCOMPARE(c.input.distribution, InputDistribution::uniform);
    QCOMPARE(c.input.channels, 1);
    QCOMPARE(c.input.height, 28);
    QCOMPARE(c.input.width, 28);
    QCOMPARE(c.network.type, NetworkType::conv2d);
    QCOMPARE(c.network.depth, 5);
    QCOMPARE(c.network.width, 64);
    QCOMPARE(c.network.bias, false);
    QVERIFY((c.network.bias_init == BiasInit{BiasInit::Kind::constant, 0.1}));
    QCOMPARE(c.network.residual, Residual::scaled);
    QCOMPARE(c.network.kernel, 5);
    QCOMPARE(c.activation.name, Activation::leaky_relu);
    QCOMPARE(*c.activation.param, 0.2);
    QCOMPARE(c.init.scheme, Scheme::kaiming_normal);
    QVERIFY((c.init.gain == GainSetting{GainSetting::Kind::value, 1.5}));
    const InitArgs& a = c.init.args;
    QCOMPARE(a.mode, FanMode::fan_out);
    QCOMPARE(a.mean, 0.5);
    QCOMPARE(*a.std, 0.02);
    QCOMPARE(a.low, -1.0);
    QCOMPARE(a.high, 2.0);
    QCOMPARE(a.value, 0.3);
    QCOMPARE(a.trunc_a, -3.0);
    QCOMPARE(a.trunc_b, 3.0);
    QCOMPARE(a.sparsity, 0.25);
    QCOMPARE(a.scale, 2.0);
    QCOMPARE(a.distribution, VsDistribution::uniform);
    QCOMPARE(a.groups, 2);
    QVERIFY(!a.gain);  // the engine resolves init.gain into it
    QCOMPARE(*c.init.nonlinearity, Nonlinearity::relu);
    QCOMPARE(*c.init.a, 0.1);
    QCOMPARE(c.norm.name, Norm::group);
    QCOMPARE(c.norm.placement, NormPlacement::post);
    QCOMPARE(c.norm.eps, 1e-3);
    QCOMPARE(c.norm.groups, 8);
    QCOMPARE(c.norm.size, 3);
    QCOMPARE(c.norm.alpha, 2e-4);
    QCOMPARE(c.norm.beta, 0.5);
    QCOMPARE(c.norm.k, 2.0);
    QCOMPARE(c.loss.name, Loss::mse);
  }

  void integers_may_be_written_as_integral_numbers() {
    const Config c =
        parse_config(doc(R"("network": {"depth": 2e1, "width": 64.0})").toStdString(), "x.json")
            .config;
    QCOMPARE(c.network.depth, 20);
    QCOMPARE(c.network.width, 64);
  }

  void writes_every_key_in_spec_order() {
    // Numbers are written by format_number, whichever of its two spellings of 1e-4 it picks.
    QCOMPARE(config_to_json(Config{}), std::string(R"({
  "version": 1,
  "seed": 0,
  "input": {
    "dim": 256,
    "batch": 512,
    "distribution": "normal",
    "channels": 3,
    "height": 32,
    "width": 32
  },
  "network": {
    "type": "mlp",
    "depth": 20,
    "width": 256,
    "bias": true,
    "bias_init": "zeros",
    "residual": "none",
    "kernel": 3
  },
  "activation": {
    "name": "tanh"
  },
  "init": {
    "scheme": "xavier_uniform",
    "gain": "auto",
    "mode": "fan_in",
    "mean": 0.0,
    "low": 0.0,
    "high": 1.0,
    "value": 0.0,
    "trunc_a": -2.0,
    "trunc_b": 2.0,
    "sparsity": 0.1,
    "scale": 1.0,
    "distribution": "truncated_normal",
    "groups": 1
  },
  "norm": {
    "name": "none",
    "placement": "pre",
    "eps": 1e-05,
    "groups": 32,
    "size": 5,
    "alpha": )" + format_number(1e-4) + R"(,
    "beta": 0.75,
    "k": 1.0
  },
  "loss": {
    "name": "random_gradient"
  }
}
)"));
  }

  void round_trip_data() {
    QTest::addColumn<QByteArray>("text");
    QTest::newRow("defaults") << doc(R"("seed": 0)");
    QTest::newRow("largest seed") << doc(R"("seed": 18446744073709551615)");
    QTest::newRow("seed beyond 2^53") << doc(R"("seed": 9007199254740993)");
    QTest::newRow("relu kaiming") << doc(
        R"("activation": {"name": "relu"},
           "init": {"scheme": "kaiming_normal", "mode": "fan_out", "nonlinearity": "relu"})");
    QTest::newRow("leaky relu with a") << doc(
        R"("activation": {"name": "leaky_relu", "param": 0.3},
           "init": {"scheme": "kaiming_uniform", "a": 0.3, "gain": "empirical"})");
    QTest::newRow("numeric gain, odd numbers") << doc(
        R"("init": {"scheme": "xavier_normal", "gain": 1.6666666666666667, "mean": 1e-300},
           "network": {"bias_init": -0.125})");
    QTest::newRow("trunc normal") << doc(
        R"("init": {"scheme": "trunc_normal", "mean": 0.1, "std": 0.02, "trunc_a": -0.04,
                    "trunc_b": 0.04})");
    QTest::newRow("sparse") << doc(R"("init": {"scheme": "sparse", "sparsity": 0.9, "std": 0.1})");
    QTest::newRow("variance scaling") << doc(
        R"("init": {"scheme": "variance_scaling", "scale": 2, "mode": "fan_avg",
                    "distribution": "untruncated_normal"})");
    QTest::newRow("conv2d dirac group norm") << doc(
        R"("network": {"type": "conv2d", "depth": 8, "width": 48, "kernel": 7,
                       "bias_init": "torch_default", "residual": "identity"},
           "input": {"channels": 1, "height": 9, "width": 13, "batch": 4},
           "init": {"scheme": "dirac", "groups": 3},
           "norm": {"name": "group", "groups": 12, "placement": "post"})");
    QTest::newRow("local response norm") << doc(
        R"("network": {"type": "conv2d"}, "activation": {"name": "elu", "param": 0.5},
           "norm": {"name": "local_response", "size": 3, "alpha": 0.001, "beta": 0.8, "k": 2})");
    QTest::newRow("lsuv selu mse") << doc(
        R"("activation": {"name": "selu"}, "init": {"scheme": "lsuv", "gain": 0.5},
           "input": {"distribution": "uniform", "dim": 1, "batch": 65536},
           "network": {"depth": 1000, "width": 1, "bias": false}, "loss": {"name": "mse"},
           "norm": {"name": "rms", "eps": 1e-8})");
    QTest::newRow("train, defaults") << doc(R"("train": {})");
    QTest::newRow("train teacher adam") << doc(
        R"("input": {"dim": 32}, "norm": {"name": "batch"},
           "train": {"task": "teacher", "steps": 0, "batch": 2, "optimizer": "adam", "lr": 3e-4,
                     "betas": [0.8, 0.99], "adam_eps": 1e-6, "weight_decay": 0.01,
                     "readout_init": "zeros", "eval_every": 7, "eval_size": 100})");
    QTest::newRow("train conv2d, data folder") << doc(
        R"("network": {"type": "conv2d", "depth": 3, "width": 16},
           "train": {"momentum": 0.9, "readout_init": "torch_default", "data_dir": "/tmp/fm"})");
  }
  void round_trip() {
    QFETCH(QByteArray, text);
    const LoadedConfig loaded = parse_config(text.toStdString(), "x.json");
    QVERIFY(loaded.warnings.empty());
    const std::string written = config_to_json(loaded.config);
    const LoadedConfig again = parse_config(written, "x.json");
    QVERIFY2(same(again.config, loaded.config), written.c_str());
    QVERIFY(again.warnings.empty());
    QCOMPARE(config_to_json(again.config), written);
  }

  // SPEC section 8's defaults, and the input shape the fashion_mnist task sets where the file
  // says nothing.
  void train_defaults_and_the_task_input() {
    const Config mlp = parse_config(doc(R"("train": {})").toStdString(), "x.json").config;
    QVERIFY(mlp.train.has_value());
    const TrainSetting& t = *mlp.train;
    QCOMPARE(t.task, TrainTask::fashion_mnist);
    QCOMPARE(t.steps, 300);
    QCOMPARE(t.batch, 128);
    QCOMPARE(t.optimizer.kind, OptimizerKind::sgd);
    QCOMPARE(t.optimizer.lr, 0.05);
    QCOMPARE(t.optimizer.momentum, 0.0);
    QCOMPARE(t.optimizer.weight_decay, 0.0);
    QCOMPARE(t.optimizer.beta1, 0.9);
    QCOMPARE(t.optimizer.beta2, 0.999);
    QCOMPARE(t.optimizer.eps, 1e-8);
    QCOMPARE(t.readout_init, ReadoutInit::same);
    QCOMPARE(t.eval_every, 25);
    QCOMPARE(t.eval_size, 2000);
    QCOMPARE(mlp.input.dim, 784);
    const Config conv =
        parse_config(doc(R"("network": {"type": "conv2d"}, "train": {})").toStdString(), "x.json")
            .config;
    QCOMPARE(conv.input.channels, 1);
    QCOMPARE(conv.input.height, 28);
    QCOMPARE(conv.input.width, 28);
    const Config teacher = parse_config(doc(R"("input": {"dim": 5}, "train": {"task": "teacher"})")
                                            .toStdString(),
                                        "x.json")
                               .config;
    QCOMPARE(teacher.input.dim, 5);
    QVERIFY(!parse_config(doc(R"("seed": 1)").toStdString(), "x.json").config.train);
  }

  void round_trip_of_built_configs() {
    Config c;
    c.seed = 123456789012345678ull;
    c.network.width = 100;
    c.input.dim = 3;
    c.init.scheme = Scheme::normal;
    c.init.args.std = 0.1;
    c.init.args.mean = -2.5;
    c.init.gain = {GainSetting::Kind::value, 0.1 + 0.2};  // 0.30000000000000004 survives
    c.norm.name = Norm::layer;
    c.norm.eps = 3e-7;
    const std::string written = config_to_json(c);
    QVERIFY2(same(parse_config(written, "x.json").config, c), written.c_str());
  }

  void bad_documents_data() {
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("message");
    // Whole-file problems.
    QTest::newRow("top level array")
        << QByteArray("[1, 2]") << "x.json: the top level must be an object";
    QTest::newRow("top level string")
        << QByteArray(R"("config")") << "x.json: the top level must be an object";
    QTest::newRow("missing version") << QByteArray(R"({"seed": 1})")
                                     << "x.json: version: missing (this reader understands "
                                        "version 1)";
    QTest::newRow("version 2") << QByteArray(R"({"seed": 1, "version": 2})")
                               << "x.json: version: unsupported version 2 (this reader "
                                  "understands version 1)";
    QTest::newRow("version as a string")
        << QByteArray(R"({"version": "1"})") << R"(x.json: version: expected an integer, got "1")";
    QTest::newRow("malformed JSON") << QByteArray("{\"version\": 1,\n  \"seed\": 1,,\n}")
                                    << "x.json: line 2, column 13: unexpected character ',', "
                                       "expected a key";
    QTest::newRow("unterminated") << QByteArray("{\"version\": 1")
                                  << "x.json: line 1, column 14: unexpected end of input, "
                                     "expected ',' or '}'";
    QTest::newRow("NaN literal") << doc(R"("init": {"scheme": "normal", "std": NaN})")
                                 << "x.json: line 1, column 52: NaN is not valid JSON; use a "
                                    "number";
    QTest::newRow("duplicate key")
        << QByteArray(
               "{\"version\": 1,\n \"network\": {\"depth\": 3,\n"
               "   \"depth\": 4}}")
        << R"(x.json: line 3, column 4: duplicate key "depth" (first at line 2))";
    // Wrong types.
    QTest::newRow("depth as a string") << doc(R"("network": {"depth": "20"})")
                                       << R"(x.json: network.depth: expected an integer, got "20")";
    QTest::newRow("depth 2.5") << doc(R"("network": {"depth": 2.5})")
                               << "x.json: network.depth: expected an integer, got 2.5";
    QTest::newRow("depth true") << doc(R"("network": {"depth": true})")
                                << "x.json: network.depth: expected an integer, got true";
    QTest::newRow("bias as a string")
        << doc(R"("network": {"bias": "yes"})")
        << R"(x.json: network.bias: expected true or false, got "yes")";
    QTest::newRow("section not an object")
        << doc(R"("init": "xavier_uniform")")
        << R"(x.json: init: expected an object, got "xavier_uniform")";
    QTest::newRow("eps as null") << doc(R"("norm": {"eps": null})")
                                 << "x.json: norm.eps: expected a number, got null";
    QTest::newRow("scheme as a number")
        << doc(R"("init": {"scheme": 3})") << "x.json: init.scheme: expected a string, got 3";
    QTest::newRow("seed fraction")
        << doc(R"("seed": 0.5)") << "x.json: seed: expected an integer, got 0.5";
    // Sizes out of range.
    QTest::newRow("depth 0") << doc(R"("network": {"depth": 0})")
                             << "x.json: network.depth: must be between 1 and 1000, got 0";
    QTest::newRow("depth negative") << doc(R"("network": {"depth": -3})")
                                    << "x.json: network.depth: must be between 1 and 1000, got -3";
    QTest::newRow("depth huge") << doc(R"("network": {"depth": 1e30})")
                                << "x.json: network.depth: must be between 1 and 1000, got 1e30";
    QTest::newRow("width 8193") << doc(R"("network": {"width": 8193})")
                                << "x.json: network.width: must be between 1 and 8192, got 8193";
    QTest::newRow("dim 0") << doc(R"("input": {"dim": 0})")
                           << "x.json: input.dim: must be between 1 and 8192, got 0";
    QTest::newRow("batch too large") << doc(R"("input": {"batch": 65537})")
                                     << "x.json: input.batch: must be between 1 and 65536, got "
                                        "65537";
    QTest::newRow("channels beyond int64")
        << doc(R"("input": {"channels": 99999999999999999999})")
        << "x.json: input.channels: must be between 1 and 8192, got 99999999999999999999";
    QTest::newRow("seed negative") << doc(R"("seed": -1)")
                                   << "x.json: seed: must be between 0 and 18446744073709551615, "
                                      "got -1";
    QTest::newRow("seed 2^64") << doc(R"("seed": 18446744073709551616)")
                               << "x.json: seed: must be between 0 and 18446744073709551615, got "
                                  "18446744073709551616";
    QTest::newRow("kernel even") << doc(R"("network": {"type": "conv2d", "kernel": 4})")
                                 << "x.json: network.kernel: must be odd, got 4";
    QTest::newRow("kernel 17") << doc(R"("network": {"type": "conv2d", "kernel": 17})")
                               << "x.json: network.kernel: must be between 1 and 15, got 17";
    QTest::newRow("eps 0") << doc(R"("norm": {"eps": 0})")
                           << "x.json: norm.eps: must be > 0, got 0.0";
    QTest::newRow("norm groups 0") << doc(R"("norm": {"groups": 0})")
                                   << "x.json: norm.groups: must be between 1 and 8192, got 0";
    // Unknown names, with the nearest known one.
    QTest::newRow("scheme typo") << doc(R"("init": {"scheme": "kaimng_normal"})")
                                 << R"(x.json: init.scheme: unknown scheme "kaimng_normal" )"
                                    R"((did you mean "kaiming_normal"?))";
    QTest::newRow("activation typo")
        << doc(R"("activation": {"name": "rleu"})")
        << R"(x.json: activation.name: unknown activation "rleu" (did you mean "relu"?))";
    QTest::newRow("norm far away")
        << doc(R"("norm": {"name": "weight"})") << R"(x.json: norm.name: unknown norm "weight")";
    QTest::newRow("mode typo")
        << doc(R"("init": {"mode": "fan_inn"})")
        << R"(x.json: init.mode: unknown mode "fan_inn" (did you mean "fan_in"?))";
    QTest::newRow("nonlinearity gelu")
        << doc(R"("init": {"nonlinearity": "gelu"})")
        << R"(x.json: init.nonlinearity: unknown nonlinearity "gelu" (did you mean "relu"?))";
    QTest::newRow("gain typo")
        << doc(R"("init": {"gain": "atuo"})")
        << R"(x.json: init.gain: unknown gain "atuo" (did you mean "auto"?))";
    QTest::newRow("gain word")
        << doc(R"("init": {"gain": "large"})")
        << R"(x.json: init.gain: expected "auto", "empirical" or a number, got "large")";
    QTest::newRow("gain bool")
        << doc(R"("init": {"gain": false})")
        << R"(x.json: init.gain: expected "auto", "empirical" or a number, got false)";
    QTest::newRow("bias_init typo")
        << doc(R"("network": {"bias_init": "zero"})")
        << R"(x.json: network.bias_init: unknown bias_init "zero" (did you mean "zeros"?))";
    QTest::newRow("residual") << doc(R"("network": {"residual": "skip"})")
                              << R"(x.json: network.residual: unknown residual "skip")";
    QTest::newRow("loss") << doc(R"("loss": {"name": "mae"})")
                          << R"(x.json: loss.name: unknown loss "mae" (did you mean "mse"?))";
    // Norms against the network.
    QTest::newRow("groups not dividing width")
        << doc(R"("network": {"width": 100}, "norm": {"name": "group", "groups": 32})")
        << "x.json: norm.groups: 32 does not divide network.width 100";
    QTest::newRow("groups not dividing conv2d width")
        << doc(R"("network": {"type": "conv2d", "width": 30}, "norm": {"name": "group"})")
        << "x.json: norm.groups: 32 does not divide network.width 30";
    QTest::newRow("instance norm on mlp")
        << doc(R"("norm": {"name": "instance"})")
        << R"(x.json: norm.name: instance needs network.type "conv2d")";
    QTest::newRow("local response on mlp")
        << doc(R"("norm": {"name": "local_response"})")
        << R"(x.json: norm.name: local_response needs network.type "conv2d")";
    // The scheme's arguments against the first layer's weights.
    QTest::newRow("dirac on mlp") << doc(R"("init": {"scheme": "dirac"})")
                                  << "x.json: init: dirac: needs a 3-D to 5-D tensor, got 2-D "
                                     "[256, 256]";
    QTest::newRow("eye on conv2d") << doc(R"("network": {"type": "conv2d"},
                                             "init": {"scheme": "eye"})")
                                   << "x.json: init: eye: needs a 2-D tensor, got 4-D "
                                      "[256, 3, 3, 3]";
    QTest::newRow("dirac groups") << doc(R"("network": {"type": "conv2d", "width": 10},
                                            "init": {"scheme": "dirac", "groups": 3})")
                                  << "x.json: init: dirac: groups (3) must divide the first "
                                     "dimension (10)";
    QTest::newRow("negative std") << doc(R"("init": {"scheme": "normal", "std": -1})")
                                  << "x.json: init: normal: std must be a finite number >= 0, "
                                     "not -1.0";
    QTest::newRow("sparsity 2") << doc(R"("init": {"scheme": "sparse", "sparsity": 2})")
                                << "x.json: init: sparse: sparsity must lie in [0, 1], not 2.0";
    QTest::newRow("kaiming fan_avg") << doc(R"("init": {"scheme": "kaiming_normal",
                                                        "mode": "fan_avg"})")
                                     << "x.json: init: kaiming_normal: mode must be fan_in or "
                                        "fan_out, not fan_avg (fan_avg is variance_scaling's)";
    QTest::newRow("uniform low above high") << doc(R"("init": {"scheme": "uniform", "low": 1,
                                                                "high": 0})")
                                            << "x.json: init: uniform: low must not exceed high "
                                               "(low 1.0, high 0.0)";
    // train (SPEC section 8).
    QTest::newRow("train not an object") << doc(R"("train": true)")
                                         << "x.json: train: expected an object, got true";
    QTest::newRow("train unknown task")
        << doc(R"("train": {"task": "fashion"})")
        << R"(x.json: train.task: unknown task "fashion" (did you mean "fashion_mnist"?))";
    QTest::newRow("fashion input dim") << doc(R"("input": {"dim": 100}, "train": {})")
                                       << "x.json: input.dim: the fashion_mnist task feeds 784 "
                                          "pixels (28 × 28): remove the key or set it to 784, "
                                          "got 100";
    QTest::newRow("fashion conv channels")
        << doc(R"("network": {"type": "conv2d"}, "input": {"channels": 3}, "train": {})")
        << "x.json: input.channels: the fashion_mnist task feeds 1 × 28 × 28 images: remove the "
           "key or set it to 1, got 3";
    QTest::newRow("teacher on conv2d") << doc(R"("network": {"type": "conv2d"},
                                                 "train": {"task": "teacher"})")
                                       << "x.json: train.task: the teacher task trains an mlp; "
                                          "use fashion_mnist for a conv2d stack";
    QTest::newRow("negative lr") << doc(R"("train": {"lr": -0.1})")
                                 << "x.json: train.lr: must be at least 0.0, got -0.1";
    QTest::newRow("beta of 1") << doc(R"("train": {"betas": [0.9, 1]})")
                               << "x.json: train.betas[1]: must be at least 0 and below 1, got 1.0";
    QTest::newRow("betas not a pair") << doc(R"("train": {"betas": 0.9})")
                                      << "x.json: train.betas: expected [beta1, beta2], got 0.9";
    QTest::newRow("batch over the training set") << doc(R"("train": {"batch": 60001})")
                                                 << "x.json: train.batch: must be between 1 and "
                                                    "60000, got 60001";
    QTest::newRow("eval over the test set") << doc(R"("train": {"eval_size": 10001})")
                                            << "x.json: train.eval_size: must be between 1 and "
                                               "10000, got 10001";
    QTest::newRow("batch norm on one sample")
        << doc(R"("norm": {"name": "batch"}, "train": {"batch": 1})")
        << "x.json: train.batch: batch norm needs a training batch of at least 2, got 1";
    QTest::newRow("data_dir not a string") << doc(R"("train": {"data_dir": 3})")
                                           << "x.json: train.data_dir: expected a folder, got 3";
  }
  void bad_documents() {
    QFETCH(QByteArray, text);
    QFETCH(QString, message);
    QCOMPARE(QString::fromStdString(message_of(text.toStdString())), message);
  }

  void the_source_names_the_file() {
    QCOMPARE(QString::fromStdString(message_of(
                 doc(R"("init": {"scheme": "kaimng_normal"})").toStdString(), "lesson.json")),
             QString(R"(lesson.json: init.scheme: unknown scheme "kaimng_normal" )"
                     R"((did you mean "kaiming_normal"?))"));
  }

  void warnings_data() {
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QStringList>("warnings");
    QTest::newRow("unknown init key")
        << doc(R"("init": {"sheme": "orthogonal"})")
        << QStringList{R"(x.json: init.sheme: unknown key, ignored (did you mean "scheme"?))"};
    QTest::newRow("unknown top-level keys, in file order")
        << doc(R"("sed": 3, "comment": "try relu", "netwrk": {})")
        << QStringList{R"(x.json: sed: unknown key, ignored (did you mean "seed"?))",
                       "x.json: comment: unknown key, ignored",
                       R"(x.json: netwrk: unknown key, ignored (did you mean "network"?))"};
    QTest::newRow("unknown keys in every section")
        << doc(R"("input": {"dims": 3}, "network": {"depht": 3}, "activation": {"parm": 1},
                  "norm": {"epsilon": 1}, "loss": {"nme": "mse"})")
        << QStringList{R"(x.json: input.dims: unknown key, ignored (did you mean "dim"?))",
                       R"(x.json: network.depht: unknown key, ignored (did you mean "depth"?))",
                       R"(x.json: activation.parm: unknown key, ignored (did you mean "param"?))",
                       "x.json: norm.epsilon: unknown key, ignored",
                       R"(x.json: loss.nme: unknown key, ignored (did you mean "name"?))"};
    QTest::newRow("unknown train key") << doc(R"("train": {"stpes": 10})")
                                       << QStringList{R"(x.json: train.stpes: unknown key, )"
                                                      R"(ignored (did you mean "steps"?))"};
    QTest::newRow("a lesson's texts are not unknown keys")
        << doc(R"("title": "T", "summary": "S", "observe": "O", "question": "Q", "answer": "A")")
        << QStringList{};
    QTest::newRow("param on tanh")
        << doc(R"("activation": {"param": 0.5, "name": "tanh"})")
        << QStringList{"x.json: activation.param: tanh takes no parameter, ignored"};
    QTest::newRow("param on relu")
        << doc(R"("activation": {"name": "relu", "param": 0.1})")
        << QStringList{"x.json: activation.param: relu takes no parameter, ignored"};
    QTest::newRow("param on elu is fine")
        << doc(R"("activation": {"name": "elu", "param": 0.1})") << QStringList{};
  }
  void warnings() {
    QFETCH(QByteArray, text);
    QFETCH(QStringList, warnings);
    const LoadedConfig loaded = parse_config(text.toStdString(), "x.json");
    QStringList got;
    for (const std::string& w : loaded.warnings) got << QString::fromStdString(w);
    QCOMPARE(got, warnings);
  }

  void an_ignored_param_is_dropped() {
    const Config c =
        parse_config(doc(R"("activation": {"name": "tanh", "param": 0.5})").toStdString(), "x.json")
            .config;
    QVERIFY(!c.activation.param);
    QVERIFY(same(c, Config{}));
  }

  void validate_checks_built_configs_data() {
    QTest::addColumn<int>("which");
    QTest::addColumn<QString>("message");
    QTest::newRow("kernel even") << 0 << "network.kernel: must be odd, got 2";
    QTest::newRow("eps negative") << 1 << "norm.eps: must be > 0, got -1.0";
    QTest::newRow("mean NaN") << 2 << "init.mean: must be a finite number, got nan";
    QTest::newRow("gain infinite") << 3 << "init.gain: must be a finite number, got inf";
    QTest::newRow("version") << 4
                             << "version: unsupported version 3 (this reader understands "
                                "version 1)";
    QTest::newRow("depth") << 5 << "network.depth: must be between 1 and 1000, got 1001";
    QTest::newRow("bias constant") << 6 << "network.bias_init: must be a finite number, got -inf";
  }
  void validate_checks_built_configs() {
    QFETCH(int, which);
    QFETCH(QString, message);
    Config c;
    const double inf = std::numeric_limits<double>::infinity();
    switch (which) {
      case 0:
        c.network.kernel = 2;
        break;
      case 1:
        c.norm.eps = -1;
        break;
      case 2:
        c.init.args.mean = std::numeric_limits<double>::quiet_NaN();
        break;
      case 3:
        c.init.gain = {GainSetting::Kind::value, inf};
        break;
      case 4:
        c.version = 3;
        break;
      case 5:
        c.network.depth = 1001;
        break;
      case 6:
        c.network.bias_init = {BiasInit::Kind::constant, -inf};
        break;
    }
    try {
      validate(c);
      QFAIL("no error");
    } catch (const InputError& e) {
      QCOMPARE(QString(e.what()), message);
    }
  }

  void validate_accepts_the_defaults() { validate(Config{}); }

  void load_config_reads_a_file() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = dir.filePath("lesson.json").toStdString();
    {
      std::ofstream out(path, std::ios::binary);
      out << "\xEF\xBB\xBF{\"version\": 1, \"network\": {\"depth\": 7}, \"x\": 0}";
    }
    const LoadedConfig loaded = load_config(path);
    QCOMPARE(loaded.config.network.depth, 7);
    QCOMPARE(loaded.warnings.size(), std::size_t(1));
    QCOMPARE(QString::fromStdString(loaded.warnings[0]),
             QString::fromStdString(path + ": x: unknown key, ignored"));
  }

  void load_config_names_the_path_in_errors() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string missing = dir.filePath("missing.json").toStdString();
    QCOMPARE(QString::fromStdString(load_message(missing)),
             QString::fromStdString(missing + ": no such file"));
    const std::string directory = dir.path().toStdString();
    QCOMPARE(QString::fromStdString(load_message(directory)),
             QString::fromStdString(directory + ": is a directory, not a config file"));

    const std::string bad = dir.filePath("bad.json").toStdString();
    {
      std::ofstream out(bad, std::ios::binary);
      out << "{\"version\": 1,\n  \"network\": {\"depth\": 0}}";
    }
    QCOMPARE(QString::fromStdString(load_message(bad)),
             QString::fromStdString(bad + ": network.depth: must be between 1 and 1000, got 0"));

    const std::string big = dir.filePath("big.json").toStdString();
    {
      std::ofstream out(big, std::ios::binary);
      out << std::string(kMaxConfigFileBytes + 1, ' ');
    }
    QCOMPARE(QString::fromStdString(load_message(big)),
             QString::fromStdString(big + ": the file is 16777217 bytes, more than a config can "
                                          "be (16 MiB)"));
  }
};

QTEST_APPLESS_MAIN(TestConfig)
#include "tst_config.moc"
