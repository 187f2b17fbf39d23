// format_number against Python's repr(float), the text a torch user compares with.
#include <QtTest>

#include <charconv>
#include <limits>

#include "core/io/format.h"

class TestFormat : public QObject {
  Q_OBJECT

 private slots:
  void python_repr_data() {
    QTest::addColumn<double>("x");
    QTest::addColumn<QString>("expected");
    // Expected strings printed by Python 3.11.7's repr() on this machine.
    QTest::newRow("1e-4 fixed") << 1e-4 << "0.0001";
    QTest::newRow("1e-5 scientific") << 1e-5 << "1e-05";
    QTest::newRow("one") << 1.0 << "1.0";
    QTest::newRow("half") << 0.5 << "0.5";
    QTest::newRow("1e16 scientific") << 1e16 << "1e+16";
    QTest::newRow("1e15 fixed") << 1e15 << "1000000000000000.0";
    QTest::newRow("123456.789") << 123456.789 << "123456.789";
    QTest::newRow("negative small") << -0.001234 << "-0.001234";
    QTest::newRow("5/3") << 5.0 / 3 << "1.6666666666666667";
    QTest::newRow("0.1") << 0.1 << "0.1";
    QTest::newRow("1e300") << 1e300 << "1e+300";
    QTest::newRow("subnormal") << -2.5e-310 << "-2.5e-310";
    QTest::newRow("zero") << 0.0 << "0.0";
    QTest::newRow("negative zero") << -0.0 << "-0.0";
    QTest::newRow("100") << 100.0 << "100.0";
    QTest::newRow("1.5e16") << 1.5e16 << "1.5e+16";
    QTest::newRow("nan") << std::numeric_limits<double>::quiet_NaN() << "nan";
    QTest::newRow("-inf") << -std::numeric_limits<double>::infinity() << "-inf";
  }
  void python_repr() {
    QFETCH(double, x);
    QFETCH(QString, expected);
    QCOMPARE(QString::fromStdString(initscope::format_number(x)), expected);
  }

  void round_trips() {
    for (double x : {0.1, 1.0 / 3, 2.0 / 3 * 1e-7, 6.02214076e23, 1.7976931348623157e308,
                     4.9406564584124654e-324}) {
      const std::string text = initscope::format_number(x);
      double back = 0;
      std::from_chars(text.data(), text.data() + text.size(),
                      back);  // strtod: ERANGE on subnormals
      QCOMPARE(back, x);
    }
  }
};

QTEST_APPLESS_MAIN(TestFormat)
#include "tst_format.moc"
