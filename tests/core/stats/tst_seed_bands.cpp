// Seed bands (issue 9): K runs that differ only in the seed, and per layer the mean, minimum and
// maximum of every numeric stats.csv column over them.
#include <QtTest>

#include <cmath>
#include <limits>

#include "core/error.h"
#include "core/io/format.h"
#include "core/io/report.h"
#include "core/stats/seed_bands.h"

using namespace initscope;

namespace {

Config small(std::int64_t width = 32) {
  Config c;
  c.network.depth = 6;
  c.network.width = width;
  c.input.dim = width;
  c.input.batch = 64;
  c.activation.name = Activation::relu;
  c.init.scheme = Scheme::kaiming_normal;
  c.seed = 7;
  return c;
}

RunOptions one_thread() {
  RunOptions options;
  options.threads = 1;
  return options;
}

// max − min of act_var at `layer` over `k` seeds, relative to the mean.
double relative_spread(const Config& c, int k, int layer) {
  const SeedBands bands = seed_bands(run_seeds(c, k, one_thread()));
  const Band& b = *bands.at(layer, "act_var");
  return (b.max - b.min) / b.mean;
}

}  // namespace

class TestSeedBands : public QObject {
  Q_OBJECT

 private slots:
  void seeds_follow_the_config_seed() {
    QCOMPARE(band_seeds(7, 3), (std::vector<std::uint64_t>{7, 8, 9}));
    const std::uint64_t top = std::numeric_limits<std::uint64_t>::max();
    QCOMPARE(band_seeds(top, 2), (std::vector<std::uint64_t>{top, 0}));
  }

  void each_run_is_the_run_of_its_seed() {
    const Config c = small();
    const std::vector<Result> runs = run_seeds(c, 4, one_thread());
    QCOMPARE(runs.size(), std::size_t{4});
    for (std::size_t i = 0; i < runs.size(); ++i) {
      Config single = c;
      single.seed = c.seed + i;
      QCOMPARE(runs[i].config, single);
      QCOMPARE(stats_csv(runs[i]), stats_csv(run(single, one_thread())));
    }
    // Different seeds, different samples.
    QVERIFY(stats_csv(runs[0]) != stats_csv(runs[1]));
  }

  void bands_are_mean_min_max_of_the_runs() {
    const std::vector<Result> runs = run_seeds(small(), 5, one_thread());
    const SeedBands bands = seed_bands(runs);
    QCOMPARE(bands.seeds, band_seeds(7, 5));
    QCOMPARE(bands.layers.size(), runs[0].layers.size());
    for (int l = 0; l <= 6; ++l) {
      const auto column = band_column("act_var");
      double sum = 0, low = INFINITY, high = -INFINITY;
      for (const Result& r : runs) {
        const double v = r.layers[static_cast<std::size_t>(l)].act_var;
        sum += v;
        low = std::min(low, v);
        high = std::max(high, v);
      }
      const Band& band = *bands.layers[static_cast<std::size_t>(l)][column];
      QCOMPARE(band.count, 5);
      QCOMPARE(band.min, low);
      QCOMPARE(band.max, high);
      QCOMPARE(band.mean, sum / 5);
      QVERIFY(band.min < band.max);  // the seeds differ
    }
    // Columns a layer does not have get no band: the input has no weights or pre-activations,
    // and relu no saturation.
    QVERIFY(!bands.at(0, "weight_std"));
    QVERIFY(!bands.at(0, "preact_var"));
    QVERIFY(bands.at(1, "preact_var"));
    QVERIFY(!bands.at(3, "act_saturated_frac"));
    QVERIFY_THROWS_EXCEPTION(std::out_of_range, band_column("status"));
  }

  void one_seed_is_a_band_of_zero_width() {
    const std::vector<Result> runs = run_seeds(small(), 1, one_thread());
    const SeedBands bands = seed_bands(runs);
    for (int l = 1; l <= 6; ++l) {
      const Band& b = *bands.at(l, "grad_act_var");
      QCOMPARE(b.count, 1);
      QCOMPARE(b.min, runs[0].layers[static_cast<std::size_t>(l)].grad_act_var);
      QCOMPARE(b.max, b.min);
      QCOMPARE(b.mean, b.min);
    }
  }

