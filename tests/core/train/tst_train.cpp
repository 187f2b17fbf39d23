// Training (SPEC section 8) end to end on small networks: it learns, its records have the SPEC's
// shape, values that are exact by construction (a zero readout's loss, SGD's update:data ratio),
// the same bits for any thread count, divergence, cancellation, LSUV on the first batch, conv2d
// stacks with every affine shape, and a missing data folder.
#include <cmath>
#include <cstdlib>
#include <filesystem>

#include <QTemporaryDir>
#include <QtTest>

#include "core/compute/parallel.h"
#include "core/data/fashion_mnist.h"
#include "core/error.h"
#include "core/io/report.h"
#include "core/io/train_report.h"
#include "core/train/train.h"

using namespace initscope;

namespace {

Config teacher(std::int64_t depth = 3, std::int64_t width = 32) {
  Config c;
  c.seed = 5;
  c.input.dim = 16;
  c.network.depth = depth;
  c.network.width = width;
  c.activation.name = Activation::tanh;
  c.init.scheme = Scheme::xavier_normal;
  TrainSetting t;
  t.task = TrainTask::teacher;
  t.steps = 40;
  t.batch = 32;
  t.optimizer.lr = 0.1;
  t.eval_every = 10;
  t.eval_size = 256;
  c.train = t;
  return c;
}

Config fashion(std::int64_t depth = 2, std::int64_t width = 64) {
  Config c;
  c.seed = 3;
  c.input.dim = kFashionMnistPixels;
  c.network.depth = depth;
  c.network.width = width;
  c.activation.name = Activation::relu;
  c.init.scheme = Scheme::kaiming_normal;
  TrainSetting t;
  t.steps = 30;
  t.batch = 64;
  t.eval_every = 10;
  t.eval_size = 500;
  c.train = t;
  return c;
}

bool have_fashion_mnist() {
  return std::filesystem::exists(fashion_mnist_folder() + "/train-images-idx3-ubyte.gz");
}

std::string all_records(const TrainResult& r) {
  return train_csv(r) + train_layers_csv(r) + stats_csv(r.initial);
}

}  // namespace

class TestTrain : public QObject {
  Q_OBJECT

 private slots:
  void the_teacher_is_learned() {
    Config c = teacher();
    c.train->steps = 300;
    const TrainResult r = train(c);
    QVERIFY(!r.diverged && !r.cancelled);
    const double first = *r.steps.front().eval_loss, last = *r.steps.back().eval_loss;
    QVERIFY2(last < 0.5 * first, qPrintable(QString("%1 -> %2").arg(first).arg(last)));
    QVERIFY(!r.steps.front().train_acc);  // a regression: no accuracy
  }

  // Rows 0..steps; evaluations at 0, every eval_every and after the last step; per-layer rows
  // at each evaluation step before the last, in step then layer order.
  void records_have_the_spec_shape() {
    Config c = teacher(3);
    c.train->steps = 10;
    c.train->eval_every = 4;
    const TrainResult r = train(c);
    QCOMPARE(r.steps.size(), std::size_t{11});
    QCOMPARE(r.steps_done, 10);
    for (const TrainStepRecord& row : r.steps) {
      const bool evaluated = row.step % 4 == 0 || row.step == 10;
      QCOMPARE(row.eval_loss.has_value(), evaluated);
      QCOMPARE(row.train_loss.has_value(), row.step < 10);
    }
    QCOMPARE(r.layers.size(), std::size_t{9});  // steps 0, 4, 8 × layers 1..3
    for (std::size_t i = 0; i < r.layers.size(); ++i) {
      QCOMPARE(r.layers[i].step, static_cast<std::int64_t>(4 * (i / 3)));
      QCOMPARE(r.layers[i].layer, static_cast<int>(i % 3) + 1);
    }
    QCOMPARE(r.initial.layers.size(), std::size_t{4});  // the input and 3 blocks
    QCOMPARE(r.initial.loss, *r.steps.front().train_loss);
    QVERIFY(train_csv(r).starts_with("step,train_loss,train_acc,eval_loss,eval_acc,status\n0,"));
  }

