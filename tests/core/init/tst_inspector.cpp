// The formula inspector: for textbook configs, the exact torch and Keras code, fans, law text,
// gain in use and the pitfalls that apply (and those that do not); layers and bad input.
#include <QtTest>

#include <cmath>
#include <functional>
#include <limits>

#include "core/error.h"
#include "core/io/format.h"
#include "core/init/gain.h"
#include "core/init/inspector.h"

using namespace initscope;

using Tweak = std::function<void(Config&)>;
Q_DECLARE_METATYPE(Config)

namespace {

constexpr double kNoGain = std::numeric_limits<double>::quiet_NaN();

Config make(Activation activation, Scheme scheme, const Tweak& tweak = {}) {
  Config c;
  c.network.depth = 4;
  c.network.width = 256;
  c.input.dim = 256;
  c.input.batch = 8;
  c.activation.name = activation;
  c.init.scheme = scheme;
  if (tweak) tweak(c);
  return c;
}

QString all_pitfalls(const Inspection& in) {
  QStringList lines;
  for (const std::string& p : in.pitfalls) lines << QString::fromStdString(p);
  return lines.join("\n");
}

QString s(const std::string& text) {
  return QString::fromStdString(text);
}

}  // namespace

class TestInspector : public QObject {
  Q_OBJECT

