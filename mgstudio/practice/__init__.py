"""Practice: questions the app checks on the live graph, and misconception replays (issue 17).

Qt-free (an import-linter contract): ``answers`` reads and checks what a learner types (the
lesson exercises reuse it), ``predict`` walks a document asking for grads, forward values or
signs, ``replays`` runs the misconceptions on real engine Values. The window's side is
``mgstudio.app.practice``.
"""
