"""``micrograd.nn`` for programs: Module, Neuron, Layer and MLP, written in the subset the
interpreter runs, so a learner's ``from micrograd.nn import MLP`` builds its neurons through
the same machinery as their own classes (each call a group, weights named by their paths).

The behaviour is the PyPI package's, to the bit: weights ``random.uniform(-1, 1)`` drawn
layer by layer, neuron by neuron; biases 0; a neuron sums from its bias, ReLU unless
``nonlin=False``; every layer but the last is nonlinear; a one-neuron layer returns its Value.
tests/interpreter check it against the package itself. (``mgstudio.engine.nn`` is the same
model for the trainer, with a choice of activations; it runs as Python, not through here.)
"""

SOURCE = """
import random
from micrograd.engine import Value


class Module:
    def zero_grad(self):
        for p in self.parameters():
            p.grad = 0

    def parameters(self):
        return []


class Neuron(Module):
    def __init__(self, nin, nonlin=True):
        self.w = [Value(random.uniform(-1, 1)) for _ in range(nin)]
        self.b = Value(0)
        self.nonlin = nonlin

    def __call__(self, x):
        act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        if self.nonlin:
            return act.relu()
        return act

    def parameters(self):
        return self.w + [self.b]

    def __repr__(self):
        kind = "ReLU" if self.nonlin else "Linear"
        return f"{kind}Neuron({len(self.w)})"


class Layer(Module):
    def __init__(self, nin, nout, nonlin=True):
        self.neurons = [Neuron(nin, nonlin=nonlin) for _ in range(nout)]

    def __call__(self, x):
        outs = [n(x) for n in self.neurons]
        if len(outs) == 1:
            return outs[0]
        return outs

    def parameters(self):
        return [p for n in self.neurons for p in n.parameters()]

    def __repr__(self):
        inner = ", ".join(str(n) for n in self.neurons)
        return f"Layer of [{inner}]"


class MLP(Module):
    def __init__(self, nin, nouts):
        sizes = [nin] + nouts
        last = len(nouts) - 1
        self.layers = [Layer(sizes[i], sizes[i + 1], nonlin=i != last) for i in range(len(nouts))]

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self):
        inner = ", ".join(str(layer) for layer in self.layers)
        return f"MLP of [{inner}]"
"""
