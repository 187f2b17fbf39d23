// fans(shape) against torch.nn.init._calculate_fan_in_and_fan_out.
#include <QtTest>

#include "core/error.h"
#include "core/init/fans.h"

using namespace initscope;

class TestFans : public QObject {
  Q_OBJECT

 private slots:
  void fans_of_shape_data() {
    QTest::addColumn<QList<qint64>>("shape");
    QTest::addColumn<qint64>("fan_in");
    QTest::addColumn<qint64>("fan_out");
    QTest::addColumn<qint64>("receptive");
    // Values from torch's rule: receptive = prod(shape[2:]), fan_in = shape[1]*receptive, ...
    QTest::newRow("linear 2-D") << QList<qint64>{300, 200} << qint64(200) << qint64(300)
                                << qint64(1);
    QTest::newRow("1x1") << QList<qint64>{1, 1} << qint64(1) << qint64(1) << qint64(1);
    QTest::newRow("conv1d 3-D") << QList<qint64>{4, 6, 5} << qint64(30) << qint64(20) << qint64(5);
    QTest::newRow("conv2d 4-D") << QList<qint64>{16, 8, 3, 3} << qint64(72) << qint64(144)
                                << qint64(9);
    QTest::newRow("conv3d 5-D") << QList<qint64>{8, 4, 3, 3, 3} << qint64(108) << qint64(216)
                                << qint64(27);
    QTest::newRow("non-square kernel")
        << QList<qint64>{2, 3, 5, 7} << qint64(105) << qint64(70) << qint64(35);
  }
  void fans_of_shape() {
    QFETCH(QList<qint64>, shape);
    QFETCH(qint64, fan_in);
    QFETCH(qint64, fan_out);
    QFETCH(qint64, receptive);
    const Fans f = fans(Shape(shape.begin(), shape.end()));
    QCOMPARE(f.fan_in, fan_in);
    QCOMPARE(f.fan_out, fan_out);
    QCOMPARE(f.receptive, receptive);
  }

  void fewer_than_two_dims_is_an_error_data() {
    QTest::addColumn<QList<qint64>>("shape");
    QTest::newRow("1-D") << QList<qint64>{5};
    QTest::newRow("0-D") << QList<qint64>{};
  }
  void fewer_than_two_dims_is_an_error() {
    QFETCH(QList<qint64>, shape);
    try {
      fans(Shape(shape.begin(), shape.end()));
      QFAIL("no error");
    } catch (const InputError& e) {
      QVERIFY2(QString(e.what()).contains("fewer than 2 dimensions"), e.what());
    }
  }

  void fan_for_each_mode() {
    const Fans f = fans({16, 8, 3, 3});
    QCOMPARE(fan_for(f, FanMode::fan_in), 72.0);
    QCOMPARE(fan_for(f, FanMode::fan_out), 144.0);
    QCOMPARE(fan_for(f, FanMode::fan_avg), 108.0);
    QCOMPARE(fan_for(fans({3, 2}), FanMode::fan_avg), 2.5);
  }
};

QTEST_APPLESS_MAIN(TestFans)
#include "tst_fans.moc"