  // Plain SGD moves W by −lr·∂L/∂W, so std(ΔW)/std(W) = lr·std(∂L/∂W)/std(W): the update:data
  // ratio is lr times the grad:data ratio, up to float rounding.
  void sgd_update_ratio_is_lr_times_the_gradient_ratio() {
    const TrainResult r = train(teacher());
    QVERIFY(!r.layers.empty());
    for (const TrainLayerRecord& l : r.layers) {
      QVERIFY(l.update_data_ratio && l.grad_data_ratio);
      QVERIFY2(std::abs(*l.update_data_ratio - 0.1 * *l.grad_data_ratio) <=
                   1e-5 * 0.1 * *l.grad_data_ratio,
               qPrintable(QString("step %1 layer %2").arg(l.step).arg(l.layer)));
    }
  }

  // A zero readout gives zero logits: the teacher's loss is then mean(y²) of the evaluation set,
  // which no later weight can change at step 0; Fashion-MNIST's is ln 10 with every sample called
  // class 0 (argmax ties go first).
  void a_zero_readout_starts_from_known_losses() {
    Config c = teacher();
    c.train->readout_init = ReadoutInit::zeros;
    c.train->steps = 1;
    Config other = c;
    other.network.depth = 5;
    other.activation.name = Activation::relu;
    const double loss = *train(c).steps.front().eval_loss;
    QCOMPARE(*train(other).steps.front().eval_loss, loss);
    if (!have_fashion_mnist()) QSKIP("Fashion-MNIST is not installed");
    Config f = fashion();
    f.train->readout_init = ReadoutInit::zeros;
    f.train->steps = 0;
    const TrainResult r = train(f);
    QCOMPARE(r.steps.size(), std::size_t{1});
    QVERIFY(std::abs(*r.steps.front().eval_loss - std::log(10.0)) < 1e-12);
    const auto data = load_fashion_mnist();
    const auto zeros = std::count(data->test.labels.begin(), data->test.labels.begin() + 500, 0);
    QCOMPARE(*r.steps.front().eval_acc, static_cast<double>(zeros) / 500);
  }

  void the_same_bits_for_any_thread_count_data() {
    QTest::addColumn<int>("variant");
    QTest::newRow("teacher, batch norm, adam") << 0;
    QTest::newRow("fashion conv2d, layer norm post, momentum") << 1;
  }
  void the_same_bits_for_any_thread_count() {
    QFETCH(int, variant);
    Config c = teacher(3, 48);
    c.norm.name = Norm::batch;
    c.train->optimizer.kind = OptimizerKind::adam;
    c.train->optimizer.lr = 1e-3;
    if (variant == 1) {
      if (!have_fashion_mnist()) QSKIP("Fashion-MNIST is not installed");
      c = fashion(2, 8);
      c.network.type = NetworkType::conv2d;
      c.input.channels = 1;
      c.input.height = c.input.width = kFashionMnistSide;
      c.norm.name = Norm::layer;
      c.norm.placement = NormPlacement::post;
      c.train->optimizer.momentum = 0.9;
      c.train->batch = 8;
      c.train->steps = 4;
      c.train->eval_every = 2;
      c.train->eval_size = 40;
    }
    std::string first;
    for (const int threads : {1, 2, 3}) {
      TrainOptions options;
      options.threads = threads;
      const std::string records = all_records(train(c, options));
      if (threads == 1) first = records;
      QVERIFY2(records == first, qPrintable(QString("%1 threads").arg(threads)));
    }
  }