 private slots:
  void matches_torch_data() {
    QTest::addColumn<Config>("config");
    QTest::addColumn<int>("layer");
    QTest::addColumn<QString>("torch");
    QTest::addColumn<QString>("keras");  // empty: no Keras initializer matches
    QTest::addColumn<qint64>("fan_in");
    QTest::addColumn<qint64>("fan_out");
    QTest::addColumn<QString>("law");
    QTest::addColumn<double>("gain");           // NaN: the scheme takes no gain
    QTest::addColumn<QStringList>("pitfalls");  // keywords that must appear
    QTest::addColumn<QStringList>("absent");    // keywords that must not

    const QString vs = "keras.initializers.VarianceScaling(";
    QTest::newRow("tanh xavier_uniform")
        << make(Activation::tanh, Scheme::xavier_uniform) << 1
        << "torch.nn.init.xavier_uniform_(w, gain=1.6666666666666667)"
        << vs + "scale=2.7777777777777777, mode=\"fan_avg\", distribution=\"uniform\")"
        << qint64(256) << qint64(256) << "U(\u2212a, a) with a = 0.18042195912175804" << 5.0 / 3
        << QStringList{} << QStringList{"GlorotNormal", "leaky_relu"};
    QTest::newRow("linear xavier_uniform is GlorotUniform")
        << make(Activation::identity, Scheme::xavier_uniform, [](Config& c) { c.input.dim = 768; })
        << 2 << "torch.nn.init.xavier_uniform_(w, gain=1.0)"
        << "keras.initializers.GlorotUniform()" << qint64(256) << qint64(256)
        << "U(\u2212a, a) with a = 0.10825317547305482" << 1.0 << QStringList{} << QStringList{};
    QTest::newRow("relu kaiming_normal")
        << make(Activation::relu, Scheme::kaiming_normal) << 3
        << "torch.nn.init.kaiming_normal_(w, a=0.0, mode=\"fan_in\", nonlinearity=\"relu\")"
        << vs + "scale=2.0, mode=\"fan_in\", distribution=\"untruncated_normal\")" << qint64(256)
        << qint64(256) << "N(0, \u03c3\u00b2) with \u03c3 = 0.08838834764831845" << std::sqrt(2.0)
        << QStringList{"HeNormal", "0.8796"} << QStringList{"leaky_relu", "3/4"};
    QTest::newRow("relu kaiming_uniform is HeUniform")
        << make(Activation::relu, Scheme::kaiming_uniform, [](Config& c) { c.input.dim = 128; })
        << 1 << "torch.nn.init.kaiming_uniform_(w, a=0.0, mode=\"fan_in\", nonlinearity=\"relu\")"
        << "keras.initializers.HeUniform()" << qint64(128) << qint64(256)
        << "U(\u2212a, a) with a = 0.21650635094610965" << std::sqrt(2.0) << QStringList{}
        << QStringList{"HeNormal"};
    QTest::newRow("leaky_relu 0.2 kaiming_uniform")
        << make(Activation::leaky_relu, Scheme::kaiming_uniform,
                [](Config& c) { c.activation.param = 0.2; })
        << 2
        << "torch.nn.init.kaiming_uniform_(w, a=0.2, mode=\"fan_in\", nonlinearity=\"leaky_relu\")"
        << vs + "scale=1.923076923076923, mode=\"fan_in\", distribution=\"uniform\")" << qint64(256)
        << qint64(256) << "U(\u2212a, a) with a = 0.15012014419226918" << 1.3867504905630728
        << QStringList{} << QStringList{"leaky_relu"};
    QTest::newRow("relu kaiming_normal fan_out")
        << make(Activation::relu, Scheme::kaiming_normal,
                [](Config& c) {
                  c.input.dim = 128;
                  c.init.args.mode = FanMode::fan_out;
                })
        << 1 << "torch.nn.init.kaiming_normal_(w, a=0.0, mode=\"fan_out\", nonlinearity=\"relu\")"
        << vs + "scale=2.0, mode=\"fan_out\", distribution=\"untruncated_normal\")" << qint64(128)
        << qint64(256) << "N(0, \u03c3\u00b2) with \u03c3 = 0.08838834764831845" << std::sqrt(2.0)
        << QStringList{"HeNormal"} << QStringList{};
    QTest::newRow("relu kaiming_normal with init.gain 1.5")
        << make(Activation::relu, Scheme::kaiming_normal,
                [](Config& c) {
                  c.init.gain = {GainSetting::Kind::value, 1.5};
                })
        << 2 << "torch.nn.init.normal_(w, mean=0.0, std=0.09375)"
        << vs + "scale=2.25, mode=\"fan_in\", distribution=\"untruncated_normal\")" << qint64(256)
        << qint64(256) << "N(0, \u03c3\u00b2) with \u03c3 = 0.09375" << 1.5
        << QStringList{"replaces", "no gain argument", "normal_"} << QStringList{"ignored"};
    QTest::newRow("selu kaiming_normal")
        << make(Activation::selu, Scheme::kaiming_normal) << 1
        << "torch.nn.init.kaiming_normal_(w, a=0.0, mode=\"fan_in\", nonlinearity=\"selu\")"
        << vs + "scale=0.5625, mode=\"fan_in\", distribution=\"untruncated_normal\")" << qint64(256)
        << qint64(256) << "N(0, \u03c3\u00b2) with \u03c3 = 0.046875" << 0.75
        << QStringList{"3/4", "lecun_normal", "\"linear\"", "leaky_relu"} << QStringList{};
    QTest::newRow("selu lecun_normal")
        << make(Activation::selu, Scheme::lecun_normal, [](Config& c) { c.input.dim = 100; }) << 1
        << "torch.nn.init.trunc_normal_(w, mean=0.0, std=0.11368472343385565, "
           "a=-0.2273694468677113, b=0.2273694468677113)"
        << "keras.initializers.LecunNormal()" << qint64(100) << qint64(256)
        << "N(0, \u03c3\u00b2) on [\u22122\u03c3, 2\u03c3] with \u03c3 = 0.11368472343385565"
        << kNoGain << QStringList{"0.8796"} << QStringList{"3/4"};
    QTest::newRow("tanh torch_default")
        << make(Activation::tanh, Scheme::torch_default, [](Config& c) { c.input.dim = 512; }) << 1
        << "torch.nn.Linear(512, 256)  # kaiming_uniform_(w, a=math.sqrt(5))"
        << vs + "scale=0.3333333333333333, mode=\"fan_in\", distribution=\"uniform\")"
        << qint64(512) << qint64(256) << "U(\u2212a, a) with a = 0.044194173824159216" << kNoGain
        << QStringList{"\u221a5", "1/(3\u00b7fan_in)"} << QStringList{};
    QTest::newRow("torch_default conv2d without bias")
        << make(Activation::relu, Scheme::torch_default,
                [](Config& c) {
                  c.network.type = NetworkType::conv2d;
                  c.network.width = 64;
                  c.network.bias = false;
                })
        << 1
        << "torch.nn.Conv2d(3, 64, 3, padding=1, bias=False)  # kaiming_uniform_(w, a=math.sqrt(5))"
        << vs + "scale=0.3333333333333333, mode=\"fan_in\", distribution=\"uniform\")" << qint64(27)
        << qint64(576) << "U(\u2212a, a) with a = 0.19245008972987526" << kNoGain
        << QStringList{"\u221a5"} << QStringList{};
    QTest::newRow("trunc_normal std 0.02: absolute bounds")
        << make(Activation::tanh, Scheme::trunc_normal, [](Config& c) { c.init.args.std = 0.02; })
        << 2 << "torch.nn.init.trunc_normal_(w, mean=0.0, std=0.02, a=-2.0, b=2.0)"
        << "" << qint64(256) << qint64(256)
        << "N(mean, \u03c3\u00b2) on [a, b] with mean = 0.0, \u03c3 = 0.02, a = \u22122.0, b = 2.0"
        << kNoGain << QStringList{"absolute", "\u00b1100\u03c3", "vanishes"}
        << QStringList{"explodes"};
    QTest::newRow("trunc_normal std 1 is Keras' TruncatedNormal")
        << make(Activation::tanh, Scheme::trunc_normal) << 2
        << "torch.nn.init.trunc_normal_(w, mean=0.0, std=1.0, a=-2.0, b=2.0)"
        << "keras.initializers.TruncatedNormal(mean=0.0, stddev=1.0)" << qint64(256) << qint64(256)
        << "N(0, \u03c3\u00b2) on [\u22122\u03c3, 2\u03c3] with \u03c3 = 1.0" << kNoGain
        << QStringList{"explodes"} << QStringList{"absolute"};
    QTest::newRow("relu xavier_normal")
        << make(Activation::relu, Scheme::xavier_normal) << 1
        << "torch.nn.init.xavier_normal_(w, gain=1.4142135623730951)"
        << vs + "scale=2.0, mode=\"fan_avg\", distribution=\"untruncated_normal\")" << qint64(256)
        << qint64(256) << "N(0, \u03c3\u00b2) with \u03c3 = 0.08838834764831845" << std::sqrt(2.0)
        << QStringList{"GlorotNormal", "not truncated", "0.8796"} << QStringList{};
    QTest::newRow("relu normal 0.01")
        << make(Activation::relu, Scheme::normal, [](Config& c) { c.init.args.std = 0.01; }) << 1
        << "torch.nn.init.normal_(w, mean=0.0, std=0.01)"
        << "keras.initializers.RandomNormal(mean=0.0, stddev=0.01)" << qint64(256) << qint64(256)
        << "N(0, \u03c3\u00b2) with \u03c3 = 0.01" << kNoGain << QStringList{"fan", "vanishes"}
        << QStringList{};
    QTest::newRow("relu normal 0.01 with batch norm")
        << make(Activation::relu, Scheme::normal,
                [](Config& c) {
                  c.init.args.std = 0.01;
                  c.norm.name = Norm::batch;
                })
        << 1 << "torch.nn.init.normal_(w, mean=0.0, std=0.01)"
        << "keras.initializers.RandomNormal(mean=0.0, stddev=0.01)" << qint64(256) << qint64(256)
        << "N(0, \u03c3\u00b2) with \u03c3 = 0.01" << kNoGain << QStringList{}
        << QStringList{"vanishes"};
    QTest::newRow("uniform") << make(Activation::tanh, Scheme::uniform,
                                     [](Config& c) {
                                       c.init.args.low = -0.5;
                                       c.init.args.high = 0.25;
                                     })
                             << 1 << "torch.nn.init.uniform_(w, a=-0.5, b=0.25)"
                             << "keras.initializers.RandomUniform(minval=-0.5, maxval=0.25)"
                             << qint64(256) << qint64(256) << "U(a, b) with a = \u22120.5, b = 0.25"
                             << kNoGain << QStringList{"explodes"} << QStringList{};
    QTest::newRow("relu sparse") << make(Activation::relu, Scheme::sparse) << 2
                                 << "torch.nn.init.sparse_(w, sparsity=0.1, std=0.01)"
                                 << "" << qint64(256) << qint64(256)
                                 << "N(0, \u03c3\u00b2) with \u03c3 = 0.01, then "
                                    "\u23080.1\u00b7256\u2309 = 26 zeros per column"
                                 << kNoGain << QStringList{"vanishes"} << QStringList{};
    QTest::newRow("linear orthogonal")
        << make(Activation::identity, Scheme::orthogonal) << 2
        << "torch.nn.init.orthogonal_(w, gain=1.0)"
        << "keras.initializers.Orthogonal(gain=1.0)" << qint64(256) << qint64(256)
        << "orthogonal \u00d7 gain 1.0" << 1.0 << QStringList{} << QStringList{};
    QTest::newRow("variance_scaling fan_avg uniform")
        << make(Activation::relu, Scheme::variance_scaling,
                [](Config& c) {
                  c.init.args.scale = 2.0;
                  c.init.args.mode = FanMode::fan_avg;
                  c.init.args.distribution = VsDistribution::uniform;
                })
        << 2 << "torch.nn.init.uniform_(w, a=-0.15309310892394862, b=0.15309310892394862)"
        << vs + "scale=2.0, mode=\"fan_avg\", distribution=\"uniform\")" << qint64(256)
        << qint64(256) << "U(\u2212a, a) with a = 0.15309310892394862" << kNoGain << QStringList{}
        << QStringList{"0.8796"};
    QTest::newRow("eye with a numeric gain")
        << make(Activation::identity, Scheme::eye,
                [](Config& c) {
                  c.init.gain = {GainSetting::Kind::value, 2.0};
                })
        << 1 << "torch.nn.init.eye_(w)"
        << "keras.initializers.Identity()" << qint64(256) << qint64(256) << "identity (eye)"
        << kNoGain << QStringList{"ignored"} << QStringList{};
    QTest::newRow("zeros") << make(Activation::relu, Scheme::zeros) << 1
                           << "torch.nn.init.zeros_(w)"
                           << "keras.initializers.Zeros()" << qint64(256) << qint64(256)
                           << "constant 0.0" << kNoGain << QStringList{"symmetry"}
                           << QStringList{"ignored"};
    QTest::newRow("constant 0.1") << make(Activation::tanh, Scheme::constant,
                                          [](Config& c) { c.init.args.value = 0.1; })
                                  << 1 << "torch.nn.init.constant_(w, val=0.1)"
                                  << "keras.initializers.Constant(value=0.1)" << qint64(256)
                                  << qint64(256) << "constant 0.1" << kNoGain
                                  << QStringList{"symmetry"} << QStringList{};
    QTest::newRow("tanh lsuv without bias")
        << make(Activation::tanh, Scheme::lsuv, [](Config& c) { c.network.bias = false; }) << 1
        << "torch.nn.init.orthogonal_(w, gain=1.6666666666666667)\n"
           "with torch.no_grad():  # LSUV; h: the batch entering this layer\n"
           "    for _ in range(10):\n"
           "        var = (h @ w.T).var(unbiased=False)\n"
           "        if abs(var - 1) < 0.1:\n"
           "            break\n"
           "        w /= var.sqrt()"
        << "" << qint64(256) << qint64(256)
        << "orthogonal \u00d7 gain 1.6666666666666667, then rescaled until Var(z) \u2248 1"
        << 5.0 / 3 << QStringList{} << QStringList{};
  }

