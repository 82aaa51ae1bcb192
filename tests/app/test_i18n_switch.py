"""View ▸ Language switches the window's texts at once, without a restart, and back."""

from __future__ import annotations

from PySide6.QtCore import QLocale
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QDoubleSpinBox, QMenu

from mgstudio import words
from mgstudio.app import i18n


def _actions(window) -> dict[str, QAction]:
    return {a.objectName(): a for a in window.findChildren(QAction) if a.objectName()}


def test_language_switch_retranslates_live_and_is_remembered(window):
    app = QApplication.instance()
    i18n.retranslator(app)
    tmp_settings = window.settings
    actions = _actions(window)
    assert actions["new"].text() == "&New"
    try:
        window.findChild(QAction, "language_zh_CN").trigger()
        assert actions["new"].text() == "新建(&N)"
        assert window.findChild(QMenu, "language_menu").title() == "语言(&L)"
        assert tmp_settings.language() == "zh_CN"
        # the Qt-free layers' hook answers in the same language
        assert words.translate("Actions", "&New") == "新建(&N)"
        window.findChild(QAction, "language_en").trigger()
        assert actions["new"].text() == "&New"
        assert tmp_settings.language() == "en"
    finally:
        i18n.apply(app, "en")
        words.set_hook(None)


def test_system_choice_follows_the_locale():
    assert (
        i18n.resolve("system", QLocale(QLocale.Language.Chinese, QLocale.Country.China)) == "zh_CN"
    )
    assert i18n.resolve("system", QLocale(QLocale.Language.German, QLocale.Country.Germany)) == "en"
    assert i18n.resolve("zh_CN", QLocale(QLocale.Language.German)) == "zh_CN"


def test_numbers_keep_one_format_whatever_the_system_locale(qtbot):
    before = QLocale()
    try:
        QLocale.setDefault(QLocale(QLocale.Language.German, QLocale.Country.Germany))
        i18n.fix_number_format()
        box = QDoubleSpinBox()
        qtbot.addWidget(box)
        box.setDecimals(4)
        box.setValue(2.0)
        assert box.text() == "2.0000"
        assert box.valueFromText("1.5") == 1.5
    finally:
        QLocale.setDefault(before)


def test_english_without_a_hook():
    words.set_hook(None)
    assert words.translate("X", "%n steps", n=3) == "3 steps"
    assert words.translate("X", "plain") == "plain"
