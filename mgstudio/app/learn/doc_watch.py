"""DocWatch moved to mgstudio.app.doc_watch (the inspector uses it too); kept importable here."""

from ..doc_watch import DocWatch

__all__ = ["DocWatch"]