  void matches_torch() {
    QFETCH(Config, config);
    QFETCH(int, layer);
    QFETCH(QString, torch);
    QFETCH(QString, keras);
    QFETCH(qint64, fan_in);
    QFETCH(qint64, fan_out);
    QFETCH(QString, law);
    QFETCH(double, gain);
    QFETCH(QStringList, pitfalls);
    QFETCH(QStringList, absent);

    const Inspection in = inspect(config, layer);
    QCOMPARE(in.layer, layer);
    QCOMPARE(s(in.torch_code), torch);
    QCOMPARE(in.keras_code.has_value(), !keras.isEmpty());
    if (in.keras_code) QCOMPARE(s(*in.keras_code), keras);
    QCOMPARE(in.fans.fan_in, fan_in);
    QCOMPARE(in.fans.fan_out, fan_out);
    QCOMPARE(s(in.law_text), law);
    QCOMPARE(in.gain_in_use.has_value(), !std::isnan(gain));
    if (in.gain_in_use) QCOMPARE(*in.gain_in_use, gain);  // exact: torch's arithmetic
    const QString text = all_pitfalls(in);
    for (const QString& word : pitfalls)
      QVERIFY2(text.contains(word), qPrintable(word + ": " + text));
    for (const QString& word : absent)
      QVERIFY2(!text.contains(word), qPrintable(word + ": " + text));
  }

