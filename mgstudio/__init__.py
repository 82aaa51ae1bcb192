"""mgstudio: a desktop studio for learning backpropagation with micrograd-style Values."""

__version__ = "0.1.0"
