"""What the studio remembers between runs (QSettings, organisation "mgstudio"): window
geometry and dock layout, recent files, the theme, the nudge step, the auto-backward switch and
the neuron heatmaps switch.

Tests point QSettings at a temporary folder (``QSettings.setPath``) before creating any."""

from __future__ import annotations

import os

from PySide6.QtCore import QByteArray, QSettings

ORGANISATION = "mgstudio"
APPLICATION = "mgstudio"
MAX_RECENT = 10


def settings() -> QSettings:
    return QSettings(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANISATION, APPLICATION
    )


class StudioSettings:
    """Typed access to the few things the window stores."""

    def __init__(self, store: QSettings | None = None):
        self.store = store if store is not None else settings()

    # --- recent files -------------------------------------------------------------------------
    def recent_files(self) -> list[str]:
        raw = self.store.value("recent_files", [])
        if isinstance(raw, str):  # QSettings gives a lone string for a one-element list
            raw = [raw]
        if not isinstance(raw, list):
            return []
        return [p for p in raw if isinstance(p, str) and p][:MAX_RECENT]

    def add_recent_file(self, path: str | os.PathLike) -> list[str]:
        path = os.path.abspath(os.fspath(path))
        files = [path, *(p for p in self.recent_files() if p != path)][:MAX_RECENT]
        self.store.setValue("recent_files", files)
        return files

    def remove_recent_file(self, path: str) -> list[str]:
        files = [p for p in self.recent_files() if p != path]
        self.store.setValue("recent_files", files)
        return files

    def clear_recent_files(self) -> None:
        self.store.setValue("recent_files", [])

    # --- window -----------------------------------------------------------------------------
    def geometry(self) -> QByteArray | None:
        return self._bytes("window/geometry")

    def window_state(self) -> QByteArray | None:
        return self._bytes("window/state")

    def save_window(self, geometry: QByteArray, state: QByteArray) -> None:
        self.store.setValue("window/geometry", geometry)
        self.store.setValue("window/state", state)

    def forget_window(self) -> None:
        """Drop the saved layout (View ▸ Reset Layout, or a layout that failed its check)."""
        self.store.remove("window/geometry")
        self.store.remove("window/state")

    def _bytes(self, key: str) -> QByteArray | None:
        raw = self.store.value(key)
        if isinstance(raw, QByteArray) and not raw.isEmpty():
            return raw
        if isinstance(raw, (bytes, bytearray)) and raw:
            return QByteArray(bytes(raw))
        return None

    # --- preferences ------------------------------------------------------------------------
    def theme(self) -> str:
        """ "system" (follow the system's colour scheme), "light" or "dark"."""
        raw = self.store.value("view/theme", "system")
        return raw if raw in ("system", "light", "dark") else "system"

    def set_theme(self, theme: str) -> None:
        self.store.setValue("view/theme", theme)

    def language(self) -> str:
        """View ▸ Language: "system" (follow the system's locale), "en" or "zh_CN"."""
        raw = self.store.value("view/language", "system")
        return raw if raw in ("system", "en", "zh_CN") else "system"

    def set_language(self, language: str) -> None:
        self.store.setValue("view/language", language)

    def nudge_step(self) -> float:
        return self._float("inspector/step", 0.01)

    def set_nudge_step(self, step: float) -> None:
        self.store.setValue("inspector/step", float(step))

    def auto_backward(self) -> bool:
        return self._bool("backward/auto", True)

    def set_auto_backward(self, on: bool) -> None:
        self.store.setValue("backward/auto", bool(on))

    def neuron_heatmaps(self) -> bool:
        """Collapsed neurons show their output over the input plane (View ▸ Neuron Heatmaps)."""
        return self._bool("view/neuron_heatmaps", True)

    def set_neuron_heatmaps(self, on: bool) -> None:
        self.store.setValue("view/neuron_heatmaps", bool(on))

    def _bool(self, key: str, default: bool) -> bool:
        raw = self.store.value(key, default)
        if isinstance(raw, str):  # an INI file gives "true"/"false" back as text
            return raw.lower() in ("1", "true", "yes")
        return bool(raw)

    def _float(self, key: str, default: float) -> float:
        raw = self.store.value(key, default)
        if not isinstance(raw, str | bytes | int | float):
            return default  # what float() refused with a TypeError
        try:
            return float(raw)
        except ValueError:
            return default

    def sync(self) -> None:
        self.store.sync()