  void textbook_pairs_have_no_pitfalls() {
    QVERIFY(inspect(make(Activation::tanh, Scheme::xavier_uniform), 1).pitfalls.empty());
    QVERIFY(inspect(make(Activation::relu, Scheme::kaiming_uniform), 1).pitfalls.empty());
    QVERIFY(inspect(make(Activation::identity, Scheme::orthogonal), 1).pitfalls.empty());
    // torch's documented advice for SELU: nonlinearity "linear" is not a mismatch.
    const Inspection selu =
        inspect(make(Activation::selu, Scheme::kaiming_normal,
                     [](Config& c) { c.init.nonlinearity = Nonlinearity::linear; }),
                1);
    QCOMPARE(*selu.gain_in_use, 1.0);
    QVERIFY2(!all_pitfalls(selu).contains("3/4"), qPrintable(all_pitfalls(selu)));
    QVERIFY2(!all_pitfalls(selu).contains("init.nonlinearity"), qPrintable(all_pitfalls(selu)));
  }

  void layer_one_and_two_differ_when_input_dim_differs() {
    const Config c = make(Activation::tanh, Scheme::xavier_uniform, [](Config& cfg) {
      cfg.input.dim = 64;
      cfg.network.width = 128;
    });
    const Inspection first = inspect(c, 1);
    const Inspection second = inspect(c, 2);
    QCOMPARE(first.shape, (Shape{128, 64}));
    QCOMPARE(second.shape, (Shape{128, 128}));
    QCOMPARE(first.fans.fan_in, 64);
    QCOMPARE(first.fans.fan_out, 128);
    QCOMPARE(second.fans.fan_in, 128);
    QCOMPARE(second.fans.fan_out, 128);
    QCOMPARE(first.fans.receptive, 1);
    QVERIFY(first.law.high > second.law.high);  // a = gain·√(6/(fan_in + fan_out))
    QCOMPARE(inspect(c, 4).fans.fan_in, 128);   // the last layer is like the others
  }

