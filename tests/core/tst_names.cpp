// The name tables and the messages for unknown names.
#include <QtTest>

#include "core/nn/activation.h"
#include "core/error.h"
#include "core/init/gain.h"
#include "core/init/schemes.h"

using namespace initscope;

class TestNames : public QObject {
  Q_OBJECT

 private slots:
  void every_scheme_round_trips() {
    for (std::string_view name : canonical_names<Scheme>()) {
      QCOMPARE(name_of(parse_name<Scheme>(name)), name);
    }
    QCOMPARE(canonical_names<Scheme>().size(), std::size_t(19));
  }

  void aliases_map_to_the_canonical_name() {
    QCOMPARE(parse_name<Activation>("linear"), Activation::identity);
    QCOMPARE(name_of(Activation::identity), std::string_view("identity"));
    const auto names = canonical_names<Activation>();
    QVERIFY(std::find(names.begin(), names.end(), "linear") == names.end());
    QCOMPARE(names.size(), std::size_t(12));
  }

  void unknown_name_message_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("expected");
    QTest::newRow("typo") << "kaimng_normal"
                          << R"(unknown scheme "kaimng_normal" (did you mean "kaiming_normal"?))";
    QTest::newRow("transposition")
        << "xaveir_uniform"
        << R"(unknown scheme "xaveir_uniform" (did you mean "xavier_uniform"?))";
    QTest::newRow("case") << "Orthogonal"
                          << R"(unknown scheme "Orthogonal" (did you mean "orthogonal"?))";
    QTest::newRow("far away") << "banana"
                              << R"(unknown scheme "banana")";
    QTest::newRow("empty") << ""
                           << R"(unknown scheme "")";
  }
  void unknown_name_message() {
    QFETCH(QString, name);
    QFETCH(QString, expected);
    try {
      parse_name<Scheme>(name.toStdString());
      QFAIL("no error");
    } catch (const InputError& e) {
      QCOMPARE(QString(e.what()), expected);
    }
  }

  void families_are_named_in_messages() {
    try {
      parse_name<Nonlinearity>("gelu");
      QFAIL("gelu is not a calculate_gain name");
    } catch (const InputError& e) {
      QVERIFY2(QString(e.what()).startsWith(R"(unknown nonlinearity "gelu")"), e.what());
    }
  }
};

QTEST_APPLESS_MAIN(TestNames)
#include "tst_names.moc"
