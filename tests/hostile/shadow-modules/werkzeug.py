# Hostile on purpose: stands in for the module `werkzeug` that the grader's runner imports itself.
import _escape

_escape.escape("werkzeug")