  void conv2d_fans_carry_the_receptive_field() {
    const Config c = make(Activation::relu, Scheme::kaiming_normal, [](Config& cfg) {
      cfg.network.type = NetworkType::conv2d;
      cfg.network.width = 16;
      cfg.network.kernel = 5;
    });
    const Inspection second = inspect(c, 2);
    QCOMPARE(second.shape, (Shape{16, 16, 5, 5}));
    QCOMPARE(second.fans.receptive, 25);
    QCOMPARE(second.fans.fan_in, 400);
    QCOMPARE(second.law.std, std::sqrt(2.0) / std::sqrt(400.0));
  }

  void torch_and_empirical_gains() {
    const Inspection tanh = inspect(make(Activation::tanh, Scheme::normal), 1);
    QCOMPARE(*tanh.torch_gain, 5.0 / 3);
    QCOMPARE(s(tanh.torch_gain_call), QString("calculate_gain(\"tanh\")"));
    QCOMPARE(tanh.empirical_gain, empirical_gain(ActivationFn::make(Activation::tanh)));
    QVERIFY(std::abs(tanh.empirical_gain - 1.5925) < 1e-4);

    const Inspection leaky = inspect(make(Activation::leaky_relu, Scheme::xavier_uniform), 1);
    QCOMPARE(s(leaky.torch_gain_call), QString("calculate_gain(\"leaky_relu\", 0.01)"));
    QCOMPARE(*leaky.torch_gain, std::sqrt(2.0 / (1 + 0.01 * 0.01)));
    QCOMPARE(*leaky.gain_in_use, *leaky.torch_gain);

    const Inspection relu = inspect(make(Activation::relu, Scheme::kaiming_normal), 1);
    QCOMPARE(s(relu.gain_source), QString("calculate_gain(\"relu\")"));
    QCOMPARE(relu.empirical_gain, empirical_gain(ActivationFn::make(Activation::relu)));

    const Inspection gelu = inspect(make(Activation::gelu, Scheme::xavier_normal), 1);
    QVERIFY(!gelu.torch_gain);
    QVERIFY(gelu.torch_gain_call.empty());
    QCOMPARE(*gelu.gain_in_use, gelu.empirical_gain);  // torch has none: the empirical gain

    const Inspection manual = inspect(make(Activation::relu, Scheme::xavier_normal,
                                           [](Config& c) {
                                             c.init.gain = {GainSetting::Kind::value, 0.5};
                                           }),
                                      1);
    QCOMPARE(*manual.gain_in_use, 0.5);
    QCOMPARE(s(manual.gain_source), QString("init.gain"));
    QCOMPARE(s(manual.torch_code), QString("torch.nn.init.xavier_normal_(w, gain=0.5)"));
    QVERIFY(manual.pitfalls.size() == 1);  // GlorotNormal only; a numeric xavier gain is no pitfall
  }