  void overflowed_layers_do_not_count() {
    std::vector<Result> runs = run_seeds(small(), 3, one_thread());
    // As if the second run had overflowed from layer 4 on.
    for (std::size_t l = 4; l < runs[1].layers.size(); ++l) {
      runs[1].layers[l].overflow = true;
      runs[1].layers[l].act_var = std::numeric_limits<double>::quiet_NaN();
    }
    runs[2].layers[2].grad_act_var = std::numeric_limits<double>::infinity();
    const SeedBands bands = seed_bands(runs);
    QCOMPARE(bands.at(3, "act_var")->count, 3);
    QCOMPARE(bands.at(4, "act_var")->count, 2);
    QCOMPARE(bands.at(4, "act_var")->max,
             std::max(runs[0].layers[4].act_var, runs[2].layers[4].act_var));
    QCOMPARE(bands.at(2, "grad_act_var")->count, 2);
    QVERIFY(std::isfinite(bands.at(2, "grad_act_var")->mean));
  }

  void narrower_networks_fluctuate_more() {
    // The variance a ReLU layer of width n passes on has a relative spread of about √(5/n) over
    // the draws of its weights (Hanin & Rolnick 2018), so after k layers the seeds' act_var
    // spread ∝ √(k/n): 4 times wider at n = 32 than at n = 512. The batch's own sampling error
    // (relative √(2/(batch·n))) is smaller than both. Asserted: more than twice as wide.
    Config narrow = small(32);
    Config wide = small(512);
    narrow.input.batch = wide.input.batch = 128;
    const double spread_narrow = relative_spread(narrow, 16, 6);
    const double spread_wide = relative_spread(wide, 16, 6);
    qInfo("relative spread of act_var at layer 6 over 16 seeds: %g at width 32, %g at 512",
          spread_narrow, spread_wide);
    QVERIFY2(spread_narrow > 2 * spread_wide,
             qPrintable(QString("relative spread at width 32: %1, at 512: %2")
                            .arg(spread_narrow)
                            .arg(spread_wide)));
  }

  void progress_spans_all_runs_and_cancels() {
    const Config c = small();
    std::vector<std::int64_t> seen;
    std::int64_t reported_total = 0;
    const std::vector<Result> runs =
        run_seeds(c, 3, one_thread(), [&](std::int64_t done, std::int64_t total) {
          seen.push_back(done);
          reported_total = total;
          return true;
        });
    QCOMPARE(runs.size(), std::size_t{3});
    QCOMPARE(reported_total, std::int64_t{3 * 3 * 6});
    QCOMPARE(seen.size(), std::size_t{3 * 3 * 6});
    for (std::size_t i = 0; i < seen.size(); ++i) QCOMPARE(seen[i], std::int64_t(i + 1));

    // Stopped in the second run: nothing is returned, and nothing runs after the stop.
    int calls = 0;
    const std::vector<Result> stopped =
        run_seeds(c, 3, one_thread(), [&](std::int64_t done, std::int64_t) {
          ++calls;
          return done < 20;
        });
    QVERIFY(stopped.empty());
    QCOMPARE(calls, 20);
  }

  void refusals() {
    QVERIFY_THROWS_EXCEPTION(InputError, run_seeds(small(), 0));
    QVERIFY_THROWS_EXCEPTION(InputError, run_seeds(small(), kMaxBandSeeds + 1));
    QVERIFY_THROWS_EXCEPTION(InputError, seed_bands({}));
    std::vector<Result> runs = run_seeds(small(), 2, one_thread());
    runs[1].config.network.width = 33;  // not the same experiment
    QVERIFY_THROWS_EXCEPTION(InputError, seed_bands(runs));
    runs = run_seeds(small(), 2, one_thread());
    runs[1].cancelled = true;
    QVERIFY_THROWS_EXCEPTION(InputError, seed_bands(runs));
  }

  void csv_has_a_row_per_band() {
    const SeedBands bands = seed_bands(run_seeds(small(), 2, one_thread()));
    const QStringList lines =
        QString::fromStdString(bands_csv(bands)).split('\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.first(), QString("layer,column,seeds,mean,min,max"));
    int present = 0;
    for (const auto& layer : bands.layers) {
      for (const auto& band : layer) present += band.has_value();
    }
    QCOMPARE(lines.size() - 1, present);
    // Layer 6's act_var, as written and read back.
    const Band& b = *bands.at(6, "act_var");
    const QString want = QString("6,act_var,2,%1,%2,%3")
                             .arg(QString::fromStdString(format_number(b.mean)),
                                  QString::fromStdString(format_number(b.min)),
                                  QString::fromStdString(format_number(b.max)));
    QVERIFY2(lines.contains(want), qPrintable(want));
    const QStringList fields = want.split(',');
    QCOMPARE(fields[3].toDouble(), b.mean);  // shortest round-trip form
  }
};

QTEST_APPLESS_MAIN(TestSeedBands)
#include "tst_seed_bands.moc"
