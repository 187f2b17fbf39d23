// The application's identity and its compiled-in resources.
#include <QCoreApplication>
#include <QImage>
#include <QPainter>
#include <QSvgRenderer>
#include <QtTest>

#include "ui/application.h"

class TestApplication : public QObject {
  Q_OBJECT

 private slots:
  void names_for_qsettings() {
    initscope::ui::configure_application();
    QCOMPARE(QCoreApplication::organizationName(), QStringLiteral("InitScope"));
    QCOMPARE(QCoreApplication::applicationName(), QStringLiteral("InitScope"));
    QCOMPARE(QCoreApplication::applicationVersion(), QStringLiteral(INITSCOPE_VERSION));
  }

  void icon_is_a_valid_svg_that_draws() {
    QSvgRenderer renderer(QString::fromLatin1(initscope::ui::kIconPath));
    QVERIFY(renderer.isValid());
    QCOMPARE(renderer.defaultSize(), QSize(64, 64));
    QImage image(64, 64, QImage::Format_ARGB32);
    image.fill(Qt::transparent);
    QPainter painter(&image);
    renderer.render(&painter);
    painter.end();
    // The background tile is opaque at its centre.
    QCOMPARE(qAlpha(image.pixel(32, 40)), 255);
  }
};

QTEST_MAIN(TestApplication)
#include "tst_application.moc"