  void kaiming_without_torch_gain_uses_the_plain_sampler() {
    // gelu has no calculate_gain: the empirical gain replaces kaiming's, which torch's
    // kaiming_uniform_ cannot take, so the code draws the same law through uniform_.
    const Inspection in = inspect(make(Activation::gelu, Scheme::kaiming_uniform), 2);
    QCOMPARE(*in.gain_in_use, in.empirical_gain);
    QCOMPARE(in.law.high, std::sqrt(3.0) * (in.empirical_gain / std::sqrt(256.0)));
    QCOMPARE(s(in.torch_code),
             QString("torch.nn.init.uniform_(w, a=%1, b=%2)")
                 .arg(s(format_number(in.law.low)), s(format_number(in.law.high))));
    const QString text = all_pitfalls(in);
    QVERIFY2(text.contains("leaky_relu") && text.contains("gelu"), qPrintable(text));
    QVERIFY2(text.contains("replaces"), qPrintable(text));
  }

  void mismatched_nonlinearity_is_named() {
    const Inspection in = inspect(make(Activation::tanh, Scheme::kaiming_normal,
                                       [](Config& c) { c.init.nonlinearity = Nonlinearity::relu; }),
                                  1);
    QCOMPARE(
        s(in.torch_code),
        QString("torch.nn.init.kaiming_normal_(w, a=0.0, mode=\"fan_in\", nonlinearity=\"relu\")"));
    QVERIFY2(all_pitfalls(in).contains("init.nonlinearity"), qPrintable(all_pitfalls(in)));
  }

  void every_scheme_is_explained() {
    for (const std::string_view name : canonical_names<Scheme>()) {
      const Scheme scheme = parse_name<Scheme>(name);
      const Config c = make(Activation::relu, scheme, [scheme](Config& cfg) {
        if (scheme == Scheme::dirac) cfg.network.type = NetworkType::conv2d;
      });
      const Inspection in = inspect(c, 2);
      QVERIFY2(!in.torch_code.empty(), name.data());
      QVERIFY2(!in.law_text.empty(), name.data());
      QVERIFY2(in.torch_code.find("torch.") == 0, name.data());
      QVERIFY2(in.torch_code.find("nan") == std::string::npos, name.data());
    }
  }

  void rejects_bad_input() {
    const Config good = make(Activation::relu, Scheme::kaiming_normal);
    QVERIFY_THROWS_EXCEPTION(InputError, inspect(good, 0));
    QVERIFY_THROWS_EXCEPTION(InputError, inspect(good, 5));  // depth 4
    QVERIFY_THROWS_EXCEPTION(InputError, inspect(good, -1));
    Config bad = good;
    bad.network.width = 0;
    QVERIFY_THROWS_EXCEPTION(InputError, inspect(bad, 1));
    Config refused = good;
    refused.init.args.mode = FanMode::fan_avg;  // kaiming takes fan_in or fan_out
    QVERIFY_THROWS_EXCEPTION(InputError, inspect(refused, 1));
    try {
      inspect(good, 5);
    } catch (const InputError& e) {
      QVERIFY2(QString(e.what()).contains("1..4"), e.what());
    }
  }
};

QTEST_APPLESS_MAIN(TestInspector)
#include "tst_inspector.moc"