  void a_non_finite_loss_stops_the_training() {
    Config c = teacher();
    c.activation.name = Activation::relu;
    c.init.scheme = Scheme::kaiming_normal;
    c.train->optimizer.lr = 1e6;
    const TrainResult r = train(c);
    QVERIFY(r.diverged);
    const TrainStepRecord& last = r.steps.back();
    QVERIFY(last.diverged);
    QVERIFY(!std::isfinite(*last.train_loss));
    QCOMPARE(r.steps_done, last.step);
    QVERIFY2(r.diverged->starts_with("diverged at step " + std::to_string(last.step) + ": loss "),
             r.diverged->c_str());
    QVERIFY(train_csv(r).ends_with(",diverged\n"));
  }

  void the_callback_stops_after_the_current_step() {
    std::int64_t calls = 0;
    const TrainResult r = train(teacher(), {}, [&](const TrainResult& so_far, std::int64_t done) {
      ++calls;
      return so_far.steps.size() == static_cast<std::size_t>(done) && done < 3;
    });
    QVERIFY(r.cancelled);
    QCOMPARE(calls, 3);
    QCOMPARE(r.steps_done, 3);
    QCOMPARE(r.steps.size(), std::size_t{3});  // no final evaluation
  }

  // LSUV rescales the blocks on the first training batch: each layer's last variance within 0.1
  // of 1, recorded in step 0's result.
  void lsuv_rescales_on_the_first_batch() {
    Config c = teacher(4);
    c.init.scheme = Scheme::lsuv;
    c.train->steps = 2;
    const TrainResult r = train(c);
    QCOMPARE(r.initial.lsuv_variances.size(), std::size_t{4});
    for (const std::vector<double>& v : r.initial.lsuv_variances)
      QVERIFY(std::abs(v.back() - 1) < 0.1);
  }

  void fashion_mnist_is_learned() {
    if (!have_fashion_mnist()) QSKIP("Fashion-MNIST is not installed");
    const TrainResult r = train(fashion());
    // 30 steps of 64 images: far above chance (10%) already.
    QVERIFY2(*r.steps.back().eval_acc > 0.6,
             qPrintable(QString::number(*r.steps.back().eval_acc)));
    QVERIFY(*r.steps.back().eval_loss < *r.steps.front().eval_loss);
  }

  void conv2d_stacks_train_with_every_affine_shape_data() {
    QTest::addColumn<int>("norm");
    for (const Norm norm : {Norm::batch, Norm::group, Norm::layer, Norm::rms, Norm::instance})
      QTest::newRow(std::string(name_of(norm)).c_str()) << static_cast<int>(norm);
  }
  void conv2d_stacks_train_with_every_affine_shape() {
    QFETCH(int, norm);
    if (!have_fashion_mnist()) QSKIP("Fashion-MNIST is not installed");
    Config c = fashion(2, 8);
    c.network.type = NetworkType::conv2d;
    c.input.channels = 1;
    c.input.height = c.input.width = kFashionMnistSide;
    c.norm.name = static_cast<Norm>(norm);
    c.norm.groups = 2;
    c.train->batch = 8;
    c.train->steps = 3;
    c.train->eval_size = 20;
    const TrainResult r = train(c);
    QCOMPARE(r.steps_done, 3);
    for (const TrainStepRecord& row : r.steps) {
      if (row.train_loss) QVERIFY(std::isfinite(*row.train_loss));
    }
  }

  void a_missing_data_folder_names_the_path_and_the_package() {
    Config c = fashion();
    QTemporaryDir empty;
    c.train->data_dir = empty.path().toStdString();
    try {
      train(c);
      QFAIL("no error");
    } catch (const InputError& e) {
      const std::string message = e.what();
      QVERIFY2(message.starts_with(c.train->data_dir + "/train-images-idx3-ubyte.gz: cannot open"),
               e.what());
      QVERIFY(message.find("dataset-fashion-mnist") != std::string::npos);
    }
  }

  void a_config_without_train_is_refused() {
    QVERIFY_THROWS_EXCEPTION(InputError, train(Config{}));
  }
};

QTEST_APPLESS_MAIN(TestTrain)
#include "tst_train.moc"
